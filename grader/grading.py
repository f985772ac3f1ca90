"""Grade a loaded submission item by item: each item to the runner its kind needs.

Code items run in the sandbox (started on first use, once per submission); written-answer
items go to the maths worker; manual items wait for a person. Every item ends in a verdict,
whatever happens to the others.
"""

from __future__ import annotations

import math
import platform
import time
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from grader import __version__
from grader.checks.base import CheckContext, judge_run
from grader.checks.maths_worker import MathsWorker
from grader.checks.registry import ANSWER_CHECKS, CHECKS
from grader.outcome import Outcome, Verdict
from grader.report.model import Environment, ItemReport, Report, RubricRef, SubmissionRef
from grader.rubric.model import AnswerItemBase, Item, ManualItem, Rubric
from grader.sandbox.protocol import Cell, Isolation, Limits
from grader.sandbox.runner import RunResult, Sandbox, SandboxError
from grader.scoring import item_score, total
from grader.submission.model import Submission


class _Runners:
    """The sandbox and the maths worker, each started when an item first needs it."""

    def __init__(self, rubric: Rubric, submission: Submission, secrets: list[Path]) -> None:
        self.rubric, self.submission, self.secrets = rubric, submission, secrets
        self.sandbox: Sandbox | None = None
        self.sandbox_error = ""
        self.maths = MathsWorker(rubric.defaults.memory_mb)
        self.isolation: Isolation | None = None

    def open_sandbox(self) -> Sandbox | None:
        if self.sandbox is None and not self.sandbox_error:
            source = self.submission.root if self.submission.path.is_dir() else None
            sandbox = Sandbox(source, self.secrets, list(self.rubric.submission.preload))
            try:
                sandbox.start()
                self.sandbox = sandbox
            except SandboxError as exc:
                sandbox.close()
                self.sandbox_error = str(exc) or "unknown error"
        return self.sandbox

    def close(self) -> None:
        self.maths.close()
        if self.sandbox is not None:
            self.sandbox.close()


def grade_submission(rubric: Rubric, items: list[Item], submission: Submission,
                     rubric_ref: RubricRef, secrets: list[Path],
                     context: CheckContext | None = None) -> Report:
    started_at = datetime.now(UTC)
    started = time.monotonic()
    question_of = {i.id: q.id for q in rubric.questions for i in q.items}
    runners = _Runners(rubric, submission, secrets)
    context = context or CheckContext()
    reports: list[ItemReport] = []
    try:
        for item in items:
            t0 = time.monotonic()
            verdict, run = _grade_item(rubric, item, submission, runners, context)
            if run is not None:
                runners.isolation = runners.isolation or run.isolation
            reports.append(_item_report(item, question_of[item.id], verdict,
                                        time.monotonic() - t0, run.output if run else ""))
    finally:
        runners.close()
    return Report(
        grader_version=__version__,
        rubric=rubric_ref,
        submission=SubmissionRef(path=str(submission.path), sha256=submission.sha256,
                                 entry=submission.entry.name if submission.entry else None,
                                 problems=list(submission.problems) + list(submission.answer_problems)),
        started_at=started_at,
        duration_s=round(time.monotonic() - started, 3),
        environment=_environment(runners.sandbox.hello if runners.sandbox else {},
                                 runners.isolation),
        items=reports,
        score=total([r.score for r in reports]),
        max_score=total([r.max_score for r in reports]),
        pending_score=total([r.max_score for r in reports if r.outcome is Outcome.PENDING]),
    )


def _grade_item(rubric: Rubric, item: Item, submission: Submission, runners: _Runners,
                context: CheckContext) -> tuple[Verdict, RunResult | None]:
    wall = item.time_limit_s or rubric.defaults.time_limit_s
    if isinstance(item, ManualItem):
        guidance = f" Graders look for: {item.guidance}" if item.guidance else ""
        return Verdict.pending(f"Graded by hand; no score yet.{guidance}"), None
    if isinstance(item, AnswerItemBase) and item.kind in ANSWER_CHECKS:
        return _judge_answers(item, submission, runners.maths, wall), None
    if not submission.loadable:
        problem = "; ".join(submission.problems) or "no code to run"
        return Verdict.error(f"Your submission could not be read: {problem}", "unreadable"), None
    sandbox = runners.open_sandbox()
    if sandbox is None:
        return Verdict.error(f"The sandbox could not start: {runners.sandbox_error}",
                             "sandbox-error"), None
    check = CHECKS[item.kind]
    limits = Limits(wall_s=wall, cpu_s=math.ceil(wall * 2) + 1,
                    memory_mb=item.memory_mb or rubric.defaults.memory_mb)
    cells = [Cell(origin=c.origin, code=c.code) for c in submission.cells]
    steps = check.steps(item, context)
    limits = check.limits(item, limits, context)
    run = sandbox.run(cells, item.mode.value, steps, limits, needs=list(check.needs))
    verdict = judge_run(run)
    if verdict is None:
        try:
            verdict = check.judge(item, run, context)
        except Exception as exc:  # a grader bug must cost one item, not the whole report
            verdict = Verdict.error(f"The grader's check failed: {type(exc).__name__}: {exc}",
                                    "check-error")
    return verdict, run


def _judge_answers(item: AnswerItemBase, submission: Submission, maths: MathsWorker,
                   wall: float) -> Verdict:
    section = item.section
    answers = submission.answers.get(section, {})
    verdict = maths.judge(item, answers, wall)
    origin = submission.answer_origins.get(section)
    notes = [f"(answers read from {origin})"] if origin else []
    if not answers and submission.answer_problems:
        notes.append("Problems reading your answers: " + "; ".join(submission.answer_problems))
    if not notes:
        return verdict
    return verdict.model_copy(update={"feedback": verdict.feedback + "\n" + "\n".join(notes)})


def _item_report(item: Item, question: str, verdict: Verdict, seconds: float,
                 output: str) -> ItemReport:
    return ItemReport(
        id=item.id, title=item.title, question=question, outcome=verdict.outcome,
        score=item_score(item.points, verdict), max_score=item.points,
        feedback=verdict.feedback, diagnosis=list(verdict.diagnosis),
        visibility=item.visibility, duration_s=round(seconds, 3), output=output,
    )


def _environment(hello: dict, isolation: Isolation | None) -> Environment:
    return Environment(
        python=platform.python_version(),
        numpy=hello.get("numpy") or _installed("numpy"),
        torch=hello.get("torch") or _installed("torch"),
        device=hello.get("cuda") or "cpu",
        platform=platform.platform(),
        sandbox=isolation,
    )


def _installed(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None
