"""Linux isolation primitives used inside the sandbox (namespaces, mounts, rlimits, uid).

Each function either works or raises OSError; callers record what was not available.
"""

from __future__ import annotations

import ctypes
import os
import resource
import stat
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
NOBODY = 65534

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                        ctypes.c_char_p]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _check(
        _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                    flags, data.encode() or None),
        f"mount {target}",
    )


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), "prctl")


def enter_user_namespace(flags: int = 0, as_root: bool = False) -> None:
    """Unshare a new user namespace (plus `flags`) holding only our own ids, seen inside as
    themselves or, with `as_root`, as 0. Outside it we keep file access but lose capabilities
    (so mounts made before cannot be undone)."""
    uid, gid = os.geteuid(), os.getegid()
    unshare(CLONE_NEWUSER | flags)
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{0 if as_root else uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{0 if as_root else gid} {gid} 1")


def make_mounts_private() -> None:
    mount("none", "/", None, MS_REC | MS_PRIVATE)


def mount_proc() -> None:
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def hide(path: str) -> None:
    """Cover a folder with an empty read-only tmpfs, a file with /dev/null."""
    if os.path.isdir(path):
        mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=4k,mode=755")
    else:
        mount("/dev/null", path, None, MS_BIND)


def set_limits(cpu_s: int, address_space: int | None, nofile: int, fsize: int,
               nproc: int | None) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    if address_space is not None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    if nproc is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def drop_to_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def readable_by_others(paths: list[str]) -> bool:
    """Whether an unprivileged uid could run this interpreter: every ancestor searchable."""
    for path in paths:
        current = Path(path).resolve()
        for directory in [current, *current.parents]:
            try:
                mode = directory.stat().st_mode
            except OSError:
                return False
            if not mode & stat.S_IXOTH or not mode & stat.S_IROTH:
                return False
    return True


def address_space_in_use() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
