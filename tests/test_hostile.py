"""Hostile input through the real command line: a clear answer for the bad file, nothing lost for the others.

Every case puts one hostile file next to `zz_buggy.py`, a normal script with
one K101, and runs `python -m kast lint --no-cache --output-format json` on
the folder in a child process.  Whatever the hostile file is, kast must
answer it clearly (a K000 saying why, no finding, or the findings its
content has), print no traceback, exit 0 or 1, and still report the buggy
file's K101 where it is.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

BUGGY = b'import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.compile(loss="binary_crossentropy")\n'
BUGGY_FINDING = ("zz_buggy.py", "K101", 2)


def kast_json(*arguments: str, cwd: Path | None = None, timeout: float = 120) -> tuple[dict, str]:  # type: ignore[type-arg]
    """Run the real CLI; the JSON report and stderr, after checking it ended cleanly."""
    completed = subprocess.run(
        [sys.executable, "-m", "kast", "lint", "--isolated", "--output-format", "json", *arguments],
        capture_output=True, text=True, cwd=cwd, timeout=timeout,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode in (0, 1), (completed.returncode, completed.stderr)
    return json.loads(completed.stdout), completed.stderr


def findings(report: dict) -> dict[str, list[tuple[str, int]]]:  # type: ignore[type-arg]
    """(code, line) of each file's findings, by file name."""
    by_file: dict[str, list[tuple[str, int]]] = {}
    for d in report["diagnostics"]:
        by_file.setdefault(Path(d["path"]).name, []).append((d["code"], d["line"]))
    return by_file


def lint_next_to_buggy(folder: Path, *extra: str) -> tuple[dict[str, list[tuple[str, int]]], dict, str]:  # type: ignore[type-arg]
    (folder / "zz_buggy.py").write_bytes(BUGGY)
    report, stderr = kast_json("--no-cache", *extra, str(folder))
    by_file = findings(report)
    assert by_file.get("zz_buggy.py") == [("K101", 2)], (by_file, stderr)
    assert report["internal_errors"] == [], report["internal_errors"]
    return by_file, report, stderr


def notebook(*cells: tuple[str, str]) -> bytes:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": [{"cell_type": kind, "metadata": {}, "source": source,
                   **({"outputs": [], "execution_count": None} if kind == "code" else {})} for kind, source in cells],
    }).encode()


def deep_functions(depth: int) -> bytes:
    return b"import keras\n" + b"".join(b"    " * i + b"def f%d():\n" % i for i in range(depth)) + b"    " * depth + b"pass\n"


# name -> (file name, content, what the file itself must get: a code and a word of its message, or its codes)
CASES: dict[str, tuple[str, Callable[[], bytes], tuple[str, ...]]] = {
    "empty": ("empty.py", lambda: b"", ()),
    "only comments": ("notes.py", lambda: b"# keras notes\n# import tensorflow as tf\n#\n", ()),
    "BOM": ("bom.py", lambda: b"\xef\xbb\xbf" + BUGGY, ("K101",)),
    "CRLF": ("crlf.py", lambda: BUGGY.replace(b"\n", b"\r\n"), ("K101",)),
    "lone CR": ("cr.py", lambda: BUGGY.replace(b"\n", b"\r"), ("K101",)),
    "mixed line endings": ("mixed.py", lambda: BUGGY.replace(b"\n", b"\r", 1).replace(b"\n", b"\r\n", 1),
                           ("K101",)),
    "tabs mixed with spaces": ("tabs.py", lambda: b"import keras\nif True:\n\tx = 1\n        y = 2\n",
                               ("K000", "tabs")),
    "tab and space blocks": ("tab_blocks.py",
                             lambda: b"import keras\nif True:\n\tx = 1\nif True:\n    y = 2\n" + BUGGY, ("K101",)),
    "latin-1 cookie": ("latin.py", lambda: b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n" + BUGGY, ("K101",)),
    "invalid UTF-8": ("bad_utf8.py", lambda: b"import keras\nname = 'caf\xe9'\n", ("K000", "utf-8")),
    "unknown cookie": ("cookie.py", lambda: b"# coding: klingon\nimport keras\n", ("K000", "encoding")),
    "binary named .py": ("binary.py", lambda: bytes(range(256)) * 8, ("K000", "binary")),
    "50k lines": ("long.py", lambda: BUGGY + b"x = 1\n" * 50_000, ("K101",)),
    "2000-deep brackets": ("brackets.py", lambda: b"import keras\nx = " + b"[" * 2000 + b"]" * 2000 + b"\n",
                           ("K000", "nested")),
    "2000-deep unclosed brackets": ("open_brackets.py", lambda: b"import keras\nx = " + b"(" * 2000 + b"\n",
                                    ("K000", "nested")),
    "500-deep functions": ("functions.py", lambda: deep_functions(500), ("K000", "indentation")),
    # Chains without brackets: LibCST's native parser recursed once per link and killed the
    # process (segfault) at a few thousand; kast now refuses them before LibCST sees them.
    "10,000-term sum": ("sum.py", lambda: b"import keras\nx = " + b"+".join([b"1"] * 10_000) + b"\n",
                        ("K000", "nested")),
    "5,000-link attribute chain": ("attributes.py", lambda: b"import keras\nx = a" + b".b" * 5_000 + b"\n",
                                   ("K000", "nested")),
    "5,000 calls in a row": ("calls.py", lambda: b"import keras\nx = f" + b"()" * 5_000 + b"\n", ("K000", "nested")),
    "10,000 `and`": ("ands.py", lambda: b"import keras\nx = " + b" and ".join([b"a"] * 10_000) + b"\n",
                     ("K000", "nested")),
    "10,000-branch elif": ("elifs.py", lambda: b"import keras\nif a:\n    pass\n" + b"elif a:\n    pass\n" * 10_000,
                           ("K000", "nested")),
    "10,000 unary minus": ("minus.py", lambda: b"import keras\nx = " + b"-" * 10_000 + b"y\n", ("K000", "nested")),
    "5,000 strings concatenated": ("strings.py", lambda: b"import keras\nx = (\n" + b'    "a"\n' * 5_000 + b")\n",
                                   ("K000", "LibCST")),
    "1 MB single line": ("one_line.py",
                         lambda: BUGGY + b"weights = [" + b"0.123456789, " * 80_000 + b"]\n", ("K101",)),
    "1 MB single string": ("one_string.py", lambda: BUGGY + b"blob = '" + b"a" * 1_000_000 + b"'\n", ("K101",)),
    "notebook not JSON": ("not_json.ipynb", lambda: b"import keras\n{not json", ("K000", "JSON")),
    "notebook without cells": ("no_cells.ipynb", lambda: notebook(), ()),
    "notebook JSON without a cell list": ("no_list.ipynb", lambda: b'{"nbformat": 4, "cells": 3}', ("K000",)),
    "notebook of markdown": ("markdown.ipynb", lambda: notebook(("markdown", "# keras"), ("raw", "import keras")),
                             ()),
    "notebook with magics": ("magics.ipynb", lambda: notebook(
        ("code", "%matplotlib inline\n!pip install keras\nfiles = !ls"),
        ("code", "%%time\nthis is not python"),
        ("code", "%time x = 1\n" + BUGGY.decode()),
        ("code", "model?"),
    ), ("K101",)),
    "empty notebook file": ("empty.ipynb", lambda: b"", ()),
    "binary notebook": ("binary.ipynb", lambda: bytes(range(256)), ("K000",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_next_to_a_buggy_one(case: str, tmp_path: Path) -> None:
    name, content, expected = CASES[case]
    (tmp_path / name).write_bytes(content())
    by_file, report, _ = lint_next_to_buggy(tmp_path)
    got = by_file.get(name, [])
    assert report["summary"]["files"] == 2
    if not expected:
        assert got == [], got
    elif expected[0] == "K000":
        assert [code for code, _ in got] == ["K000"], got
        [message] = [d["message"] for d in report["diagnostics"] if Path(d["path"]).name == name]
        assert len(expected) == 1 or expected[1].lower() in message.lower(), message
    else:
        assert [code for code, _ in got] == list(expected), got


def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")  # a folder loop: symlinked folders are not followed
    os.symlink("b.py", tmp_path / "a.py")  # a file loop: cannot be read
    os.symlink("a.py", tmp_path / "b.py")
    os.symlink("missing.py", tmp_path / "broken.py")
    by_file, _, _ = lint_next_to_buggy(tmp_path)
    assert {name: [code for code, _ in got] for name, got in by_file.items()} == {
        "a.py": ["K000"], "b.py": ["K000"], "broken.py": ["K000"], "zz_buggy.py": ["K101"]}


def test_unreadable_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_bytes(BUGGY)
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading (test_unreadable_socket covers it)")
        by_file, report, _ = lint_next_to_buggy(tmp_path)
    finally:
        secret.chmod(0o644)
    assert [code for code, _ in by_file["secret.py"]] == ["K000"]
    assert any("cannot read" in d["message"] for d in report["diagnostics"])


def test_unreadable_socket_named_on_the_command_line(tmp_path: Path) -> None:
    # open() of a Unix socket fails (ENXIO) even for root: an unreadable file wherever the tests run.
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "socket.py"))
        (tmp_path / "zz_buggy.py").write_bytes(BUGGY)
        report, _ = kast_json("--no-cache", str(tmp_path / "socket.py"), str(tmp_path / "zz_buggy.py"))
    finally:
        server.close()
    by_file = findings(report)
    assert by_file == {"socket.py": [("K000", 1)], "zz_buggy.py": [("K101", 2)]}
    assert "cannot read" in report["diagnostics"][0]["message"]


def test_fifo_in_a_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    # Reading a FIFO with no writer blocks forever; a folder walk takes regular files only.
    os.mkfifo(tmp_path / "pipe.py")
    by_file, report, _ = lint_next_to_buggy(tmp_path)
    assert "pipe.py" not in by_file and report["summary"]["files"] == 1


def test_path_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    folder = tmp_path / "my project" / "Übung ñ 日本"
    folder.mkdir(parents=True)
    (folder / "träin data 🚀.py").write_bytes(BUGGY)
    by_file, report, _ = lint_next_to_buggy(folder)
    assert by_file["träin data 🚀.py"] == [("K101", 2)]
    assert any(d["path"].endswith("Übung ñ 日本/träin data 🚀.py") for d in report["diagnostics"])
    sarif, _ = kast_json("--no-cache", "--output-format", "sarif", str(folder))  # the later option wins
    uris = [unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in sarif["runs"][0]["results"]]
    assert any(uri.endswith("Übung ñ 日本/träin data 🚀.py") for uri in uris), uris


def test_file_rewritten_while_kast_reads_it(tmp_path: Path) -> None:
    """Another program rewrites the file again and again: each run gives a clear answer, the cache stays true."""
    moving = tmp_path / "moving.py"
    moving.write_bytes(BUGGY)
    (tmp_path / "zz_buggy.py").write_bytes(BUGGY)
    versions = [BUGGY, BUGGY[:40], b"", BUGGY + b"x = (\n", BUGGY.replace(b"Dense(1)", b"Dense(1, activation='sigmoid')")]
    stop = threading.Event()

    def rewrite() -> None:
        index = 0
        while not stop.is_set():
            moving.write_bytes(versions[index % len(versions)])  # truncates, then writes: readers see both
            index += 1

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        seen = set()
        for run in range(4):
            cache = ("--cache-dir", str(tmp_path / "cache")) if run % 2 else ("--no-cache",)
            report, _ = kast_json(*cache, str(tmp_path))
            by_file = findings(report)
            assert by_file["zz_buggy.py"] == [("K101", 2)]
            got = tuple(code for code, _ in by_file.get("moving.py", []))
            assert got in ((), ("K101",), ("K000",)), got
            seen.add(got)
    finally:
        stop.set()
        writer.join()
    # Once the file holds still, the cache gives what the file says (keys are the bytes analysed).
    moving.write_bytes(BUGGY)
    report, _ = kast_json("--cache-dir", str(tmp_path / "cache"), str(tmp_path))
    assert findings(report)["moving.py"] == [("K101", 2)]


def test_file_removed_after_discovery(tmp_path: Path) -> None:
    from kast.config import Resolver
    from kast.files import discover
    from kast.runner import lint_targets

    (tmp_path / "gone.py").write_bytes(BUGGY)
    (tmp_path / "zz_buggy.py").write_bytes(BUGGY)
    targets = discover([str(tmp_path)], Resolver())
    (tmp_path / "gone.py").unlink()
    results = lint_targets(targets, jobs=1, cache=None)
    assert [[d.code for d in r.diagnostics] for r in results] == [["K000"], ["K101"]]
    assert "cannot read" in results[0].diagnostics[0].message


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_nesting_that_crashes_libcst_does_not_take_the_other_files_down(tmp_path: Path, jobs: str) -> None:
    # LibCST 1.9's native parser can kill the process on `x = [[[...]]]` 1,500 deep; kast
    # refuses it before LibCST sees it.  Nine buggy files: enough for --jobs 2 to start workers.
    (tmp_path / "deep.py").write_bytes(b"import keras\nx = " + b"[" * 1500 + b"]" * 1500 + b"\n")
    for index in range(8):
        (tmp_path / f"buggy_{index}.py").write_bytes(BUGGY)
    by_file, report, _ = lint_next_to_buggy(tmp_path, "--jobs", jobs)
    assert report["summary"]["files"] == 10
    assert [code for code, _ in by_file["deep.py"]] == ["K000"]
    assert all(by_file[f"buggy_{index}.py"] == [("K101", 2)] for index in range(8))


def test_a_worker_that_dies_costs_one_file_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kast.runner
    from kast.config import Resolver
    from kast.files import discover

    real = kast.runner.lint_bytes

    def segfault_on_one_file(data: bytes, display: str, settings: object) -> object:
        if display.endswith("dies.py"):
            os._exit(139)  # what a stack overflow in native code does to the worker
        return real(data, display, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(kast.runner, "lint_bytes", segfault_on_one_file)  # forked workers inherit it
    (tmp_path / "dies.py").write_bytes(BUGGY)
    for index in range(8):
        (tmp_path / f"buggy_{index}.py").write_bytes(BUGGY)
    results = kast.runner.lint_targets(discover([str(tmp_path)], Resolver()), jobs=2, cache=None)
    assert [Path(r.path).name for r in results if r.internal_error] == ["dies.py"]
    assert all([d.code for d in r.diagnostics] == ["K101"] for r in results if not r.internal_error)
