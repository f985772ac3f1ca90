"""Every module imports on its own, and importing the package stays light."""

import pkgutil
import subprocess
import sys

import pytest

import grader

MODULES = sorted(m.name for m in pkgutil.walk_packages(grader.__path__, "grader.")
                 if m.name not in ("grader.__main__",))


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_in_a_fresh_process(module):
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)


def test_import_grader_does_not_import_torch():
    code = "import sys, grader, grader.cli; assert 'torch' not in sys.modules; assert 'sympy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_python_dash_m_grader():
    result = subprocess.run([sys.executable, "-m", "grader", "--version"], capture_output=True,
                            text=True, check=True)
    assert grader.__version__ in result.stdout


def _grader_imports(module: str) -> set[str]:
    import ast
    import importlib.util

    tree = ast.parse(open(importlib.util.find_spec(module).origin).read())
    for node in ast.walk(tree):  # imports for type annotations only are not dependencies
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("grader"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("grader"))
    return found


# (package, the higher layers it must never import)
LAYERS = [
    ("grader.data", ("grader.api", "grader.cli", "grader.checks", "grader.sandbox",
                     "grader.report", "grader.rubric", "grader.submission", "grader.reference_run")),
    ("grader.checks", ("grader.api", "grader.cli", "grader.reference_run", "grader.data",
                       "grader.submission", "grader.rubric.loader")),
    ("grader.sandbox", ("grader.api", "grader.cli", "grader.checks", "grader.reference_run")),
    ("grader.report", ("grader.api", "grader.cli", "grader.checks", "grader.reference_run")),
    ("grader.reference_run", ("grader.api", "grader.cli")),
]


@pytest.mark.parametrize("package, higher", LAYERS, ids=[p for p, _ in LAYERS])
def test_lower_layers_never_import_higher_ones(package, higher):
    modules = [m for m in MODULES if m == package or m.startswith(package + ".")]
    assert modules
    for module in modules:
        bad = {name for name in _grader_imports(module) if name.startswith(higher)}
        assert not bad, f"{module} imports {bad}"
