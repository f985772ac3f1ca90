"""`numeric`: call student functions on the rubric's inputs and compare with the reference.

The reference runs here, in the grader; only the inputs enter the sandbox.
"""

from __future__ import annotations

import importlib

import numpy as np

from grader.checks.base import CheckContext, CodeCheck, load_notes
from grader.checks.compare import mismatch
from grader.outcome import Verdict
from grader.rubric.model import ArrayArg, NumericCase, NumericItem, RandomArg
from grader.sandbox.runner import Call, RunResult


class NumericCheck(CodeCheck):
    def steps(self, item: NumericItem, context: CheckContext) -> list[Call]:
        return [
            Call(case.function, tuple(materialize(a) for a in case.args),
                 {k: materialize(v) for k, v in case.kwargs.items()})
            for case in item.cases
        ]

    def judge(self, item: NumericItem, run: RunResult, context: CheckContext) -> Verdict:
        reference = importlib.import_module(item.reference)
        lines, diagnosis, passed = [], set(), 0
        for case, step in zip(item.cases, run.steps, strict=True):
            label = case.label or _call_text(case)
            problem, code = _judge_case(reference, case, step)
            if problem is None:
                passed += 1
                lines.append(f"ok  {label}")
                continue
            lines.append(f"FAIL {label}: {problem}")
            diagnosis |= {code} | ({case.diagnosis} if case.diagnosis else set())
        feedback = "\n".join(lines) + load_notes(run)
        if passed == len(item.cases):
            return Verdict.passed(feedback)
        return Verdict.failed(passed / len(item.cases), feedback, *sorted(diagnosis))


def _judge_case(reference, case: NumericCase, step) -> tuple[str | None, str]:
    if step.kind == "missing":
        return f"`{case.function}` is not defined", "missing-name"
    if step.kind == "raised" and step.signature_error:
        return f"`{case.function}` does not take these arguments: {step.message}", "wrong-signature"
    if step.kind == "raised":
        return f"raised {step.message}", "raised-exception"
    expected = getattr(reference, case.function)(
        *(materialize(a) for a in case.args), **{k: materialize(v) for k, v in case.kwargs.items()}
    )
    problem = mismatch(expected, step.value, case.rtol, case.atol)
    if problem is None:
        return None, ""
    if "NaN" in problem:
        return problem, "non-finite"
    return problem, "wrong-shape" if "shape" in problem else "wrong-value"


def materialize(arg: object) -> object:
    """Rubric argument -> the value passed to both the student and the reference."""
    if isinstance(arg, ArrayArg):
        return np.array(arg.array, dtype=arg.dtype)
    if isinstance(arg, RandomArg):
        rng = np.random.default_rng(arg.seed)
        return rng.normal(arg.loc, arg.scale, size=tuple(arg.random)).astype(arg.dtype)
    return arg


def _call_text(case: NumericCase) -> str:
    def show(a: object) -> str:
        if isinstance(a, ArrayArg):
            return f"array({a.array})" if len(str(a.array)) < 40 else "array(...)"
        if isinstance(a, RandomArg):
            return f"random{tuple(a.random)}"
        return repr(a)

    args = [show(a) for a in case.args] + [f"{k}={show(v)}" for k, v in case.kwargs.items()]
    return f"{case.function}({', '.join(args)})"
