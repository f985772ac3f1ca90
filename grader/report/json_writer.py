"""Write a model (a report, run metrics) as JSON, atomically: no reader sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import BaseModel

from grader.errors import OutputError


def write_json(model: BaseModel, path: Path, option: str = "--out") -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(model.model_dump_json(indent=2) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}",
                          f"choose another {option} path") from None
