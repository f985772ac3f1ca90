"""Q4 helpers shared by the init, forward, gradient and training checks: the parameters the
grader sets in the student's module, and reading theirs back in the template's layout."""

from __future__ import annotations

import math

import numpy as np

LAYERS = (784, 32, 32, 10)
TENSORS = ("W1", "W2", "W3", "b1", "b2", "b3")


def grader_parameters(seed: int, layers=LAYERS, bias_scale: float = 0.5):
    """Xavier-scaled weights and non-zero biases (a zero bias would hide a bias bug)."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, 1.0 / math.sqrt(n_in), (n_in, n_out))
               for n_in, n_out in zip(layers, layers[1:])]
    biases = [rng.normal(0.0, bias_scale, n_out) for n_out in layers[1:]]
    return weights, biases


def grader_samples(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense inputs in [0, 1], shaped like MNIST images, and labels."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 1.0, (count, 28, 28)), rng.integers(0, 10, count)


def read_parameters(weights: object, biases: object, layers=LAYERS):
    """(weights, flat biases) in the template's layout, or (None, None, the problem)."""
    shapes = list(zip(layers, layers[1:]))
    if not isinstance(weights, (list, tuple)) or not isinstance(biases, (list, tuple)):
        kinds = f"{type(weights).__name__} and {type(biases).__name__}"
        return None, None, f"`weights` and `biases` should be lists of arrays, not {kinds}"
    if len(weights) != len(shapes) or len(biases) != len(shapes):
        return None, None, (f"`weights` and `biases` should hold {len(shapes)} arrays each, "
                            f"not {len(weights)} and {len(biases)}")
    out_w, out_b = [], []
    for index, ((n_in, n_out), w, b) in enumerate(zip(shapes, weights, biases)):
        if not isinstance(w, np.ndarray) or not isinstance(b, np.ndarray):
            return None, None, f"weights[{index}] and biases[{index}] should be numpy arrays"
        if w.shape != (n_in, n_out):
            flipped = (" (transposed: the template multiplies x @ W)"
                       if w.shape == (n_out, n_in) else "")
            return None, None, (f"weights[{index}] has shape {w.shape}, expected "
                                f"{(n_in, n_out)}{flipped}")
        if b.size != n_out or b.ndim > 2:
            return None, None, (f"biases[{index}] has shape {b.shape}, expected ({n_out},) or "
                                f"(1, {n_out})")
        out_w.append(np.asarray(w, dtype=np.float64))
        out_b.append(np.asarray(b, dtype=np.float64).reshape(n_out))
    return out_w, out_b, None


def listing(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
