"""The library's entry points: glue from paths to a report. The CLI calls only these."""

from __future__ import annotations

import importlib
import importlib.util
import math
import platform
import time
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from grader import __version__
from grader.checks.base import judge_run
from grader.data import DATASETS, DataSources, SplitName
from grader.checks.registry import CHECKS
from grader.errors import GraderError, RubricError
from grader.outcome import Verdict
from grader.reference_run import run_reference
from grader.report.json_writer import write_json
from grader.report.model import Environment, ItemReport, Report, RubricRef, SubmissionRef
from grader.rubric.loader import load_rubric
from grader.rubric.model import Item, NumericItem, Rubric, Visibility
from grader.sandbox.hiding import default_secrets
from grader.sandbox.protocol import Cell, Isolation, Limits
from grader.sandbox.runner import RunResult, Sandbox, SandboxError
from grader.scoring import item_score, total
from grader.submission.loader import load_submission
from grader.submission.model import Submission


def find_rubric(rubric: Path | None) -> Path:
    """The rubric named, else the only one in ./rubrics/."""
    if rubric is not None:
        return Path(rubric)
    found = sorted(Path("rubrics").glob("*.toml"))
    if len(found) == 1:
        return found[0]
    raise RubricError("no rubric given", "pass --rubric PATH (or run where ./rubrics/ holds one .toml)")


def validate_rubric(path: Path) -> Rubric:
    rubric, _ = load_rubric(path)
    _check_references(rubric, path)
    return rubric


def grade(submission: Path, rubric: Path | None = None, out: Path | None = None,
          visible_only: bool = False) -> Report:
    """Grade one submission; write the JSON report to `out` if given."""
    rubric_path = find_rubric(rubric)
    model, sha = load_rubric(rubric_path)
    _check_references(model, rubric_path)
    loaded = load_submission(Path(submission), model.submission.files)
    items = [i for i in model.items() if not visible_only or i.visibility is Visibility.VISIBLE]
    secrets = default_secrets() + [rubric_path.resolve().parent, Path(submission).resolve().parent]
    if out is not None:
        secrets.append(Path(out).resolve().parent)
    report = _run_items(model, items, loaded, rubric_path, sha, secrets)
    if out is not None:
        write_json(report, Path(out))
    return report


def check(submission: Path, rubric: Path | None = None) -> Report:
    """A student's self-check: visible items only, no file written."""
    return grade(submission, rubric, out=None, visible_only=True)


def locate_data(data_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """(dataset, split, where its files are or why not) for every known split; no download."""
    sources = DataSources.from_env(data_dir)
    found = []
    for name, spec in DATASETS.items():
        for split in SplitName:
            files = sources.find(spec, split)
            found.append((name, split.value, str(files.images.parent) + f" ({files.origin})"
                          if files else "not found"))
    return found


def _run_items(rubric: Rubric, items: list[Item], submission: Submission, rubric_path: Path,
               sha: str, secrets: list[Path]) -> Report:
    started_at = datetime.now(UTC)
    started = time.monotonic()
    question_of = {i.id: q.id for q in rubric.questions for i in q.items}
    cells = [Cell(origin=c.origin, code=c.code) for c in submission.cells]
    box_source = submission.root if submission.path.is_dir() else None
    reports: list[ItemReport] = []
    isolation: Isolation | None = None
    sandbox, startup_error = _open_sandbox(box_source, secrets, list(rubric.submission.preload))
    try:
        for item in items:
            t0 = time.monotonic()
            run = None
            if sandbox is None:
                verdict = Verdict.error(f"The sandbox could not start: {startup_error}",
                                        "sandbox-error")
            else:
                verdict, run = _grade_item(rubric, item, submission, cells, sandbox)
                isolation = isolation or (run.isolation if run else None)
            reports.append(_item_report(item, question_of[item.id], verdict,
                                        time.monotonic() - t0, run.output if run else ""))
    finally:
        if sandbox is not None:
            sandbox.close()
    return Report(
        grader_version=__version__,
        rubric=RubricRef(assignment=rubric.assignment, path=str(rubric_path), sha256=sha),
        submission=SubmissionRef(path=str(submission.path), sha256=submission.sha256,
                                 entry=submission.entry.name if submission.entry else None,
                                 problems=list(submission.problems)),
        started_at=started_at,
        duration_s=round(time.monotonic() - started, 3),
        environment=_environment(sandbox.hello if sandbox else {}, isolation),
        items=reports,
        score=total([r.score for r in reports]),
        max_score=total([r.max_score for r in reports]),
    )


def _open_sandbox(source: Path | None, secrets: list[Path],
                  preload: list[str]) -> tuple[Sandbox | None, str]:
    """A started sandbox, or None and why not (each item then reports the error)."""
    sandbox = Sandbox(source, secrets, preload)
    try:
        sandbox.start()
    except SandboxError as exc:
        sandbox.close()
        return None, str(exc)
    return sandbox, ""


def _grade_item(rubric: Rubric, item: Item, submission: Submission, cells: list[Cell],
                sandbox: Sandbox) -> tuple[Verdict, RunResult | None]:
    if not submission.loadable:
        problem = "; ".join(submission.problems) or "no code to run"
        return Verdict.error(f"Your submission could not be read: {problem}", "unreadable"), None
    check = CHECKS[item.kind]
    wall = item.time_limit_s or rubric.defaults.time_limit_s
    limits = Limits(wall_s=wall, cpu_s=math.ceil(wall * 2) + 1,
                    memory_mb=item.memory_mb or rubric.defaults.memory_mb)
    run = sandbox.run(cells, item.mode.value, check.steps(item), limits)
    verdict = judge_run(run)
    if verdict is None:
        try:
            verdict = check.judge(item, run)
        except Exception as exc:  # a grader bug must cost one item, not the whole report
            verdict = Verdict.error(f"The grader's check failed: {type(exc).__name__}: {exc}",
                                    "check-error")
    return verdict, run


def _item_report(item: Item, question: str, verdict: Verdict, seconds: float,
                 output: str) -> ItemReport:
    return ItemReport(
        id=item.id, title=item.title, question=question, outcome=verdict.outcome,
        score=item_score(item.points, verdict), max_score=item.points,
        feedback=verdict.feedback, diagnosis=list(verdict.diagnosis),
        visibility=item.visibility, duration_s=round(seconds, 3), output=output,
    )


def _check_references(rubric: Rubric, path: Path) -> None:
    """A rubric naming a reference that does not exist is the rubric's error, found up front."""
    for item in rubric.items():
        if not isinstance(item, NumericItem):
            continue
        try:
            found = importlib.util.find_spec(item.reference) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise RubricError(f"{path}: item {item.id!r}: field 'reference': no module "
                              f"{item.reference!r}")
        module = importlib.import_module(item.reference)
        for case in item.cases:
            if not callable(getattr(module, case.function, None)):
                raise RubricError(f"{path}: item {item.id!r}: reference {item.reference!r} "
                                  f"has no function {case.function!r}")


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


__all__ = ["GraderError", "check", "find_rubric", "grade", "locate_data", "run_reference",
           "validate_rubric"]
