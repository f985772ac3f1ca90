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


ANSWER_BLOCK = """### Answers
```answers
[q1a]
w1 = "1"
b_B = '-\\delta'
[q2]
jacobian = 'y_i(\\delta_{ij} - y_j)'
```
"""


def _notebook_with(write_notebook, code_cells, markdown):
    return write_notebook(code_cells, markdown=markdown)


def test_answers_block_in_a_notebook(write_notebook):
    sub = load_submission(_notebook_with(write_notebook, ["x = 1"], ANSWER_BLOCK))
    assert sub.answers == {"q1a": {"w1": "1", "b_B": "-\\delta"},
                           "q2": {"jacobian": "y_i(\\delta_{ij} - y_j)"}}
    assert sub.answer_origins["q2"] == "hw1.ipynb, cell 1 (answers block)"


def test_answers_as_module_literals_are_read_not_run(write_py, tmp_path):
    marker = tmp_path / "ran"
    sub = load_submission(write_py(f"""
        import pathlib
        pathlib.Path({str(marker)!r}).touch()
        Q1A = {{"w1": "1", "w2": 1, "b_B": "-delta"}}
        Q2_JACOBIAN = "y_i*(delta_ij - y_j)"
        Q2_NOTE: str = "from the lecture"
        QUIET = "not an answer"
    """))
    assert sub.answers == {"q1a": {"w1": "1", "w2": "1", "b_B": "-delta"},
                           "q2": {"jacobian": "y_i*(delta_ij - y_j)", "note": "from the lecture"}}
    assert sub.answer_origins["q2"].startswith("Q2_JACOBIAN in hw1.py, line")
    assert not marker.exists()


def test_answers_computed_at_run_time_are_a_problem(write_py):
    sub = load_submission(write_py('Q2_JACOBIAN = "y_i" + "*(1 - y_j)"\nQ1A = dict(w1="1")\n'))
    assert sub.answers == {}
    assert len(sub.answer_problems) == 2 and "not a literal" in sub.answer_problems[0]
    assert sub.loadable  # answer problems never block the code items


def test_answer_precedence_toml_then_block_then_code(write_notebook):
    path = write_notebook(['Q2_JACOBIAN = "from code"\nQ3_X = "code only"'],
                          markdown="```answers\n[q2]\njacobian = 'from block'\n[q1a]\nw1 = 'block'\n```")
    (path.parent / "answers.toml").write_text('[q1a]\nw1 = "toml"\n')
    sub = load_submission(path.parent)
    assert sub.answers == {"q1a": {"w1": "toml"}, "q2": {"jacobian": "from block"},
                           "q3": {"x": "code only"}}
    assert sub.answer_origins["q1a"] == "answers.toml"


@pytest.mark.parametrize("toml, problem", [
    ("[q2\njacobian = 1", "not valid TOML"),
    ("jacobian = 'y_i'", "must be a table"),
])
def test_bad_answers_file_is_a_problem_that_does_not_block_code(write_py, toml, problem):
    path = write_py("x = 1\n")
    (path.parent / "answers.toml").write_text(toml)
    sub = load_submission(path.parent)
    assert sub.loadable and problem in sub.answer_problems[0]


def test_seed_answers_come_from_its_answers_block():
    sub = load_submission(REPO / "submissions" / "seed", ["hw1.ipynb"])
    assert sub.answers["q1a"]["b_B"] == "-\\delta"
    assert sub.answers["q2"]["jacobian"] == "y_i(\\delta_{ij} - y_j)"
