"""The parent's side of the verifier: start the child, send slices, read answers, enforce limits.

One child per kast run imports TensorFlow once.  Each request has a time
limit (the child's own alarm, then a hard kill here) and the child's resident
memory is watched while it works; a child that is killed, crashes or exits is
replaced for the requests that remain, and the request it was on gets a
"could not verify" answer.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from typing import Any

# A model that takes longer than this to build is not verified.
TIME_LIMIT = 60.0
# Extra time before the parent kills a child that ignores its own alarm (stuck in C code).
_GRACE = 10.0
# Importing TensorFlow takes seconds; on a busy machine, tens of them.
STARTUP_LIMIT = 300.0
# Resident memory of the child beyond which it is killed (KAST_VERIFY_MEMORY_MB overrides).
MEMORY_LIMIT_MB = 4096


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


class ChildFailed(Exception):
    """The child could not start (no TensorFlow, or it crashed while importing it)."""


class Child:
    """One verifier child process."""

    def __init__(self, memory_limit_mb: float | None = None) -> None:
        self.memory_limit_mb = memory_limit_mb or float(os.environ.get("KAST_VERIFY_MEMORY_MB", MEMORY_LIMIT_MB))
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": "-1", "TF_CPP_MIN_LOG_LEVEL": "3",
               "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow", "PYTHONWARNINGS": "ignore",
               "ABSL_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR", "PYTHONDONTWRITEBYTECODE": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kast.verify.child"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=None if os.environ.get("KAST_VERIFY_DEBUG") else subprocess.DEVNULL, env=env,
            start_new_session=True,
        )
        self._buffer = b""
        hello = self._read(STARTUP_LIMIT)
        if not isinstance(hello, dict) or not hello.get("ready"):
            reason = hello.get("error") if isinstance(hello, dict) else hello
            self.close()
            raise ChildFailed(str(reason))
        self.hello = hello

    def _read(self, limit: float) -> dict[str, Any] | str:
        """The next answer line, or a string saying why there is none."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + limit
        fd = self.process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.kill()
                    return f"no answer within {limit:.0f} s (killed)"
                if self.memory_limit_mb and _rss_mb(self.process.pid) > self.memory_limit_mb:
                    self.kill()
                    return f"used more than {self.memory_limit_mb:.0f} MB of memory (killed)"
                if not selector.select(min(remaining, 0.2)):
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    code = self.process.wait()
                    return f"the verifier process exited (status {code})"
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            return "unreadable answer from the verifier process"
        return answer if isinstance(answer, dict) else "unreadable answer from the verifier process"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, job: dict[str, Any]) -> dict[str, Any]:
        """Send one request and wait for its answer, within its time limit."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode())
            self.process.stdin.flush()
        except OSError:
            return {"id": job["id"], "status": "crashed", "reason": "the verifier process is gone"}
        answer = self._read(float(job["time_limit"]) + _GRACE)
        if isinstance(answer, str):
            return {"id": job["id"], "status": "crashed", "reason": answer}
        return answer

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()


class Pool:
    """Runs requests in order on one child, replacing it when it dies."""

    def __init__(self) -> None:
        self.child: Child | None = None
        self.startup_seconds: float | None = None
        self.versions: dict[str, str] = {}
        self.starts = 0

    def ask(self, job: dict[str, Any]) -> dict[str, Any]:
        if self.child is None or not self.child.alive:
            started = time.perf_counter()
            self.child = Child()
            self.starts += 1
            if self.startup_seconds is None:
                self.startup_seconds = time.perf_counter() - started
                self.versions = {"tensorflow": str(self.child.hello.get("tensorflow")),
                                 "keras": str(self.child.hello.get("keras"))}
        return self.child.ask(job)

    def close(self) -> None:
        if self.child is not None:
            self.child.close()
