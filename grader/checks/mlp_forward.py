"""`mlp_forward`: `feed_forward_sample(sample, label)` on grader-chosen weights gives the
reference's loss and prediction. The prediction may be a one-hot vector (the template's) or
a class index."""

from __future__ import annotations

import numpy as np

from grader.checks.base import CheckContext, CodeCheck, load_notes
from grader.checks.mlp_params import grader_parameters, grader_samples
from grader.outcome import Verdict
from grader.rubric.model import MlpForwardItem
from grader.sandbox.runner import Assign, Call, RunResult, StepResult
from reference import q4_numpy

FUNCTION = "feed_forward_sample"


class MlpForwardCheck(CodeCheck):
    needs = ("weights", "biases")

    def steps(self, item: MlpForwardItem, context: CheckContext) -> list:
        weights, biases = grader_parameters(item.seed)
        samples, labels = grader_samples(item.seed + 1, item.samples)
        return [Assign("weights", weights), Assign("biases", biases)] + [
            Call(FUNCTION, (sample, int(label))) for sample, label in zip(samples, labels)]

    def judge(self, item: MlpForwardItem, run: RunResult, context: CheckContext) -> Verdict:
        weights, biases = grader_parameters(item.seed)
        samples, labels = grader_samples(item.seed + 1, item.samples)
        problems, diagnosis = [], set()
        for index, (step, sample, label) in enumerate(zip(run.steps[2:], samples, labels), 1):
            _, activations = q4_numpy.forward(weights, biases, sample)
            loss, predicted = -np.log(activations[-1][label]), int(np.argmax(activations[-1]))
            problem, code = _compare(step, loss, predicted, item.rtol)
            if problem:
                problems.append(f"sample {index}: {problem}")
                diagnosis.add(code)
        if not problems:
            return Verdict.passed(f"Loss and prediction match the reference on {item.samples} "
                                  "samples." + load_notes(run))
        right = item.samples - len(problems)
        return Verdict.failed(right / item.samples, "; ".join(problems[:5]) + load_notes(run),
                              *sorted(diagnosis))


def _compare(step: StepResult, loss: float, predicted: int, rtol: float) -> tuple[str, str]:
    if step.kind == "missing":
        return f"`{FUNCTION}` is not defined", "missing-name"
    if step.kind == "raised":
        code = "wrong-signature" if step.signature_error else "raised-exception"
        return f"raised {step.message}", code
    value = step.value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return "should return (loss, prediction)", "wrong-return"
    their_loss, their_prediction = _number(value[0]), _class(value[1])
    if their_loss is None or their_prediction is None:
        return "should return (loss, prediction): a number and a one-hot vector or a class", \
            "wrong-return"
    if not np.isfinite(their_loss):
        return f"loss is {their_loss}", "non-finite"
    if abs(their_loss - loss) > rtol * abs(loss) + 1e-12:
        return f"loss {their_loss:.6g}, expected {loss:.6g}", "wrong-loss"
    if their_prediction != predicted:
        return f"predicted class {their_prediction}, expected {predicted}", "wrong-prediction"
    return "", ""


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.number)) or (isinstance(value, np.ndarray)
                                                      and value.size == 1):
        return float(np.asarray(value, dtype=np.float64).reshape(()))
    return None


def _class(value: object) -> int | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.ndarray) and value.size == 10 and value.dtype.kind in "biuf":
        return int(np.argmax(value.reshape(-1)))
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iu":
        return int(value.reshape(()))
    return None
