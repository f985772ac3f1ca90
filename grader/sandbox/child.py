"""Inside the sandbox: load the student's code, run the plan's steps, write plain data back.

Runs in the forked, isolated process only. Student code may have replaced anything here by
the time results are encoded; the grader trusts nothing it receives beyond its format.
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
import time
import traceback
import types

from grader.sandbox import codec
from grader.sandbox.definitions import select_definitions
from grader.sandbox.protocol import AssignStep, CallStep, ChildPlan, GetStep, InspectStep, LoadReport

MODULE_NAME = "submission"


def run_plan(plan: ChildPlan, step_args: list, result_fd: int) -> None:
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = os.path.join(plan.box, MODULE_NAME + ".py")
    sys.modules[MODULE_NAME] = module
    load = load_cells(plan, module.__dict__)
    arrays: list[bytes] = []
    steps = [] if load.error else [_run_step(s, a, module.__dict__, arrays) for s, a in
                                   zip(plan.steps, step_args)]
    message = codec.pack({"load": load.model_dump(), "steps": steps}, arrays)
    view = memoryview(message)
    while view:
        view = view[os.write(result_fd, view):]


def load_cells(plan: ChildPlan, namespace: dict) -> LoadReport:
    report = LoadReport()
    parsed = []
    for cell in plan.cells:
        try:
            parsed.append(ast.parse(cell.code, filename=cell.origin))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            line = f", line {exc.lineno}" if getattr(exc, "lineno", None) else ""
            report.error = f"{type(exc).__name__} in {cell.origin}{line}: {exc}"
            return report
    if plan.mode == "full":
        for cell, module in zip(plan.cells, parsed):
            problem = _execute(module, cell.origin, namespace)
            if problem:
                report.error = f"running {cell.origin} raised {problem}"
                return report
        return report
    for cell, selection in zip(plan.cells, select_definitions(parsed, plan.needs)):
        report.skipped_statements += len(selection.skipped_lines)
        for node in selection.kept:
            problem = _execute(ast.Module(body=[node], type_ignores=[]), cell.origin, namespace)
            if problem:
                report.warnings.append(f"{cell.origin}, line {node.lineno}: {problem}")
    return report


def _execute(module: ast.Module, origin: str, namespace: dict) -> str | None:
    try:
        exec(compile(module, origin, "exec"), namespace)  # noqa: S102 - isolated by design
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the student's doing
        return _describe(exc)
    return None


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text[:500]}" if text else type(exc).__name__


def _run_step(step, args, namespace: dict, arrays: list[bytes]) -> dict:
    if isinstance(step, InspectStep):
        return {"ok": {"$dict": {name: _inspect(namespace, name) for name in step.names}}}
    if isinstance(step, GetStep):
        return {"ok": {"$dict": {name: codec.encode(namespace[name], arrays)
                                 for name in step.names if name in namespace}}}
    if isinstance(step, AssignStep):
        return {"ok": _assign(namespace, step.name, args)}
    assert isinstance(step, CallStep)
    function = namespace.get(step.function)
    if function is None:
        return {"missing": step.function}
    if not callable(function):
        return {"raised": f"{step.function} is a {type(function).__name__}, not a function"}
    positional, keywords = args
    for index, name in step.refs.items():
        positional[index] = namespace.get(name)
    started = time.perf_counter()
    try:
        value = function(*positional, **keywords)
    except BaseException as exc:
        seconds = time.perf_counter() - started
        frames = traceback.extract_tb(exc.__traceback__)[1:]
        where = f" (at {frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
        return {"raised": _describe(exc) + where, "memory": isinstance(exc, MemoryError),
                "signature": not frames and _misfits(function, positional, keywords),
                "seconds": seconds}
    seconds = time.perf_counter() - started
    return {"ok": codec.encode(value, arrays), "seconds": seconds}


def _misfits(function, positional: list, keywords: dict) -> bool:
    """Did the call fail because its arguments do not fit the function's parameters?"""
    try:
        inspect.signature(function).bind(*positional, **keywords)
    except TypeError:
        return True
    except ValueError:
        return False
    return False


def _assign(namespace: dict, name: str, value: object) -> str:
    """Copy a list of arrays into the student's list of arrays when the sizes match (keeping
    their shapes, such as (1, n) biases, and their other references); else rebind the name."""
    import numpy as np

    current = namespace.get(name)
    if (isinstance(value, list) and isinstance(current, list) and len(value) == len(current)
            and all(isinstance(c, np.ndarray) and isinstance(v, np.ndarray) and c.size == v.size
                    for c, v in zip(current, value))):
        for index, (mine, theirs) in enumerate(zip(value, current)):
            if theirs.dtype == np.float64 and theirs.flags.writeable:
                theirs[...] = mine.reshape(theirs.shape)
            else:
                current[index] = mine.reshape(theirs.shape)
        return "copied"
    namespace[name] = value
    return "bound"


def _inspect(namespace: dict, name: str) -> dict:
    if name not in namespace:
        return {"$dict": {"kind": "missing"}}
    value = namespace[name]
    kind = type(value)
    params = None
    if inspect.isclass(value):
        label = "class"
    elif inspect.ismodule(value):
        label = "module"
    elif callable(value):
        label = "function"
        try:
            params = len(inspect.signature(value).parameters)
        except (TypeError, ValueError):
            params = None
    else:
        label = {list: "list", dict: "dict", tuple: "tuple", int: "int", float: "float",
                 str: "str"}.get(kind, "other")
        if kind.__module__ == "numpy" and kind.__name__ == "ndarray":
            label = "ndarray"
        elif kind.__module__ == "torch" and kind.__name__ in ("Tensor", "Parameter"):
            label = "tensor"
    return {"$dict": {"kind": label, "type": f"{kind.__module__}.{kind.__qualname__}",
                      "params": params}}
