"""What every check kind provides, and the verdicts shared by all of them."""

from __future__ import annotations

from typing import Protocol, TypeVar

from grader.outcome import Outcome, Verdict
from grader.rubric.model import ItemBase
from grader.sandbox.protocol import InspectStep
from grader.sandbox.runner import Call, RunResult

SpecT = TypeVar("SpecT", bound=ItemBase, contravariant=True)


class Check(Protocol[SpecT]):
    def steps(self, item: SpecT) -> list[InspectStep | Call]:
        """What to do inside the sandbox (inputs only; never expected values)."""

    def judge(self, item: SpecT, run: RunResult) -> Verdict:
        """Judge a completed run, in the grader's process, on plain data."""


_RUN_DIAGNOSIS = {
    "timeout": "timeout",
    "cpu-limit": "cpu-limit",
    "memory": "memory-limit",
    "output-overflow": "output-limit",
    "no-result": "crashed",
    "sandbox-error": "sandbox-error",
}


def judge_run(run: RunResult) -> Verdict | None:
    """A verdict for runs that did not complete or whose code did not load; else None."""
    if run.status in ("timeout", "cpu-limit"):
        return Verdict(outcome=Outcome.TIMEOUT, fraction=0.0, feedback=f"Your code {run.message}.",
                       diagnosis=(_RUN_DIAGNOSIS[run.status],))
    if run.status == "sandbox-error":
        return Verdict.error(f"The grader could not run this check: {run.message}.",
                             "sandbox-error")
    if run.status != "completed":
        return Verdict.error(f"Your code {run.message}.", _RUN_DIAGNOSIS[run.status])
    if run.load is not None and run.load.error:
        return Verdict.error(f"Your code could not be loaded: {run.load.error}", "load-error")
    return None


def load_notes(run: RunResult) -> str:
    """Problems met while loading definitions, for the feedback."""
    if run.load is None or not run.load.warnings:
        return ""
    shown = run.load.warnings[:5]
    more = f" (and {len(run.load.warnings) - 5} more)" if len(run.load.warnings) > 5 else ""
    return "\nWhile loading your code: " + "; ".join(shown) + more
