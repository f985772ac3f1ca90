"""Read and validate IDX files (the MNIST format), gzipped or not.

An IDX file is two zero bytes, a type byte (0x08: unsigned byte), a dimension count, the
dimensions as big-endian uint32, then the data. Anything else, a short or long body, or an
unreadable gzip stream is an error naming the file: a wrong array is worse than none.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from grader.errors import DataCorrupt

_UBYTE = 0x08
_GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(path: Path) -> bytes:
    """The file's IDX bytes, decompressed if it is gzip (by content, not by name)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataCorrupt(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataCorrupt(f"{path}: damaged gzip stream ({exc})",
                          "delete the file and fetch it again") from exc


def parse_idx(data: bytes, path: Path, ndim: int) -> np.ndarray:
    """The array stored in `data`, which must hold `ndim` dimensions of unsigned bytes."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise DataCorrupt(f"{path}: not an IDX file (bad magic number)")
    if data[2] != _UBYTE:
        raise DataCorrupt(f"{path}: IDX type 0x{data[2]:02x} is not unsigned byte (0x08)")
    if data[3] != ndim:
        raise DataCorrupt(f"{path}: {data[3]} dimensions, expected {ndim}")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataCorrupt(f"{path}: truncated header")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(shape, dtype=np.int64))
    body = len(data) - header
    if body != expected:
        what = "truncated" if body < expected else "has trailing bytes"
        raise DataCorrupt(f"{path}: {what}: {body} data bytes for shape {shape}, expected {expected}",
                          "delete the file and fetch it again")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def read_images(path: Path) -> np.ndarray:
    """(N, 28, 28) uint8 images."""
    images = parse_idx(read_bytes(path), path, ndim=3)
    if images.shape[1:] != (28, 28):
        raise DataCorrupt(f"{path}: images are {images.shape[1]}x{images.shape[2]}, expected 28x28")
    return images


def read_labels(path: Path, classes: int = 10) -> np.ndarray:
    """(N,) uint8 labels, each below `classes`."""
    labels = parse_idx(read_bytes(path), path, ndim=1)
    if labels.size and int(labels.max()) >= classes:
        raise DataCorrupt(f"{path}: label {int(labels.max())} is out of range 0-{classes - 1}")
    return labels


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> None:
    """Write `array` (uint8) as an IDX file; tests and tools use it to make small datasets."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, _UBYTE, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.tobytes()
    path.write_bytes(gzip.compress(payload, mtime=0) if compress else payload)
