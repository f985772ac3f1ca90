"""Plain-data encoding shared by the grader and the sandbox: JSON trees plus .npy frames.

Nothing here unpickles or calls student objects' methods: values are tagged by their exact
type, arrays travel as .npy bytes read back with `allow_pickle=False`, and anything else
arrives as an `Unsupported` marker naming its type.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass

import numpy as np

MAX_DEPTH = 20
MAX_ITEMS = 100_000
_LEN = struct.Struct(">Q")


@dataclass(frozen=True)
class Unsupported:
    """A value that cannot cross the boundary as plain data (its type's name only)."""

    type_name: str


class CodecError(Exception):
    pass


def _type_name(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _is_exact_tensor(value: object) -> bool:
    kind = type(value)
    return kind.__name__ == "Tensor" and kind.__module__ == "torch"


def encode(value: object, arrays: list[bytes], depth: int = 0) -> object:
    """Return a JSON-able tree; arrays are appended to `arrays` as .npy bytes."""
    if depth > MAX_DEPTH:
        return {"$unsupported": "nesting deeper than %d" % MAX_DEPTH}
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is np.ndarray or isinstance(value, np.generic) and kind.__module__ == "numpy":
        array = np.asarray(value)
        if array.dtype.kind not in "biufc" or len(arrays) >= MAX_ITEMS:
            return {"$unsupported": f"array of dtype {array.dtype}"}
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        arrays.append(buffer.getvalue())
        return {"$nd": len(arrays) - 1, "from": "ndarray" if kind is np.ndarray else "scalar"}
    if _is_exact_tensor(value):
        array = value.detach().cpu().numpy()
        tree = encode(array, arrays, depth + 1)
        if isinstance(tree, dict) and "$nd" in tree:
            tree["from"] = "tensor"
        return tree
    if kind in (list, tuple):
        if len(value) > MAX_ITEMS:
            return {"$unsupported": f"{kind.__name__} of {len(value)} items"}
        items = [encode(v, arrays, depth + 1) for v in value]
        return items if kind is list else {"$tuple": items}
    if kind is dict and all(type(k) is str for k in value):
        return {"$dict": {k: encode(v, arrays, depth + 1) for k, v in value.items()}}
    return {"$unsupported": _type_name(value)}


def decode(tree: object, arrays: list[np.ndarray], depth: int = 0) -> object:
    """Inverse of `encode`, on the trusted side: builds only plain Python values and ndarrays."""
    if depth > MAX_DEPTH + 2:
        raise CodecError("result nested too deeply")
    if tree is None or type(tree) in (bool, int, float, str):
        return tree
    if type(tree) is list:
        return [decode(v, arrays, depth + 1) for v in tree]
    if type(tree) is dict and len(tree) >= 1:
        if "$nd" in tree:
            index = tree["$nd"]
            if type(index) is not int or not 0 <= index < len(arrays):
                raise CodecError("result refers to a missing array")
            return arrays[index]
        if "$tuple" in tree and type(tree["$tuple"]) is list:
            return tuple(decode(v, arrays, depth + 1) for v in tree["$tuple"])
        if "$dict" in tree and type(tree["$dict"]) is dict:
            return {str(k): decode(v, arrays, depth + 1) for k, v in tree["$dict"].items()}
        if "$unsupported" in tree:
            return Unsupported(str(tree["$unsupported"]))
    raise CodecError("malformed result")


def array_from_npy(data: bytes) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as exc:  # any parse failure means a malformed frame
        raise CodecError(f"malformed array frame: {exc}") from None
    if type(array) is not np.ndarray or array.dtype.kind not in "biufc":
        raise CodecError("array frame of an unsupported type")
    return array


def pack(header: dict, arrays: list[bytes]) -> bytes:
    """One message: a JSON header frame, then one frame per array."""
    payload = json.dumps({**header, "arrays": len(arrays)}).encode()
    return b"".join(frame(f) for f in [payload, *arrays])


def unpack(data: bytes) -> tuple[dict, list[np.ndarray]]:
    """Split a message made by `pack`; raises CodecError if anything is off."""
    frames, offset = [], 0
    while offset < len(data):
        if offset + _LEN.size > len(data):
            raise CodecError("truncated message")
        (size,) = _LEN.unpack_from(data, offset)
        offset += _LEN.size
        if offset + size > len(data):
            raise CodecError("truncated message")
        frames.append(data[offset : offset + size])
        offset += size
    if not frames:
        raise CodecError("empty message")
    try:
        header = json.loads(frames[0])
    except (ValueError, RecursionError):
        raise CodecError("message header is not JSON") from None
    if type(header) is not dict or header.get("arrays") != len(frames) - 1:
        raise CodecError("message header does not match its frames")
    return header, [array_from_npy(f) for f in frames[1:]]


def frame(payload: bytes) -> bytes:
    return _LEN.pack(len(payload)) + payload


def read_frame(recv) -> bytes:
    """Read one frame with `recv(n)`, a function returning at most n bytes (b"" at the end)."""
    (size,) = _LEN.unpack(_read_exact(recv, _LEN.size))
    return _read_exact(recv, size)


def _read_exact(recv, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("stream closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
