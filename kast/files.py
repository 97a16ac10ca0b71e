"""Which files kast lints, and with which settings.

Folders are searched recursively for `*.py` and `*.ipynb`, skipping the
configured excludes (by default tool caches, environments and build output),
files ignored by `.gitignore` (`respect-gitignore`, on by default),
symlinked folders (no loops) and FIFOs, sockets and devices (reading a FIFO
would block).  A file named on the command line is linted
whatever its name, unless `force-exclude` is set and an exclude covers it:
pre-commit passes every changed file by name, so that is how excludes apply
there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from kast.config import Config, Resolver, Settings

SOURCE_SUFFIXES = (".py", ".ipynb")


class Target(NamedTuple):
    """One file to lint: where it is, how it is shown, what it is checked with."""

    path: Path
    display: str
    settings: Settings


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

    def ignored(self, path: str, is_dir: bool = False) -> bool:
        """True when git would ignore `path` (absolute); the deepest deciding `.gitignore` wins."""
        start = os.path.dirname(path)
        top = self._repo_root(start) or start
        folders = []
        folder = start
        while True:
            folders.append(folder)
            if folder == top:
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


def discover(paths: list[str], resolver: Resolver | None = None) -> list[Target]:
    """Every file to lint, without duplicates, in a stable order."""
    resolver = resolver or Resolver()
    gitignores = _GitIgnores()
    found: list[Target] = []
    seen: set[str] = set()

    def add(path: Path, display: str, config: Config) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append(Target(path, display, config.settings_for(path, resolver.overrides.ignore_noqa)))

    def skipped(absolute: str, config: Config, is_dir: bool, up_to: str | None = None) -> bool:
        if config.is_excluded(Path(absolute), is_dir, up_to):
            return True
        return config.respect_gitignore and gitignores.ignored(absolute, is_dir)

    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            config = resolver.for_file(root)
            if config.force_exclude and skipped(os.path.abspath(root), config, False, _project(config)):
                continue
            add(root, raw, config)
            continue
        root_config = resolver.for_folder(root)
        if root_config.force_exclude and skipped(os.path.abspath(root), root_config, True, _project(root_config)):
            continue
        for folder, dirs, files in os.walk(root, followlinks=False):
            config = resolver.for_folder(Path(folder))
            absolute_folder = os.path.abspath(folder)
            dirs[:] = sorted(d for d in dirs if not skipped(os.path.join(absolute_folder, d), config, True))
            for name in sorted(files):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                if skipped(os.path.join(absolute_folder, name), config, False):
                    continue
                path = Path(folder) / name
                if _special(path):
                    continue
                add(path, str(path), config)
    return found


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
