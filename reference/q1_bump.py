"""Q1a reference: two hidden neurons whose output is h on 0 < x < delta and 0 elsewhere.

The network is f(x) = w3 * act(w1 x + b_A) + w4 * act(w2 x + b_B). With a step activation,
neuron A switches on at x = 0 and neuron B at x = delta; the output adds h at the first
edge and takes it away at the second. With a sigmoid, scaling the inputs by k sharpens
each sigmoid towards a step, and the bump is exact in the limit k -> oo.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

h, delta, k = sp.symbols("h delta k", positive=True)
x = sp.Symbol("x", real=True)

PARAMETERS = ("w1", "w2", "w3", "w4", "b_A", "b_B")


def step_weights() -> dict[str, sp.Expr]:
    return {"w1": sp.Integer(1), "w2": sp.Integer(1), "w3": h, "w4": -h,
            "b_A": sp.Integer(0), "b_B": -delta}


def sigmoid_weights(scale: sp.Expr = k) -> dict[str, sp.Expr]:
    """The step answer with both neurons' inputs scaled by `scale`."""
    return {"w1": scale, "w2": scale, "w3": h, "w4": -h, "b_A": sp.Integer(0),
            "b_B": -scale * delta}


def activation(name: str, t: sp.Expr) -> sp.Expr:
    if name == "step":
        return sp.Heaviside(t, sp.Rational(1, 2))
    if name == "sigmoid":
        return 1 / (1 + sp.exp(-t))
    raise ValueError(f"unknown activation {name!r}: use 'step' or 'sigmoid'")


def network(weights: dict[str, sp.Expr], act: str) -> sp.Expr:
    """f(x) as a sympy expression of x (and of h, delta, k as the weights use them)."""
    neuron_a = activation(act, weights["w1"] * x + weights["b_A"])
    neuron_b = activation(act, weights["w2"] * x + weights["b_B"])
    return weights["w3"] * neuron_a + weights["w4"] * neuron_b


def evaluate(weights: dict[str, sp.Expr], act: str, xs: np.ndarray, **values: float) -> np.ndarray:
    """f at the points `xs`, with numbers substituted for h, delta, k."""
    subs = {h: values.get("h", 1.0), delta: values.get("delta", 1.0), k: values.get("k", 1.0)}
    numeric = {name: float(sp.sympify(w).subs(subs)) for name, w in weights.items()}
    unit = (lambda t: np.heaviside(t, 0.5)) if act == "step" else (
        lambda t: 0.5 * (1 + np.tanh(t / 2)))  # the logistic function without overflow
    xs = np.asarray(xs, dtype=np.float64)
    return (numeric["w3"] * unit(numeric["w1"] * xs + numeric["b_A"])
            + numeric["w4"] * unit(numeric["w2"] * xs + numeric["b_B"]))


def bump(xs: np.ndarray, height: float, width: float) -> np.ndarray:
    """The target: `height` strictly inside (0, width), 0 outside."""
    xs = np.asarray(xs, dtype=np.float64)
    return np.where((xs > 0) & (xs < width), height, 0.0)


if __name__ == "__main__":
    print("step:   ", network(step_weights(), "step"))
    print("sigmoid:", network(sigmoid_weights(), "sigmoid"))
