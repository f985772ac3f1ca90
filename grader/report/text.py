"""A readable summary of a report, for a terminal."""

from __future__ import annotations

from grader.report.model import Report

_MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
         "skipped": "SKIP", "pending": "PENDING"}


def render(report: Report, verbose: bool = True) -> str:
    lines = [f"{report.rubric.assignment}: {report.submission.path}"]
    for problem in report.submission.problems:
        lines.append(f"  problem: {problem}")
    for item in report.items:
        lines.append(f"{_MARK[item.outcome.value]:<8}{item.id:<22}{item.score:g}/{item.max_score:g}"
                     f"  {item.title}")
        if verbose and (item.outcome.value != "passed" or item.override):
            lines += [f"        {line}" for line in item.feedback.splitlines()]
            if item.diagnosis:
                lines.append(f"        diagnosis: {', '.join(item.diagnosis)}")
    counts = ", ".join(f"{n} {k}" for k, n in report.counts().items() if n)
    pending = f", {report.pending_score:g} points to grade by hand" if report.pending_score else ""
    lines.append(f"score {report.score:g}/{report.max_score:g} ({counts}{pending}) "
                 f"in {report.duration_s:.1f} s")
    return "\n".join(lines)
