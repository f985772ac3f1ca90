"""Per-run cgroups: a memory limit and a process cap over the whole process tree, and a way
to kill every process of a run, including ones that called setsid(). cgroup v2 where its
controllers are delegated to us, else cgroup v1, else nothing (recorded by the caller)."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


class RunCgroups:
    """The cgroups of one run; `paths` maps controller name -> directory (empty if none)."""

    def __init__(self, memory_bytes: int, pids: int, root: Path = ROOT) -> None:
        self.paths: dict[str, str] = {}
        name = f"grader-{uuid.uuid4().hex[:12]}"
        v2 = _v2_parent(root)
        if v2 is not None:
            self._make("unified", v2 / name, {"memory.max": memory_bytes, "memory.swap.max": 0,
                                              "pids.max": pids})
            return
        self._make("memory", root / "memory" / name, {"memory.limit_in_bytes": memory_bytes})
        self._make("pids", root / "pids" / name, {"pids.max": pids})

    def _make(self, controller: str, directory: Path, settings: dict[str, int]) -> None:
        try:
            directory.mkdir()
        except OSError:
            return
        try:
            for key, value in settings.items():
                if (directory / key).exists():
                    (directory / key).write_text(str(value))
        except OSError:
            _remove(directory)
            return
        self.paths[controller] = str(directory)

    def memory_exceeded(self) -> bool:
        for controller in ("unified", "memory"):
            directory = self.paths.get(controller)
            if directory is None:
                continue
            events = Path(directory, "memory.events" if controller == "unified" else "memory.oom_control")
            try:
                for line in events.read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key in ("oom_kill", "oom") and int(value) > 0:
                        return True
                if controller == "memory":
                    return int(Path(directory, "memory.failcnt").read_text()) > 0
            except (OSError, ValueError):
                continue
        return False

    def kill_all(self, timeout_s: float = 2.0) -> None:
        """SIGKILL every process in the run's cgroups until none is left."""
        deadline = time.monotonic() + timeout_s
        for directory in self.paths.values():
            kill_file = Path(directory, "cgroup.kill")
            if kill_file.exists():
                try:
                    kill_file.write_text("1")
                except OSError:
                    pass
            while time.monotonic() < deadline:
                pids = _pids(directory)
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.01)

    def remove(self) -> None:
        self.kill_all()
        for directory in self.paths.values():
            _remove(Path(directory))
        self.paths = {}


def _v2_parent(root: Path) -> Path | None:
    """Our own cgroup v2 folder if memory and pids can be delegated below it."""
    try:
        if not (root / "cgroup.controllers").exists():
            return None
        line = next(l for l in Path("/proc/self/cgroup").read_text().splitlines() if l.startswith("0::"))
        parent = root / line[3:].lstrip("/")
        enabled = (parent / "cgroup.subtree_control").read_text().split()
        return parent if {"memory", "pids"} <= set(enabled) else None
    except (OSError, StopIteration):
        return None


def _pids(directory: str) -> list[int]:
    try:
        return [int(p) for p in Path(directory, "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def _remove(directory: Path) -> None:
    for _ in range(50):
        try:
            directory.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)
