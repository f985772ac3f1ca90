"""`names`: the names the rubric requires exist in the submission, each of the right kind."""

from __future__ import annotations

from grader.checks.base import CheckContext, CodeCheck, load_notes
from grader.outcome import Outcome, Verdict
from grader.rubric.model import NameKind, NamesItem
from grader.sandbox.protocol import InspectStep
from grader.sandbox.runner import RunResult


class NamesCheck(CodeCheck):
    def steps(self, item: NamesItem, context: CheckContext) -> list[InspectStep]:
        return [InspectStep(names=list(item.names))]

    def judge(self, item: NamesItem, run: RunResult, context: CheckContext) -> Verdict:
        found = run.steps[0].value if run.steps and run.steps[0].kind == "ok" else None
        if not isinstance(found, dict):
            return Verdict.error("The sandbox returned no description of your names.",
                                 "sandbox-error")
        problems, diagnosis = [], []
        for name, wanted in item.names.items():
            info = found.get(name)
            kind = info.get("kind") if isinstance(info, dict) else "missing"
            if kind == "missing":
                problems.append(f"`{name}` is not defined")
                diagnosis.append("missing-name")
            elif wanted is not NameKind.ANY and kind != wanted.value:
                problems.append(f"`{name}` should be a {wanted.value} but is a {kind}")
                diagnosis.append("wrong-kind")
        good = len(item.names) - len(problems)
        if not problems:
            return Verdict.passed(f"All {len(item.names)} required names are defined." + load_notes(run))
        return Verdict(
            outcome=Outcome.FAILED,
            fraction=good / len(item.names),
            feedback="; ".join(problems) + "." + load_notes(run),
            diagnosis=tuple(sorted(set(diagnosis))),
        )
