"""Rubric `kind` -> the check that runs it. A new kind is one module plus one line here."""

from __future__ import annotations

from grader.checks.base import Check
from grader.checks.names import NamesCheck
from grader.checks.numeric import NumericCheck

CHECKS: dict[str, Check] = {
    "names": NamesCheck(),
    "numeric": NumericCheck(),
}
