"""The warm worker: imports numpy (and torch) once, then forks one isolated child per run.

Started by the grader as `python -I -m grader.sandbox.zygote FD`, with FD a Unix socket.
It never runs student code itself. Per run it forks a supervisor that joins the run's
cgroups and new namespaces, then forks the child that hides the grader's files, drops
privileges, applies limits and runs the student's code (`child.run_plan`). The supervisor
reports the child's exit; the grader reads results from a pipe it made for this run alone.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

from grader.sandbox import codec, isolation
from grader.sandbox.child import run_plan
from grader.sandbox.protocol import AssignStep, CallStep, ChildPlan, Isolation


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    preload = json.loads(sys.argv[2])
    hello = {"event": "hello", "python": sys.version.split()[0], "pid": os.getpid()}
    import numpy

    hello["numpy"] = numpy.__version__
    if "torch" in preload:
        import torch

        torch.set_num_threads(1)
        hello["torch"] = torch.__version__
        hello["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    if "torchvision" in preload:
        import torchvision

        hello["torchvision"] = torchvision.__version__
    hello["address_space"] = isolation.address_space_in_use()
    hello["packages"] = _package_dirs()
    _send(sock, hello)
    while True:
        try:
            _, fds, _, _ = socket.recv_fds(sock, 1, 4)
            if len(fds) != 2:
                return
            header = json.loads(codec.read_frame(sock.recv))
            arrays = [codec.array_from_npy(codec.read_frame(sock.recv))
                      for _ in range(header["arrays"])]
        except (EOFError, OSError, ValueError, KeyError, codec.CodecError):
            return
        _serve(sock, ChildPlan.model_validate(header["plan"]), arrays, fds)


def _package_dirs() -> list[str]:
    """Where this interpreter finds the grader and the reference: what the child must not see,
    even when the grader's own process imported them from elsewhere."""
    import importlib.util

    found = [os.path.dirname(os.path.dirname(os.path.abspath(codec.__file__)))]
    spec = importlib.util.find_spec("reference")
    if spec is not None and spec.submodule_search_locations:
        found += list(spec.submodule_search_locations)
    return found


def _send(sock, event: dict) -> None:
    sock.sendall(codec.frame(json.dumps(event).encode()))


def _serve(sock, plan: ChildPlan, arrays: list, fds: list[int]) -> None:
    result_fd, output_fd = fds
    status_r, status_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(status_r)
        _supervise(sock, plan, arrays, result_fd, output_fd, status_w)
    os.close(status_w)
    for fd in fds:
        os.close(fd)
    _send(sock, {"event": "started", "pid": pid})
    _, wait_status = os.waitpid(pid, 0)
    with os.fdopen(status_r, "rb") as status_file:
        raw = status_file.read()
    try:
        report = json.loads(raw)
    except ValueError:
        report = {"exit": None, "signal": None, "isolation": None,
                  "note": f"supervisor ended abnormally (wait status {wait_status})"}
    _send(sock, {"event": "exited", **report})


def _supervise(sock, plan, arrays, result_fd, output_fd, status_w) -> None:
    """The first fork: trusted code only. Never returns."""
    try:
        sock.close()
        iso = Isolation()
        _join_cgroups(plan, iso)
        pid_namespace = _enter_namespaces(iso)
        read_ready, write_ready = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(read_ready)
            _child(plan, arrays, result_fd, output_fd, pid_namespace, iso, write_ready)
        os.close(write_ready)
        os.close(result_fd)
        os.close(output_fd)
        setup = json.loads(os.read(read_ready, 1 << 16) or b"{}")
        os.close(read_ready)
        _, wait_status = os.waitpid(child, 0)
        if "error" in setup or not setup:
            raise RuntimeError(setup.get("error", "the child ended during setup"))
        iso = Isolation.model_validate(setup)
        if not pid_namespace:
            _kill_group(child)
        report = {
            "exit": os.waitstatus_to_exitcode(wait_status) if os.WIFEXITED(wait_status) else None,
            "signal": os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None,
            "isolation": iso.model_dump(),
        }
        os.write(status_w, json.dumps(report).encode())
    except BaseException as exc:  # report, never raise out of a fork
        os.write(status_w, json.dumps({"exit": None, "signal": None, "isolation": None,
                                       "note": f"sandbox setup failed: {exc}"}).encode())
    finally:
        os._exit(0)


def _join_cgroups(plan: ChildPlan, iso: Isolation) -> None:
    joined = set()
    for controller, directory in plan.cgroups.items():
        try:
            with open(os.path.join(directory, "cgroup.procs"), "w") as procs:
                procs.write(str(os.getpid()))
            joined.add(controller)
        except OSError:
            pass
    unified = "unified" in joined
    iso.memory = (f"cgroup limit {plan.limits.memory_mb} MiB" if unified or "memory" in joined
                  else "no writable memory cgroup: address-space limit only")
    iso.processes = (f"cgroup limit {plan.limits.pids} processes" if unified or "pids" in joined
                     else "no writable pids cgroup")


def _enter_namespaces(iso: Isolation) -> bool:
    flags = isolation.CLONE_NEWNS | isolation.CLONE_NEWNET | isolation.CLONE_NEWPID
    try:
        if os.geteuid() == 0:
            isolation.unshare(flags)
        else:  # without root, a user namespace is what allows the others
            isolation.enter_user_namespace(flags, as_root=True)
    except OSError as exc:
        iso.network = iso.pid_namespace = iso.filesystem = f"unavailable ({exc.strerror})"
        return False
    iso.network = "isolated (new network namespace, loopback only)"
    iso.pid_namespace = "isolated (new PID namespace: every process dies with the run)"
    return True


def _child(plan: ChildPlan, arrays, result_fd, output_fd, pid_namespace: bool,
           iso: Isolation, ready_fd: int) -> None:
    """The second fork: set up the box, then run student code. Never returns."""
    try:
        isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
        os.setsid()
        if pid_namespace:
            _hide_files(plan, iso)
        _drop_privileges(plan, iso)
        isolation.set_limits(
            cpu_s=plan.limits.cpu_s,
            address_space=plan.address_space,
            nofile=plan.limits.nofile,
            fsize=plan.limits.fsize_mb << 20,
            nproc=plan.limits.pids if plan.drop_uid else None,
        )
        _redirect_output(output_fd)
        os.chdir(plan.box)
        _forget_grader(plan)
        step_args = [_decode_args(step, arrays) for step in plan.steps]
    except BaseException as exc:
        os.write(ready_fd, json.dumps({"error": f"{exc!r}"}).encode())
        os._exit(70)
    os.write(ready_fd, iso.model_dump_json().encode())
    os.close(ready_fd)
    try:
        run_plan(plan, step_args, result_fd)
    finally:
        os._exit(0)


def _hide_files(plan: ChildPlan, iso: Isolation) -> None:
    isolation.make_mounts_private()
    isolation.mount_proc()
    hidden = 0
    for path in plan.hide:
        try:
            isolation.hide(path)
            hidden += 1
        except OSError:
            pass
    iso.filesystem = f"grader, reference, rubric and output folders hidden ({hidden} mounts)"


def _drop_privileges(plan: ChildPlan, iso: Isolation) -> None:
    if plan.drop_uid:
        isolation.drop_to_nobody()
        iso.uid = "unprivileged (nobody)"
    else:
        uid = os.getuid()
        try:
            isolation.enter_user_namespace()
            iso.uid = f"uid {uid} without capabilities (own user namespace)"
        except OSError as exc:
            iso.uid = f"uid {uid}, capabilities kept: no user namespace ({exc.strerror})"
    isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)


def _redirect_output(output_fd: int) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(devnull)
    os.close(output_fd)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)


def _forget_grader(plan: ChildPlan) -> None:
    """Leave the student an interpreter whose path shows neither the grader nor the reference."""
    sys.path[:] = [plan.box] + [p for p in sys.path if p and not any(
        p == h or p.startswith(h + os.sep) for h in plan.hide)]
    sys.argv = ["submission"]


def _decode_args(step, arrays):
    if isinstance(step, AssignStep):
        return codec.decode(step.value, arrays)
    if not isinstance(step, CallStep):
        return None
    return (
        [codec.decode(a, arrays) for a in step.args],
        {k: codec.decode(v, arrays) for k, v in step.kwargs.items()},
    )


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


if __name__ == "__main__":
    main()
