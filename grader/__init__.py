"""grader: autograde a deep-learning homework (maths, numpy, PyTorch) in a sandbox.

Importing this package is cheap: nothing heavy (torch, sympy) is imported until used.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("grader")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "check", "grade"]


def __getattr__(name: str):
    if name in ("grade", "check"):
        from grader import api

        return getattr(api, name)
    raise AttributeError(name)
