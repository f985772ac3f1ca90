"""Q2 reference: the Jacobian of softmax, J_ij = d y_i / d z_j = y_i (delta_ij - y_j).

From y_i = exp(z_i) / sum_k exp(z_k): for j = i, the quotient rule gives y_i - y_i^2; for
j != i only the denominator depends on z_j, giving -y_i y_j. In matrix form J = diag(y) - y y^T.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

i, j = sp.symbols("i j", integer=True)
y_i, y_j = sp.symbols("y_i y_j", positive=True)


def jacobian_expr() -> sp.Expr:
    """J_ij in the indexed symbols y_i, y_j and KroneckerDelta(i, j)."""
    return y_i * (sp.KroneckerDelta(i, j) - y_j)


def softmax(z: np.ndarray) -> np.ndarray:
    shifted = np.exp(z - np.max(z))
    return shifted / shifted.sum()


def jacobian_of_output(y: np.ndarray) -> np.ndarray:
    """J = diag(y) - y y^T for a softmax output y."""
    y = np.asarray(y, dtype=np.float64)
    return np.diag(y) - np.outer(y, y)


def jacobian(z: np.ndarray) -> np.ndarray:
    """The (n, n) Jacobian of softmax at logits z: J[i, j] = d softmax(z)_i / d z_j."""
    return jacobian_of_output(softmax(np.asarray(z, dtype=np.float64)))


def jacobian_from_expr(expr: sp.Expr, y: np.ndarray) -> np.ndarray:
    """Evaluate an index expression in y_i, y_j, KroneckerDelta(i, j) entry by entry."""
    n = len(y)
    table = np.empty((n, n))
    for row in range(n):
        for col in range(n):
            entry = expr.subs({sp.KroneckerDelta(i, j): int(row == col)})
            table[row, col] = float(entry.subs({y_i: y[row], y_j: y[col]}))
    return table


if __name__ == "__main__":
    z = np.array([1.0, 2.0, 0.5])
    print("J_ij =", jacobian_expr())
    print(jacobian(z))
