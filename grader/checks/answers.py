"""Shared by the checks that grade written answers: finding them and reading them."""

from __future__ import annotations

from grader.maths.answer import ReadAnswer, read_answer
from grader.maths.parse import AnswerParseError, Vocabulary
from grader.outcome import Verdict


def lookup(answers: dict[str, str], keys: list[str]) -> tuple[dict[str, str], list[str]]:
    """The answers for `keys`, matched without regard to case, and the keys that are missing."""
    by_lower = {k.lower(): v for k, v in answers.items()}
    found = {key: by_lower[key.lower()] for key in keys if key.lower() in by_lower}
    return found, [key for key in keys if key.lower() not in by_lower]


def read_all(texts: dict[str, str],
             vocabulary: Vocabulary) -> tuple[dict[str, ReadAnswer], list[str]]:
    read, problems = {}, []
    for key, text in texts.items():
        try:
            read[key] = read_answer(text, vocabulary)
        except AnswerParseError as exc:
            problems.append(f"{key} = {text[:80]!r}: {exc}")
    return read, problems


def missing_answers(section: str, missing: list[str]) -> Verdict:
    example = f'{section.upper()}_{missing[0].upper()} = "..."'
    return Verdict.failed(0.0, f"No answer found for {', '.join(missing)} in [{section}]. "
                          f"Write it in answers.toml, in an ```answers block of your notebook, "
                          f"or as {example} (or {section.upper()} = {{...}}) in your code; see "
                          "the README.", "missing-answer")


def unreadable(problems: list[str]) -> Verdict:
    return Verdict.failed(0.0, "Your answer could not be read:\n  " + "\n  ".join(problems),
                          "unreadable")
