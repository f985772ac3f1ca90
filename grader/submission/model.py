"""What a loaded submission is: its code as cells, its answers, and what went wrong reading it."""

from __future__ import annotations

import enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict


class SubmissionFormat(str, enum.Enum):
    PY = "py"
    NOTEBOOK = "ipynb"


class SourceCell(BaseModel):
    """One unit of student code: a notebook code cell, or a whole .py file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origin: str  # shown to the student, e.g. "hw1.ipynb, cell 7"
    code: str


class Submission(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path  # what the user named: a file or a folder
    root: Path  # the folder copied into the sandbox (the file's folder for a single file)
    sha256: str  # of the entry file, or of every file of a folder, in name order
    entry: Path | None  # the .py or .ipynb that holds the code; None if none was found
    format: SubmissionFormat | None
    cells: tuple[SourceCell, ...] = ()
    answers: dict[str, dict[str, str]] = {}  # question -> key -> text (see answers.py)
    answer_origins: dict[str, str] = {}  # question -> where its answers were read
    answer_problems: tuple[str, ...] = ()  # answers that could not be read
    problems: tuple[str, ...] = ()  # why the code cannot be run, if it cannot

    @property
    def loadable(self) -> bool:
        return self.entry is not None and not self.problems
