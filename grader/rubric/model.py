"""A rubric: assignment -> questions -> items, each item one check (a union keyed on `kind`)."""

from __future__ import annotations

import enum
from typing import Annotated, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_validator,
)

_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Visibility(str, enum.Enum):
    """When a student may see an item's result (Gradescope's names)."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    AFTER_DUE_DATE = "after_due_date"


class LoadMode(str, enum.Enum):
    """How much of the submission runs before a check: definitions only, or everything."""

    DEFINITIONS = "definitions"
    FULL = "full"


class ArrayArg(_Strict):
    """A literal array argument: `{ array = [[1, 2], [3, 4]], dtype = "float64" }`."""

    array: list
    dtype: Literal["float64", "float32", "int64", "int32", "uint8", "bool"] = "float64"


class RandomArg(_Strict):
    """A seeded normal(loc, scale) array: `{ random = [5, 10], seed = 1, scale = 3.0 }`."""

    random: list[Annotated[int, Field(ge=0, le=100_000)]] = Field(max_length=4)
    seed: int = 0
    loc: float = 0.0
    scale: float = 1.0
    dtype: Literal["float64", "float32"] = "float64"


Arg = Union[StrictBool, StrictInt, StrictFloat, str, ArrayArg, RandomArg]


class ItemBase(_Strict):
    id: str = Field(pattern=_ID, description="unique id, prefixed by its question id, e.g. q4.gradient")
    title: str
    points: float = Field(ge=0)
    visibility: Visibility = Visibility.VISIBLE
    time_limit_s: float | None = Field(None, gt=0, le=3600, description="wall-clock limit")
    memory_mb: int | None = Field(None, ge=256, le=65536)
    mode: LoadMode = LoadMode.DEFINITIONS


class NameKind(str, enum.Enum):
    FUNCTION = "function"
    CLASS = "class"
    MODULE = "module"
    LIST = "list"
    DICT = "dict"
    TUPLE = "tuple"
    INT = "int"
    FLOAT = "float"
    STR = "str"
    NDARRAY = "ndarray"
    TENSOR = "tensor"
    ANY = "any"


class NamesItem(ItemBase):
    """Required names exist in the submission with the right kind."""

    kind: Literal["names"]
    names: dict[str, NameKind] = Field(min_length=1)


class NumericCase(_Strict):
    function: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    args: list[Arg] = []
    kwargs: dict[str, Arg] = {}
    rtol: float = Field(1e-6, ge=0)
    atol: float = Field(1e-8, ge=0)
    label: str | None = None
    diagnosis: str | None = Field(None, description="code reported when this case fails")


class NumericItem(ItemBase):
    """Call student functions on given inputs; compare with the reference within tolerances."""

    kind: Literal["numeric"]
    reference: str = Field(description="importable module holding the reference functions")
    cases: list[NumericCase] = Field(min_length=1)


class AnswerItemBase(ItemBase):
    """An item graded from the submission's written answers (answers.toml and the like)."""

    answers: str | None = Field(
        None, pattern=r"^[a-z][a-z0-9_]*$",
        description="the answers table to read, e.g. q1a; default: the item's question id")

    @property
    def section(self) -> str:
        return self.answers or self.id.split(".")[0]


class BumpMistake(str, enum.Enum):
    WRONG_STEP_POSITION = "wrong-step-position"
    WRONG_HEIGHT = "wrong-height"
    WRONG_SIGN = "wrong-sign"
    NOT_A_BUMP = "not-a-bump"


class ErrorBand(_Strict):
    """Credit for a finite-sigmoid answer whose worst error (relative to h) is at most max_error."""

    max_error: float = Field(gt=0)
    credit: float = Field(ge=0, le=1)


class BumpItem(AnswerItemBase):
    """Q1a: weights w1..w4, b_A, b_B of f(x) = w3 act(w1 x + b_A) + w4 act(w2 x + b_B)."""

    kind: Literal["bump_network"]
    partial_credit: dict[BumpMistake, Annotated[float, Field(ge=0, le=1)]] = {
        BumpMistake.WRONG_HEIGHT: 0.5, BumpMistake.WRONG_SIGN: 0.5,
        BumpMistake.WRONG_STEP_POSITION: 0.25, BumpMistake.NOT_A_BUMP: 0.0}
    sigmoid_bands: list[ErrorBand] = Field(
        [ErrorBand(max_error=0.01, credit=1.0), ErrorBand(max_error=0.1, credit=0.5)],
        description="for sigmoid answers with finite weights: the first band whose max_error "
                    "covers the worst error (at >= 5% of delta from the edges) gives the credit")


class JacobianMistake(str, enum.Enum):
    SIGN_OFFDIAG = "sign-offdiag"
    ONE_INSTEAD_OF_DELTA = "one-instead-of-delta"
    MISSING_DIAGONAL = "missing-diagonal"


class SoftmaxJacobianItem(AnswerItemBase):
    """Q2: J_ij = d y_i / d z_j of softmax, in index form or as diag(y) - y y^T."""

    kind: Literal["softmax_jacobian"]
    key: str = Field("jacobian", description="the key in the answers table")
    partial_credit: dict[JacobianMistake, Annotated[float, Field(ge=0, le=1)]] = {
        JacobianMistake.SIGN_OFFDIAG: 0.5, JacobianMistake.ONE_INSTEAD_OF_DELTA: 0.5,
        JacobianMistake.MISSING_DIAGONAL: 0.5}


class MlpInitItem(ItemBase):
    """Q4 init: `weights`/`biases` shapes, zero biases, weight std close to 1/sqrt(n_in)."""

    kind: Literal["mlp_init"]
    layers: list[Annotated[int, Field(ge=1)]] = Field([784, 32, 32, 10], min_length=2)
    std_tolerance: float = Field(
        4.0, gt=0, description="how many standard errors the sample std (and mean) of each "
                               "weight matrix may be away from 1/sqrt(n_in) (and 0)")


class MlpForwardItem(ItemBase):
    """Q4 forward: `feed_forward_sample` loss and prediction on grader-chosen weights."""

    kind: Literal["mlp_forward"]
    samples: int = Field(5, ge=1, le=100)
    seed: int = 0
    rtol: float = Field(1e-6, ge=0)


class MlpGradientItem(ItemBase):
    """Q4 backprop: the gradient `train_one_sample` applies, tensor by tensor."""

    kind: Literal["mlp_gradient"]
    learning_rate: float = Field(0.01, gt=0)
    test_points: int = Field(2, ge=2, le=10, description="parameter sets and samples tried")
    seed: int = 0
    tolerance: float = Field(1e-5, gt=0, description="per-tensor relative error allowed")
    partial_credit: float = Field(
        0.5, ge=0, le=1, description="at most this share of the points when some tensors are "
                                     "wrong, split by the share of tensors that are right")


class MlpTrainingItem(ItemBase):
    """Q4 training: one epoch of the student's `train_one_epoch` on real data, timed against
    the reference's own epoch in the same run, then held-out accuracy against the reference's."""

    kind: Literal["mlp_training"]
    dataset: Literal["mnist", "fashion-mnist"] = "mnist"
    train_samples: int = Field(8000, ge=100, le=60000)
    test_samples: int = Field(2000, ge=100, le=10000)
    learning_rate: float = Field(0.1, gt=0)
    input_scale: Literal["unit", "raw"] = Field(
        "unit", description="pixels as floats in [0, 1] (unit) or as 0-255 (raw, like keras)")
    time_multiple: float = Field(10.0, gt=0, description="time budget, in reference epochs")
    accuracy_margin: float = Field(0.05, ge=0, le=1, description="how far below the "
                                   "reference's accuracy the student's may be and pass")
    seed: int = 0


class ManualItem(ItemBase):
    """Graded by a person: pending until an overrides file gives its score."""

    kind: Literal["manual"]
    guidance: str = Field("", description="what the graders look for; shown in the report")


Item = Annotated[NamesItem | NumericItem | BumpItem | SoftmaxJacobianItem | MlpInitItem
                 | MlpForwardItem | MlpGradientItem | MlpTrainingItem | ManualItem,
                 Field(discriminator="kind")]


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _items_belong(self) -> Question:
        for item in self.items:
            if not item.id.startswith(self.id + "."):
                raise ValueError(f"item id {item.id!r} must start with {self.id + '.'!r}")
        return self


class Defaults(_Strict):
    time_limit_s: float = Field(60.0, gt=0, le=3600)
    memory_mb: int = Field(2048, ge=256, le=65536)


class SubmissionSpec(_Strict):
    files: list[str] = Field(
        [], description="preferred entry file names in a folder submission, first match wins"
    )
    preload: list[Literal["numpy", "torch", "torchvision"]] = Field(
        ["numpy"], description="modules imported once in the warm worker before any student code"
    )


class Rubric(_Strict):
    assignment: str = Field(min_length=1)
    title: str = ""
    defaults: Defaults = Defaults()
    submission: SubmissionSpec = SubmissionSpec()
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        seen: set[str] = set()
        for question in self.questions:
            for item in question.items:
                if item.id in seen:
                    raise ValueError(f"duplicate item id {item.id!r}")
                seen.add(item.id)
        if len({q.id for q in self.questions}) != len(self.questions):
            raise ValueError("duplicate question id")
        return self

    def items(self) -> list[Item]:
        return [item for question in self.questions for item in question.items]

    @property
    def max_score(self) -> float:
        return sum(item.points for item in self.items())

