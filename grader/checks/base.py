"""What every check kind provides, and the verdicts shared by all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from grader.outcome import Outcome, Verdict
from grader.rubric.model import ItemBase
from grader.sandbox.protocol import Limits
from grader.sandbox.runner import GraderStep, RunResult

if TYPE_CHECKING:  # the API loads the data; checks only receive them
    from grader.data import TrainTest

SpecT = TypeVar("SpecT", bound=ItemBase, contravariant=True)


@dataclass
class CheckContext:
    """What checks share during one grading run: the datasets the API loaded for them, and
    what an item's `steps` prepared for its `judge` (reference results, timings)."""

    datasets: dict[str, TrainTest] = field(default_factory=dict)
    prepared: dict[str, object] = field(default_factory=dict)


class Check(Protocol[SpecT]):
    needs: tuple[str, ...]  # module-level names a definitions-mode load must bind

    def steps(self, item: SpecT, context: CheckContext) -> list[GraderStep]:
        """What to do inside the sandbox (inputs only; never expected values)."""

    def limits(self, item: SpecT, limits: Limits, context: CheckContext) -> Limits:
        """The run's limits, given the rubric's (a check may derive its own)."""

    def judge(self, item: SpecT, run: RunResult, context: CheckContext) -> Verdict:
        """Judge a completed run, in the grader's process, on plain data."""


class CodeCheck:
    """Defaults for checks that need no extra names and keep the rubric's limits."""

    needs: tuple[str, ...] = ()

    def limits(self, item: ItemBase, limits: Limits, context: CheckContext) -> Limits:
        return limits


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
