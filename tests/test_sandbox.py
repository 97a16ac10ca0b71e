"""`--verify` on hostile scripts: each attack is contained or refused, and kast's answer stands.

Every script below builds the same small model with a real K101 (a linear
output under binary_crossentropy) through a helper that first attacks: it
writes files, runs programs, reads secrets, reaches the network, forks, eats
memory, ignores the time limit, forges kast's answer or tries to kill kast.
What must hold for each, with real TensorFlow:
- the attack has no effect outside the child's temporary folder (checked from
  outside: no file appears, no connection arrives, no process survives);
- the model's findings and kast's exit status are those without the attack
  (the K101 stands, never refuted), and the model gets one clear line;
- no value of kast's environment and no secret file's content appears in any
  output.

These tests assume Linux with Landlock, user namespaces and seccomp (the CI
machine has them); where a layer is missing they are skipped, not weakened.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                                reason="the verify extra (TensorFlow) is not installed")

TOKEN = "kast-test-token-7f3a9c1e5b"
SECRET = "kast-test-secret-key-d41d8cd9"

TEMPLATE = """\
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import keras

OUTSIDE = {outside!r}
SECRETS = {secrets!r}


def build():
{attack}
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])


model = build()
model.compile(optimizer="adam", loss="binary_crossentropy")
"""

ATTACKS = {
    "write_helper": """\
        with open(os.path.join(OUTSIDE, "pwned-helper"), "w") as stream:
            stream.write("x")
    """,
    "write_script_folder": """\
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pwned-beside"), "w") as stream:
            stream.write("x")
    """,
    "write_at_import": """\
        import evil_module  # writes a file when imported
    """,
    "write_numpy": """\
        np.savetxt(os.path.join(OUTSIDE, "pwned-numpy.txt"), np.ones(3))
    """,
    "os_system": """\
        status = os.system("touch " + os.path.join(OUTSIDE, "pwned-system"))
        if status != 0:
            raise OSError("os.system failed with status %d" % status)
    """,
    "subprocess_run": """\
        subprocess.run(["touch", os.path.join(OUTSIDE, "pwned-subprocess")], check=True)
    """,
    "read_home": """\
        found = []
        for path in SECRETS:
            with open(path) as stream:
                found.append(stream.read())
        if os.getpid():
            raise ValueError("stolen: " + " ".join(found))
    """,
    "read_environment": """\
        stolen = [str(dict(os.environ))]
        for entry in os.listdir("/proc"):
            try:
                with open("/proc/%s/environ" % entry, "rb") as stream:
                    stolen.append(stream.read().decode(errors="replace"))
            except OSError:
                pass
        if os.getpid():
            raise ValueError("stolen: " + " ".join(stolen))
    """,
    "tcp_connect": """\
        with socket.create_connection(("127.0.0.1", TCP_PORT), timeout=2):
            pass
    """,
    "tcp_connect_ex": """\
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        code = probe.connect_ex(("127.0.0.1", TCP_PORT))
        if code != 0:
            raise OSError(code, os.strerror(code))
    """,
    "udp_send": """\
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.sendto(b"pwned", ("127.0.0.1", UDP_PORT))
    """,
    "dns": """\
        socket.getaddrinfo("kast-verify-test.invalid", 80)
    """,
    "fork_50": """\
        for _ in range(50):
            if os.fork() == 0:
                os.setsid()
                time.sleep(3600)
                os._exit(0)
    """,
    "forge_answer": """\
        forged = '{"id": %d, "status": "built", "outputs": [{"activation": "sigmoid", "units": 1, "layer": "Dense"}], '\\
                 '"compiled": true, "loss": {"kind": "string", "name": "binary_crossentropy"}, '\\
                 '"placeholders_used": [], "seconds": 0.1, "output_names": []}\\n'
        for name in os.listdir("/proc/self/fd"):
            for request in range(8):
                try:
                    os.write(int(name), (forged % request).encode())
                except OSError:
                    pass
        print(forged % 0)
    """,
    "kill_kast": """\
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as stream:
                    command = stream.read()
            except OSError:
                continue
            if b"kast" in command and b"lint" in command:
                os.kill(int(entry), signal.SIGKILL)
    """,
}


def _script(attack: str, outside: Path, secrets: list[str], ports: tuple[int, int]) -> str:
    body = textwrap.indent(textwrap.dedent(attack), "    ")
    text = TEMPLATE.format(outside=str(outside), secrets=secrets, attack=body)
    return text.replace("TCP_PORT", str(ports[0])).replace("UDP_PORT", str(ports[1]))


def _k101_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if "keras.layers.Dense(1)" in line)


class Listener:
    """A TCP and a UDP socket on loopback that record whatever reaches them."""

    def __init__(self) -> None:
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(8)
        self.tcp.settimeout(0.2)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.settimeout(0.2)
        self.received: list[str] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    @property
    def ports(self) -> tuple[int, int]:
        return self.tcp.getsockname()[1], self.udp.getsockname()[1]

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.tcp.accept()
                self.received.append("tcp")
                connection.close()
            except OSError:
                pass
            try:
                data, _ = self.udp.recvfrom(100)
                self.received.append(f"udp {data!r}")
            except OSError:
                pass

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.tcp.close()
        self.udp.close()


def survivors(folder: Path) -> list[int]:
    """Processes whose working folder is (or was) under `folder`: children kast should have killed."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.readlink(f"/proc/{entry}/cwd").startswith(str(folder)):
                    found.append(int(entry))
            except OSError:
                continue
    return found


def layers_available() -> str | None:
    from kast.verify import sandbox

    if not sandbox.IS_LINUX:
        return "not Linux"
    if sandbox.landlock_abi() < 6:
        return "Landlock ABI 6 (signal scopes) is not available"
    if sandbox.seccomp_available():
        return sandbox.seccomp_available()
    probe = subprocess.run(["unshare", "--user", "--net", "--pid", "--fork", "true"], capture_output=True)
    if probe.returncode != 0:
        return "user, network or PID namespaces are not available"
    return None


needs_layers = pytest.mark.skipif(layers_available() is not None, reason=str(layers_available()))


def run_kast(folder: Path, home: Path, temp: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HOME": str(home), "TMPDIR": str(temp), "KAST_TEST_TOKEN": TOKEN,
                   "AWS_SECRET_ACCESS_KEY": TOKEN, "KAST_CACHE_DIR": str(temp / "cache"), **env}
    environment.pop("KAST_VERIFY_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kast", "lint", "--verify", "--no-cache", "--output-format",
                           "json", *args, "."], cwd=folder, capture_output=True, text=True, env=environment,
                          timeout=900)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    scripts, outside, home, temp = (root / "scripts", root / "outside", root / "home", root / "temp")
    for folder in (scripts, outside, home / ".ssh", temp):
        folder.mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(SECRET)
    secrets = [str(home / ".ssh" / "id_rsa"), "/etc/shadow"]
    (scripts / "evil_module.py").write_text(
        f"with open({str(outside / 'pwned-import')!r}, 'w') as stream:\n    stream.write('x')\n")
    listener = Listener()
    texts = {}
    try:
        for name, attack in ATTACKS.items():
            texts[f"{name}.py"] = _script(attack, outside, secrets, listener.ports)
            (scripts / f"{name}.py").write_text(texts[f"{name}.py"])
        texts["no_attack.py"] = _script("pass\n", outside, secrets, listener.ports)
        (scripts / "no_attack.py").write_text(texts["no_attack.py"])
        proc = run_kast(scripts, home, temp, "-v")
    finally:
        listener.close()
    return {"proc": proc, "report": json.loads(proc.stdout), "texts": texts, "outside": outside,
            "scripts": scripts, "received": listener.received, "temp": temp,
            "survivors": survivors(temp)}


def _models(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["path"]: m for m in report["verification"]["models"]}


@needs_layers
def test_findings_and_exit_status_are_those_without_the_attack(attacked: dict[str, Any]) -> None:
    assert attacked["proc"].returncode == 1, attacked["proc"].stderr
    report = attacked["report"]
    for path, text in attacked["texts"].items():
        findings = [(d["code"], d["line"]) for d in report["diagnostics"] if d["path"] == path]
        assert findings == [("K101", _k101_line(text))], (path, findings)
        # Never refuted: an attack can at most leave the finding unverified.
        assert all(d["verified"] is not False for d in report["diagnostics"] if d["path"] == path)


@needs_layers
def test_no_file_is_written_outside_the_temporary_folder(attacked: dict[str, Any]) -> None:
    assert sorted(p.name for p in attacked["outside"].iterdir()) == []
    assert not (attacked["scripts"] / "pwned-beside").exists()
    models = _models(attacked["report"])
    for path in ("write_helper.py", "write_script_folder.py", "write_at_import.py", "write_numpy.py"):
        assert not models[path]["built"]
        assert "refused by the sandbox" in models[path]["reason"] and "Permission denied" in models[path]["reason"]


@needs_layers
def test_no_program_runs(attacked: dict[str, Any]) -> None:
    models = _models(attacked["report"])
    for path in ("os_system.py", "subprocess_run.py"):
        assert not models[path]["built"], path
    assert "os.system failed" in models["os_system.py"]["reason"]
    assert "refused by the sandbox" in models["subprocess_run.py"]["reason"]


@needs_layers
def test_no_network(attacked: dict[str, Any]) -> None:
    assert attacked["received"] == []
    models = _models(attacked["report"])
    for path in ("tcp_connect.py", "tcp_connect_ex.py", "udp_send.py", "dns.py"):
        assert not models[path]["built"], path
        assert "refused by the sandbox" in models[path]["reason"], models[path]["reason"]


@needs_layers
def test_no_secret_and_no_environment_value_in_any_output(attacked: dict[str, Any]) -> None:
    proc = attacked["proc"]
    for text in (proc.stdout, proc.stderr):
        assert TOKEN not in text and SECRET not in text
        assert "root:" not in text  # /etc/shadow
    models = _models(attacked["report"])
    assert "refused by the sandbox" in models["read_home.py"]["reason"]
    # The child's own environment holds no secret, and no other process's is readable.
    assert not models["read_environment.py"]["built"]


@needs_layers
def test_nothing_survives_kast(attacked: dict[str, Any]) -> None:
    assert attacked["survivors"] == []
    assert list(attacked["temp"].glob("kast-verify-*")) == []
    assert _models(attacked["report"])["fork_50.py"]["built"]  # the forks were allowed, and all killed


@needs_layers
def test_a_forged_answer_is_not_believed(attacked: dict[str, Any]) -> None:
    report = attacked["report"]
    model = _models(report)["forge_answer.py"]
    assert not model["built"] and "private answer channel" in model["reason"]
    [k101] = [d for d in report["diagnostics"] if d["path"] == "forge_answer.py"]
    assert k101["verified"] is None
    # The model after it is verified as usual, by a fresh child.
    assert _models(report)["fork_50.py"]["built"]


@needs_layers
def test_kast_cannot_be_killed(attacked: dict[str, Any]) -> None:
    model = _models(attacked["report"])["kill_kast.py"]
    # The PID namespace hides kast's process (no such process); Landlock would refuse the signal.
    assert not model["built"] and "refused by the sandbox" in model["reason"]
    assert "No such process" in model["reason"] or "Operation not permitted" in model["reason"]


@needs_layers
def test_each_attack_is_one_clear_line_and_the_layers_are_listed(attacked: dict[str, Any]) -> None:
    stderr = attacked["proc"].stderr
    for name in ATTACKS:
        if name != "fork_50":
            assert len([line for line in stderr.splitlines() if f"({name}.py:" in line]) == 1, name
    for layer in ("environment", "process tree", "rlimits", "network", "programs", "files", "signals"):
        assert f"kast: sandbox: {layer}:" in stderr


def lone_script(tmp_path: Path, name: str, attack: str) -> Path:
    """One hostile script in `tmp_path/scripts`, with `tmp_path/temp` for kast's temporary folders."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "temp").mkdir()
    (tmp_path / "scripts" / name).write_text(_script(attack, tmp_path, [], (1, 1)))
    return tmp_path / "scripts"


@needs_layers
def test_sleeping_forever_with_alarms_ignored_is_killed(tmp_path: Path) -> None:
    scripts = lone_script(tmp_path, "sleeper.py", """\
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        while True:
            time.sleep(3600)
    """)
    proc = run_kast(scripts, tmp_path, tmp_path / "temp", "--verify-timeout", "1")
    report = json.loads(proc.stdout)
    [model] = report["verification"]["models"]
    assert not model["built"] and "no answer within" in model["reason"]
    assert proc.returncode == 1 and [d["code"] for d in report["diagnostics"]] == ["K101"]
    assert survivors(tmp_path / "temp") == []


@needs_layers
def test_a_forked_grandchild_eating_memory_is_killed_with_the_tree(tmp_path: Path) -> None:
    scripts = lone_script(tmp_path, "hoarder.py", """\
        if os.fork() == 0:
            if os.fork() == 0:
                os.setsid()
                hoard = b"x" * (3 * 1024 ** 3)
                time.sleep(3600)
            os._exit(0)
        time.sleep(3600)
    """)
    proc = run_kast(scripts, tmp_path, tmp_path / "temp", "--verify-timeout", "600",
                    KAST_VERIFY_MEMORY_MB="1500")
    [model] = json.loads(proc.stdout)["verification"]["models"]
    assert not model["built"] and "more than 1500 MB" in model["reason"]
    assert survivors(tmp_path / "temp") == []


@needs_layers
def test_killing_kast_kills_the_child(tmp_path: Path) -> None:
    import signal
    import time

    scripts = lone_script(tmp_path, "sleeper.py", """\
        while True:
            time.sleep(3600)
    """)
    environment = {**os.environ, "TMPDIR": str(tmp_path / "temp"), "KAST_CACHE_DIR": str(tmp_path / "cache")}
    kast = subprocess.Popen([sys.executable, "-m", "kast", "lint", "--verify", "--no-cache", "."],
                            cwd=scripts, env=environment, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        # Wait (bounded) until the child has started its build: a process working in kast's temporary folder.
        deadline = time.monotonic() + 300
        while not survivors(tmp_path / "temp") and time.monotonic() < deadline and kast.poll() is None:
            time.sleep(0.1)
        assert survivors(tmp_path / "temp"), "the child never started"
        kast.send_signal(signal.SIGKILL)
        kast.wait()
        deadline = time.monotonic() + 60
        while survivors(tmp_path / "temp") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert survivors(tmp_path / "temp") == []
    finally:
        if kast.poll() is None:
            kast.kill()
            kast.wait()
