"""Confinement of the verifier's child by the operating system, in layers.

`--verify` runs parts of scripts that may have been written by strangers (a
pull request in CI).  Python-level patching cannot hold such code, so the
child is confined by the kernel, each layer on its own:

- **environment**: an allow-list (locale, thread counts, Keras's own switches);
  no token, key or path of the user's reaches the child.  HOME, TMPDIR and the
  working folder are a fresh temporary folder, removed afterwards;
- **process tree**: a new session; `PR_SET_PDEATHSIG` on every stage, so the
  child dies with kast; a new PID namespace where the kernel allows it, whose
  first process takes every other one with it when it dies; kast sums the
  resident memory of the whole tree and kills the tree as a whole;
- **rlimits**: address space, processes (counted per user namespace), file
  size, no core files;
- **network**: a new network namespace (no interface but a loopback that is
  down), then a seccomp filter that refuses `socket()` altogether;
- **programs**: no `execve` (Landlock grants no execute right, and the seccomp
  filter refuses `execve`/`execveat` once TensorFlow is loaded);
- **files** (Landlock): reads only below Python's own folders, the system's
  library folders, `/proc`, `/sys`, a few files of `/etc` and the folders of
  the scripts being verified; writes only inside the temporary folder.  The
  user's home is not readable, except the parts above that lie inside it
  (a virtual environment, the scripts' folders);
- **signals and other processes** (Landlock scopes, and the PID namespace): the
  child cannot signal kast or any process outside its own tree, nor read
  another process's memory or environment.

What each layer gives on this machine is found out at start (`detect`) and by
the child itself, which reports what it could apply (`--verify -v` prints it).
On macOS and Windows none of this exists: the child runs unconfined, and kast
says so.

The functions that confine run in the child's two stages (see `child.py`);
the parent uses `detect`, `child_environment` and the process-tree helpers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

IS_LINUX = sys.platform.startswith("linux")

# Variables the child may see: none of them carries a secret.
_ALLOWED_ENVIRONMENT = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "TZ", "OMP_NUM_THREADS",
                        "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                        "TF_USE_LEGACY_KERAS", "SYSTEMROOT")
_FIXED_ENVIRONMENT = {
    "CUDA_VISIBLE_DEVICES": "-1", "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow", "PYTHONWARNINGS": "ignore", "ABSL_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
    "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "NO_PROXY": "*", "no_proxy": "*",
}

# Files of /etc the dynamic loader and the C library read; the rest of /etc (shadow, ssh keys,
# resolv.conf, hosts) stays closed.
_ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/timezone",
              "/etc/os-release", "/etc/mime.types")
_SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/proc", "/sys")
_DEVICES_READ = ("/dev/urandom", "/dev/random", "/dev/zero")
_DEVICES_WRITE = ("/dev/null",)


def child_environment(temp: str, kast_root: str) -> dict[str, str]:
    """The whole environment of the child: the allow-list, fixed settings, and the temporary folder."""
    env = {name: os.environ[name] for name in _ALLOWED_ENVIRONMENT if name in os.environ}
    env.update(_FIXED_ENVIRONMENT)
    home = os.path.join(temp, "home")
    env.update(HOME=home, TMPDIR=temp, TEMP=temp, TMP=temp, KERAS_HOME=os.path.join(home, ".keras"),
               PYTHONPATH=kast_root, MPLCONFIGDIR=os.path.join(home, ".matplotlib"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"))
    if os.environ.get("KAST_VERIFY_DEBUG"):
        env["KAST_VERIFY_DEBUG"] = "1"
    return env


# ------------------------------------------------------------------ libc


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


_LIBC: Any = None


def libc() -> Any:
    global _LIBC
    if _LIBC is None:
        _LIBC = _libc()
    return _LIBC


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_SET_DUMPABLE = 4


def die_with_parent() -> None:
    """PR_SET_PDEATHSIG: the kernel sends SIGKILL to this process when its parent dies."""
    _check(libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")


def no_new_privileges() -> None:
    _check(libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


# ------------------------------------------------------------- namespaces

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as stream:
        stream.write(text)


def enter_namespaces() -> list[str]:
    """unshare() a user, network and PID namespace (the PID one takes effect for the next fork).

    Unprivileged users need the user namespace for the others; root gets them
    without it, but takes it too: processes are then counted per namespace for
    RLIMIT_NPROC, and capabilities dropped inside it are not those of the host.
    Returns the namespaces obtained, empty when the kernel allows none.
    """
    uid, gid = os.getuid(), os.getgid()
    for flags, names in ((CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID, ["user", "network", "pid"]),
                         (CLONE_NEWNET | CLONE_NEWPID, ["network", "pid"])):
        if libc().unshare(flags) == 0:
            if flags & CLONE_NEWUSER:
                # The same ids inside as outside: files keep their owners.
                _write("/proc/self/setgroups", "deny")
                _write("/proc/self/uid_map", f"{uid} {uid} 1")
                _write("/proc/self/gid_map", f"{gid} {gid} 1")
            return names
    return []


def drop_capabilities() -> None:
    """No capability left (in the process's own user namespace, and the bounding set emptied)."""
    for cap in range(64):
        libc().prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (Data * 2)()
    _check(libc().capset(ctypes.byref(header), data), "capset")


# ----------------------------------------------------------------- rlimits


@dataclass(frozen=True)
class Limits:
    address_space_mb: int
    processes: int
    file_size_mb: int


def limits_for(memory_limit_mb: float) -> Limits:
    # TensorFlow alone maps about 1.5 GB of address space; the summed resident memory, watched
    # by kast, is the real limit, the address space a backstop against one huge allocation.
    cores = os.cpu_count() or 2
    return Limits(address_space_mb=int(max(8192, 2 * memory_limit_mb)), processes=max(256, 8 * cores + 64),
                  file_size_mb=64)


def apply_limits(limits: Limits) -> None:
    import resource

    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limits.address_space_mb * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mb,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Threads count as processes: TensorFlow starts a few per core.
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes,) * 2)


# ----------------------------------------------------------------- Landlock

_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
_FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1


def _fs_rights(abi: int) -> int:
    """Every file-system right this ABI knows: all handled, so all denied unless granted."""
    rights = (1 << 13) - 1  # EXECUTE .. MAKE_SYM (ABI 1)
    if abi >= 2:
        rights |= 1 << 13  # REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel, 0 where there is none."""
    if not IS_LINUX or os.uname().machine not in ("x86_64", "aarch64", "riscv64", "ppc64le", "s390x"):
        return 0
    version = libc().syscall(_SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                             ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(version), 0)


@dataclass
class Landlock:
    """What the Landlock ruleset grants; everything else is denied."""

    abi: int
    read: list[str] = field(default_factory=list)  # read (files and folder listings) below these
    write: list[str] = field(default_factory=list)  # every right but execute below these
    read_write_files: list[str] = field(default_factory=list)  # /dev/null

    def restrict(self) -> list[str]:
        """Apply to this process and its future children; what it covers, for the report."""
        handled_fs = _fs_rights(self.abi)
        attr = _RulesetAttr(handled_fs, 0, 0)
        size = 8
        covers = ["files"]
        if self.abi >= 4:
            attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
            size = 16
            covers.append("tcp")
        if self.abi >= 6:
            attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
            size = 24
            covers.append("signals")
        ruleset = _check(libc().syscall(_SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                        ctypes.c_uint32(0)), "landlock_create_ruleset")
        try:
            for paths, rights in ((self.read, FS_READ_FILE | FS_READ_DIR),
                                  (self.write, handled_fs & ~FS_EXECUTE),
                                  (self.read_write_files, FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE & handled_fs)):
                for path in paths:
                    self._allow(ruleset, path, rights & handled_fs)
            no_new_privileges()
            _check(libc().syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)),
                   "landlock_restrict_self")
        finally:
            os.close(ruleset)
        return covers

    @staticmethod
    def _allow(ruleset: int, path: str, rights: int) -> None:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return  # not on this system
        try:
            if not os.path.isdir(path):
                rights &= _FS_FILE_RIGHTS
            rule = _PathBeneath(rights, fd)
            _check(libc().syscall(_SYS_LANDLOCK_ADD_RULE, ruleset, _LANDLOCK_RULE_PATH_BENEATH,
                                  ctypes.byref(rule), ctypes.c_uint32(0)), f"landlock_add_rule({path})")
        finally:
            os.close(fd)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def readable_roots(python_paths: list[str], script_folders: list[str], home: str | None) -> list[str]:
    """The folders the child may read: Python's, the system's, the scripts'; never the home folder itself.

    A folder that is the user's home or holds it (a `.pth` adding `~`, a script
    saved right in `~`) is left out: granting it would open all of the home.
    """
    roots: list[str] = []
    home_real = os.path.realpath(home) if home else None
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, *python_paths, *script_folders]
    for path in [*candidates, *_SYSTEM_FOLDERS, *_ETC_FILES, *_DEVICES_READ]:
        if not path or not os.path.exists(path):
            continue
        real = os.path.realpath(path)
        if real == os.sep or (home_real and _inside(home_real, real)):
            continue
        if real not in roots:
            roots.append(real)
        if path not in roots and os.path.abspath(path) != real:
            roots.append(os.path.abspath(path))
    return roots


# ------------------------------------------------------------------ seccomp

# Refused once TensorFlow is loaded: running programs, sockets of any family (a second fence
# after the network namespace, and the one that keeps UNIX sockets such as a Docker daemon's
# out of reach), tracing other processes, new namespaces, mounts, kernel key rings, io_uring
# (whose operations seccomp cannot see), eBPF and performance counters.
SECCOMP_DENIED = ("execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "unshare", "setns",
                  "mount", "umount2", "pivot_root", "chroot", "keyctl", "add_key", "request_key", "bpf",
                  "perf_event_open", "userfaultfd", "io_uring_setup", "kexec_load", "init_module",
                  "finit_module", "open_by_handle_at", "name_to_handle_at")
SECCOMP_NO_SOCKETS = ("socket", "socketpair")


def seccomp_available() -> str | None:
    """Why no seccomp filter can be loaded here, or None."""
    if not IS_LINUX:
        return "not Linux"
    try:
        # pyseccomp finds libseccomp with ctypes.util.find_library, which runs ldconfig: import it
        # before Landlock takes the right to run programs away.
        import pyseccomp  # noqa: F401
    except (ImportError, OSError, AttributeError, RuntimeError) as exc:
        return f"pyseccomp or libseccomp is missing ({type(exc).__name__})"
    return None


def load_seccomp() -> None:
    import pyseccomp

    rules = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for name in SECCOMP_DENIED:
        try:
            rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
        except (ValueError, RuntimeError, OSError):
            continue  # a system call this architecture does not have
    for name in SECCOMP_NO_SOCKETS:
        rules.add_rule(pyseccomp.ERRNO(errno.EACCES), name)
    no_new_privileges()
    rules.load()


# -------------------------------------------------------------- detection


@dataclass
class Layers:
    """What confinement this platform gives, as found at start."""

    platform: str
    namespaces: list[str] = field(default_factory=list)
    landlock_abi: int = 0
    seccomp: str | None = None  # why not, None when available
    applied: dict[str, str] = field(default_factory=dict)  # what the child reported it applied

    @property
    def confined(self) -> bool:
        return IS_LINUX

    def lines(self) -> list[str]:
        """One line per layer, for `--verify -v`."""
        if not IS_LINUX:
            return [f"the child runs UNCONFINED on {self.platform}: only a fresh environment, working folder "
                    "and HOME, a time limit and a memory watch; its code can read and write your files and "
                    "reach the network"]
        rows = self.applied or {}
        return [f"{name}: {rows.get(name, 'not reported')}" for name in
                ("environment", "process tree", "rlimits", "network", "programs", "files", "signals")]


def detect() -> Layers:
    """What this machine offers (the child reports what it really applied)."""
    layers = Layers(platform=sys.platform)
    if IS_LINUX:
        layers.landlock_abi = landlock_abi()
        layers.seccomp = seccomp_available()
    return layers


# ------------------------------------------------------------- process tree


def descendants(root: int) -> list[int]:
    """`root` and every process below it (children re-parented inside its PID namespace included)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [root]
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stream:
                stat = stream.read()
        except OSError:
            continue
        fields = stat.rpartition(b")")[2].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, ()))
    return tree


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_mb(pids: list[int]) -> float:
    """Memory of the processes together, in MB.

    One process: its resident set.  Several (the script forked): their
    proportional sets, so that pages a fork shares with TensorFlow's process
    are counted once, not once per fork.
    """
    if len(pids) <= 2:  # the launcher and the worker
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/statm", "rb") as stream:
                    total += int(stream.read().split()[1])
            except (OSError, ValueError, IndexError):
                continue
        return total * _PAGE / (1024 * 1024)
    kilobytes = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
                for line in stream:
                    if line.startswith(b"Pss:"):
                        kilobytes += int(line.split()[1])
                        break
        except (OSError, ValueError, IndexError):
            continue
    return kilobytes / 1024


def kill_tree(root: int) -> list[int]:
    """SIGKILL the process group and every process of the tree (a grandchild in a new session too)."""
    pids = descendants(root) if IS_LINUX else [root]
    try:
        os.killpg(root, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return pids


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            state = stream.read().rpartition(b")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def wait_gone(pids: list[int], limit: float) -> None:
    """Wait (up to `limit` seconds) until none of the processes is alive: killed ones exit promptly."""
    import time

    if not IS_LINUX:
        return
    deadline = time.monotonic() + limit
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)
