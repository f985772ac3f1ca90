"""Reading untrusted maths answers safely: plain text or a LaTeX subset, into sympy."""
