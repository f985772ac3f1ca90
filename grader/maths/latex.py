"""Translate the LaTeX students write for these answers into the plain syntax of parse.py.

A subset only: `\\delta_{ij}`, `y_{i}`, `\\frac{a}{b}`, `\\left( \\right)`, `\\cdot`, `e^{...}`,
`\\sigma`, `\\mathrm{diag}`, `^\\top`, `\\sqrt{}`. An unknown command is an error that names it,
never a guess: sympy's own LaTeX parsers misread `y_i(\\delta_{ij} - y_j)` as a function call.
"""

from __future__ import annotations

import re

from grader.maths.parse import AnswerParseError

_DROPPED = ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
            "quad", "qquad", ",", ";", ":", "!", " ")
# A leading space keeps `2\delta` apart; none after, so `\delta_{ij}` becomes `delta_ij`.
_WORDS = {"cdot": "*", "times": "*", "ast": "*", "sigma": " sigma", "delta": " delta",
          "exp": " exp", "log": " log", "ln": " log", "top": "T", "intercal": "T"}
_WRAPPERS = ("mathrm", "operatorname", "text", "textrm", "mathbf", "boldsymbol", "mathit", "rm")
_FRACTIONS = ("frac", "dfrac", "tfrac")


def looks_like_latex(text: str) -> bool:
    return "\\" in text or "_{" in text or "^{" in text or "$" in text


def latex_to_plain(text: str) -> str:
    text = text.replace("$", " ")
    text = re.sub(r"\\[()\[\]]", " ", text)  # \( \) \[ \] math delimiters
    out = _Translator(text).run()
    return out.replace("{", "(").replace("}", ")")


class _Translator:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def run(self, stop_at_brace: bool = False) -> str:
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "}" and stop_at_brace:
                return "".join(out)
            if char == "\\":
                out.append(self._command())
            elif char == "{":
                out.append("(" + self._group_body() + ")")
            elif char == "_" and self._peek(1) == "{":
                self.pos += 1
                body = self._group_body()
                out.append("_" + re.sub(r"[\s,]", "", body))
            elif char == "e" and self._peek(1) == "^" and not _letter_before(out):
                self.pos += 2
                out.append(" exp(" + self._argument() + ")")
            else:
                out.append(char)
                self.pos += 1
        if stop_at_brace:
            raise AnswerParseError("unbalanced braces: a '{' is never closed")
        return "".join(out)

    def _peek(self, ahead: int) -> str:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def _group_body(self) -> str:
        """The translated text inside {...}; the cursor is on '{'."""
        self.pos += 1
        body = self.run(stop_at_brace=True)
        self.pos += 1
        return body

    def _argument(self) -> str:
        """A command's argument: a {group} or a single character/command."""
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1
        if self.pos >= len(self.text):
            raise AnswerParseError("a LaTeX command is missing its argument")
        if self.text[self.pos] == "{":
            return "(" + self._group_body() + ")"
        if self.text[self.pos] == "\\":
            return self._command()
        self.pos += 1
        return self.text[self.pos - 1]

    def _command(self) -> str:
        match = re.compile(r"\\([A-Za-z]+|.)").match(self.text, self.pos)
        name = match.group(1) if match else ""
        self.pos = match.end() if match else self.pos + 1
        if name in _DROPPED:
            return " "
        if name in _WORDS:
            return _WORDS[name]
        if name in _WRAPPERS:
            return " " + self._argument().strip("()") + " "
        if name in _FRACTIONS:
            numerator, denominator = self._argument(), self._argument()
            return f"(({numerator})/({denominator}))"
        if name == "sqrt":
            return f" sqrt({self._argument()})"
        if name == "\\":
            raise AnswerParseError("write the answer on one line (no '\\\\')")
        raise AnswerParseError(f"unknown LaTeX command '\\{name}'")


def _letter_before(out: list[str]) -> bool:
    """`e^` is Euler's number unless it ends a longer name (`the^2` is not exp)."""
    joined = "".join(out)
    return bool(joined) and (joined[-1].isalnum() or joined[-1] == "_")
