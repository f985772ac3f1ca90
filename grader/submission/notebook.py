"""Read a notebook with nbformat: code cells as plain Python (IPython syntax removed), text cells as text."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from grader.submission.model import SourceCell

# A cell magic whose body is Python: keep the body, drop the magic line.
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}
# Line magics, shell escapes and `x = !cmd` / `x = %magic` forms.
_IPYTHON_LINE = re.compile(r"^(\s*)(?:[%!]|[\w\s,]+=\s*[%!]|\w+\?\s*$|\?)")


class NotebookError(Exception):
    pass


def read_notebook(path: Path) -> tuple[tuple[SourceCell, ...], tuple[SourceCell, ...]]:
    """(code cells as Python, markdown and raw cells as text), in notebook order."""
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises many types for one cause: not a notebook
        raise NotebookError(f"{path.name} is not a readable notebook ({type(exc).__name__}: {exc})")
    code_cells, text_cells = [], []
    for index, cell in enumerate(notebook.cells, start=1):
        origin = f"{path.name}, cell {index}"
        source = str(cell.get("source", ""))
        if cell.get("cell_type") in ("markdown", "raw"):
            text_cells.append(SourceCell(origin=origin, code=source))
        elif cell.get("cell_type") == "code" and strip_ipython(source).strip():
            code_cells.append(SourceCell(origin=origin, code=strip_ipython(source)))
    return tuple(code_cells), tuple(text_cells)


def strip_ipython(code: str) -> str:
    """Replace IPython syntax by `pass` at the same indent, so line numbers stay true."""
    lines = code.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)[0] if lines[0].strip() != "%%" else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return ""  # %%bash, %%html, %%writefile ...: not Python
        lines[0] = "pass"
    out = []
    for line in lines:
        match = _IPYTHON_LINE.match(line)
        out.append(f"{match.group(1)}pass" if match else line)
    return "\n".join(out) + "\n"

