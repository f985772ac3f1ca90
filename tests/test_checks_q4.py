"""Q4 checks on a table of submissions: the template right, and with each usual mistake.

Every row is graded for real: the sandbox, the reference, and (for q4.training) one epoch
on the real MNIST images, timed against the reference's own epoch.
"""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from grader import api
from grader.cli import main
from grader.outcome import Outcome

from . import q4_variants as v
from .conftest import REPO

P, F, E, T = Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT
ITEMS = ("q4.names", "q4.functions", "q4.init", "q4.forward", "q4.gradient", "q4.training")


def _q4_rubric(path, **training):
    data = tomllib.loads((REPO / "rubrics" / "hw1.toml").read_text())
    data["questions"] = [q for q in data["questions"] if q["id"] == "q4"]
    data["submission"] = {"files": ["hw1.py"], "preload": ["numpy"]}
    for item in data["questions"][0]["items"]:
        if item["kind"] == "mlp_training":
            item.update(training)
    path.write_text(tomli_w.dumps(data))
    return path


@pytest.fixture(scope="module")
def q4_rubric(tmp_path_factory):
    return _q4_rubric(tmp_path_factory.mktemp("rubric") / "q4.toml")


# (submission, outcome per item in ITEMS, {item: diagnosis it must report})
TABLE = [
    ("template", v.TEMPLATE, (P, P, P, P, P, P), {}),
    ("vectorised rewrite", v.VECTORISED, (P, P, P, P, P, P), {}),
    ("seed's layer-1 bug", v.SEED_BUG, (P, P, P, P, F, P),
     {"q4.gradient": "layer1-uses-dsigmoid-u2"}),
    ("biases never updated", v.BIAS_NOT_UPDATED, (P, P, P, P, F, P),
     {"q4.gradient": "bias-not-updated"}),
    ("gradient ascent", v.GRADIENT_ASCENT, (P, P, P, P, F, F),
     {"q4.gradient": "update-sign", "q4.training": "low-accuracy"}),
    ("missing sigma'", v.MISSING_DSIGMOID, (P, P, P, P, F, F),
     {"q4.gradient": "missing-dsigmoid"}),
    ("transposed W2 gradient", v.TRANSPOSED, (P, P, P, P, F, P),
     {"q4.gradient": "transposed-gradient"}),
    ("learning rate ignored", v.LR_IGNORED, (P, P, P, P, F, F),
     {"q4.gradient": "learning-rate-ignored"}),
    ("init std 1", v.INIT_STD_1, (P, P, F, P, P, P), {"q4.init": "init-std"}),
    ("softmax without max-shift", v.SOFTMAX_NO_SHIFT, (P, F, P, P, P, P),
     {"q4.functions": "softmax-overflow"}),
    ("train_one_sample missing", v.MISSING_FUNCTION, (F, P, P, P, F, F),
     {"q4.names": "missing-name", "q4.gradient": "missing-name",
      "q4.training": "raised-exception"}),
    ("forward raises", v.FORWARD_RAISES, (P, P, P, F, P, P),
     {"q4.forward": "raised-exception"}),
    ("softmax returns NaN", v.SOFTMAX_NAN, (P, F, P, F, F, F),
     {"q4.functions": "non-finite", "q4.forward": "non-finite", "q4.gradient": "non-finite",
      "q4.training": "diverged"}),
    ("one-hot of the wrong shape", v.ONE_HOT_ROW, (P, F, P, P, P, P),
     {"q4.functions": "wrong-shape"}),
]


@pytest.mark.parametrize("label, code, outcomes, diagnoses", TABLE, ids=[t[0] for t in TABLE])
def test_q4_submission(label, code, outcomes, diagnoses, q4_rubric, write_py, real_data):
    report = api.grade(write_py(code).parent, q4_rubric)
    got = {item.id: item for item in report.items}
    assert tuple(got[i].outcome for i in ITEMS) == outcomes, \
        {i: (got[i].outcome.value, got[i].feedback[:300]) for i in ITEMS}
    for item, diagnosis in diagnoses.items():
        assert diagnosis in got[item].diagnosis, got[item].feedback


def test_seed_bug_is_localised_to_w1_and_b1(q4_rubric, write_py, real_data):
    report = api.grade(write_py(v.SEED_BUG).parent, q4_rubric)
    gradient = next(i for i in report.items if i.id == "q4.gradient")
    assert "W1 and b1 are wrong; W2, W3, b2 and b3 are right" in gradient.feedback
    assert 0 < gradient.score < gradient.max_score  # partial credit for the four right tensors


def test_wrong_signature_is_named(q4_rubric, write_py, real_data):
    code = v.variant(("def train_one_sample(sample, y, learning_rate=0.003):",
                      "def train_one_sample(sample, y):\n    learning_rate = 0.003"))
    report = api.grade(write_py(code).parent, q4_rubric)
    gradient = next(i for i in report.items if i.id == "q4.gradient")
    assert gradient.outcome is F and gradient.diagnosis == ["wrong-signature"]


def test_training_over_its_budget_is_a_timeout(tmp_path, write_py, real_data):
    rubric = _q4_rubric(tmp_path / "tight.toml", time_multiple=0.01)
    report = api.grade(write_py(v.TEMPLATE).parent, rubric)
    training = next(i for i in report.items if i.id == "q4.training")
    assert training.outcome is T and training.diagnosis == ["training-budget"]
    assert "reference's" in training.feedback and "training split not found" in training.feedback


def test_training_feedback_names_the_data_split(q4_rubric, write_py, real_data):
    report = api.grade(write_py(v.TEMPLATE).parent, q4_rubric)
    training = next(i for i in report.items if i.id == "q4.training")
    assert "first 8,000 test-split images" in training.feedback
    assert "budget" in training.feedback and "held-out accuracy" in training.feedback


def test_rubric_needing_data_without_data_exits_2_before_grading(runner, q4_rubric, write_py,
                                                                monkeypatch, tmp_path):
    monkeypatch.delenv("GRADER_DATA_DIR", raising=False)
    result = runner.invoke(main, ["grade", str(write_py(v.TEMPLATE).parent), "-r", str(q4_rubric),
                                  "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 2 and "mnist test data not found" in result.output
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("scale, top", [("unit", 1.0), ("raw", 255.0)])
def test_training_data_scale_and_budget(scale, top):
    """The images the student trains on, and the budget from the reference's own epoch."""
    import numpy as np

    from grader.checks.mlp_training import prepare
    from grader.data.datasets import Split, TrainTest
    from grader.rubric.model import MlpTrainingItem

    rng = np.random.default_rng(0)
    images = np.full((300, 28, 28), 255, dtype=np.uint8)
    labels = rng.integers(0, 10, 300).astype(np.uint8)
    data = TrainTest("mnist", Split(images[:200], labels[:200], "train"),
                     Split(images[200:], labels[200:], "test"), "tiny split", ())
    item = MlpTrainingItem(id="q4.training", title="t", points=1, kind="mlp_training",
                           train_samples=150, test_samples=100, input_scale=scale,
                           time_multiple=7.0)
    prepared = prepare(item, data)
    assert prepared.x_train.shape == (150, 28, 28) and prepared.x_train.max() == top
    assert prepared.x_test.shape == (100, 28, 28) and prepared.y_train.dtype == np.int64
    assert prepared.budget_s == pytest.approx(7.0 * prepared.reference_seconds)
    assert "tiny split" in prepared.data_split and "150 training" in prepared.data_split


def test_cli_data_dir_option(runner, q4_rubric, write_py, real_data, monkeypatch, tmp_path):
    monkeypatch.delenv("GRADER_DATA_DIR", raising=False)
    result = runner.invoke(main, ["check", str(write_py(v.TEMPLATE).parent), "-r",
                                  str(q4_rubric), "--data-dir", str(real_data)])
    assert result.exit_code == 0, result.output
    assert "PASS    q4.training" in result.output
