"""The symbols and functions each maths answer may use."""

from __future__ import annotations

import ast
from collections.abc import Callable

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from grader.maths.parse import AnswerParseError, Builder, Vocabulary, unary

h, delta, k = sp.symbols("h delta k", positive=True)
x = sp.Symbol("x", real=True)
y_i, y_j, z_i, z_j = sp.symbols("y_i y_j z_i z_j", positive=True)
delta_ij = sp.Symbol("delta_ij", nonnegative=True)  # Kronecker delta: 1 if i = j, else 0
size = sp.Symbol("n", integer=True, positive=True)
y_vector = sp.MatrixSymbol("y", size, 1)

_ELEMENTARY: dict[str, Builder] = {"exp": unary(sp.exp), "log": unary(sp.log),
                                   "ln": unary(sp.log), "sqrt": unary(sp.sqrt)}


def _kronecker(args: list[ast.expr], _: Callable[[ast.expr], sp.Basic]) -> sp.Basic:
    names = [a.id for a in args if isinstance(a, ast.Name)]
    if len(args) != 2 or sorted(names) != ["i", "j"]:
        raise AnswerParseError("write the Kronecker delta as delta(i, j)")
    return delta_ij


def _diag(args: list[ast.expr], build: Callable[[ast.expr], sp.Basic]) -> sp.Basic:
    if len(args) != 1:
        raise AnswerParseError("diag takes one argument, the vector y")
    vector = build(args[0])
    if vector != y_vector:
        raise AnswerParseError("diag(...) is read only as diag(y), y the softmax output")
    return DiagMatrix(vector)


def _sigmoid(args: list[ast.expr], build: Callable[[ast.expr], sp.Basic]) -> sp.Basic:
    if len(args) != 1:
        raise AnswerParseError("sigma takes one argument")
    return 1 / (1 + sp.exp(-build(args[0])))


BUMP = Vocabulary(
    symbols={"h": h, "delta": delta, "k": k, "x": x, "e": sp.E, "pi": sp.pi},
    functions={**_ELEMENTARY, "sigma": _sigmoid, "sigmoid": _sigmoid},
)

SOFTMAX_JACOBIAN = Vocabulary(
    symbols={"y_i": y_i, "y_j": y_j, "z_i": z_i, "z_j": z_j, "delta_ij": delta_ij,
             "y": y_vector, "e": sp.E},
    functions={**_ELEMENTARY, "delta": _kronecker, "KroneckerDelta": _kronecker,
               "diag": _diag},
    transpose_names=frozenset({"T"}),
)
