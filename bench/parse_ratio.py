"""Compare kast's lint time with the bare LibCST parse of the same files (one core).

    python bench/parse_ratio.py FOLDER [FOLDER ...]

Prints the median over several rounds of: `libcst.parse_module` alone, and
`kast.core.lint_bytes` (read-decoded bytes -> diagnostics, default selection),
and their ratio.  The design target is lint <= 3 x parse.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import libcst

from kast.config import Settings
from kast.core import lint_bytes
from kast.files import discover


def main(folders: list[str], rounds: int = 5) -> None:
    files = [path for path, _ in discover(folders)]
    blobs = [(str(p), p.read_bytes()) for p in files]
    texts = [data.decode("utf-8", "replace") for _, data in blobs]
    settings = Settings()
    parse_times, lint_times = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            try:
                libcst.parse_module(text)
            except Exception:  # noqa: BLE001 - a broken file costs what it costs
                pass
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        findings = 0
        for path, data in blobs:
            findings += len(lint_bytes(data, path, settings).diagnostics)
        lint_times.append(time.perf_counter() - start)
    parse, lint = statistics.median(parse_times), statistics.median(lint_times)
    lines = sum(t.count("\n") for t in texts)
    print(f"{len(files)} files, {lines} lines, {findings} findings")
    print(f"libcst.parse_module  {parse:8.3f} s")
    print(f"kast lint            {lint:8.3f} s")
    print(f"ratio                {lint / parse:8.2f} x")


if __name__ == "__main__":
    main(sys.argv[1:] or ["fixtures"])
