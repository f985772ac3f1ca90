"""The written-answer checks: Q1a's bump network and Q2's softmax Jacobian, by meaning."""

from __future__ import annotations

import pytest

from grader.checks.bump import BumpCheck
from grader.checks.jacobian import SoftmaxJacobianCheck
from grader.outcome import Outcome
from grader.rubric.model import BumpItem, SoftmaxJacobianItem

BUMP = BumpItem(id="q1.a", title="bump", points=3, kind="bump_network", answers="q1a")
JACOBIAN = SoftmaxJacobianItem(id="q2.jacobian", title="J", points=3, kind="softmax_jacobian")


def _weights(w1="1", w2="1", w3="h", w4="-h", b_A="0", b_B="-delta", **extra):
    return {"w1": w1, "w2": w2, "w3": w3, "w4": w4, "b_A": b_A, "b_B": b_B, **extra}


# (label, answers, outcome, fraction, diagnosis)
BUMP_CASES = [
    ("textbook", _weights(), Outcome.PASSED, 1.0, None),
    ("latex", _weights(b_B=r"-\delta"), Outcome.PASSED, 1.0, None),
    ("neurons swapped", _weights(w3="-h", w4="h", b_A="-delta", b_B="0"), Outcome.PASSED, 1.0, None),
    ("inputs scaled", _weights(w1="2", w2="1/delta", b_B="-1"), Outcome.PASSED, 1.0, None),
    ("mirrored", _weights(w1="-1", w2="-1", b_A="delta", b_B="0"), Outcome.PASSED, 1.0, None),
    ("keys in another case", {"W1": "1", "W2": "1", "W3": "h", "W4": "-h", "B_A": "0",
                              "B_B": "-delta"}, Outcome.PASSED, 1.0, None),
    ("height 1", _weights(w3="1", w4="-1"), Outcome.FAILED, 0.5, "wrong-height"),
    ("height 2h", _weights(w3="2h", w4="-2h"), Outcome.FAILED, 0.5, "wrong-height"),
    ("upside down", _weights(w3="-h", w4="h"), Outcome.FAILED, 0.5, "wrong-sign"),
    ("second step at -delta", _weights(b_B="delta"), Outcome.FAILED, 0.25, "wrong-step-position"),
    ("first step at delta/100", _weights(b_A="-delta/100"), Outcome.FAILED, 0.25,
     "wrong-step-position"),
    ("steps add up", _weights(w4="h"), Outcome.FAILED, 0.0, "not-a-bump"),
    ("one neuron dead", _weights(w2="0", b_B="0"), Outcome.FAILED, 0.25, "wrong-step-position"),
    ("sigmoid with scale k", _weights(w1="k", w2="k", b_B="-k delta", activation="sigmoid"),
     Outcome.PASSED, 1.0, None),
    ("sigmoid, step moves to 0 as k grows", _weights(w1="k", w2="k", b_A="-1", b_B="-k delta",
                                                     activation="sigmoid"), Outcome.PASSED, 1.0, None),
    ("sigmoid, k without delta", _weights(w1="k", w2="k", b_B="-k", activation="sigmoid"),
     Outcome.FAILED, 0.25, "wrong-step-position"),
    ("sigmoid, steep finite", _weights(w1="1000/delta", w2="1000/delta", b_B="-1000",
                                       activation="sigmoid"), Outcome.PASSED, 1.0, None),
    ("sigmoid, scale 50", _weights(w1="50", w2="50", b_B="-50 delta", activation="sigmoid"),
     Outcome.FAILED, 0.5, "not-steep-enough"),
    ("sigmoid, scale 1", _weights(activation="sigmoid"), Outcome.FAILED, 0.0, "not-steep-enough"),
    ("unknown activation", _weights(activation="relu"), Outcome.FAILED, 0.0, "unreadable"),
    ("a weight missing", {"w1": "1"}, Outcome.FAILED, 0.0, "missing-answer"),
    ("no answers at all", {}, Outcome.FAILED, 0.0, "missing-answer"),
    ("unreadable weight", _weights(b_B="-delta("), Outcome.FAILED, 0.0, "unreadable"),
    ("hostile weight", _weights(w1="().__class__"), Outcome.FAILED, 0.0, "unreadable"),
    ("weight in terms of x", _weights(w3="h x"), Outcome.FAILED, 0.0, "unreadable"),
]


@pytest.mark.parametrize("label, answers, outcome, fraction, diagnosis", BUMP_CASES,
                         ids=[c[0] for c in BUMP_CASES])
def test_bump(label, answers, outcome, fraction, diagnosis):
    verdict = BumpCheck().judge_answers(BUMP, answers)
    assert (verdict.outcome, verdict.fraction) == (outcome, fraction), verdict.feedback
    assert verdict.diagnosis == ((diagnosis,) if diagnosis else ())
    if diagnosis not in ("missing-answer", "unreadable"):
        assert "Read as: w1 = " in verdict.feedback


def test_bump_partial_credit_comes_from_the_rubric():
    item = BUMP.model_copy(update={"partial_credit": {"wrong-height": 0.8}})
    verdict = BumpCheck().judge_answers(item, _weights(w3="1", w4="-1"))
    assert verdict.fraction == 0.8


JACOBIAN_CASES = [
    ("y_i(delta_ij - y_j)", Outcome.PASSED, 1.0, None),
    ("y_i*delta_ij - y_i*y_j", Outcome.PASSED, 1.0, None),
    ("delta_ij*y_j - y_i*y_j", Outcome.PASSED, 1.0, None),
    ("y_j(delta_ij - y_i)", Outcome.PASSED, 1.0, None),
    ("delta(i,j) y_i - y_i y_j", Outcome.PASSED, 1.0, None),
    ("KroneckerDelta(i,j)*y_i - y_i*y_j", Outcome.PASSED, 1.0, None),
    ("diag(y) - y y^T", Outcome.PASSED, 1.0, None),
    (r"J_{ij} = y_{i}\left(\delta_{ij} - y_{j}\right)", Outcome.PASSED, 1.0, None),
    (r"\mathrm{diag}(y) - y y^{\top}", Outcome.PASSED, 1.0, None),
    (r"y_i \cdot (\delta_{ij} - y_j)", Outcome.PASSED, 1.0, None),
    ("y_i(delta_ij + y_j)", Outcome.FAILED, 0.5, "sign-offdiag"),
    ("y_i delta_ij - 2 y_i^2 delta_ij + y_i y_j", Outcome.FAILED, 0.5, "sign-offdiag"),
    ("y_i(1 - y_j)", Outcome.FAILED, 0.5, "one-instead-of-delta"),
    ("-y_i y_j", Outcome.FAILED, 0.5, "missing-diagonal"),
    ("-y y^T", Outcome.FAILED, 0.5, "missing-diagonal"),
    ("y_i", Outcome.FAILED, 0.0, "wrong-jacobian"),
    ("y_i delta_ij", Outcome.FAILED, 0.0, "wrong-jacobian"),
    ("y y^T", Outcome.FAILED, 0.0, "wrong-jacobian"),
    ("diag(y) - y^T y", Outcome.FAILED, 0.0, "unreadable"),
    ("y_i(delta_ij - y_j", Outcome.FAILED, 0.0, "unreadable"),
    (r"\partial y_i / \partial z_j", Outcome.FAILED, 0.0, "unreadable"),
    ("y_i - y_j", Outcome.FAILED, 0.0, "wrong-jacobian"),
    ("open('/etc/passwd')", Outcome.FAILED, 0.0, "unreadable"),
    ("x" * 100_000, Outcome.FAILED, 0.0, "unreadable"),
]


@pytest.mark.parametrize("answer, outcome, fraction, diagnosis", JACOBIAN_CASES,
                         ids=[c[0][:30] for c in JACOBIAN_CASES])
def test_jacobian(answer, outcome, fraction, diagnosis):
    verdict = SoftmaxJacobianCheck().judge_answers(JACOBIAN, {"jacobian": answer})
    assert (verdict.outcome, verdict.fraction) == (outcome, fraction), verdict.feedback
    assert verdict.diagnosis == ((diagnosis,) if diagnosis else ())


def test_jacobian_says_which_case_is_wrong_and_how_it_was_read():
    answer = "y_i delta_ij - y_i^2 delta_ij"  # right on the diagonal, 0 off it
    verdict = SoftmaxJacobianCheck().judge_answers(JACOBIAN, {"jacobian": answer})
    assert "off-diagonal (i != j) entries are wrong" in verdict.feedback
    assert "diagonal (i = j) entries are right" in verdict.feedback
    assert "Read as: J_ij = -delta_ij*y_i**2 + delta_ij*y_i" in verdict.feedback


def test_jacobian_missing_key():
    verdict = SoftmaxJacobianCheck().judge_answers(JACOBIAN, {"other": "y_i"})
    assert verdict.diagnosis == ("missing-answer",) and 'Q2_JACOBIAN = "..."' in verdict.feedback
