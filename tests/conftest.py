"""Fixtures that build submissions and rubrics on disk."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent

GOOD_SIGMOID = """
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))
"""

SMALL_RUBRIC = """
assignment = "t"
[defaults]
time_limit_s = {limit}
memory_mb = 512
[submission]
preload = ["numpy"]
[[questions]]
id = "t"
title = "test"
[[questions.items]]
id = "t.sigmoid"
title = "sigmoid"
points = 2
kind = "numeric"
mode = "{mode}"
reference = "reference.q4_numpy"
cases = [{{ function = "sigmoid", args = [{{ random = [3, 4], seed = 1 }}] }}]
[[questions.items]]
id = "t.names"
title = "names"
points = 1
kind = "names"
mode = "{mode}"
names = {{ sigmoid = "function" }}
"""


@pytest.fixture
def write_py(tmp_path):
    """Write a .py submission in its own folder; returns the file's path."""
    counter = iter(range(10_000))

    def make(code: str, name: str = "hw1.py") -> Path:
        folder = tmp_path / f"sub{next(counter)}"
        folder.mkdir()
        path = folder / name
        path.write_text(textwrap.dedent(code))
        return path

    return make


@pytest.fixture
def write_notebook(tmp_path):
    def make(cells: list[str], name: str = "hw1.ipynb", markdown: str = "# HW") -> Path:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_markdown_cell(markdown)] + [
            nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in cells
        ]
        path = tmp_path / name
        nbformat.write(notebook, str(path))
        return path

    return make


@pytest.fixture
def small_rubric(tmp_path):
    def make(mode: str = "definitions", limit: float = 3) -> Path:
        path = tmp_path / f"rubric-{mode}-{limit}.toml"
        path.write_text(SMALL_RUBRIC.format(mode=mode, limit=limit))
        return path

    return make


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="session")
def report_schema():
    from grader.report.model import Report

    return json.loads(json.dumps(Report.model_json_schema()))
