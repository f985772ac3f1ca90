"""The report: one JSON document per graded submission. Its JSON Schema comes from here."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from grader.outcome import Outcome
from grader.rubric.model import Visibility
from grader.sandbox.protocol import Isolation

REPORT_FORMAT = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OverrideRecord(_Model):
    """A person's score for this item, replacing the automatic one (or filling a manual item)."""

    by: str
    comment: str
    previous_outcome: Outcome
    previous_score: float


class ItemReport(_Model):
    id: str
    title: str
    question: str
    outcome: Outcome
    score: float = Field(ge=0)
    max_score: float = Field(ge=0)
    feedback: str = Field(description="text for the student")
    diagnosis: list[str] = Field(description="machine-readable codes of recognised mistakes")
    visibility: Visibility
    duration_s: float = Field(ge=0)
    output: str = Field("", description="the tail of what the student's code printed")
    override: OverrideRecord | None = None


class RubricRef(_Model):
    assignment: str
    path: str
    sha256: str


class SubmissionRef(_Model):
    path: str
    sha256: str
    entry: str | None
    problems: list[str] = []


class OverridesRef(_Model):
    path: str
    sha256: str


class Environment(_Model):
    python: str
    numpy: str | None
    torch: str | None
    device: str
    platform: str
    sandbox: Isolation | None = Field(description="what isolation was in force for the runs")


class Report(_Model):
    format: int = REPORT_FORMAT
    grader_version: str
    rubric: RubricRef
    submission: SubmissionRef
    started_at: datetime
    duration_s: float = Field(ge=0)
    environment: Environment
    items: list[ItemReport]
    score: float = Field(ge=0)
    max_score: float = Field(ge=0)
    pending_score: float = Field(0.0, ge=0, description="points of items still to be graded by hand")
    overrides: OverridesRef | None = None

    def counts(self) -> dict[str, int]:
        result = {o.value: 0 for o in Outcome}
        for item in self.items:
            result[item.outcome.value] += 1
        return result
