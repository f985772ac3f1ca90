import json

import pytest

from grader import __version__
from grader.cli import main

from .conftest import GOOD_SIGMOID, REPO


def test_grade_writes_report_and_exits_0(runner, write_py, small_rubric, tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(main, ["grade", str(write_py("x = 1\n")), "-r", str(small_rubric()),
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "FAIL" in result.output
    assert json.loads(out.read_text())["score"] == 0


@pytest.mark.parametrize("code, exit_code", [(GOOD_SIGMOID, 0), ("x = 1\n", 1)])
def test_check_exit_code(runner, write_py, small_rubric, code, exit_code):
    result = runner.invoke(main, ["check", str(write_py(code)), "-r", str(small_rubric())])
    assert result.exit_code == exit_code, result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["grade", "no/such/path.py", "-r", str(REPO / "rubrics" / "hw1.toml")],
         "submission not found"),
        (["grade", str(REPO / "submissions" / "seed"), "-r", "no/such/rubric.toml"],
         "rubric not found"),
        (["rubric", "validate", str(REPO / "tests" / "conftest.py")], "not valid TOML"),
    ],
)
def test_user_errors_exit_2_without_traceback(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_unwritable_output_exits_2(runner, write_py, small_rubric, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(main, ["grade", str(write_py(GOOD_SIGMOID)), "-r",
                                  str(small_rubric()), "--out", str(blocker / "r.json")])
    assert result.exit_code == 2 and "cannot write" in result.output


@pytest.mark.parametrize("command", [[], ["grade"], ["check"], ["rubric"], ["rubric", "validate"],
                                     ["rubric", "schema"], ["report"], ["report", "schema"],
                                     ["reference", "run"], ["data", "locate"]])
def test_help(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_version(runner):
    assert __version__ in runner.invoke(main, ["--version"]).output


def test_validate_and_schemas(runner):
    result = runner.invoke(main, ["rubric", "validate", str(REPO / "rubrics" / "hw1.toml")])
    assert result.exit_code == 0 and "valid" in result.output
    for group in ("rubric", "report"):
        schema = json.loads(runner.invoke(main, [group, "schema"]).output)
        assert schema["additionalProperties"] is False


def test_internal_error_exits_3(runner, monkeypatch, write_py, small_rubric):
    from grader import api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "grade", broken)
    result = runner.invoke(main, ["grade", str(write_py(GOOD_SIGMOID)), "-r", str(small_rubric())])
    assert result.exit_code == 3 and "internal error" in result.output
