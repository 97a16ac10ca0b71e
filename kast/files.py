"""Which files kast lints: explicit files as given, folders searched for `*.py`."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_EXCLUDES = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "build", "dist", "__pycache__", "site-packages",
     "node_modules", ".tox", ".nox", ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache", ".ruff_cache",
     ".kast_cache", ".eggs"}
)


def discover(paths: list[str]) -> list[tuple[Path, str]]:
    """(path, display path) for every file to lint, without duplicates, in a stable order.

    A file named on the command line is linted whatever its name; folders are
    searched recursively for `*.py`, skipping the usual tool and environment
    folders and symlinked folders (no loops).
    """
    found: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def add(path: Path, display: str) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append((path, display))

    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            add(root, raw)
            continue
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs[:] = sorted(d for d in dirs if d not in DEFAULT_EXCLUDES and not d.endswith(".egg-info"))
            for name in sorted(files):
                if name.endswith(".py"):
                    path = Path(folder) / name
                    add(path, str(path))
    return found
