"""The grader's side of the sandbox: start the warm worker, run one plan per item under a
wall-clock deadline, read back plain data, and kill everything the run left behind."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.sandbox import codec
from grader.sandbox.cgroups import RunCgroups
from grader.sandbox.hiding import needed_paths, plan_hidden
from grader.sandbox.isolation import NOBODY, readable_by_others
from grader.sandbox.protocol import (
    AssignStep,
    CallStep,
    Cell,
    ChildPlan,
    GetStep,
    InspectStep,
    Isolation,
    Limits,
    LoadReport,
)

MAX_COPY_BYTES = 200 << 20
_START_TIMEOUT_S = 120.0
_ENV_PASSTHROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "CUDA_VISIBLE_DEVICES", "LANG")


class SandboxError(Exception):
    """The sandbox itself could not run (not the student's fault)."""


@dataclass(frozen=True)
class Call:
    """A call of a student function with plain arguments (numbers, strings, lists, arrays);
    a `Ref` argument passes a module-level name's value instead (data set by an `Assign`)."""

    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Get:
    names: tuple[str, ...]


@dataclass(frozen=True)
class Assign:
    name: str
    value: object


GraderStep = InspectStep | Call | Get | Assign


@dataclass(frozen=True)
class StepResult:
    kind: str  # "ok" | "raised" | "missing"
    value: object = None
    message: str = ""
    memory_error: bool = False
    signature_error: bool = False  # a call whose arguments do not fit the function's signature
    seconds: float = 0.0  # how long a call ran, measured in the sandbox


@dataclass
class RunResult:
    status: str  # completed | timeout | cpu-limit | memory | output-overflow | no-result | sandbox-error
    message: str = ""
    load: LoadReport | None = None
    steps: list[StepResult] = field(default_factory=list)
    output: str = ""
    duration_s: float = 0.0
    isolation: Isolation | None = None


class Sandbox:
    """One warm worker for one submission. Use as a context manager."""

    def __init__(self, source_root: Path | None, secrets: list[Path], preload: list[str]) -> None:
        self.source_root = source_root
        self.preload = preload
        self.hello: dict = {}
        self._process: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="grader-"))
        os.chmod(self._tmp, 0o711)
        self._secrets = secrets
        self.hide: list[str] = []
        self.drop_uid = os.geteuid() == 0 and readable_by_others(
            [sys.executable, os.path.dirname(os.__file__)]
        )

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self._tmp), "LC_ALL": "C.UTF-8",
               "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
        for name in ("OMP", "OPENBLAS", "MKL", "NUMEXPR", "VECLIB_MAXIMUM"):
            env[f"{name}_NUM_THREADS"] = "1"
        env.update({k: os.environ[k] for k in _ENV_PASSTHROUGH if k in os.environ})
        log = open(self._tmp / "worker.log", "wb")
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-m", "grader.sandbox.zygote", str(child.fileno()),
             json.dumps(self.preload)],
            pass_fds=[child.fileno()], env=env, cwd=self._tmp, stdin=subprocess.DEVNULL,
            stdout=log, stderr=log, start_new_session=True,
        )
        log.close()
        child.close()
        self._sock = parent
        event = self._receive(time.monotonic() + _START_TIMEOUT_S)
        if event is None or event.get("event") != "hello":
            self._stop()
            raise SandboxError("the sandbox worker did not start: " + self._worker_log())
        self.hello = event
        found = [Path(p) for p in event.get("packages", [])]
        self.hide = plan_hidden(self._secrets + found, needed_paths([self._tmp]))

    def _stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._process is not None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except OSError:
                pass
            self._process.wait()
            self._process = None

    def _worker_log(self) -> str:
        try:
            return (self._tmp / "worker.log").read_text(errors="replace")[-2000:] or "no output"
        except OSError:
            return "no log"

    def _receive(self, deadline: float) -> dict | None:
        """Next event from the worker, or None on EOF or deadline."""
        assert self._sock is not None
        self._sock.settimeout(max(0.0, deadline - time.monotonic()))
        try:
            return json.loads(codec.read_frame(self._sock.recv))
        except (OSError, EOFError, ValueError):
            return None
        finally:
            if self._sock is not None:
                self._sock.settimeout(None)

    def run(self, cells: list[Cell], mode: str, steps: list[GraderStep],
            limits: Limits, needs: list[str] | None = None) -> RunResult:
        started = time.monotonic()
        if self._process is None or self._process.poll() is not None:
            self._stop()
            self.start()
        box = self._make_box()
        cgroups = RunCgroups(limits.memory_mb << 20, limits.pids)
        try:
            result = self._run(cells, mode, needs or [], steps, limits, box, cgroups)
        finally:
            cgroups.remove()
            shutil.rmtree(box, ignore_errors=True)
        result.duration_s = round(time.monotonic() - started, 3)
        return result

    def _make_box(self) -> Path:
        box = Path(tempfile.mkdtemp(dir=self._tmp, prefix="box-"))
        if self.source_root is not None:
            _copy_tree(self.source_root, box)
        if self.drop_uid:
            for directory, _, files in os.walk(box):
                os.chown(directory, NOBODY, NOBODY)
                for name in files:
                    os.chown(os.path.join(directory, name), NOBODY, NOBODY)
        return box

    def _run(self, cells, mode, needs, steps, limits, box, cgroups) -> RunResult:
        arrays: list[bytes] = []
        wire_steps = [_wire(s, arrays) for s in steps]
        plan = ChildPlan(
            mode=mode, needs=needs, cells=cells, steps=wire_steps, box=str(box), hide=self.hide,
            cgroups=cgroups.paths, limits=limits, drop_uid=self.drop_uid,
            address_space=_address_space(limits, bool(cgroups.paths), self.hello),
        )
        result_r, result_w = os.pipe()
        output_r, output_w = os.pipe()
        deadline = time.monotonic() + limits.wall_s
        try:
            socket.send_fds(self._sock, [b"F"], [result_w, output_w])
            header = codec.frame(json.dumps({"plan": plan.model_dump(), "arrays": len(arrays)})
                                 .encode())
            self._sock.sendall(header + b"".join(codec.frame(a) for a in arrays))
        except OSError as exc:
            for fd in (result_r, result_w, output_r, output_w):
                os.close(fd)
            self._stop()
            return RunResult("sandbox-error", f"could not reach the sandbox worker: {exc}")
        os.close(result_w)
        os.close(output_w)
        try:
            return self._collect(result_r, output_r, deadline, limits, cgroups)
        finally:
            os.close(result_r)
            os.close(output_r)

    def _collect(self, result_r, output_r, deadline, limits, cgroups) -> RunResult:
        started = self._receive(deadline)
        if started is None or started.get("event") != "started":
            self._stop()
            return RunResult("sandbox-error", "the sandbox worker stopped: " + self._worker_log())
        pid = started["pid"]
        result, output = bytearray(), bytearray()
        selector = selectors.DefaultSelector()
        for fd in (result_r, output_r):
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        selector.register(self._sock, selectors.EVENT_READ)
        exited: dict | None = None
        overflow = ""
        while exited is None and not overflow:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for key, _ in selector.select(timeout=min(left, 0.5)):
                if key.fileobj is self._sock:
                    exited = self._receive(time.monotonic() + 5) or {"event": "lost"}
                else:
                    overflow = _drain(key.fd, result if key.fd == result_r else output,
                                      limits.result_bytes if key.fd == result_r
                                      else limits.output_bytes) or overflow
        selector.close()
        timed_out = exited is None and not overflow
        if exited is None:
            _kill(pid)
            cgroups.kill_all()
            if self._receive(time.monotonic() + 5) is None:
                self._stop()
        else:
            cgroups.kill_all()
        for fd, buffer, cap in ((result_r, result, limits.result_bytes),
                                (output_r, output, limits.output_bytes)):
            overflow = _drain(fd, buffer, cap) or overflow
        text = bytes(output[-8000:]).decode("utf-8", errors="replace")
        base = RunResult("completed", output=text)
        if exited and exited.get("isolation"):
            base.isolation = Isolation.model_validate(exited["isolation"])
        if overflow:
            return _with(base, "output-overflow",
                         f"the run wrote more than {overflow}; it was stopped")
        if timed_out:
            return _with(base, "timeout", f"did not finish within {limits.wall_s:g} s")
        if exited is None or exited.get("event") != "exited":
            self._stop()
            return _with(base, "sandbox-error", "the sandbox worker stopped unexpectedly")
        if exited.get("note"):
            return _with(base, "sandbox-error", exited["note"])
        return _interpret(base, exited, bytes(result), limits, cgroups)


def _interpret(base: RunResult, exited: dict, result: bytes, limits: Limits,
               cgroups: RunCgroups) -> RunResult:
    sig = exited.get("signal")
    if sig == signal.SIGKILL and cgroups.memory_exceeded():
        return _with(base, "memory", f"used more than {limits.memory_mb} MiB of memory")
    if sig == signal.SIGXCPU:
        return _with(base, "cpu-limit", f"used more than {limits.cpu_s} s of CPU time")
    try:
        header, arrays = codec.unpack(result)
        load = LoadReport.model_validate(header["load"])
        steps = [_step(s, arrays) for s in header["steps"]]
    except (codec.CodecError, KeyError, TypeError, ValueError) as exc:
        how = (f"was killed by signal {signal.Signals(sig).name}" if sig
               else f"exited with code {exited.get('exit')}")
        detail = "" if not result else f" (its result was unreadable: {exc})"
        return _with(base, "no-result", f"{how} before returning a result{detail}")
    base.load, base.steps = load, steps
    if any(s.memory_error for s in steps) or cgroups.memory_exceeded():
        return _with(base, "memory", f"used more than {limits.memory_mb} MiB of memory")
    return base


def _wire(step: GraderStep, arrays: list[bytes]) -> InspectStep | CallStep | GetStep | AssignStep:
    if isinstance(step, InspectStep):
        return step
    if isinstance(step, Get):
        return GetStep(names=list(step.names))
    if isinstance(step, Assign):
        return AssignStep(name=step.name, value=codec.encode(step.value, arrays))
    refs = {i: a.name for i, a in enumerate(step.args) if isinstance(a, Ref)}
    return CallStep(
        function=step.function,
        args=[None if isinstance(a, Ref) else codec.encode(a, arrays) for a in step.args],
        kwargs={k: codec.encode(v, arrays) for k, v in step.kwargs.items()},
        refs=refs,
    )


def _step(raw: object, arrays: list) -> StepResult:
    if type(raw) is not dict:
        raise codec.CodecError("malformed step")
    seconds = raw.get("seconds")
    seconds = float(seconds) if type(seconds) in (int, float) else 0.0
    if "ok" in raw:
        return StepResult("ok", codec.decode(raw["ok"], arrays), seconds=seconds)
    if "missing" in raw:
        return StepResult("missing", message=str(raw["missing"]))
    return StepResult("raised", message=str(raw.get("raised", ""))[:2000],
                      memory_error=raw.get("memory") is True,
                      signature_error=raw.get("signature") is True, seconds=seconds)


def _with(result: RunResult, status: str, message: str) -> RunResult:
    result.status, result.message = status, message
    return result


def _drain(fd: int, buffer: bytearray, cap: int) -> str:
    """Read what is there; return a description of the cap if it was exceeded."""
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return ""
        except OSError:
            return ""
        if not chunk:
            return ""
        buffer += chunk
        if len(buffer) > cap:
            return f"{cap} bytes"


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _address_space(limits: Limits, has_memory_cgroup: bool, hello: dict) -> int:
    """RLIMIT_AS is a backstop: generous when a cgroup enforces memory, tight otherwise."""
    factor = 4 if has_memory_cgroup else 1
    return int(hello.get("address_space", 1 << 30)) + factor * (limits.memory_mb << 20)


def _copy_tree(source: Path, target: Path) -> None:
    budget = MAX_COPY_BYTES
    for directory, subdirs, files in os.walk(source):
        subdirs[:] = [d for d in subdirs if not d.startswith(".") and d != "__pycache__"
                      and not os.path.islink(os.path.join(directory, d))]
        relative = Path(directory).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            path = Path(directory, name)
            if path.is_symlink() or not path.is_file():
                continue
            size = path.stat().st_size
            if size > budget:
                continue
            budget -= size
            shutil.copyfile(path, target / relative / name)

