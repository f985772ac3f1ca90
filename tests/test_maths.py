"""The safe maths reader: what it accepts, how it reads it, and what it refuses."""

from __future__ import annotations

import time

import pytest

from grader.maths.answer import read_answer
from grader.maths.parse import AnswerParseError
from grader.maths.vocabulary import BUMP, SOFTMAX_JACOBIAN

READS = [
    ("y_i(delta_ij - y_j)", "y_i*(delta_ij - y_j)"),
    ("y_i*(delta_ij-y_j)", "y_i*(delta_ij - y_j)"),
    ("y_i (δ_ij − y_j)", "y_i*(delta_ij - y_j)"),
    ("y[i](delta_ij - y[j])", "y_i*(delta_ij - y_j)"),
    ("KroneckerDelta(i, j)*y_i - y_i*y_j", "delta_ij*y_i - y_i*y_j"),
    ("delta(j,i) y_j - y_i y_j", "delta_ij*y_j - y_i*y_j"),
    ("J_ij = y_i(delta_ij - y_j)", "y_i*(delta_ij - y_j)"),
    (r"y_i(\delta_{ij} - y_j)", "y_i*(delta_ij - y_j)"),
    (r"$J_{ij} = y_{i}\left(\delta_{ij} - y_{j}\right)$", "y_i*(delta_ij - y_j)"),
    (r"y_i \delta_{i j} - y_i \cdot y_j", "delta_ij*y_i - y_i*y_j"),
    (r"\delta_{i,j} y_{j} - y_{i} y_{j}", "delta_ij*y_j - y_i*y_j"),
    (r"\frac{e^{z_i}}{e^{z_i}} y_i", "y_i"),
    (r"\mathrm{diag}(y) - y y^\top", "DiagMatrix(y) - y*y.T"),
    ("diag(y) - y y^T", "DiagMatrix(y) - y*y.T"),
    ("y_i^2 - y_i²", "0"),
    ("0.5 y_i", "y_i/2"),
]


@pytest.mark.parametrize("text, shown", READS)
def test_reads(text, shown):
    assert read_answer(text, SOFTMAX_JACOBIAN).shown == shown


@pytest.mark.parametrize("text, shown", [
    ("-delta", "-delta"), (r"-\delta", "-delta"), ("-k δ", "-delta*k"), ("2h", "2*h"),
    (r"\frac{h}{2}", "h/2"), ("-1000/delta", "-1000/delta"), (r"\sqrt{h}", "sqrt(h)"),
])
def test_reads_bump_weights(text, shown):
    assert read_answer(text, BUMP).shown == shown


# (text, words the message must contain): malformed, then hostile input
REFUSED = [
    ("y_i(delta_ij - y_j", "unbalanced parentheses"),
    ("y_i)(delta_ij", "unbalanced parentheses"),
    (r"y_i(\delta_{ij - y_j)", "never closed"),
    (r"\partial y_i", r"unknown LaTeX command '\partial'"),
    ("Y_i", "case-sensitive"),
    ("w_i y_j", "unknown symbol 'w_i'"),
    ("y_i +", "not a well-formed expression"),
    ("", "empty"),
    ("().__class__.__bases__[0].__subclasses__()", "attribute access"),
    ("y_i.__class__.__mro__", "attribute access"),
    ("__import__('os').system('true')", "not allowed"),
    ("open(1)", "unknown function 'open'"),
    ("exec(y_i)", "unknown function 'exec'"),
    ("lambda: y_i", "'lambda' is not allowed"),
    ("[c for c in y]", "'for' is not allowed"),
    ("y_i if y_j else 0", "'if' is not allowed"),
    ("9^9^9^9", "exponent too large"),
    ("2**1000", "exponent too large"),
    ("((y_i+1)^50)^50^50", "exponent too large"),
    ("1e400 y_i", "too large"),
    ("1" * 40, "not allowed"),
    ("x" * 100_000, "at most 500"),
    ("(" * 60 + "y_i" + ")" * 60, "nested more than 40"),
    ("-" * 400 + "y_i", "too large"),
    ("y_i; y_j", "';'"),
    ("y_i # comment", "unexpected character"),
    ("y_i/0", "division by zero"),
    ("KroneckerDelta(i, k)", "delta(i, j)"),
    ("y_i(delta_ij - y_j) \\\\ 1", "one line"),
]


@pytest.mark.parametrize("text, words", REFUSED, ids=[r[0][:30] for r in REFUSED])
def test_refused_with_a_clear_message_quickly(text, words):
    started = time.perf_counter()
    with pytest.raises(AnswerParseError, match=None) as caught:
        read_answer(text, SOFTMAX_JACOBIAN)
    assert words in str(caught.value)
    assert time.perf_counter() - started < 0.5


def test_reader_never_evaluates(tmp_path):
    """A string that would write a file through eval leaves nothing behind."""
    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    with pytest.raises(AnswerParseError):
        read_answer(payload, SOFTMAX_JACOBIAN)
    assert not marker.exists()
