"""Parsed arrays kept as .npy files, so that later processes memory-map them in milliseconds.

The key is the source file's resolved path, size and modification time: a changed or
replaced file is parsed again. A cache that cannot be written is not an error; the data are
then parsed on every load.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np


def cache_key(source: Path) -> str:
    info = source.stat()
    ident = f"{source.resolve()}|{info.st_size}|{info.st_mtime_ns}"
    return hashlib.sha256(ident.encode()).hexdigest()[:20]


def cached_array(source: Path, cache_dir: Path, parse: Callable[[Path], np.ndarray]) -> np.ndarray:
    """The parsed array of `source`, read-only, from the cache when it is there and sound."""
    target = cache_dir / "arrays" / f"{source.name.split('.')[0]}-{cache_key(source)}.npy"
    if target.is_file():
        try:
            return np.load(target, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError):
            pass  # a damaged cache entry is parsed again and overwritten below
    array = parse(source)
    _store(target, array)
    array.flags.writeable = False
    return array


def _store(target: Path, array: np.ndarray) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(tmp, target)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        return
