"""The one exception family a user can cause, and the exit codes the CLI maps it to."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    CHECK_FAILED = 1  # `grader check`: a visible item did not pass
    USAGE = 2  # bad command line, rubric, submission path, data
    INTERNAL = 3  # a bug in the grader itself


class GraderError(Exception):
    """An error the user can fix; its message says how."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class RubricError(GraderError):
    """A rubric file that cannot be read or does not validate."""


class SubmissionNotFound(GraderError):
    """The submission path does not exist."""


class OutputError(GraderError):
    """The report cannot be written where the user asked."""


class DataNotFound(GraderError):
    """A dataset is in none of the places the grader looks, and cannot be downloaded."""


class DataCorrupt(GraderError):
    """A dataset file exists but is not a valid IDX file of the expected shape."""
