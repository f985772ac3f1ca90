"""Instructor overrides: scores for manual items, and corrections of automatic ones.

An overrides file is TOML or CSV with the same fields per entry:

    # overrides.toml
    by = "Prof. Lee"                  # default grader name for the entries below
    [[override]]
    submission = "alice"              # folder or file name (no suffix); omit: every submission
    item = "q1.b"
    score = 1.5
    comment = "Right idea; the width argument skips the error bound."
    by = "TA Sam"                     # optional when the top-level `by` is set

    # overrides.csv
    submission,item,score,comment,by
    alice,q1.b,1.5,"Right idea; ...",TA Sam

Every entry must name an item of the rubric and a score within its points; two entries for the
same submission and item are an error. The report keeps the original outcome and score, who
overrode them, and why.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grader.errors import GraderError
from grader.outcome import Outcome
from grader.report.model import OverrideRecord, OverridesRef, Report
from grader.rubric.model import Rubric
from grader.scoring import total

CSV_FIELDS = ("submission", "item", "score", "comment", "by")


class OverridesError(GraderError):
    """An overrides file that cannot be read or does not fit the rubric."""


class Override(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    submission: str | None = None
    item: str
    score: float = Field(ge=0)
    comment: str = ""
    by: str = Field(min_length=1)


class Overrides(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    sha256: str
    entries: tuple[Override, ...]

    def for_submission(self, name: str) -> dict[str, Override]:
        """item -> override; an entry naming the submission beats one for every submission."""
        general = {e.item: e for e in self.entries if e.submission is None}
        return {**general, **{e.item: e for e in self.entries if e.submission == name}}


def load_overrides(path: Path, rubric: Rubric) -> Overrides:
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise OverridesError(f"overrides file {path}: {exc.strerror}",
                             "check the --overrides path") from None
    except UnicodeDecodeError:
        raise OverridesError(f"overrides file {path} is not UTF-8 text") from None
    rows = _csv_rows(text, path) if path.suffix.lower() == ".csv" else _toml_rows(text, path)
    entries = []
    for number, row in enumerate(rows, start=1):
        try:
            entries.append(Override.model_validate(row))
        except ValidationError as exc:
            problem = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}"
                                for e in exc.errors())
            raise OverridesError(f"{path}, entry {number}: {problem}",
                                 "each entry needs item, score and by (see README, Overrides)") from None
    _check_against(entries, rubric, path)
    return Overrides(path=str(path), sha256=hashlib.sha256(raw).hexdigest(), entries=tuple(entries))


def _toml_rows(text: str, path: Path) -> list[dict]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OverridesError(f"overrides file {path} is not valid TOML: {exc}") from None
    default_by = data.pop("by", None)
    rows = data.pop("override", [])
    if data:
        raise OverridesError(f"{path}: unknown top-level keys {sorted(data)}",
                             "use `by = ...` and [[override]] tables only")
    if not isinstance(rows, list):
        raise OverridesError(f"{path}: write each entry as an [[override]] table")
    return [{"by": default_by, **row} if default_by is not None else row for row in rows]


def _csv_rows(text: str, path: Path) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if "item" not in header or "score" not in header or "by" not in header:
        raise OverridesError(f"{path}: the CSV header must include item, score and by",
                             f"columns: {','.join(CSV_FIELDS)}")
    unknown = set(header) - set(CSV_FIELDS)
    if unknown:
        raise OverridesError(f"{path}: unknown CSV columns {sorted(unknown)}",
                             f"columns: {','.join(CSV_FIELDS)}")
    rows = []
    for row in reader:
        cleaned = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not cleaned.get("submission"):
            cleaned.pop("submission", None)
        rows.append(cleaned)
    return rows


def _check_against(entries: list[Override], rubric: Rubric, path: Path) -> None:
    points = {item.id: item.points for item in rubric.items()}
    seen: set[tuple[str | None, str]] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, entry {number}"
        if entry.item not in points:
            raise OverridesError(f"{where}: no item {entry.item!r} in rubric {rubric.assignment}",
                                 f"items: {', '.join(points)}")
        if entry.score > points[entry.item]:
            raise OverridesError(f"{where}: score {entry.score:g} is more than item "
                                 f"{entry.item!r}'s {points[entry.item]:g} points")
        key = (entry.submission, entry.item)
        if key in seen:
            raise OverridesError(f"{where}: a second entry for item {entry.item!r}"
                                 + (f" of {entry.submission!r}" if entry.submission else ""))
        seen.add(key)


def overridden_outcome(score: float, max_score: float) -> Outcome:
    return Outcome.PASSED if score >= max_score else Outcome.FAILED


def submission_name(path: Path) -> str:
    """How overrides name a submission: its folder name, or its file name without suffix."""
    resolved = Path(path).resolve()
    return resolved.name if resolved.is_dir() else resolved.stem


def apply_overrides(report: Report, overrides: Overrides, name: str) -> Report:
    """The report with this submission's overrides applied; originals kept in each item."""
    chosen = overrides.for_submission(name)
    items = []
    for item in report.items:
        entry = chosen.get(item.id)
        if entry is None:
            items.append(item)
            continue
        note = f"Score set by {entry.by}" + (f": {entry.comment}" if entry.comment else ".")
        items.append(item.model_copy(update={
            "score": entry.score,
            "outcome": overridden_outcome(entry.score, item.max_score),
            "feedback": f"{item.feedback}\n{note}" if item.feedback else note,
            "override": OverrideRecord(by=entry.by, comment=entry.comment,
                                       previous_outcome=item.outcome,
                                       previous_score=item.score),
        }))
    return report.model_copy(update={
        "items": items,
        "score": total([i.score for i in items]),
        "pending_score": total([i.max_score for i in items if i.outcome is Outcome.PENDING]),
        "overrides": OverridesRef(path=overrides.path, sha256=overrides.sha256),
    })
