"""Q2: is the answer the softmax Jacobian J_ij = d y_i / d z_j = y_i (delta_ij - y_j)?

Numerically first: the answer is evaluated as an n x n matrix (n = 2, 3, 4, random logits) and
compared with finite differences of softmax, diagonal and off-diagonal entries apart. Then
exactly, case by case: i = j (delta -> 1, y_j -> y_i) and i != j (delta -> 0). Comparing
cases is what accepts `delta_ij*y_j - y_i*y_j`, which sympy's `equals` and `simplify(a - b)`
reject. A wrong answer is matched against the known mistakes, case by case.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from grader.checks.answers import lookup, missing_answers, read_all, unreadable
from grader.maths.vocabulary import SOFTMAX_JACOBIAN, delta_ij, y_i, y_j, y_vector, z_i, z_j
from grader.outcome import Verdict
from grader.rubric.model import JacobianMistake, SoftmaxJacobianItem
from reference.q2_softmax import softmax as _softmax

SIZES = (2, 3, 4)
DRAWS_PER_SIZE = 2
FD_STEP = 1e-6
TOLERANCE = 1e-6  # finite differences are good to about 1e-10 here


def _finite_difference_jacobian(z: np.ndarray) -> np.ndarray:
    columns = []
    for j in range(len(z)):
        step = np.zeros_like(z)
        step[j] = FD_STEP
        columns.append((_softmax(z + step) - _softmax(z - step)) / (2 * FD_STEP))
    return np.stack(columns, axis=1)


def _index_matrix(expr: sp.Expr, z: np.ndarray) -> np.ndarray:
    y = _softmax(z)
    f = sp.lambdify((y_i, y_j, z_i, z_j, delta_ij), expr, modules="numpy")
    rows, cols = np.indices((len(z), len(z)))
    with np.errstate(all="ignore"):
        values = f(y[rows], y[cols], z[rows], z[cols], (rows == cols).astype(float))
    return np.broadcast_to(np.asarray(values, dtype=float), rows.shape)


def _matrix_value(expr: sp.MatrixExpr, z: np.ndarray) -> np.ndarray:
    explicit = sp.Matrix(expr.subs(y_vector, sp.Matrix(_softmax(z))).doit())
    return np.array(explicit.tolist(), dtype=float)


# (mistake, diagonal entries, off-diagonal entries) as functions of y_i, y_j; None: correct.
_MISTAKES = [
    (JacobianMistake.SIGN_OFFDIAG, None, lambda a, b: a * b),
    (JacobianMistake.SIGN_OFFDIAG, lambda a, b: a + a * a, lambda a, b: a * b),
    (JacobianMistake.ONE_INSTEAD_OF_DELTA, None, lambda a, b: a - a * b),
    (JacobianMistake.MISSING_DIAGONAL, lambda a, b: -a * a, None),
]
_EXPLAIN = {
    JacobianMistake.SIGN_OFFDIAG: "For i != j the entries should be -y_i y_j: the sign of the "
                                  "off-diagonal term is wrong (d/dz_j of 1/sum exp gives a minus)",
    JacobianMistake.ONE_INSTEAD_OF_DELTA: "For i != j your answer gives y_i(1 - y_j): the 1 "
                                          "should be the Kronecker delta, 0 when i != j",
    JacobianMistake.MISSING_DIAGONAL: "For i = j your answer gives -y_i^2: the y_i delta_ij "
                                      "term (from d exp(z_i)/dz_i) is missing",
}


class SoftmaxJacobianCheck:
    def judge_answers(self, item: SoftmaxJacobianItem, answers: dict[str, str]) -> Verdict:
        section = item.section
        texts, missing = lookup(answers, [item.key])
        if missing:
            return missing_answers(section, missing)
        read, problems = read_all(texts, SOFTMAX_JACOBIAN)
        if problems:
            return unreadable(problems)
        answer = read[item.key]
        shown = f"Read as: J_ij = {answer.shown}."
        try:
            computed = self._evaluate(answer.expr)
        except (TypeError, ValueError, ArithmeticError, sp.ShapeError) as exc:
            return Verdict.failed(0.0, f"Your answer cannot be evaluated as a Jacobian ({exc}). "
                                  f"{shown}", "unreadable")
        if isinstance(computed, str):
            return Verdict.failed(0.0, f"{computed} {shown}", "wrong-shape")
        diagonal_ok, off_ok = _cases_match(computed, None, None)
        if diagonal_ok and off_ok:
            how = "exactly, case by case, and" if _exactly_right(answer.expr) else "only"
            return Verdict.passed(f"Correct: checked {how} numerically against finite "
                                  f"differences of softmax for n = 2, 3, 4. {shown}")
        for mistake, diagonal, off in _MISTAKES:
            if all(_cases_match(computed, diagonal, off)):
                return Verdict.failed(item.partial_credit.get(mistake, 0.0),
                                      f"{_EXPLAIN[mistake]}. {shown}", mistake.value)
        right = [name for name, ok in (("diagonal (i = j)", diagonal_ok),
                                       ("off-diagonal (i != j)", off_ok)) if ok]
        wrong = [name for name, ok in (("diagonal (i = j)", diagonal_ok),
                                       ("off-diagonal (i != j)", off_ok)) if not ok]
        detail = f"Your {' and '.join(wrong)} entries are wrong" + (
            f"; the {right[0]} entries are right" if right else "")
        return Verdict.failed(0.0, f"{detail}. {shown}", "wrong-jacobian")

    @staticmethod
    def _evaluate(expr: sp.Basic) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]] | str:
        """(student matrix, finite-difference matrix, y) per test point, or why not a matrix."""
        is_matrix = isinstance(expr, sp.MatrixExpr)
        if not is_matrix and y_vector in expr.atoms(sp.MatrixSymbol):
            return "Write the answer either with indices (y_i, y_j, delta_ij) or as a matrix " \
                   "(diag(y), y y^T), not both."
        rng = np.random.default_rng(20240217)
        results = []
        for n in SIZES:
            for _ in range(DRAWS_PER_SIZE):
                z = rng.normal(0, 1.5, n)
                student = _matrix_value(expr, z) if is_matrix else _index_matrix(expr, z)
                if student.shape != (n, n):
                    return f"Your matrix is {student.shape[0]}x{student.shape[1]}, not {n}x{n}."
                results.append((student, _finite_difference_jacobian(z), _softmax(z)))
        return results


def _cases_match(computed, diagonal, off) -> tuple[bool, bool]:
    """Do the diagonal and off-diagonal entries equal the given forms (None: the true J)?"""
    diagonal_ok = off_ok = True
    for student, truth, y in computed:
        expected = truth.copy()
        a, b = np.meshgrid(y, y, indexing="ij")
        if diagonal is not None:
            np.fill_diagonal(expected, diagonal(y, y))
        if off is not None:
            mask = ~np.eye(len(y), dtype=bool)
            expected[mask] = off(a, b)[mask]
        close = np.isfinite(student) & (np.abs(student - expected) <= TOLERANCE)
        diagonal_ok &= bool(np.all(np.diag(close)))
        off_ok &= bool(np.all(close[~np.eye(len(y), dtype=bool)]))
    return diagonal_ok, off_ok


def _exactly_right(expr: sp.Basic) -> bool:
    """Case by case: i = j must give y_i - y_i^2, i != j must give -y_i y_j."""
    if isinstance(expr, sp.MatrixExpr):
        entries = sp.symbols("y0:3", positive=True)
        vector = sp.Matrix(entries)
        got = sp.Matrix(expr.subs(y_vector, vector).doit())
        want = sp.diag(*entries) - vector * vector.T
        return all(sp.simplify(e) == 0 for e in (got - want))
    if expr.free_symbols & {z_i, z_j}:
        return False  # in terms of the logits: the numeric comparison decides alone
    same = expr.subs({delta_ij: 1}).subs({y_j: y_i})
    different = expr.subs({delta_ij: 0})
    return sp.simplify(same - (y_i - y_i**2)) == 0 and sp.simplify(different + y_i * y_j) == 0
