"""Which folders the sandbox must not see, adjusted so the interpreter still works."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

ALWAYS_NEEDED = ("/usr", "/lib", "/lib64", "/bin", "/etc", "/dev", "/proc", "/sys")


def needed_paths(extra: list[Path]) -> list[Path]:
    """What student code legitimately reads: the interpreter, its packages, the box."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)}
    paths |= {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths |= set(ALWAYS_NEEDED)
    return sorted({Path(p).resolve() for p in paths} | {p.resolve() for p in extra})


def plan_hidden(secret: list[Path], needed: list[Path]) -> list[str]:
    """Paths to cover so that none of `secret` is readable, without covering `needed`.

    A secret folder that holds a needed one (a home folder holding the virtualenv, say) is
    hidden piecewise: each of its entries except the way down to what is needed.
    """
    result: set[Path] = set()
    for path in {p.resolve() for p in secret if p.exists()}:
        result |= _cover(path, needed)
    ordered = sorted(result, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in ordered:
        if not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return [str(p) for p in kept]


def _cover(path: Path, needed: list[Path]) -> set[Path]:
    inside = [n for n in needed if n.is_relative_to(path)]
    if not inside:
        return {path}
    if path in inside or not path.is_dir() or path == Path(path.anchor):
        return set()  # cannot hide what the interpreter needs, nor the whole filesystem
    covered: set[Path] = set()
    try:
        entries = list(path.iterdir())
    except OSError:
        return set()
    for entry in entries:
        if entry.is_symlink():
            continue
        covered |= _cover(entry, needed)
    return covered


def default_secrets() -> list[Path]:
    """The grader and reference packages, wherever they are installed, and the working dir."""
    import importlib.util

    import grader

    paths = [Path(grader.__file__).parent, Path.cwd()]
    spec = importlib.util.find_spec("reference")
    if spec is not None and spec.submodule_search_locations:
        paths += [Path(p) for p in spec.submodule_search_locations]
    return paths
