"""Which files kast lints, and with which settings.

Folders are searched recursively for `*.py` and `*.ipynb`, skipping the
configured excludes (by default tool caches, environments and build output),
files ignored by `.gitignore` (`respect-gitignore`, on by default),
symlinked folders (no loops) and FIFOs, sockets and devices (reading a FIFO
would block).

A path named on the command line is the user's choice, as in Ruff: it is
linted even where an exclude or a `.gitignore` covers it, unless
`force-exclude` is set (pre-commit passes every changed file by name, so that
is how excludes apply there).  Inside a named folder that git ignores, only
the ignore files of that folder and its subfolders apply (`cd notebooks &&
kast lint .` lints the notebooks a parent `.gitignore` hides).  A named file
that is neither Python (`.py`, `.pyi`, `.pyw`, or a `#!...python` script) nor a
notebook is skipped with a warning instead of being parsed as Python.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from kast.config import Config, Resolver, Settings

SOURCE_SUFFIXES = (".py", ".ipynb")
# What a file named on the command line may be called to be read as Python (or a notebook).
NAMED_SUFFIXES = (".py", ".pyi", ".pyw", ".ipynb")
NO_FILES = "no Python files found under the given path(s)"


class Target(NamedTuple):
    """One file to lint: where it is, how it is shown, what it is checked with."""

    path: Path
    display: str
    settings: Settings


class Discovery(list[Target]):
    """The files to lint, in order (a list of targets), and what was skipped on the way (one warning each)."""

    def __init__(self, targets: list[Target], warnings: list[str]) -> None:
        super().__init__(targets)
        self.warnings = warnings

    @property
    def targets(self) -> list[Target]:
        return list(self)


class _GitIgnores:
    """The `.gitignore` files (and `.git/info/exclude`) that apply to a path, read once each."""

    def __init__(self) -> None:
        self._specs: dict[str, Any] = {}
        self._roots: dict[str, str | None] = {}

    def _spec(self, folder: str) -> Any:
        if folder not in self._specs:
            lines: list[str] = []
            for name in (".gitignore", os.path.join(".git", "info", "exclude")):
                try:
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as stream:
                        lines.extend(stream.read().splitlines())
                except OSError:
                    continue
            if lines:
                import pathspec

                self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)
            else:
                self._specs[folder] = None
        return self._specs[folder]

    def _repo_root(self, folder: str) -> str | None:
        if folder not in self._roots:
            parent = os.path.dirname(folder)
            if os.path.exists(os.path.join(folder, ".git")):
                self._roots[folder] = folder
            else:
                self._roots[folder] = None if parent == folder else self._repo_root(parent)
        return self._roots[folder]

    def ignored(self, path: str, is_dir: bool = False, floor: str | None = None) -> bool:
        """True when git would ignore `path` (absolute); the deepest deciding `.gitignore` wins.

        `floor`: read no ignore file above this folder (a folder named on the command line).
        """
        start = os.path.dirname(path)
        top = self._repo_root(start) or start
        folders = []
        folder = start
        while True:
            folders.append(folder)
            if folder == top or folder == floor:
                break
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        decision = False
        for folder in reversed(folders):
            spec = self._spec(folder)
            if spec is None:
                continue
            relative = os.path.relpath(path, folder).replace(os.sep, "/") + ("/" if is_dir else "")
            result = spec.check_file(relative)
            if result.include is not None:
                decision = result.include
        return decision


def _project(config: Config) -> str:
    """The folder a named path's parents are checked against the default excludes up to."""
    return str(config.path.parent) if config.path else os.getcwd()


def discover(paths: list[str], resolver: Resolver | None = None) -> Discovery:
    """Every file to lint, without duplicates, in a stable order; a warning for each named file skipped."""
    resolver = resolver or Resolver()
    gitignores = _GitIgnores()
    found: list[Target] = []
    warnings: list[str] = []
    seen: set[str] = set()

    def add(path: Path, display: str, config: Config) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append(Target(path, display, config.settings_for(path, resolver.overrides.ignore_noqa)))

    def skipped(absolute: str, config: Config, is_dir: bool, up_to: str | None = None,
                floor: str | None = None) -> bool:
        if config.is_excluded(Path(absolute), is_dir, up_to):
            return True
        return config.respect_gitignore and gitignores.ignored(absolute, is_dir, floor)

    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            config = resolver.for_file(root)
            if config.force_exclude and skipped(os.path.abspath(root), config, False, _project(config)):
                continue
            if not _python_or_notebook(root):
                warnings.append(f"skipping {raw}: not a Python file or notebook")
                continue
            add(root, raw, config)
            continue
        root_config = resolver.for_folder(root)
        absolute_root = os.path.abspath(root)
        if root_config.force_exclude and skipped(absolute_root, root_config, True, _project(root_config)):
            continue
        # A named folder that git ignores is linted all the same: only its own ignore files apply inside.
        floor = absolute_root if root_config.respect_gitignore and gitignores.ignored(absolute_root, True) else None
        for folder, dirs, files in os.walk(root, followlinks=False):
            config = resolver.for_folder(Path(folder))
            absolute_folder = os.path.abspath(folder)
            dirs[:] = sorted(d for d in dirs
                             if not skipped(os.path.join(absolute_folder, d), config, True, floor=floor))
            for name in sorted(files):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                if skipped(os.path.join(absolute_folder, name), config, False, floor=floor):
                    continue
                path = Path(folder) / name
                if _special(path):
                    continue
                add(path, str(path), config)
    if not found:
        warnings.append(NO_FILES)
    return Discovery(found, warnings)


def _python_or_notebook(path: Path) -> bool:
    """Whether a file named on the command line is one kast reads: by its suffix, else a Python `#!` line.

    What is not a regular file (a pipe from `<(...)`, a broken link) is read as
    Python, as asked: K000 says why when it cannot be.
    """
    if path.name.lower().endswith(NAMED_SUFFIXES):
        return True
    try:
        if not path.is_file():
            return True
        with open(path, "rb") as stream:
            first = stream.readline(256)
    except OSError:
        return True
    return first.startswith(b"#!") and b"python" in first


def _special(path: Path) -> bool:
    """True for a FIFO, socket or device found in a folder: reading a FIFO blocks kast forever.

    Only what a folder walk finds is skipped; a FIFO named on the command line
    (`kast lint <(cat train.py)`) is read, as asked.  A link that cannot be
    followed (broken, or a loop) is kept, so that K000 says why it cannot be read.
    """
    import stat

    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
