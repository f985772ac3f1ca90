"""Rubric `kind` -> the check that runs it. A new kind is one module plus one line here.

CHECKS run student code in the sandbox; ANSWER_CHECKS read written answers, in the maths
worker; `manual` items have no check (a person grades them through an overrides file).
"""

from __future__ import annotations

from grader.checks.base import Check
from grader.checks.bump import BumpCheck
from grader.checks.jacobian import SoftmaxJacobianCheck
from grader.checks.mlp_forward import MlpForwardCheck
from grader.checks.mlp_gradient import MlpGradientCheck
from grader.checks.mlp_init import MlpInitCheck
from grader.checks.mlp_training import MlpTrainingCheck
from grader.checks.names import NamesCheck
from grader.checks.numeric import NumericCheck

CHECKS: dict[str, Check] = {
    "names": NamesCheck(),
    "numeric": NumericCheck(),
    "mlp_init": MlpInitCheck(),
    "mlp_forward": MlpForwardCheck(),
    "mlp_gradient": MlpGradientCheck(),
    "mlp_training": MlpTrainingCheck(),
}

# Kinds whose steps need the real datasets (the API finds them before grading starts).
DATA_KINDS = frozenset({"mlp_training"})

ANSWER_CHECKS = {
    "bump_network": BumpCheck(),
    "softmax_jacobian": SoftmaxJacobianCheck(),
}
