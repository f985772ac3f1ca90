"""Turn a student's maths string into a sympy expression without ever evaluating the string.

sympy's `sympify`/`parse_expr` call `eval`, and an attribute chain reaches builtins even with
empty `__builtins__`. Here the text is tokenised, rewritten token by token (`^` -> `**`,
implicit multiplication), parsed by `ast.parse` and built into sympy objects by walking a
whitelist of node types; every name must be in the question's vocabulary. Length, nesting,
node count, number size and numeric exponents are capped so no answer can make sympy work
for long.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import tokenize
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy as sp

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 300
MAX_DIGITS = 30
MAX_EXPONENT = 50


class AnswerParseError(ValueError):
    """The answer cannot be read; the message says why, in the student's terms."""


# A function builder gets the raw argument nodes and a callback that builds one of them.
Builder = Callable[[list[ast.expr], Callable[[ast.expr], sp.Basic]], sp.Basic]


@dataclass(frozen=True)
class Vocabulary:
    """The names an answer may use: symbols, functions, and names read as transpose (`y^T`)."""

    symbols: Mapping[str, sp.Basic]
    functions: Mapping[str, Builder] = field(default_factory=dict)
    transpose_names: frozenset[str] = frozenset()

    def describe(self) -> str:
        names = sorted(set(self.symbols) | {f"{f}(...)" for f in self.functions})
        return ", ".join(names)


def unary(function: Callable[[sp.Basic], sp.Basic]) -> Builder:
    def build(args: list[ast.expr], parse: Callable[[ast.expr], sp.Basic]) -> sp.Basic:
        if len(args) != 1:
            raise AnswerParseError(f"{function.__name__} takes one argument")
        return function(parse(args[0]))
    return build


_UNICODE = {"δ": " delta", "σ": " sigma", "−": "-", "–": "-", "·": "*", "⋅": "*", "×": "*",
            "∗": "*", "²": "^2", "³": "^3", "ᵀ": "^T", "∞": " oo "}


def normalise(text: str) -> str:
    """Unicode look-alikes to ASCII; only the right-hand side of an equation is the answer."""
    if len(text) > MAX_LENGTH:
        raise AnswerParseError(f"the answer is {len(text):,} characters long; at most "
                               f"{MAX_LENGTH} are read")
    for old, new in _UNICODE.items():
        text = text.replace(old, new)
    text = unicodedata.normalize("NFKC", text)
    if "=" in text:
        text = text.rsplit("=", 1)[1]
    if not text.strip():
        raise AnswerParseError("the answer is empty")
    return text.strip()


def parse_plain(text: str, vocabulary: Vocabulary) -> sp.Basic:
    """Parse plain text (after `normalise`) into sympy, using only `vocabulary`'s names."""
    source = _rewrite_tokens(text, vocabulary)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise AnswerParseError("this is not a well-formed expression (a missing operand or "
                               "operator?)") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise AnswerParseError(f"the expression is too large (more than {MAX_NODES} parts)")
    return _Builder(vocabulary).build(tree.body)


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except tokenize.TokenError:
        raise AnswerParseError("unbalanced parentheses") from None
    except (SyntaxError, IndentationError) as exc:
        raise AnswerParseError(f"cannot read this: {exc.msg}") from None
    return [t for t in tokens if t.type not in (tokenize.NEWLINE, tokenize.NL,
                                                tokenize.ENDMARKER, tokenize.INDENT,
                                                tokenize.DEDENT)]


_ALLOWED_OPS = {"+", "-", "*", "/", "**", "^", "(", ")", ",", "[", "]"}


def _rewrite_tokens(text: str, vocabulary: Vocabulary) -> str:
    """Check each token, turn `^` into `**`, and write implicit products with `*`."""
    out: list[str] = []
    depth = 0
    previous: tokenize.TokenInfo | None = None
    for token in _tokens(text):
        kind, value = token.type, token.string
        if kind == tokenize.NAME and keyword.iskeyword(value):
            raise AnswerParseError(f"'{value}' is not allowed in an answer")
        if kind == tokenize.STRING:
            raise AnswerParseError("quotes are not allowed in an answer")
        if kind == tokenize.OP and value not in _ALLOWED_OPS:
            what = "attribute access" if value == "." else "this character"
            raise AnswerParseError(f"'{value}' ({what}) is not allowed in an answer")
        if kind not in (tokenize.NAME, tokenize.NUMBER, tokenize.OP):
            raise AnswerParseError(f"unexpected character {value!r}")
        if kind == tokenize.NUMBER and (len(value) > MAX_DIGITS or value[-1] in "jJ"):
            raise AnswerParseError(f"the number {value[:20]}... is not allowed (too long or "
                                   "imaginary)" if len(value) > 20 else
                                   f"the number {value} is not allowed")
        if value in "([":
            depth += 1
            if depth > MAX_DEPTH:
                raise AnswerParseError(f"parentheses nested more than {MAX_DEPTH} deep")
        elif value in ")]":
            depth -= 1
            if depth < 0:
                raise AnswerParseError("unbalanced parentheses: a ')' has no '('")
        if previous is not None and _implicit_product(previous, token, vocabulary):
            out.append("*")
        out.append("**" if value == "^" else value)
        previous = token
    if depth != 0:
        raise AnswerParseError("unbalanced parentheses: a '(' is never closed")
    return " ".join(out)


def _implicit_product(left: tokenize.TokenInfo, right: tokenize.TokenInfo,
                      vocabulary: Vocabulary) -> bool:
    """`2x`, `x y`, `y_i(1 - y_j)`, `(a)(b)`: a product. `exp(x)`: a call."""
    ends_operand = left.type in (tokenize.NAME, tokenize.NUMBER) or left.string in (")", "]")
    starts_operand = right.type in (tokenize.NAME, tokenize.NUMBER) or right.string == "("
    if not (ends_operand and starts_operand):
        return False
    if right.string == "(" and left.type == tokenize.NAME:
        return left.string in vocabulary.symbols  # a symbol times a bracket; else a call
    return True


class _Builder:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def build(self, node: ast.expr) -> sp.Basic:
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Constant):
            return self._number(node.value)
        if isinstance(node, ast.Name):
            return self._symbol(node.id)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
                isinstance(node.slice, ast.Name):
            return self._symbol(f"{node.value.id}_{node.slice.id}")  # y[i] is y_i
        raise AnswerParseError(f"'{ast.unparse(node)[:40]}' is not allowed in an answer")

    def _binary(self, node: ast.BinOp) -> sp.Basic:
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Name) and \
                node.right.id in self.vocabulary.transpose_names:
            return sp.transpose(self.build(node.left))
        left, right = self.build(node.left), self.build(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise AnswerParseError("division by zero")
            return left / right
        if isinstance(node.op, ast.Pow):
            if right.is_number and (not right.is_real or abs(right) > MAX_EXPONENT):
                raise AnswerParseError(f"exponent too large (at most {MAX_EXPONENT})")
            if left.is_number and not right.is_number:
                raise AnswerParseError("a number raised to a symbolic power is not expected here")
            return left**right
        raise AnswerParseError(f"the operator in '{ast.unparse(node)[:40]}' is not allowed")

    @staticmethod
    def _number(value: object) -> sp.Basic:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerParseError(f"{value!r} is not a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise AnswerParseError("a number in the answer is too large")
        return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))

    def _symbol(self, name: str) -> sp.Basic:
        if name in self.vocabulary.symbols:
            return self.vocabulary.symbols[name]
        hint = " (names are case-sensitive)" if any(
            name.lower() == known.lower() for known in self.vocabulary.symbols) else ""
        raise AnswerParseError(f"unknown symbol '{name}'{hint}; this answer may use: "
                               f"{self.vocabulary.describe()}")

    def _call(self, node: ast.Call) -> sp.Basic:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name is None or name not in self.vocabulary.functions:
            shown = name or ast.unparse(node.func)[:40]
            raise AnswerParseError(f"unknown function '{shown}'; this answer may use: "
                                   f"{self.vocabulary.describe()}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise AnswerParseError(f"{name}(...) takes plain arguments")
        return self.vocabulary.functions[name](list(node.args), self.build)
