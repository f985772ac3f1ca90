"""Collect a submission's written answers (maths, short text) without running its code.

Three places, in this order of precedence, question by question:
1. `answers.toml` in a submission folder: `[q1a]` tables of `key = "text"`.
2. In a notebook, a markdown or raw cell holding a fenced block tagged `answers`, whose body
   is the same TOML:

       ```answers
       [q2]
       jacobian = 'y_i(\\delta_{ij} - y_j)'
       ```
3. Module-level literals in the code (a .py file or notebook code cells): `Q1A = {"w1": "1",
   ...}` gives question `q1a`, `Q2_JACOBIAN = "..."` gives key `jacobian` of `q2`. They are
   read from the syntax tree with `ast.literal_eval`, never executed.

The first place that answers a question is used for the whole question.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from grader.submission.model import SourceCell

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*answers[ \t]*\n(.*?)^ {0,3}\1[ \t]*$",
                    re.MULTILINE | re.DOTALL)
_TABLE_NAME = re.compile(r"^Q(\d+[A-Za-z]?)$")
_KEY_NAME = re.compile(r"^Q(\d+[A-Za-z]?)_([A-Za-z]\w*)$")
MAX_ANSWER_CHARS = 200_000  # the maths parser caps each answer far lower, with a message


class AnswerSheet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    answers: dict[str, dict[str, str]] = {}  # question -> key -> text
    origins: dict[str, str] = {}  # question -> where its answers were read
    problems: tuple[str, ...] = ()


def collect_answers(sources: Iterable[tuple[str, dict[str, dict[str, str]]]],
                    problems: Iterable[str] = ()) -> AnswerSheet:
    """Merge (origin, answers) pairs in precedence order: the first to answer a question wins."""
    answers: dict[str, dict[str, str]] = {}
    origins: dict[str, str] = {}
    for origin, found in sources:
        for question, table in found.items():
            if question not in answers:
                answers[question], origins[question] = table, origin
    return AnswerSheet(answers=answers, origins=origins, problems=tuple(problems))


def answers_from_toml(text: str, origin: str) -> tuple[dict[str, dict[str, str]], str | None]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, f"{origin}: not valid TOML ({exc})"
    found: dict[str, dict[str, str]] = {}
    for question, table in data.items():
        if not isinstance(table, dict):
            return {}, f"{origin}: '{question}' must be a table, e.g. [{question}]"
        found[question.lower()] = {str(k): _text(v) for k, v in table.items()}
    return found, None


def answers_from_markdown(cells: Iterable[tuple[str, str]]) -> tuple[list[tuple[str, dict]], list[str]]:
    """Every ```answers block in the text cells: [(origin, answers)], problems."""
    sources, problems = [], []
    for origin, text in cells:
        for match in _FENCE.finditer(text):
            found, problem = answers_from_toml(match.group(2), f"{origin} (answers block)")
            sources.append((f"{origin} (answers block)", found))
            problems += [problem] if problem else []
    return sources, problems


def answers_from_code(cells: Iterable[SourceCell]) -> tuple[list[tuple[str, dict]], list[str]]:
    """Module-level `Q1A = {...}` and `Q2_JACOBIAN = "..."` literals: [(origin, answers)], problems."""
    sources, problems = [], []
    for cell in cells:
        try:
            tree = ast.parse(cell.code)
        except (SyntaxError, ValueError):
            continue  # the code checks report syntax errors
        for node in tree.body:
            target, value = _assignment(node)
            if target is None:
                continue
            where = f"{target} in {cell.origin}, line {node.lineno}"
            table, key = _TABLE_NAME.match(target), _KEY_NAME.match(target)
            if not table and not key:
                continue
            try:
                literal = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                problems.append(f"{where} is not a literal; write the answers as plain strings")
                continue
            if table and isinstance(literal, dict):
                sources.append((where, {f"q{table.group(1).lower()}":
                                        {str(k): _text(v) for k, v in literal.items()}}))
            elif key and not isinstance(literal, (dict, list, tuple, set)):
                sources.append((where, {f"q{key.group(1).lower()}":
                                        {key.group(2).lower(): _text(literal)}}))
    return _merge_keys(sources), problems


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
            isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
        return node.target.id, node.value
    return None, None


def _merge_keys(sources: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Q2_JACOBIAN and Q2_NOTE both answer q2: one table per question, later lines win."""
    merged: dict[str, tuple[str, dict[str, str]]] = {}
    for origin, found in sources:
        for question, table in found.items():
            first_origin, keys = merged.get(question, (origin, {}))
            merged[question] = (first_origin, {**keys, **table})
    return [(origin, {question: table}) for question, (origin, table) in merged.items()]


def _text(value: object) -> str:
    return str(value)[:MAX_ANSWER_CHARS]
