"""Run the written-answer checks (sympy on untrusted strings) in a separate process, under the
item's time limit and a memory cap, so no answer can stall or exhaust the grader.

The grader starts `python -I -m grader.checks.maths_worker MEMORY_MB` once per grading run and
sends it one JSON line per item; a check that overruns its time is killed with its process and
the next item starts a fresh one. The strings are only ever parsed (grader.maths), never run.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time

from pydantic import TypeAdapter

from grader.outcome import Outcome, Verdict
from grader.rubric.model import AnswerItemBase, Item

STARTUP_TIMEOUT_S = 60


class MathsWorker:
    """The grader's side: start lazily, judge one item at a time, kill on overrun."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> MathsWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def judge(self, item: AnswerItemBase, answers: dict[str, str], time_limit_s: float) -> Verdict:
        try:
            process = self._start()
        except (OSError, TimeoutError, ValueError) as exc:
            self.close()
            return Verdict.error(f"The grader could not start its maths checker: {exc}",
                                 "sandbox-error")
        request = {"item": item.model_dump(mode="json"), "answers": answers}
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            line = _read_line(process, time_limit_s)
        except TimeoutError:
            self.close()
            return Verdict.timeout(f"Checking this answer took longer than {time_limit_s:g} s and "
                                   "was stopped. Simplify the expression.")
        except (OSError, EOFError, ValueError):
            self.close()
            return Verdict.error("The maths checker stopped while reading this answer.",
                                 "check-error")
        return Verdict.model_validate_json(line)

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-m", "grader.checks.maths_worker", str(self.memory_mb)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
            if _read_line(self._process, STARTUP_TIMEOUT_S).strip() != "ready":
                raise ValueError("unexpected greeting")
        return self._process


def _read_line(process: subprocess.Popen, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(max(0.0, deadline - time.monotonic())):
            raise TimeoutError
    line = process.stdout.readline()
    if not line:
        raise EOFError
    return line


def _serve(memory_mb: int) -> None:
    """The worker's side: one JSON request per line in, one verdict per line out."""
    import resource

    from grader.checks.registry import ANSWER_CHECKS

    items = TypeAdapter(Item)
    limit = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    print("ready", flush=True)
    for line in sys.stdin:
        try:
            request = json.loads(line)
            item = items.validate_python(request["item"])
            verdict = ANSWER_CHECKS[item.kind].judge_answers(item, request["answers"])
        except MemoryError:
            verdict = Verdict(outcome=Outcome.ERROR, fraction=0.0, diagnosis=("memory-limit",),
                              feedback="Checking this answer needed more memory than allowed.")
        except RecursionError:
            verdict = Verdict.error("This answer is nested too deeply to check.", "unreadable")
        except Exception as exc:  # a bug in a check costs this item, not the run
            verdict = Verdict.error(f"The grader's check failed: {type(exc).__name__}: {exc}",
                                    "check-error")
        print(verdict.model_dump_json(), flush=True)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
