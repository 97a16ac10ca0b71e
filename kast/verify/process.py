"""The parent's side of the verifier: start the child, send slices, read answers, enforce limits.

One child per kast run imports TensorFlow once.  Each request has a time
limit (the child's own alarm, then a hard kill here) and the memory of the
child's whole process tree is watched while it works; a child that is killed,
crashes, exits or writes what it should not is killed with every process it
started and replaced for the requests that remain, and the request it was on
gets a "could not verify" answer.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from kast.verify import sandbox

# A model that takes longer than this to build is not verified.
TIME_LIMIT = 60.0
# Extra time before the parent kills a child that ignores its own alarm (stuck in C code).
_GRACE = 10.0
# Importing TensorFlow takes seconds; on a busy machine, tens of them.
STARTUP_LIMIT = 300.0
# Resident memory of the child's processes, summed, beyond which they are killed
# (KAST_VERIFY_MEMORY_MB overrides).
MEMORY_LIMIT_MB = 4096
TAMPERED = ("something in the script wrote to kast's private answer channel: the answer is not trusted "
            "(the child was replaced)")


class ChildFailed(Exception):
    """The child could not start (no TensorFlow, or it crashed while importing it)."""


# An answer line longer than this is no answer of the child's: something else is writing.
_MAX_ANSWER = 8 * 1024 * 1024


class Child:
    """One verifier child process tree, its private channel and its temporary folder.

    Requests go down one pipe and answers come up another, passed to the child
    as extra file descriptors: the script's standard output and error go to
    /dev/null and never reach kast.  Every answer carries the run's nonce
    (sent down the request pipe, never in the environment or the command line)
    and the request's id; a line without them, a second answer to one request,
    or an answer to another request means something in the script wrote to the
    channel, and the request is answered "could not verify" and the child
    replaced.  Code running inside the child can still read its memory, so an
    answer is trusted only as far as the script is: kast therefore never lets
    a refutation lower the exit status unless asked to.
    """

    def __init__(self, script_folders: list[str] | None = None, memory_limit_mb: float | None = None) -> None:
        self.memory_limit_mb = memory_limit_mb or float(os.environ.get("KAST_VERIFY_MEMORY_MB", MEMORY_LIMIT_MB))
        self.nonce = secrets.token_hex(16)
        self.temp = tempfile.mkdtemp(prefix="kast-verify-")
        os.makedirs(os.path.join(self.temp, "home"))
        kast_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = sandbox.child_environment(self.temp, kast_root)
        requests_r, self._requests = os.pipe()
        self._answers, answers_w = os.pipe()
        unconfined = not sandbox.IS_LINUX
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kast.verify.child", str(requests_r), str(answers_w), str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=None if os.environ.get("KAST_VERIFY_DEBUG") else subprocess.DEVNULL,
                env=env, cwd=self.temp, start_new_session=True, pass_fds=(requests_r, answers_w),
            )
        finally:
            os.close(requests_r)
            os.close(answers_w)
        self._buffer = b""
        self.next_id = 0
        config = {"nonce": self.nonce, "script_folders": sorted(set(script_folders or ())),
                  "memory_mb": self.memory_limit_mb, "home": os.path.expanduser("~"), "unconfined": unconfined}
        self._send(config)
        hello = self._read(STARTUP_LIMIT, "hello")
        if not isinstance(hello, dict) or not hello.get("ready"):
            reason = hello.get("error") if isinstance(hello, dict) else hello
            self.close()
            raise ChildFailed(str(reason))
        self.hello = hello

    def _send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        while data:
            written = os.write(self._requests, data)
            data = data[written:]

    def _read(self, limit: float, request: object) -> dict[str, Any] | str:
        """The answer to `request`, or a string saying why there is none."""
        deadline = time.monotonic() + limit
        with selectors.DefaultSelector() as selector:
            selector.register(self._answers, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.kill()
                    return f"no answer within {limit:.0f} s (killed)"
                if self.memory_limit_mb:
                    used = sandbox.resident_mb(sandbox.descendants(self.process.pid))
                    if used > self.memory_limit_mb:
                        self.kill()
                        return f"used more than {self.memory_limit_mb:.0f} MB of memory (killed, all its processes)"
                if not selector.select(min(remaining, 0.2)):
                    continue
                chunk = os.read(self._answers, 65536)
                if not chunk:
                    code = self.process.wait()
                    self.kill()
                    return f"the verifier process exited (status {code})"
                self._buffer += chunk
                if len(self._buffer) > _MAX_ANSWER:
                    self.kill()
                    return TAMPERED
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or answer.get("nonce") != self.nonce or answer.get("id") != request \
                or self._buffer:
            # Not the child's answer to this request (or more than one): the channel was written to.
            self.kill()
            return TAMPERED
        answer.pop("nonce", None)
        return answer

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, job: dict[str, Any]) -> dict[str, Any]:
        """Send one request and wait for its answer, within its time limit."""
        request = self.next_id
        self.next_id += 1
        try:
            self._send({**job, "id": request})
        except OSError:
            return {"status": "crashed", "reason": "the verifier process is gone"}
        answer = self._read(float(job["time_limit"]) + _GRACE, request)
        if isinstance(answer, str):
            return {"status": "tampered" if answer == TAMPERED else "crashed", "reason": answer}
        return answer

    def kill(self) -> None:
        """Kill the child and every process it started; remove its temporary folder."""
        # Only while the launcher has not been reaped: its pid could be another process's after.
        if self.process.poll() is None:
            tree = sandbox.kill_tree(self.process.pid)
            self.process.wait()
            # SIGKILL is delivered at once but a process takes a moment to die; kast does not
            # leave before the last one has.
            sandbox.wait_gone(tree, 10.0)
        self._cleanup()

    def _cleanup(self) -> None:
        for fd in (self._requests, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass
        self._requests = self._answers = -1
        shutil.rmtree(self.temp, ignore_errors=True)

    def close(self) -> None:
        # The child holds nothing worth a graceful stop, and the processes the script left
        # behind are found only while the launcher lives: kill it all at once.
        self.kill()


class Pool:
    """Runs requests in order on one child, replacing it when it dies."""

    def __init__(self, script_folders: list[str] | None = None) -> None:
        self.script_folders = script_folders or []
        self.child: Child | None = None
        self.startup_seconds: float | None = None
        self.versions: dict[str, str] = {}
        self.layers: dict[str, str] = {}
        self.starts = 0
        self.cache: Any = None  # kast.verify.cache.AnswerCache, when the run has a cache

    def ask(self, job: dict[str, Any]) -> dict[str, Any]:
        if self.child is None or not self.child.alive:
            started = time.perf_counter()
            if self.child is not None:
                self.child.close()
            self.child = Child(self.script_folders)
            self.starts += 1
            if self.startup_seconds is None:
                self.startup_seconds = time.perf_counter() - started
                self.versions = {name: str(self.child.hello[name]) for name in ("tensorflow", "keras", "tf_keras")
                                 if self.child.hello.get(name)}
                self.layers = dict(self.child.hello.get("layers") or {})
                if self.child.hello.get("confine_seconds") is not None:
                    self.layers["cost"] = (f"{1000 * float(self.child.hello['confine_seconds']):.0f} ms to apply "
                                           "these layers in the child")
        return self.child.ask(job)

    def close(self) -> None:
        if self.child is not None:
            self.child.close()
