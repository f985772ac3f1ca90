import json

import jsonschema
import pytest

from grader import api
from grader.outcome import Outcome
from grader.report.json_writer import write_json

from .conftest import GOOD_SIGMOID, REPO

HW1 = REPO / "rubrics" / "hw1.toml"


@pytest.mark.parametrize(
    "submission, expected",
    [
        ("seed", {"q1.a": Outcome.PASSED, "q1.b": Outcome.PENDING, "q1.c": Outcome.PENDING,
                  "q2.jacobian": Outcome.PASSED, "q4.names": Outcome.PASSED,
                  "q4.functions": Outcome.PASSED, "q4.init": Outcome.PASSED,
                  "q4.forward": Outcome.PASSED, "q4.gradient": Outcome.FAILED,
                  "q4.training": Outcome.PASSED}),
        ("solution", {"q1.a": Outcome.PASSED, "q1.b": Outcome.PENDING, "q1.c": Outcome.PENDING,
                      "q2.jacobian": Outcome.PASSED, "q4.names": Outcome.PASSED,
                      "q4.functions": Outcome.PASSED, "q4.init": Outcome.PASSED,
                      "q4.forward": Outcome.PASSED, "q4.gradient": Outcome.PASSED,
                      "q4.training": Outcome.PASSED}),
    ],
)
def test_example_submissions(tmp_path, report_schema, submission, expected, real_data):
    out = tmp_path / "report.json"
    report = api.grade(REPO / "submissions" / submission, HW1, out=out)
    assert {i.id: i.outcome for i in report.items} == expected
    data = json.loads(out.read_text())
    jsonschema.validate(data, report_schema)
    assert data["score"] == pytest.approx(sum(i["score"] for i in data["items"]))
    assert data["max_score"] == pytest.approx(sum(i["max_score"] for i in data["items"]))
    assert data["rubric"]["sha256"] and data["submission"]["sha256"]
    assert data["pending_score"] == 4


@pytest.mark.parametrize(
    "code, outcomes, diagnosis",
    [
        ("import numpy as np\n", [Outcome.FAILED, Outcome.FAILED], "missing-name"),
        ("def sigmoid(x:\n", [Outcome.ERROR, Outcome.ERROR], "load-error"),
        ("import numpy as np\ndef sigmoid(x):\n    return np.full_like(x, np.nan)\n",
         [Outcome.FAILED, Outcome.PASSED], "non-finite"),
        ("import numpy as np\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x.ravel()))\n",
         [Outcome.FAILED, Outcome.PASSED], "wrong-shape"),
        ("def sigmoid(x):\n    raise ValueError('nope')\n", [Outcome.FAILED, Outcome.PASSED],
         "raised-exception"),
        ("sigmoid = 3\n", [Outcome.FAILED, Outcome.FAILED], "wrong-kind"),
        ("def sigmoid(x, scale):\n    return x\n", [Outcome.FAILED, Outcome.PASSED],
         "wrong-signature"),
        ("def sigmoid(x):\n    return len(1)\n", [Outcome.FAILED, Outcome.PASSED],
         "raised-exception"),  # a TypeError inside the function is not a signature problem
        (GOOD_SIGMOID, [Outcome.PASSED, Outcome.PASSED], None),
    ],
)
def test_verdicts(write_py, small_rubric, report_schema, code, outcomes, diagnosis):
    report = api.grade(write_py(code), small_rubric())
    assert [i.outcome for i in report.items] == outcomes
    if diagnosis:
        assert diagnosis in {d for i in report.items for d in i.diagnosis}
    jsonschema.validate(json.loads(report.model_dump_json()), report_schema)
    for item in report.items:
        if item.outcome is Outcome.PASSED:
            assert item.score == item.max_score
        if item.outcome in (Outcome.ERROR, Outcome.TIMEOUT):
            assert item.score == 0


def test_unreadable_submission_gives_error_items(tmp_path, small_rubric):
    path = tmp_path / "hw1.ipynb"
    path.write_text("{broken")
    report = api.grade(path, small_rubric())
    assert {i.outcome for i in report.items} == {Outcome.ERROR}
    assert "not a readable notebook" in report.items[0].feedback


def test_definitions_mode_does_not_train(write_notebook, small_rubric):
    path = write_notebook([GOOD_SIGMOID, "import time\nfor epoch in range(50):\n    time.sleep(10)"])
    report = api.grade(path, small_rubric("definitions", 3))
    assert [i.outcome for i in report.items] == [Outcome.PASSED, Outcome.PASSED]


def test_full_mode_runs_top_level_code(write_notebook, small_rubric):
    path = write_notebook([GOOD_SIGMOID, "import time\nfor epoch in range(50):\n    time.sleep(10)"])
    report = api.grade(path, small_rubric("full", 2))
    assert [i.outcome for i in report.items] == [Outcome.TIMEOUT, Outcome.TIMEOUT]


def test_check_runs_visible_items_only(write_py, small_rubric):
    rubric = small_rubric()
    text = rubric.read_text().replace('points = 1\n', 'points = 1\nvisibility = "hidden"\n')
    rubric.write_text(text)
    report = api.check(write_py(GOOD_SIGMOID), rubric)
    assert [i.id for i in report.items] == ["t.sigmoid"]


def test_report_write_is_atomic_and_reports_bad_paths(write_py, small_rubric, tmp_path):
    from grader.errors import OutputError

    report = api.grade(write_py(GOOD_SIGMOID), small_rubric())
    target = tmp_path / "deep" / "r.json"
    write_json(report, target)
    assert json.loads(target.read_text())["score"] == report.score
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match="cannot write"):
        write_json(report, blocker / "r.json")


def test_seed_notebook_gradient_bug_is_named_and_localised(real_data):
    report = api.grade(REPO / "submissions" / "seed", HW1)
    gradient = next(i for i in report.items if i.id == "q4.gradient")
    assert gradient.diagnosis == ["layer1-uses-dsigmoid-u2"]
    assert "W1 and b1 are wrong; W2, W3, b2 and b3 are right" in gradient.feedback
