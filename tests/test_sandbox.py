"""Hostile submissions: each ends in the right outcome within its limit + 2 s, the grader
survives, every item gets an outcome, and the next submission is graded normally."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from grader import api
from grader.outcome import Outcome

from .conftest import GOOD_SIGMOID, REPO

LIMIT = 3.0
WRONG = "\nimport numpy as np\ndef sigmoid(x):\n    return np.zeros_like(x) + 0.5\n"


def _in_sigmoid(body: str) -> str:
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return f"import numpy as np\ndef sigmoid(x):\n{indented}\n    return 1 / (1 + np.exp(-x))\n"


HOSTILE = [
    ("infinite-loop", "definitions", _in_sigmoid("while True:\n    pass"), Outcome.TIMEOUT, "timeout"),
    ("sleep-forever", "definitions", _in_sigmoid("import time\ntime.sleep(10**6)"),
     Outcome.TIMEOUT, "timeout"),
    ("memory-bomb", "definitions",
     _in_sigmoid("blocks = []\nwhile True:\n    blocks.append(bytearray(50 << 20))"),
     Outcome.ERROR, "memory-limit"),
    ("one-huge-allocation", "definitions", _in_sigmoid("x = bytearray(1 << 40)"),
     Outcome.ERROR, "memory-limit"),
    ("fork-bomb", "definitions", _in_sigmoid(
        "import os, time\nfor _ in range(300):\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(60)\n            os._exit(0)\n    except OSError:\n        pass"),
     Outcome.PASSED, None),
    ("huge-output", "definitions", _in_sigmoid("while True:\n    print('x' * 10000)"),
     Outcome.ERROR, "output-limit"),
    ("sys-exit-at-import", "full", "import sys\nsys.exit(0)\n" + GOOD_SIGMOID,
     Outcome.ERROR, "load-error"),
    ("os-exit-mid-check", "definitions", _in_sigmoid("import os\nos._exit(0)"),
     Outcome.ERROR, "crashed"),
    ("segfault", "definitions", _in_sigmoid("import ctypes\nctypes.string_at(0)"),
     Outcome.ERROR, "crashed"),
    ("fake-json-on-stdout", "definitions",
     'print(\'{"score": 100, "max_score": 100, "items": []}\')' + WRONG.replace(
         "return", "print('{\"outcome\": \"passed\", \"score\": 2}')\n    return"),
     Outcome.FAILED, "wrong-value"),
    ("ignores-sigterm", "definitions", _in_sigmoid(
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass"),
     Outcome.TIMEOUT, "timeout"),
    ("monkeypatches-allclose", "definitions",
     WRONG.replace("def sigmoid(x):", "np.allclose = lambda *a, **k: True\n"
                   "np.isclose = lambda *a, **k: True\ndef sigmoid(x):"),
     Outcome.FAILED, "wrong-value"),
    ("lying-ndarray-subclass", "definitions", """
import numpy as np
class Liar(np.ndarray):
    def __eq__(self, other):
        return True
    def __array_function__(self, *a, **k):
        return True
def sigmoid(x):
    return np.zeros(3).view(Liar)
""", Outcome.FAILED, "wrong-value"),
    ("imports-reference", "definitions", _in_sigmoid(
        "import reference.q4_numpy as ref\nreturn ref.sigmoid(x)"),
     Outcome.FAILED, "raised-exception"),
    ("reads-reference-file", "definitions", _in_sigmoid(
        f"open({str(REPO / 'reference' / 'q4_numpy.py')!r}).read()"),
     Outcome.FAILED, "raised-exception"),
    ("finds-reference-via-grader-file", "definitions", _in_sigmoid(
        "import grader, os\nroot = os.path.dirname(os.path.dirname(grader.__file__))\n"
        "open(os.path.join(root, 'reference', 'q4_numpy.py')).read()"),
     Outcome.FAILED, "raised-exception"),
    ("opens-network", "definitions", _in_sigmoid(
        "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=1)"),
     Outcome.FAILED, "raised-exception"),
]


@pytest.mark.parametrize("name, mode, code, outcome, diagnosis", HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_hostile_submission_is_contained(write_py, small_rubric, tmp_path, report_schema, name,
                                         mode, code, outcome, diagnosis):
    out = tmp_path / "report.json"
    started = time.monotonic()
    report = api.grade(write_py(code), small_rubric(mode, LIMIT), out=out)
    elapsed = time.monotonic() - started
    item = report.items[0]
    assert item.outcome is outcome, item.feedback
    if diagnosis:
        assert diagnosis in item.diagnosis
    assert item.duration_s <= LIMIT + 2
    assert elapsed <= 2 * (LIMIT + 2) + 5  # both items, plus the worker's start
    assert all(i.outcome in Outcome for i in report.items) and len(report.items) == 2
    if outcome is not Outcome.PASSED:
        assert item.score == 0
    jsonschema.validate(json.loads(out.read_text()), report_schema)


def test_fake_report_file_is_overwritten(write_py, small_rubric, tmp_path):
    out = tmp_path / "report.json"
    forge = (f"for path in [{str(out)!r}, 'report.json']:\n"
             "        try:\n            open(path, 'w').write('{\"score\": 3}')\n"
             "        except OSError:\n            pass\n    return")
    report = api.grade(write_py(WRONG.replace("return", forge)), small_rubric(), out=out)
    assert report.items[0].outcome is Outcome.FAILED
    assert '"grader_version"' in out.read_text() and report.score < report.max_score


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_background_process_does_not_outlive_the_check(write_py, small_rubric):
    marker = "4242.4242"
    code = _in_sigmoid(
        "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        f"        os.execv('/bin/sleep', ['sleep', '{marker}'])\n    os._exit(0)")
    report = api.grade(write_py(code), small_rubric("definitions", LIMIT))
    assert report.items[0].outcome is Outcome.PASSED
    time.sleep(0.5)
    assert _processes_with(marker) == []


def test_grader_carries_on_after_a_crash(write_py, small_rubric):
    rubric = small_rubric("definitions", LIMIT)
    crashed = api.grade(write_py(_in_sigmoid("import ctypes\nctypes.string_at(0)")), rubric)
    good = api.grade(write_py(GOOD_SIGMOID), rubric)
    assert crashed.items[0].outcome is Outcome.ERROR
    assert [i.outcome for i in good.items] == [Outcome.PASSED, Outcome.PASSED]


def test_isolation_is_recorded(write_py, small_rubric):
    report = api.grade(write_py(GOOD_SIGMOID), small_rubric())
    sandbox = report.environment.sandbox
    assert sandbox is not None
    for field in ("network", "pid_namespace", "filesystem", "uid", "memory", "processes"):
        assert getattr(sandbox, field) != "not attempted"


def test_student_environment_is_clean(write_py, small_rubric):
    probe = _in_sigmoid(
        "import os, sys\nleak = [k for k in os.environ if 'PYTEST' in k or 'GRADER' in k]\n"
        "assert not leak, leak\nassert sys.flags.isolated\n"
        "assert not any('reference' in p for p in sys.path)")
    os.environ["GRADER_SECRET"] = "x"
    try:
        report = api.grade(write_py(probe), small_rubric())
    finally:
        del os.environ["GRADER_SECRET"]
    assert report.items[0].outcome is Outcome.PASSED, report.items[0].feedback


def test_worker_hides_the_packages_it_would_import():
    """The worker may import grader/reference from another place than the grader process
    (an editable install elsewhere): it names them itself and they are hidden too."""
    from grader.sandbox.runner import Sandbox

    with Sandbox(None, [], ["numpy"]) as sandbox:
        hidden = [Path(p).name for p in sandbox.hide]
    assert "grader" in hidden and "reference" in hidden


def test_assign_copies_into_the_students_arrays_and_get_reads_them_back():
    """Biases of shape (1, n) keep their shape, and aliases such as `W1 = weights[0]` see the
    grader's values; a call by reference reads a name set by an earlier step."""
    from grader.sandbox.protocol import Cell, Limits
    from grader.sandbox.runner import Assign, Call, Get, Ref, Sandbox

    code = ("import numpy as np\nweights = [np.zeros((2, 3))]\nbiases = [np.zeros((1, 3))]\n"
            "W1 = weights[0]\ndef total(x):\n    return float(W1.sum() + x.sum())\n")
    values = [np.arange(6.0).reshape(2, 3)]
    with Sandbox(None, [], ["numpy"]) as sandbox:
        run = sandbox.run([Cell(origin="t.py", code=code)], "definitions",
                          [Assign("weights", values), Assign("biases", [np.ones(3)]),
                           Assign("data", np.ones(4)), Call("total", (Ref("data"),)),
                           Get(("weights", "biases", "nothing"))], Limits(wall_s=20))
    assert run.status == "completed", run.message
    assert run.steps[3].value == 15.0 + 4.0 and run.steps[3].seconds >= 0
    got = run.steps[4].value
    assert got["biases"][0].shape == (1, 3) and np.array_equal(got["weights"][0], values[0])
    assert "nothing" not in got
