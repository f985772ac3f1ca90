"""Find and read a submission: a .py file, a .ipynb notebook, or a folder holding one.

Nothing is executed here: code is read as text (notebooks with nbformat) for the sandbox.
Problems a student caused (a malformed notebook, no code file) are recorded on the
submission, so each item reports them; only a path that does not exist is a usage error.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from grader.errors import SubmissionNotFound
from grader.submission.answers import (
    answers_from_code,
    answers_from_markdown,
    answers_from_toml,
    collect_answers,
)
from grader.submission.model import SourceCell, Submission, SubmissionFormat
from grader.submission.notebook import NotebookError, read_notebook

MAX_SOURCE_BYTES = 5 << 20
ANSWERS_FILE = "answers.toml"


def load_submission(path: Path, preferred: list[str] | None = None) -> Submission:
    path = Path(path)
    if not path.exists():
        raise SubmissionNotFound(f"submission not found: {path}",
                                 "pass a .py file, a .ipynb notebook or a folder holding one")
    if path.is_dir():
        root = path
        entry, problem = _find_entry(path, preferred or [])
        digest = _hash_folder(path)
    else:
        root, entry, problem = path.parent, path, None
        if path.suffix not in (".py", ".ipynb"):
            problem = f"{path.name} is not a .py file or a .ipynb notebook"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    problems: list[str] = [problem] if problem else []
    cells: tuple[SourceCell, ...] = ()
    text_cells: tuple[SourceCell, ...] = ()
    fmt = None
    if entry is not None and not problems:
        fmt = SubmissionFormat.NOTEBOOK if entry.suffix == ".ipynb" else SubmissionFormat.PY
        cells, text_cells, problem = _read_cells(entry, fmt)
        problems += [problem] if problem else []
    sheet = _read_answers(root / ANSWERS_FILE if path.is_dir() else None, text_cells, cells)
    return Submission(path=path, root=root, sha256=digest, entry=entry, format=fmt, cells=cells,
                      answers=sheet.answers, answer_origins=sheet.origins,
                      answer_problems=sheet.problems, problems=tuple(problems))


def _find_entry(folder: Path, preferred: list[str]) -> tuple[Path | None, str | None]:
    for name in preferred:
        candidate = folder / name
        if candidate.is_file() and not candidate.is_symlink():
            return candidate, None
    candidates = sorted(
        p for p in folder.iterdir()
        if p.suffix in (".ipynb", ".py") and p.is_file() and not p.is_symlink()
        and not p.name.startswith(".")
    )
    notebooks = [p for p in candidates if p.suffix == ".ipynb"]
    choice = notebooks if notebooks else candidates
    if len(choice) == 1:
        return choice[0], None
    if not choice:
        return None, f"no .py file or .ipynb notebook in {folder}"
    names = ", ".join(p.name for p in choice)
    return None, f"several possible entry files in {folder} ({names}): the rubric's [submission] files must name one"


Cells = tuple[SourceCell, ...]


def _read_cells(entry: Path, fmt: SubmissionFormat) -> tuple[Cells, Cells, str | None]:
    """(code cells, text cells, problem)."""
    if entry.stat().st_size > MAX_SOURCE_BYTES:
        return (), (), f"{entry.name} is larger than {MAX_SOURCE_BYTES >> 20} MiB"
    if fmt is SubmissionFormat.NOTEBOOK:
        try:
            return *read_notebook(entry), None
        except NotebookError as exc:
            return (), (), str(exc)
    try:
        code = entry.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return (), (), f"{entry.name} is not UTF-8 text"
    return (SourceCell(origin=entry.name, code=code),), (), None


def _read_answers(toml_path: Path | None, text_cells: Cells, code_cells: Cells):
    """answers.toml, then notebook answer blocks, then module-level literals (answers.py)."""
    sources, problems = [], []
    if toml_path is not None and toml_path.is_file() and not toml_path.is_symlink():
        try:
            found, problem = answers_from_toml(toml_path.read_text(encoding="utf-8"), ANSWERS_FILE)
        except UnicodeDecodeError:
            found, problem = {}, f"{ANSWERS_FILE} is not UTF-8 text"
        sources.append((ANSWERS_FILE, found))
        problems += [problem] if problem else []
    for found_sources, found_problems in (answers_from_markdown((c.origin, c.code) for c in text_cells),
                                          answers_from_code(code_cells)):
        sources += found_sources
        problems += found_problems
    return collect_answers(sources, problems)


def _hash_folder(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
