import json

import pytest

from grader.errors import SubmissionNotFound
from grader.submission.loader import load_submission
from grader.submission.model import SubmissionFormat
from grader.submission.notebook import strip_ipython

from .conftest import REPO


def test_py_file(write_py):
    path = write_py("x = 1\n")
    sub = load_submission(path)
    assert sub.loadable and sub.format is SubmissionFormat.PY
    assert [c.code for c in sub.cells] == ["x = 1\n"]
    assert sub.root == path.parent and len(sub.sha256) == 64


def test_notebook_code_cells_only_magics_removed(write_notebook):
    path = write_notebook(["%matplotlib inline\nimport numpy as np", "!pip install torch\nx = 2",
                           "%%bash\necho hi", "%%time\ny = 3", "files = !ls\nz = x != 1"])
    sub = load_submission(path)
    codes = [c.code for c in sub.cells]
    assert codes == ["pass\nimport numpy as np\n", "pass\nx = 2\n", "pass\ny = 3\n",
                     "pass\nz = x != 1\n"]
    assert sub.cells[0].origin == "hw1.ipynb, cell 2"


def test_folder_with_notebook_and_answers(write_notebook):
    path = write_notebook(["x = 1"])
    (path.parent / "answers.toml").write_text('[q2]\njacobian = "y_i*(delta_ij - y_j)"\n')
    sub = load_submission(path.parent)
    assert sub.entry == path and sub.format is SubmissionFormat.NOTEBOOK
    assert sub.answers == {"q2": {"jacobian": "y_i*(delta_ij - y_j)"}}


def test_seed_submission_loads():
    sub = load_submission(REPO / "submissions" / "seed", ["hw1.ipynb"])
    assert sub.loadable
    assert any("def train_one_sample" in c.code for c in sub.cells)


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{not json", "not a readable notebook"),
        (json.dumps({"cells": "nope", "nbformat": 4}), "not a readable notebook"),
    ],
)
def test_malformed_notebook_is_a_problem_not_a_crash(tmp_path, content, problem):
    path = tmp_path / "hw1.ipynb"
    path.write_text(content)
    sub = load_submission(path)
    assert not sub.loadable
    assert problem in sub.problems[0]


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(SubmissionNotFound, match="submission not found"):
        load_submission(tmp_path / "absent.py")


@pytest.mark.parametrize(
    "files, problem",
    [
        ([], "no .py file or .ipynb notebook"),
        (["a.py", "b.py"], "several possible entry files"),
    ],
)
def test_folder_without_one_entry(tmp_path, files, problem):
    for name in files:
        (tmp_path / name).write_text("x = 1\n")
    sub = load_submission(tmp_path)
    assert not sub.loadable and problem in sub.problems[0]


def test_symlinked_entry_is_ignored(tmp_path):
    (tmp_path / "hw1.py").symlink_to(REPO / "reference" / "q4_numpy.py")
    assert not load_submission(tmp_path).loadable


@pytest.mark.parametrize(
    "line, kept",
    [("x = a != b", True), ("x %= 3", True), ("%timeit f()", False), ("  !ls", False),
     ("out = !ls", False), ("obj?", False), ("print('!')", True)],
)
def test_strip_ipython_lines(line, kept):
    assert (strip_ipython(line).strip() == line.strip()) is kept
