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
