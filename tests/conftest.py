"""Fixtures that build submissions and rubrics on disk."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import nbformat
import numpy as np
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


@pytest.fixture(autouse=True)
def _no_network_no_user_cache(monkeypatch, tmp_path_factory):
    """No test downloads, or writes to the user's cache; each session has its own cache."""
    monkeypatch.setenv("GRADER_OFFLINE", "1")
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "grader-cache"))
    monkeypatch.delenv("GRADER_DATA_MIRROR", raising=False)


def _real_data_dir() -> Path | None:
    named = os.environ.get("GRADER_DATA_DIR")
    candidate = Path(named) if named else REPO.parent / "shared" / "data"
    return candidate.resolve() if (candidate / "fashion-mnist").is_dir() else None


REAL_DATA = _real_data_dir()


@pytest.fixture
def real_data(monkeypatch) -> Path:
    """The real datasets' folder, as GRADER_DATA_DIR. CI sets GRADER_REQUIRE_DATA=1 so a
    missing folder fails there; elsewhere the test is skipped with the reason."""
    if REAL_DATA is None:
        if os.environ.get("GRADER_REQUIRE_DATA") == "1":
            pytest.fail("real data required (GRADER_REQUIRE_DATA=1) but GRADER_DATA_DIR is unset "
                        "and ../shared/data is missing")
        pytest.skip("no real MNIST/FashionMNIST data: set GRADER_DATA_DIR")
    monkeypatch.setenv("GRADER_DATA_DIR", str(REAL_DATA))
    return REAL_DATA


@pytest.fixture
def tiny_dataset(tmp_path):
    """Write small valid IDX files: (folder, train size, test size, gzip?) -> the folder."""
    from grader.data.idx import write_idx

    def make(folder: Path, train: int | None = 60, test: int = 20, compress: bool = False,
             seed: int = 0) -> Path:
        rng = np.random.default_rng(seed)
        folder.mkdir(parents=True, exist_ok=True)
        suffix = ".gz" if compress else ""
        for prefix, count in (("train", train), ("t10k", test)):
            if count is None:
                continue
            write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}",
                      rng.integers(0, 256, (count, 28, 28)), compress)
            write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}",
                      rng.integers(0, 10, count), compress)
        return folder

    return make
