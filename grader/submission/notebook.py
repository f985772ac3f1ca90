"""Read a notebook's code cells with nbformat, turning IPython-only syntax into plain Python."""

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


def read_notebook_cells(path: Path) -> tuple[SourceCell, ...]:
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # nbformat raises many types for one cause: not a notebook
        raise NotebookError(f"{path.name} is not a readable notebook ({type(exc).__name__}: {exc})")
    cells = []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        code = strip_ipython(str(cell.get("source", "")))
        if code.strip():
            cells.append(SourceCell(origin=f"{path.name}, cell {index}", code=code))
    return tuple(cells)


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

