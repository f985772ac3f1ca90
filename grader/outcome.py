"""What one rubric item ended in. Shared by checks, scoring and reports (the lowest layer)."""

from __future__ import annotations

import enum

from pydantic import BaseModel, ConfigDict, Field


class Outcome(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"  # the student's answer is wrong
    ERROR = "error"  # the submission crashed or the check could not run
    TIMEOUT = "timeout"
    SKIPPED = "skipped"
    PENDING = "pending"  # graded by a person; no score until an override gives one


class Verdict(BaseModel):
    """A check's judgement of one item, before points are attached."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Outcome
    fraction: float = Field(ge=0.0, le=1.0, description="share of the item's points earned")
    feedback: str
    diagnosis: tuple[str, ...] = ()

    @classmethod
    def passed(cls, feedback: str) -> Verdict:
        return cls(outcome=Outcome.PASSED, fraction=1.0, feedback=feedback)

    @classmethod
    def failed(cls, fraction: float, feedback: str, *diagnosis: str) -> Verdict:
        return cls(outcome=Outcome.FAILED, fraction=fraction, feedback=feedback,
                   diagnosis=diagnosis)

    @classmethod
    def error(cls, feedback: str, *diagnosis: str) -> Verdict:
        return cls(outcome=Outcome.ERROR, fraction=0.0, feedback=feedback, diagnosis=diagnosis)

    @classmethod
    def pending(cls, feedback: str) -> Verdict:
        return cls(outcome=Outcome.PENDING, fraction=0.0, feedback=feedback)

    @classmethod
    def timeout(cls, feedback: str) -> Verdict:
        return cls(outcome=Outcome.TIMEOUT, fraction=0.0, feedback=feedback, diagnosis=("timeout",))
