"""One entry point: a student's string (plain or LaTeX) -> a sympy expression, and how it was read."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from grader.maths.latex import latex_to_plain, looks_like_latex
from grader.maths.parse import AnswerParseError, Vocabulary, normalise, parse_plain


@dataclass(frozen=True)
class ReadAnswer:
    text: str  # what the student wrote
    expr: sp.Basic

    @property
    def shown(self) -> str:
        """How the grader read it, for the feedback."""
        return sp.sstr(self.expr)


def read_answer(text: str, vocabulary: Vocabulary) -> ReadAnswer:
    """Parse `text`; AnswerParseError says what could not be read."""
    plain = normalise(str(text))
    if looks_like_latex(plain):
        plain = latex_to_plain(plain)
    try:
        return ReadAnswer(text=str(text), expr=parse_plain(plain, vocabulary))
    except (TypeError, ValueError, sp.ShapeError) as exc:  # sympy refusing an operation
        if isinstance(exc, AnswerParseError):
            raise
        raise AnswerParseError(f"these terms do not combine ({exc})") from None
