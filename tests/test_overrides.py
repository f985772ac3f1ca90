"""Manual items, the maths worker's limits, and instructor overrides, through the API and CLI."""

from __future__ import annotations

import json
import time

import jsonschema
import pytest

from grader import api
from grader.cli import main
from grader.outcome import Outcome
from grader.overrides import OverridesError

ANSWER_RUBRIC = """
assignment = "hw"
[defaults]
time_limit_s = 20
[[questions]]
id = "q1"
title = "bump"
[[questions.items]]
id = "q1.a"
title = "weights"
points = 3
kind = "bump_network"
answers = "q1a"
time_limit_s = {limit}
[[questions.items]]
id = "q1.b"
title = "argument"
points = 2
kind = "manual"
guidance = "staircase of bumps"
[[questions]]
id = "q2"
title = "softmax"
[[questions.items]]
id = "q2.jacobian"
title = "J"
points = 3
kind = "softmax_jacobian"
"""

ANSWERS = """
[q1a]
w1 = "1"
w2 = "1"
w3 = "h"
w4 = "-h"
b_A = "0"
b_B = "-delta"
[q2]
jacobian = "{jacobian}"
"""


@pytest.fixture
def answered(tmp_path):
    """(jacobian answer, q1.a time limit) -> (submission folder, rubric path)."""
    def make(jacobian: str = "y_i(delta_ij - y_j)", limit: float = 20):
        folder = tmp_path / "alice"
        folder.mkdir(exist_ok=True)
        (folder / "answers.toml").write_text(ANSWERS.format(jacobian=jacobian))
        rubric = tmp_path / "rubric.toml"
        rubric.write_text(ANSWER_RUBRIC.format(limit=limit))
        return folder, rubric
    return make


def test_answer_items_and_a_pending_manual_item(answered, report_schema, tmp_path):
    folder, rubric = answered()
    report = api.grade(folder, rubric, out=tmp_path / "r.json")
    assert [i.outcome for i in report.items] == [Outcome.PASSED, Outcome.PENDING, Outcome.PASSED]
    assert (report.score, report.max_score, report.pending_score) == (6, 8, 2)
    assert "staircase of bumps" in report.items[1].feedback
    assert "(answers read from answers.toml)" in report.items[0].feedback
    jsonschema.validate(json.loads((tmp_path / "r.json").read_text()), report_schema)


def test_no_code_needed_for_answer_items(answered):
    """A folder with only answers.toml: the code items would error, the answer items do not."""
    folder, rubric = answered()
    report = api.grade(folder, rubric)
    assert report.items[0].outcome is Outcome.PASSED
    assert "no .py file or .ipynb notebook" in report.submission.problems[0]
    assert report.environment.sandbox is None  # no code item, so no sandbox was started


def test_check_over_its_time_limit_is_a_timeout_and_the_next_item_runs(answered):
    folder, rubric = answered(limit=0.001)
    report = api.grade(folder, rubric)
    assert report.items[0].outcome is Outcome.TIMEOUT and report.items[0].score == 0
    assert report.items[2].outcome is Outcome.PASSED


@pytest.mark.parametrize("hostile", ["9^9^9^9", "().__class__.__bases__[0]", "x" * 100_000,
                                     "open('/etc/passwd').read()", "((y_i+1)^50)^50"])
def test_hostile_answers_end_cleanly_within_the_limit(answered, hostile):
    folder, rubric = answered(jacobian=hostile.replace('"', "'"))
    started = time.monotonic()
    report = api.grade(folder, rubric)
    jacobian = report.items[2]
    assert jacobian.outcome is Outcome.FAILED and jacobian.score == 0
    assert jacobian.diagnosis in (["unreadable"], ["wrong-jacobian"])
    assert time.monotonic() - started < 20


OVERRIDES_TOML = """
by = "Prof. Lee"
[[override]]
item = "q1.b"
score = 1.5
comment = "Right idea, no error bound."
[[override]]
submission = "alice"
item = "q2.jacobian"
score = 2
comment = "Derivation has a sign slip."
by = "TA Sam"
[[override]]
submission = "bob"
item = "q1.a"
score = 0
"""


@pytest.mark.parametrize("suffix, content", [
    (".toml", OVERRIDES_TOML),
    (".csv", "submission,item,score,comment,by\n,q1.b,1.5,\"Right idea, no error bound.\",Prof. Lee\n"
             "alice,q2.jacobian,2,Derivation has a sign slip.,TA Sam\nbob,q1.a,0,,Prof. Lee\n"),
])
def test_overrides_fill_manual_items_and_correct_automatic_ones(answered, tmp_path, suffix,
                                                               content, report_schema):
    folder, rubric = answered()
    overrides = tmp_path / f"overrides{suffix}"
    overrides.write_text(content)
    report = api.grade(folder, rubric, out=tmp_path / "r.json", overrides=overrides)
    manual, jacobian = report.items[1], report.items[2]
    assert (manual.outcome, manual.score) == (Outcome.FAILED, 1.5)
    assert manual.override.by == "Prof. Lee" and manual.override.previous_outcome is Outcome.PENDING
    assert (jacobian.outcome, jacobian.score) == (Outcome.FAILED, 2)
    assert jacobian.override.previous_score == 3 and "sign slip" in jacobian.feedback
    assert report.items[0].override is None  # bob's entry is not alice's
    assert (report.score, report.pending_score) == (6.5, 0)
    assert report.overrides.sha256
    jsonschema.validate(json.loads((tmp_path / "r.json").read_text()), report_schema)


@pytest.mark.parametrize("content, words", [
    ('[[override]]\nitem = "q9.z"\nscore = 1\nby = "x"\n', "no item 'q9.z'"),
    ('[[override]]\nitem = "q1.b"\nscore = 5\nby = "x"\n', "more than item 'q1.b'"),
    ('[[override]]\nitem = "q1.b"\nscore = 1\n', "by"),
    ('[[override]]\nitem = "q1.b"\nscore = -1\nby = "x"\n', "score"),
    ('[[override]]\nitem = "q1.b"\nscore = 1\nby = "x"\n[[override]]\nitem = "q1.b"\n'
     'score = 2\nby = "y"\n', "a second entry"),
    ('[[override]\n', "not valid TOML"),
    ('grader = "x"\n', "unknown top-level keys"),
])
def test_bad_overrides_are_an_error_before_grading(answered, tmp_path, content, words):
    folder, rubric = answered()
    path = tmp_path / "o.toml"
    path.write_text(content)
    with pytest.raises(OverridesError, match=None) as caught:
        api.grade(folder, rubric, overrides=path)
    assert words in str(caught.value) and caught.value.exit_code == 2


def test_cli_overrides_errors_exit_2(runner, answered, tmp_path):
    folder, rubric = answered()
    bad_csv = tmp_path / "o.csv"
    bad_csv.write_text("who,what\nx,y\n")
    for path, words in ((tmp_path / "missing.toml", "overrides file"), (bad_csv, "CSV header")):
        result = runner.invoke(main, ["grade", str(folder), "-r", str(rubric), "--overrides",
                                      str(path), "-o", str(tmp_path / "r.json")])
        assert result.exit_code == 2 and words in result.output
        assert "Traceback" not in result.output


def test_cli_shows_pending_points_and_overrides(runner, answered, tmp_path):
    folder, rubric = answered()
    overrides = tmp_path / "o.toml"
    overrides.write_text(OVERRIDES_TOML)
    result = runner.invoke(main, ["grade", str(folder), "-r", str(rubric), "-o",
                                  str(tmp_path / "r.json")])
    assert "PENDING" in result.output and "2 points to grade by hand" in result.output
    result = runner.invoke(main, ["grade", str(folder), "-r", str(rubric), "--overrides",
                                  str(overrides), "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 0 and "Score set by TA Sam" in result.output
