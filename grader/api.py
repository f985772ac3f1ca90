"""The library's entry points: glue from paths to a report. The CLI calls only these."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from grader.checks.base import CheckContext
from grader.checks.registry import DATA_KINDS
from grader.data import DATASETS, DataSources, SplitName, load_train_test
from grader.errors import GraderError, RubricError
from grader.grading import grade_submission
from grader.overrides import apply_overrides, load_overrides, submission_name
from grader.reference_run import run_reference
from grader.report.json_writer import write_json
from grader.report.model import Report, RubricRef
from grader.rubric.loader import load_rubric
from grader.rubric.model import NumericItem, Rubric, Visibility
from grader.sandbox.hiding import default_secrets
from grader.submission.loader import load_submission


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
          visible_only: bool = False, overrides: Path | None = None,
          data_dir: Path | None = None) -> Report:
    """Grade one submission; apply instructor overrides; write the JSON report to `out`."""
    rubric_path = find_rubric(rubric)
    model, sha = load_rubric(rubric_path)
    _check_references(model, rubric_path)
    corrections = load_overrides(overrides, model) if overrides is not None else None
    loaded = load_submission(Path(submission), model.submission.files)
    context = _check_context(model, data_dir)
    items = [i for i in model.items() if not visible_only or i.visibility is Visibility.VISIBLE]
    secrets = default_secrets() + [rubric_path.resolve().parent, Path(submission).resolve().parent]
    if out is not None:
        secrets.append(Path(out).resolve().parent)
    if overrides is not None:
        secrets.append(Path(overrides).resolve().parent)
    ref = RubricRef(assignment=model.assignment, path=str(rubric_path), sha256=sha)
    report = grade_submission(model, items, loaded, ref, secrets, context)
    if corrections is not None:
        report = apply_overrides(report, corrections, submission_name(Path(submission)))
    if out is not None:
        write_json(report, Path(out))
    return report


def check(submission: Path, rubric: Path | None = None, data_dir: Path | None = None) -> Report:
    """A student's self-check: visible items only, no file written."""
    return grade(submission, rubric, out=None, visible_only=True, data_dir=data_dir)


def _check_context(rubric: Rubric, data_dir: Path | None) -> CheckContext:
    """Load the datasets the rubric's items train on; with none found, fail here, before any
    grading (exit 2 with the three ways to provide them)."""
    names = sorted({item.dataset for item in rubric.items() if item.kind in DATA_KINDS})
    if not names:
        return CheckContext()
    sources = DataSources.from_env(data_dir)
    return CheckContext(datasets={name: load_train_test(name, sources) for name in names})


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


__all__ = ["GraderError", "check", "find_rubric", "grade", "locate_data", "run_reference",
           "validate_rubric"]
