"""Read a rubric TOML file into the model; every problem becomes one RubricError naming where."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from pydantic import ValidationError

from grader.errors import RubricError
from grader.rubric.model import Rubric


def load_rubric(path: Path) -> tuple[Rubric, str]:
    """Return the rubric and the sha256 of its bytes."""
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise RubricError(f"rubric not found: {path}", "pass an existing file with --rubric") from None
    except OSError as exc:
        raise RubricError(f"cannot read rubric {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RubricError(f"{path}: not valid TOML: {exc}") from None
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        raise RubricError(f"{path}: " + _describe(exc, data)) from None
    return rubric, hashlib.sha256(raw_bytes).hexdigest()


def _describe(exc: ValidationError, data: dict) -> str:
    lines = []
    for err in exc.errors():
        where, field = _locate(err["loc"], data)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            field = f"{field}.kind" if field else "kind"
        lines.append(f"{where}field {field!r}: {err['msg']}" if field else f"{where}{err['msg']}")
    return "; ".join(lines)


def _locate(loc: tuple, data: dict) -> tuple[str, str]:
    """Turn a pydantic location into ("item 'q4.x': ", "cases[0].rtol")."""
    loc = list(loc)
    where = ""
    if len(loc) >= 4 and loc[0] == "questions" and loc[2] == "items":
        try:
            item = data["questions"][loc[1]]["items"][loc[3]]
            item_id = item.get("id", f"#{loc[3] + 1}")
        except (KeyError, IndexError, TypeError, AttributeError):
            item_id = f"#{loc[3] + 1}"
        where = f"item {item_id!r}: "
        loc = loc[4:]
        if loc and isinstance(loc[0], str) and isinstance(item, dict) and loc[0] == item.get("kind"):
            loc = loc[1:]  # pydantic names the union member; the user never wrote it
    elif len(loc) >= 2 and loc[0] == "questions":
        question = data.get("questions", [{}])
        qid = question[loc[1]].get("id") if isinstance(question, list) and loc[1] < len(question) else None
        where = f"question {qid!r}: " if qid else f"question #{loc[1] + 1}: "
        loc = loc[2:]
    field = ""
    for part in loc:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return where, field
