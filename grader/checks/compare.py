"""Compare a value returned by student code with the reference's, on plain data only.

Guards against the traps of the usual helpers: `np.allclose([], [1.0])` is True by
broadcasting, `allclose(inf, inf)` is True, and a wrong dtype or shape can still be
"close". Returns None when the values match, else a sentence saying why not.
"""

from __future__ import annotations

import numbers

import numpy as np

from grader.sandbox.codec import Unsupported


def mismatch(expected: object, actual: object, rtol: float, atol: float) -> str | None:
    if isinstance(actual, Unsupported):
        return f"returned a {actual.type_name}, which the grader does not accept here"
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        return _array_mismatch(expected, actual, rtol, atol)
    if _is_number(expected):
        return _number_mismatch(float(np.asarray(expected)), actual, rtol, atol)
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return f"expected a sequence of {len(expected)} values, got {_describe(actual)}"
        for index, (e, a) in enumerate(zip(expected, actual)):
            reason = mismatch(e, a, rtol, atol)
            if reason:
                return f"item {index}: {reason}"
        return None
    if expected != actual:
        return f"expected {expected!r}, got {_describe(actual)}"
    return None


def _array_mismatch(expected: np.ndarray, actual: object, rtol: float, atol: float) -> str | None:
    if type(actual) is not np.ndarray:
        return f"expected an array of shape {expected.shape}, got {_describe(actual)}"
    if actual.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {actual.shape}"
    if actual.dtype.kind not in "biuf":
        return f"expected real numbers, got dtype {actual.dtype}"
    values = actual.astype(np.float64)
    if not np.all(np.isfinite(values)):
        return "the result contains NaN or infinity"
    if not np.allclose(values, expected.astype(np.float64), rtol=rtol, atol=atol, equal_nan=False):
        worst = float(np.max(np.abs(values - expected)))
        return f"values differ from the reference (largest difference {worst:.3g})"
    return None


def _number_mismatch(expected: float, actual: object, rtol: float, atol: float) -> str | None:
    if isinstance(actual, np.ndarray) and actual.size == 1 and actual.dtype.kind in "biuf":
        actual = float(actual.reshape(()))
    if not _is_number(actual):
        return f"expected a number, got {_describe(actual)}"
    value = float(actual)
    if not np.isfinite(value):
        return "the result is NaN or infinite"
    if not abs(value - expected) <= atol + rtol * abs(expected):
        return f"expected {expected:.6g}, got {value:.6g}"
    return None


def _is_number(value: object) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "biuf"
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, Unsupported):
        return f"a {value.type_name}"
    return f"a {type(value).__name__}"
