"""`mlp_init`: the template's initialisation, read from the student's module after loading.

Shapes 784x32, 32x32, 32x10; zero biases; each weight matrix's sample mean and standard
deviation within `std_tolerance` standard errors of 0 and 1/sqrt(n_in). For N normal entries
the standard error of the sample std, relative to the true std, is 1/sqrt(2N): with the
default tolerance of 4 that allows 1.8% for W1, 8.8% for W2 and 15.8% for W3.
"""

from __future__ import annotations

import math

import numpy as np

from grader.checks.base import CheckContext, CodeCheck, load_notes
from grader.checks.mlp_params import read_parameters
from grader.outcome import Verdict
from grader.rubric.model import MlpInitItem
from grader.sandbox.runner import Get, RunResult


class MlpInitCheck(CodeCheck):
    needs = ("weights", "biases")

    def steps(self, item: MlpInitItem, context: CheckContext) -> list[Get]:
        return [Get(("weights", "biases"))]

    def judge(self, item: MlpInitItem, run: RunResult, context: CheckContext) -> Verdict:
        found = run.steps[0].value if run.steps and run.steps[0].kind == "ok" else {}
        missing = [n for n in ("weights", "biases") if n not in found]
        if missing:
            return Verdict.failed(0.0, f"`{'` and `'.join(missing)}` not defined after loading "
                                  "your code" + load_notes(run), "init-missing")
        weights, biases, problem = read_parameters(found["weights"], found["biases"],
                                                   tuple(item.layers))
        if problem:
            return Verdict.failed(0.0, problem + load_notes(run), "init-shape")
        lines, diagnosis = [], []
        for index, (w, b) in enumerate(zip(weights, biases), start=1):
            n_in = item.layers[index - 1]
            target = 1 / math.sqrt(n_in)
            std, mean = float(w.std()), float(w.mean())
            allowed = item.std_tolerance / math.sqrt(2 * w.size)
            if not np.all(np.isfinite(w)) or abs(std / target - 1) > allowed:
                lines.append(f"W{index}: std {std:.4g}, expected 1/sqrt({n_in}) = {target:.4g} "
                             f"(within {allowed:.1%})")
                diagnosis.append("init-std")
            elif abs(mean) > item.std_tolerance * target / math.sqrt(w.size):
                lines.append(f"W{index}: mean {mean:.3g}, expected 0")
                diagnosis.append("init-mean")
            if np.any(b != 0):
                lines.append(f"b{index}: not all zero (largest {float(np.abs(b).max()):.3g})")
                diagnosis.append("init-bias")
        if not lines:
            return Verdict.passed("Shapes, zero biases and weight scales (std 1/sqrt(n_in)) are "
                                  "right." + load_notes(run))
        share = 1 - len(lines) / (2 * len(weights))
        return Verdict.failed(max(share, 0.0), "; ".join(lines) + "." + load_notes(run),
                              *sorted(set(diagnosis)))
