"""Typed messages between the grader and its sandbox worker."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Limits(_Model):
    """Resource limits for one sandboxed run."""

    wall_s: float = Field(60.0, gt=0)
    cpu_s: int = Field(120, gt=0)
    memory_mb: int = Field(2048, ge=64)
    output_bytes: int = Field(1 << 20, ge=1024, description="captured stdout+stderr; more kills the run")
    result_bytes: int = Field(512 << 20, ge=1024)
    nofile: int = 256
    fsize_mb: int = 64
    pids: int = 64


class InspectStep(_Model):
    """Report the kind of each named module-level object."""

    op: Literal["inspect"] = "inspect"
    names: list[str]


class CallStep(_Model):
    """Call a module-level function with encoded arguments (timed in the sandbox)."""

    op: Literal["call"] = "call"
    function: str
    args: list = []  # codec trees
    kwargs: dict = {}
    refs: dict[int, str] = {}  # positional index -> a module-level name passed instead


class GetStep(_Model):
    """Return the values of module-level names, as plain data."""

    op: Literal["get"] = "get"
    names: list[str]


class AssignStep(_Model):
    """Set a module-level name. A list of arrays replacing a list of arrays of the same sizes is
    copied into the student's own arrays, keeping their shapes and any other references."""

    op: Literal["assign"] = "assign"
    name: str
    value: object = None  # a codec tree


Step = Annotated[InspectStep | CallStep | GetStep | AssignStep, Field(discriminator="op")]


class Cell(_Model):
    origin: str
    code: str


class ChildPlan(_Model):
    """Everything the worker needs for one run; never holds reference code or expected values."""

    mode: Literal["definitions", "full"]
    needs: list[str] = []  # in definitions mode, also run the statements that bind these names
    cells: list[Cell]
    steps: list[Step]
    box: str
    hide: list[str]
    cgroups: dict[Literal["memory", "pids", "unified"], str]
    limits: Limits
    drop_uid: bool
    address_space: int | None


class LoadReport(_Model):
    error: str | None = None
    warnings: list[str] = []
    skipped_statements: int = 0


class Isolation(_Model):
    """What the sandbox managed to set up (recorded in the report, never silently skipped)."""

    network: str = "not attempted"
    pid_namespace: str = "not attempted"
    filesystem: str = "not attempted"
    uid: str = "not attempted"
    memory: str = "not attempted"
    processes: str = "not attempted"
