"""`mlp_gradient`: recover the gradient a student's `train_one_sample` applies, tensor by tensor.

The grader sets `weights`/`biases` to its own float64 values (Xavier-scaled weights, non-zero
biases), calls `train_one_sample(sample, label, learning_rate)`, reads the parameters back
and divides the change by the learning rate. Each of W1..b3 is compared with the reference
backprop (relative error) and with finite differences of the loss (sampled entries and
random zero-mean directional derivatives), at several points so a bug cannot hide at one.
A wrong gradient is then matched against known mistakes (reference/q4_mistakes.py).
"""

from __future__ import annotations

import numpy as np

from grader.checks.base import CheckContext, CodeCheck, load_notes
from grader.checks.mlp_params import (
    TENSORS,
    grader_parameters,
    grader_samples,
    listing,
    read_parameters,
)
from grader.outcome import Verdict
from grader.rubric.model import MlpGradientItem
from grader.sandbox.runner import Assign, Call, Get, RunResult
from reference import q4_numpy
from reference.q4_mistakes import MISTAKES

FUNCTION = "train_one_sample"
STEPS_PER_POINT = 4
FD_EPS = 1e-6
FD_ENTRIES = 5
FD_DIRECTIONS = 2
FD_TOLERANCE = 1e-5


def _point(item: MlpGradientItem, index: int):
    weights, biases = grader_parameters(item.seed + 10 * index)
    samples, labels = grader_samples(item.seed + 10 * index + 1, 1)
    return weights, biases, samples[0], int(labels[0])


class MlpGradientCheck(CodeCheck):
    needs = ("weights", "biases")

    def steps(self, item: MlpGradientItem, context: CheckContext) -> list:
        steps = []
        for index in range(item.test_points):
            weights, biases, sample, label = _point(item, index)
            steps += [Assign("weights", weights), Assign("biases", biases),
                      Call(FUNCTION, (sample, label, item.learning_rate)),
                      Get(("weights", "biases"))]
        return steps

    def judge(self, item: MlpGradientItem, run: RunResult, context: CheckContext) -> Verdict:
        recovered, truths = [], []
        for index in range(item.test_points):
            weights, biases, sample, label = _point(item, index)
            call, got = run.steps[STEPS_PER_POINT * index + 2: STEPS_PER_POINT * index + 4]
            problem = _call_problem(call)
            if problem:
                return Verdict.failed(0.0, problem[0] + load_notes(run), problem[1])
            values = got.value if got.kind == "ok" and isinstance(got.value, dict) else {}
            after_w, after_b, shape_problem = read_parameters(values.get("weights"),
                                                              values.get("biases"))
            if shape_problem:
                return Verdict.failed(0.0, f"After {FUNCTION}: {shape_problem}"
                                      + load_notes(run), "wrong-shape")
            student = [(before - after) / item.learning_rate
                       for before, after in zip(weights + biases, after_w + after_b)]
            if not all(np.all(np.isfinite(g)) for g in student):
                return Verdict.failed(0.0, f"{FUNCTION} made the parameters NaN or infinite.",
                                      "non-finite")
            recovered.append(student)
            truths.append((weights, biases, sample, label))
        return _verdict(item, recovered, truths, run)


def _call_problem(call) -> tuple[str, str] | None:
    if call.kind == "missing":
        return f"`{FUNCTION}` is not defined", "missing-name"
    if call.kind == "raised":
        if call.signature_error:
            return (f"`{FUNCTION}(sample, label, learning_rate)` cannot be called: "
                    f"{call.message}", "wrong-signature")
        return f"{FUNCTION} raised {call.message}", "raised-exception"
    return None


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)), 1e-300)
    return float(np.linalg.norm(a - b)) / scale


def _verdict(item: MlpGradientItem, recovered, truths, run: RunResult) -> Verdict:
    wrong: set[str] = set()
    worst = dict.fromkeys(TENSORS, 0.0)
    references = []
    for student, (weights, biases, sample, label) in zip(recovered, truths):
        grad_w, grad_b = q4_numpy.gradients(weights, biases, sample, label)
        reference = grad_w + grad_b
        references.append(reference)
        if not all(_finite_differences_agree(reference, reference, weights, biases, sample,
                                             label)):
            return Verdict.error("The grader's reference gradient failed its own "
                                 "finite-difference check; please report this.", "check-error")
        oracle_ok = _finite_differences_agree(student, reference, weights, biases, sample, label)
        for name, mine, theirs, fd_ok in zip(TENSORS, student, reference, oracle_ok):
            error = _relative(mine, theirs)
            worst[name] = max(worst[name], error)
            if error > item.tolerance or not fd_ok:
                wrong.add(name)
    errors = ", ".join(f"{n} {worst[n]:.1e}" for n in TENSORS)
    if not wrong:
        return Verdict.passed(f"All six gradients match the reference backprop and finite "
                              f"differences at {item.test_points} points (largest relative "
                              f"errors: {errors})." + load_notes(run))
    right = [n for n in TENSORS if n not in wrong]
    where = (f"{listing(sorted(wrong, key=TENSORS.index))} "
             f"{'is' if len(wrong) == 1 else 'are'} wrong"
             + (f"; {listing(right)} {'is' if len(right) == 1 else 'are'} right" if right else ""))
    named = _name_mistake(item, recovered, truths, references)
    explained = f" This looks like: {_EXPLAIN[named]}." if named in _EXPLAIN else ""
    fraction = item.partial_credit * len(right) / len(TENSORS)
    return Verdict.failed(fraction, f"Gradients: {where} (largest relative errors: {errors})."
                          f"{explained}" + load_notes(run), named or "wrong-gradient")


def _finite_differences_agree(student, reference, weights, biases, sample, label) -> list[bool]:
    """Per tensor: do the student's entries and directional derivatives match central
    differences of the loss? (A full finite-difference pass is 3.5 s; this is ~20 ms.)"""
    rng = np.random.default_rng(label + 7)
    params = [p.copy() for p in weights + biases]

    def loss() -> float:
        _, activations = q4_numpy.forward(params[:3], params[3:], sample)
        return -float(np.log(activations[-1][label]))

    def derivative(index: int, direction: np.ndarray) -> float:
        original = params[index].copy()
        params[index] = original + FD_EPS * direction
        plus = loss()
        params[index] = original - FD_EPS * direction
        minus = loss()
        params[index] = original
        return (plus - minus) / (2 * FD_EPS)

    agree = []
    for index, (mine, theirs) in enumerate(zip(student, reference)):
        scale = max(float(np.linalg.norm(theirs)), 1e-12)
        ok = True
        for flat in rng.choice(mine.size, size=min(FD_ENTRIES, mine.size), replace=False):
            unit = np.zeros(mine.size)
            unit[flat] = 1.0
            fd = derivative(index, unit.reshape(mine.shape))
            ok &= abs(mine.reshape(-1)[flat] - fd) <= FD_TOLERANCE * scale
        for _ in range(FD_DIRECTIONS):
            direction = rng.normal(size=mine.shape)
            fd = derivative(index, direction)
            ok &= abs(float(np.sum(mine * direction)) - fd) <= \
                FD_TOLERANCE * scale * float(np.linalg.norm(direction))
        agree.append(bool(ok))
    return agree


def _name_mistake(item: MlpGradientItem, recovered, truths, references) -> str | None:
    """The known mistake whose gradients match the student's at every point, if any."""
    if all(all(np.all(g == 0) for g in student) for student in recovered):
        return "no-update"
    for name, variant in MISTAKES.items():
        if all(all(_relative(mine, theirs) <= item.tolerance
                   for mine, theirs in zip(student, sum(variant(w, b, x, y), [])))
               for student, (w, b, x, y) in zip(recovered, truths)):
            return name
    scales = []
    for student, reference in zip(recovered, references):
        flat_mine = np.concatenate([g.ravel() for g in student])
        flat_ref = np.concatenate([g.ravel() for g in reference])
        scale = float(flat_mine @ flat_ref / (flat_ref @ flat_ref))
        if _relative(flat_mine, scale * flat_ref) > item.tolerance:
            return None
        scales.append(scale)
    if scales and all(abs(s - scales[0]) < 1e-6 * abs(scales[0]) for s in scales):
        return "learning-rate-ignored"
    return None


_EXPLAIN = {
    "layer1-uses-dsigmoid-u2": "layer 1's delta uses sigma'(u2), applied after pushing the "
                               "gradient through W2; it should be (delta2 @ W2.T) * sigma'(u1), "
                               "with delta2 = (delta3 @ W3.T) * sigma'(u2)",
    "bias-not-updated": "the biases are never updated",
    "update-sign": "the update adds the gradient (gradient ascent); subtract it",
    "missing-dsigmoid": "the hidden layers' deltas miss the sigmoid derivative sigma'(u)",
    "transposed-gradient": "W2's gradient is transposed: it should be outer(a1, delta2), "
                           "shape (n_in, n_out)",
    "no-update": "train_one_sample does not change weights or biases",
    "learning-rate-ignored": "the update is a multiple of the right gradient: does "
                             "train_one_sample use its learning_rate argument?",
}
