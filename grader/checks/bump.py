"""Q1a: does f(x) = w3 act(w1 x + b_A) + w4 act(w2 x + b_B) equal h on (0, delta), 0 elsewhere?

Step activation: exact step positions (-b/w must be {0, delta}) plus the values at points
away from the edges for several positive (h, delta), so every equivalent answer passes
(neurons swapped, inputs scaled, mirrored). Sigmoid with a scale symbol k: the same, in the
limit k -> oo. Sigmoid with finite weights: the worst error away from the edges, credited by
the rubric's bands. A wrong answer is classified: wrong step position, height, sign, or not a
bump at all.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from grader.checks.answers import lookup, missing_answers, read_all, unreadable
from grader.maths.vocabulary import BUMP, delta, h, k, x
from grader.outcome import Verdict
from grader.rubric.model import BumpItem, BumpMistake

WEIGHTS = ["w1", "w2", "w3", "w4", "b_A", "b_B"]
ACTIVATIONS = {"step": "step", "heaviside": "step", "threshold": "step", "sign": "step",
               "sigmoid": "sigmoid", "logistic": "sigmoid", "sigma": "sigmoid"}
# (h, delta) pairs the shape is checked at; the scale k, where used, is taken large.
DRAWS = [(1.0, 1.0), (2.5, 0.7), (0.3, 4.0), (7.0, 0.05)]
LARGE_K = 1e9
EDGE_GAP = 0.05  # points closer than this share of delta to an edge are not judged
_INSIDE = np.linspace(EDGE_GAP, 1 - EDGE_GAP, 19)
_OUTSIDE = np.concatenate([np.linspace(-3, -EDGE_GAP, 12), np.linspace(1 + EDGE_GAP, 4, 12)])


class BumpCheck:
    def judge_answers(self, item: BumpItem, answers: dict[str, str]) -> Verdict:
        section = item.section
        texts, missing = lookup(answers, WEIGHTS)
        if missing:
            return missing_answers(section, missing)
        activation = ACTIVATIONS.get(answers.get("activation", "step").strip().lower())
        if activation is None:
            return Verdict.failed(0.0, f"Unknown activation {answers['activation']!r}: write "
                                  "activation = \"step\" or \"sigmoid\".", "unreadable")
        read, problems = read_all(texts, BUMP)
        if problems:
            return unreadable(problems)
        weights = {name: read[name].expr for name in WEIGHTS}
        depends = [name for name in WEIGHTS if x in weights[name].free_symbols]
        if depends:
            return Verdict.failed(0.0, f"{', '.join(depends)} depend on x: weights and biases are "
                                  "numbers or expressions in h, delta (and k), not in the input.",
                                  "unreadable")
        shown = "Read as: " + ", ".join(f"{n} = {read[n].shown}" for n in WEIGHTS) + \
                f" ({activation} activation)."
        if activation == "step" or k in _free(weights):
            return _judge_limit(item, weights, activation, shown)
        return _judge_finite_sigmoid(item, weights, shown)


def _free(weights: dict[str, sp.Expr]) -> set[sp.Symbol]:
    return set().union(*(w.free_symbols for w in weights.values()))


def _numbers(weights: dict[str, sp.Expr], height: float, width: float, scale: float) -> dict:
    values = {h: height, delta: width, k: scale}
    return {name: float(sp.N(w.subs(values))) for name, w in weights.items()}


def _network(w: dict[str, float], xs: np.ndarray, activation: str) -> np.ndarray:
    def act(t: np.ndarray) -> np.ndarray:
        if activation == "step":
            return (t > 0).astype(float)
        return 0.5 * (1 + np.tanh(t / 2))  # the logistic function, without overflow
    with np.errstate(over="ignore", invalid="ignore"):
        return w["w3"] * act(w["w1"] * xs + w["b_A"]) + w["w4"] * act(w["w2"] * xs + w["b_B"])


def _shape(weights: dict[str, sp.Expr], activation: str) -> BumpMistake | None | str:
    """None if f is the bump at every draw; else the mistake (or 'height:<value>' details)."""
    verdicts = set()
    for height, width in DRAWS:
        w = _numbers(weights, height, width, LARGE_K)
        if not all(np.isfinite(list(w.values()))):
            return BumpMistake.NOT_A_BUMP
        inside = _network(w, _INSIDE * width, activation)
        outside = _network(w, _OUTSIDE * width, activation)
        tol = 1e-6 * max(1.0, abs(height))
        if not (np.all(np.abs(outside) <= tol) and np.ptp(inside) <= tol):
            return BumpMistake.NOT_A_BUMP
        level = float(inside.mean())
        if abs(level - height) <= tol:
            verdicts.add(None)
        elif abs(level + height) <= tol:
            verdicts.add(BumpMistake.WRONG_SIGN)
        else:
            verdicts.add(BumpMistake.WRONG_HEIGHT)
    if len(verdicts) == 1:
        return verdicts.pop()
    return BumpMistake.WRONG_HEIGHT  # right for some (h, delta) only, e.g. w3 = 1


def _positions_exact(weights: dict[str, sp.Expr]) -> bool:
    """The two steps sit at exactly 0 and delta (in the limit k -> oo, if k is used)."""
    positions = []
    for w, b in (("w1", "b_A"), ("w2", "b_B")):
        if weights[w] == 0:
            return False
        position = sp.simplify(-weights[b] / weights[w])
        if k in position.free_symbols:
            position = sp.limit(position, k, sp.oo)
        positions.append(position)
    targets = [sp.Integer(0), delta]
    return any(sp.simplify(positions[0] - a) == 0 and sp.simplify(positions[1] - b) == 0
               for a, b in (targets, targets[::-1]))


def _judge_limit(item: BumpItem, weights: dict[str, sp.Expr], activation: str,
                 shown: str) -> Verdict:
    """A step network, or a sigmoid network judged in the limit of its scale k."""
    mistake = _shape(weights, activation)
    positions_ok = _positions_exact(weights)
    limit_note = " (judged in the limit k -> oo)" if activation == "sigmoid" else ""
    if mistake is None and positions_ok:
        return Verdict.passed(f"Correct: f(x) is h on 0 < x < delta and 0 elsewhere"
                              f"{limit_note}. {shown}")
    return _wrong(item, mistake, positions_ok, f"{limit_note}. {shown}")


def _wrong(item: BumpItem, mistake: BumpMistake | None, positions_ok: bool, note: str) -> Verdict:
    """A misplaced step explains a shape that is not a bump, and a right shape that fails the
    exact position check (a step at 0.01 delta looks right between the sampled points)."""
    if mistake is None or (mistake is BumpMistake.NOT_A_BUMP and not positions_ok):
        mistake = BumpMistake.WRONG_STEP_POSITION
    return Verdict.failed(item.partial_credit.get(mistake, 0.0), _EXPLAIN[mistake] + note,
                          mistake.value)


def _judge_finite_sigmoid(item: BumpItem, weights: dict[str, sp.Expr], shown: str) -> Verdict:
    """Finite sigmoid weights: the steps must be placed right; steepness earns the credit."""
    mistake = _shape(weights, "step")
    positions_ok = _positions_exact(weights)
    if mistake is not None or not positions_ok:
        return _wrong(item, mistake, positions_ok, f" (the same weights with a step). {shown}")
    w = _numbers(weights, 1.0, 1.0, 1.0)  # finite weights are judged at h = delta = 1
    xs = np.concatenate([_INSIDE, _OUTSIDE])
    worst = float(np.max(np.abs(_network(w, xs, "sigmoid") - ((xs > 0) & (xs < 1)))))
    for band in sorted(item.sigmoid_bands, key=lambda b: b.max_error):
        if worst <= band.max_error:
            if band.credit >= 1.0:
                return Verdict.passed(f"Correct: the sigmoids are steep enough (worst error "
                                      f"{worst:.2%} of h at h = delta = 1, away from the "
                                      f"edges). {shown}")
            return Verdict.failed(band.credit, f"The steps are in the right places, but the "
                                  f"sigmoids are not steep enough: worst error {worst:.2%} of h "
                                  f"(h = delta = 1, at >= 5% of delta from the edges). Scale "
                                  f"the inputs by a large k. {shown}", "not-steep-enough")
    return Verdict.failed(0.0, f"The steps are in the right places, but the sigmoids are far "
                          f"from steps: worst error {worst:.0%} of h. Scale w1, w2, b_A, b_B by "
                          f"a large k. {shown}", "not-steep-enough")


_EXPLAIN = {
    BumpMistake.WRONG_STEP_POSITION: "The steps are not at x = 0 and x = delta "
                                     "(a neuron switches at x = -b/w)",
    BumpMistake.WRONG_HEIGHT: "The steps are in the right places but the bump's height is not h",
    BumpMistake.WRONG_SIGN: "The network gives -h on 0 < x < delta: a sign is flipped "
                            "(check w3 and w4)",
    BumpMistake.NOT_A_BUMP: "f(x) is not 0 outside (0, delta) or not constant inside: "
                            "this is not a bump",
}
