"""Definitions-only loading: keep what defines names, skip what runs work at top level.

Notebooks train, plot and download at top level (the seed trains for 50 epochs), so most
checks load only imports, functions, classes, simple assignments and expression statements,
and `for` loops made of those (the template builds `weights` in one). A statement is skipped
when it calls a function the submission defines (usually a training or evaluation run),
calls something that reads data, downloads, plots or sleeps, or depends on a name that was
skipped. `while` loops are always skipped.

A check may name the module-level names it needs (`weights`, `biases`): statements that bind
them run even when they call the submission's own functions (`weights, biases = init()`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# Callables whose call at top level means I/O, downloads, plotting or long work.
WORK_CALLS = frozenset(
    {
        "load_data", "download", "urlopen", "urlretrieve", "read_csv", "read_excel",
        "loadtxt", "genfromtxt", "fetch_openml", "load_dataset", "DataLoader",
        "MNIST", "FashionMNIST", "KMNIST", "EMNIST", "CIFAR10", "CIFAR100", "SVHN",
        "ImageFolder", "fit", "train", "evaluate", "show", "savefig", "imshow", "plot",
        "subplots", "figure", "input", "system", "Popen", "sleep",
    }
)
_SIMPLE_NODES = (
    ast.expr_context, ast.Constant, ast.Name, ast.Attribute, ast.List, ast.Tuple, ast.Set,
    ast.Dict, ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare, ast.Subscript, ast.Slice,
    ast.Call, ast.keyword, ast.Starred, ast.IfExp, ast.JoinedStr, ast.FormattedValue,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.Lambda, ast.arguments, ast.arg,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension,
)


@dataclass
class Selection:
    kept: list[ast.stmt] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)


def select_definitions(modules: list[ast.Module], needs: list[str] | None = None) -> list[Selection]:
    """For each parsed cell, the top-level statements to run, in order."""
    needed = set(needs or ())
    user_functions = {
        node.name
        for module in modules
        for node in module.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    skipped_names: set[str] = set()
    selections = []
    for module in modules:
        selection = Selection()
        for node in module.body:
            if _is_definition(node, user_functions, skipped_names) or \
                    _bound_names(node) & needed:
                selection.kept.append(node)
                skipped_names -= _bound_names(node)
            else:
                selection.skipped_lines.append(node.lineno)
                skipped_names |= _bound_names(node)
        selections.append(selection)
    return selections


def _is_definition(node: ast.stmt, user_functions: set[str], skipped: set[str]) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef)):
        return True
    if isinstance(node, ast.ClassDef):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        return node.value is not None and _is_simple(node.value, user_functions, skipped)
    if isinstance(node, ast.Try):
        blocks = [node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)]
        return all(_is_definition(s, user_functions, skipped) or isinstance(s, ast.Pass)
                   for block in blocks for s in block)
    if isinstance(node, ast.If) and not _is_main_guard(node.test):
        return _is_simple(node.test, user_functions, skipped) and all(
            _is_definition(s, user_functions, skipped) or isinstance(s, ast.Pass)
            for s in node.body + node.orelse
        )
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Call) and _is_simple(node.value, user_functions, skipped)
    if isinstance(node, ast.For):
        # The loop rebinds its own names: an `i` skipped elsewhere is fresh inside it.
        return _is_simple(node.iter, user_functions, skipped) and _is_simple_block(
            node.body + node.orelse, user_functions, skipped - _bound_names(node))
    return False


def _is_simple_block(block: list[ast.stmt], user_functions: set[str], skipped: set[str]) -> bool:
    """Statements inside a kept loop: assignments, calls and nested loops of simple parts."""
    for node in block:
        if isinstance(node, (ast.Pass, ast.Break, ast.Continue)):
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)):
            if node.value is None or not _is_simple(node.value, user_functions, skipped):
                return False
            continue
        if isinstance(node, (ast.If, ast.For)):
            head = node.test if isinstance(node, ast.If) else node.iter
            inner = skipped - _bound_names(node) if isinstance(node, ast.For) else skipped
            if not (_is_simple(head, user_functions, skipped) and
                    _is_simple_block(node.body + node.orelse, user_functions, inner)):
                return False
            continue
        return False
    return True


def _is_simple(expr: ast.expr, user_functions: set[str], skipped: set[str]) -> bool:
    for node in ast.walk(expr):
        if not isinstance(node, _SIMPLE_NODES):
            return False
        if isinstance(node, ast.Name) and node.id in skipped:
            return False
        if isinstance(node, ast.Call):
            name = _callee_name(node.func)
            if name in WORK_CALLS or name in user_functions:
                return False
            if any(k.arg == "download" for k in node.keywords):
                return False
    return True


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
    )


def _bound_names(node: ast.stmt) -> set[str]:
    """Names a statement binds at module level."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    names: set[str] = set()
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    for target in targets:
        names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt):
            names |= _bound_names(child)
    return names
