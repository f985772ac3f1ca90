"""Points from verdicts: pure functions, no I/O."""

from __future__ import annotations

from grader.outcome import Outcome, Verdict


def item_score(points: float, verdict: Verdict) -> float:
    """Only a judged answer earns points; an error or timeout earns none, whatever fraction."""
    if verdict.outcome in (Outcome.PASSED, Outcome.FAILED):
        return round(points * verdict.fraction, 4)
    return 0.0


def total(scores: list[float]) -> float:
    return round(sum(scores), 4)
