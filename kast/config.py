"""Configuration: `[tool.kast]` in pyproject.toml, or `kast.toml` / `.kast.toml`.

The keys (same names in every file, without the `tool.kast` prefix outside
pyproject.toml):

    select, extend-select, ignore       rule codes or prefixes (K1, K10, K101, ALL)
    per-file-ignores                    {glob: [codes]}; a glob starting with `!` applies to the files it does not match
    exclude, extend-exclude             gitignore-style globs, relative to the file that sets them
    respect-gitignore, force-exclude    booleans
    output-format                       the default --output-format
    verify-can-refute                   boolean: with --verify, a refuted finding no longer fails the run
    extend                              another config file this one inherits from (its keys are overridden)

The closest config file to each linted file wins (in one folder, `.kast.toml`
before `kast.toml` before a pyproject.toml that has a `[tool.kast]` table).  The
command line beats every file: `--select` replaces the configured selection,
`--extend-select` and `--ignore` add to it.  An unknown key or a bad value is
a `ConfigError` naming the file and the key.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from kast.diagnostics import Severity
from kast.output import FORMATS as OUTPUT_FORMATS

CONFIG_NAMES = (".kast.toml", "kast.toml", "pyproject.toml")
# Folders no one wants linted: tool caches, environments, build output.
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "build", "dist", "__pycache__", "site-packages",
    "node_modules", ".tox", ".nox", ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".kast_cache", ".eggs", "*.egg-info",
)
_CODE = re.compile(r"^(ALL|K[0-9]{0,3})$")
_RULE_CODE = re.compile(r'^CODE = "(K[0-9]+)"', re.MULTILINE)


class ConfigError(Exception):
    """A config file cannot be used; the message names the file and the key."""


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every rule code kast has, read from the rule files' `CODE = "..."` lines.

    Read as text, not imported: importing the rules loads LibCST, and a run
    that the cache answers, or a usage error, should not pay for it.  A test
    checks that this is exactly the code table of `kast.rules`.
    """
    folder = Path(__file__).resolve().parent / "rules"
    codes: set[str] = set()
    for path in folder.glob("*.py"):
        try:
            codes.update(_RULE_CODE.findall(path.read_text(encoding="utf-8")))
        except OSError:
            continue
    return frozenset(codes)


def nearest_code(selector: str) -> str | None:
    """The rule code closest to a mistyped one (`K190` -> `K109`, `K2O1` -> `K201`), if one is two edits away or less.

    Edits are a character inserted, removed, replaced, or two neighbours swapped;
    among codes equally close, the first in code order.
    """
    selector = selector.upper()
    best: tuple[int, str] | None = None
    for code in sorted(known_codes()):
        distance = _edits(selector, code)
        if distance <= 2 and (best is None or distance < best[0]):
            best = (distance, code)
    return best[1] if best else None


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def unknown_selector(selector: str) -> str | None:
    """What is wrong with a rule selector (a code, a prefix of codes, or ALL); None when it selects something."""
    if not _CODE.match(selector):
        hint = f"did you mean {nearest_code(selector)}?" if nearest_code(selector) else "e.g. K1, K10, K101, ALL"
        return f"'{selector}' is not a rule code or prefix ({hint})"
    if selector == "ALL" or any(code.startswith(selector) for code in known_codes()):
        return None
    nearest = nearest_code(selector)
    hint = f" (did you mean {nearest}?)" if nearest else "; `kast rule --all` lists the rules"
    return f"unknown rule selector '{selector}'{hint}"


def split_list(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Items of a list option, each of which may itself be comma-separated (`--exclude 'a,b'`)."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def parse_codes(values: list[str] | tuple[str, ...], where: str) -> tuple[str, ...]:
    """Codes from a list whose items may be comma-separated (`["K1,K203"]`); ConfigError on an unknown one."""
    for value in values:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected rule codes as strings, got {value!r}")
    out = tuple(code.upper() for code in split_list(values))
    for code in out:
        problem = unknown_selector(code)
        if problem:
            raise ConfigError(f"{where}: {problem}")
    return out


@dataclass(frozen=True, slots=True)
class Settings:
    """What one file is checked with: the rules selected, and whether `# noqa` counts.

    `select` / `ignore` hold codes or code prefixes (`K1`, `K10`, `K101`); an empty
    `select` means the default selection (every error and warning).
    `extend_select` adds to whatever `select` gives.
    """

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_noqa: bool = False

    def is_selected(self, code: str, severity: Severity) -> bool:
        if code == "K000":
            return not _matches(code, self.ignore, exact_only=True)
        if self.select:
            chosen = _matches(code, self.select)
        else:
            chosen = severity is not Severity.INFO
        chosen = chosen or _matches(code, self.extend_select)
        return chosen and not _matches(code, self.ignore)


def _matches(code: str, prefixes: tuple[str, ...], exact_only: bool = False) -> bool:
    for prefix in prefixes:
        if prefix == "ALL" and not exact_only:
            return True
        if code == prefix or (not exact_only and code.startswith(prefix)):
            return True
    return False


class Anchored(NamedTuple):
    """A glob together with the folder it is relative to (the folder of the file that set it)."""

    folder: str
    pattern: str


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line says; `None` / empty means "as configured"."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_noqa: bool = False
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool | None = None
    force_exclude: bool | None = None


@dataclass(frozen=True)
class Config:
    """One resolved config file (after `extend`), or the defaults."""

    path: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[Anchored, tuple[str, ...]], ...] = ()
    exclude: tuple[Anchored, ...] | None = None
    extend_exclude: tuple[Anchored, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    output_format: str | None = None
    verify_can_refute: bool = False
    _specs: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def with_overrides(self, overrides: Overrides, cwd: str) -> Config:
        """This config with the command line's options laid over it."""
        changes: dict[str, Any] = {}
        if overrides.select is not None:
            changes.update(select=overrides.select, ignore=(), extend_select=())
        if overrides.extend_select:
            changes["extend_select"] = changes.get("extend_select", self.extend_select) + overrides.extend_select
        if overrides.ignore:
            changes["ignore"] = changes.get("ignore", self.ignore) + overrides.ignore
        if overrides.exclude is not None:
            changes["exclude"] = tuple(Anchored(cwd, p) for p in overrides.exclude)
        if overrides.extend_exclude:
            changes["extend_exclude"] = self.extend_exclude + tuple(Anchored(cwd, p) for p in overrides.extend_exclude)
        if overrides.respect_gitignore is not None:
            changes["respect_gitignore"] = overrides.respect_gitignore
        if overrides.force_exclude is not None:
            changes["force_exclude"] = overrides.force_exclude
        return replace(self, _specs={}, **changes) if changes else self

    def settings_for(self, path: Path, ignore_noqa: bool = False) -> Settings:
        """The rule settings of one file, its per-file-ignores included."""
        ignore = self.ignore
        if self.per_file_ignores:
            absolute = os.path.abspath(path)
            for anchored, codes in self.per_file_ignores:
                negated = anchored.pattern.startswith("!")
                pattern = anchored.pattern[1:] if negated else anchored.pattern
                if _glob_matches(self._spec((Anchored(anchored.folder, pattern),)), anchored.folder, absolute) != negated:
                    ignore = ignore + codes
        return Settings(self.select or (), self.extend_select, ignore, ignore_noqa)

    def is_excluded(self, path: Path, is_dir: bool = False, up_to: str | None = None) -> bool:
        """True when `exclude` / `extend-exclude` (or the default excludes) cover `path`.

        The default excludes are folder names: they are matched against the name
        of `path` and, when `up_to` is given, of its parents below that folder
        (a project that lives under a folder called `build` is still linted).
        """
        absolute = os.path.abspath(path)
        if self.exclude is None:
            names = [os.path.basename(absolute)]
            if up_to is not None:
                relative = os.path.relpath(os.path.dirname(absolute), up_to)
                if not relative.startswith(".."):
                    names += [part for part in Path(relative).parts if part != "."]
            if any(_default_excluded(name) for name in names):
                return True
            patterns: tuple[Anchored, ...] = ()
        else:
            patterns = self.exclude
        patterns += self.extend_exclude
        if not patterns:
            return False
        by_folder: dict[str, list[Anchored]] = {}
        for anchored in patterns:
            by_folder.setdefault(anchored.folder, []).append(anchored)
        for folder, group in by_folder.items():
            if _glob_matches(self._spec(tuple(group)), folder, absolute, is_dir):
                return True
        return False

    def _spec(self, patterns: tuple[Anchored, ...]) -> Any:
        key = "\0".join(p.pattern for p in patterns)
        spec = self._specs.get(key)
        if spec is None:
            import pathspec

            spec = self._specs[key] = pathspec.GitIgnoreSpec.from_lines([p.pattern for p in patterns])
        return spec

    def describe(self) -> dict[str, Any]:
        """The effective settings, for `--show-settings`."""
        return {
            "config-file": str(self.path) if self.path else None,
            "select": list(self.select) if self.select is not None else "default (every error and warning)",
            "extend-select": list(self.extend_select),
            "ignore": list(self.ignore),
            "per-file-ignores": {a.pattern: list(codes) for a, codes in self.per_file_ignores},
            "exclude": [a.pattern for a in self.exclude] if self.exclude is not None else list(DEFAULT_EXCLUDE),
            "extend-exclude": [a.pattern for a in self.extend_exclude],
            "respect-gitignore": self.respect_gitignore,
            "force-exclude": self.force_exclude,
            "output-format": self.output_format or "full",
            "verify-can-refute": self.verify_can_refute,
        }


def _default_excluded(part: str) -> bool:
    return part in DEFAULT_EXCLUDE[:-1] or part.endswith(".egg-info")


def _glob_matches(spec: Any, folder: str, absolute: str, is_dir: bool = False) -> bool:
    relative = os.path.relpath(absolute, folder)
    if relative.startswith(".."):
        # Outside the config's folder: match the name alone, as a bare glob would.
        relative = os.path.basename(absolute)
    relative = relative.replace(os.sep, "/")
    return bool(spec.match_file(relative + "/" if is_dir else relative))


# ---------------------------------------------------------------- reading files

_KEYS = ("select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "respect-gitignore",
         "force-exclude", "output-format", "extend", "verify-can-refute")


def _table(path: Path) -> dict[str, Any] | None:
    """The kast table of a config file; None for a pyproject.toml without `[tool.kast]`."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("kast") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.kast] must be a table")
        return table
    return data


def _where(path: Path, key: str) -> str:
    prefix = "[tool.kast] " if path.name == "pyproject.toml" else ""
    return f"{path}: {prefix}{key}"


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def load_config(path: Path, _seen: tuple[str, ...] = ()) -> Config:
    """Read one config file, following `extend`; ConfigError on any problem."""
    path = Path(os.path.abspath(path))
    if str(path) in _seen:
        raise ConfigError(f"{path}: `extend` forms a cycle ({' -> '.join(_seen + (str(path),))})")
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: no [tool.kast] table")
    folder = str(path.parent)
    unknown = [key for key in table if key not in _KEYS]
    if unknown:
        import difflib

        key = unknown[0]
        close = difflib.get_close_matches(key.replace("_", "-"), _KEYS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(_KEYS)}"
        raise ConfigError(f"{_where(path, key)}: unknown key{hint}")

    base = Config()
    if "extend" in table:
        extend = table["extend"]
        if not isinstance(extend, str):
            raise ConfigError(f"{_where(path, 'extend')}: expected a path, got {extend!r}")
        target = Path(folder) / os.path.expanduser(extend)
        if not target.is_file():
            raise ConfigError(f"{_where(path, 'extend')}: no such file {target}")
        base = load_config(target, _seen + (str(path),))

    changes: dict[str, Any] = {"path": path}
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            value = table[key]
            if not isinstance(value, list):
                raise ConfigError(f"{_where(path, key)}: expected a list of rule codes, got {value!r}")
            changes[key.replace("-", "_")] = parse_codes(value, _where(path, key))
    if "extend-select" in changes:
        changes["extend_select"] = base.extend_select + changes["extend_select"]
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"{_where(path, 'per-file-ignores')}: expected a table of glob = [codes]")
        entries = []
        for glob, codes in value.items():
            where = _where(path, f"per-file-ignores.{glob!r}")
            if not isinstance(codes, list):
                raise ConfigError(f"{where}: expected a list of rule codes, got {codes!r}")
            entries.append((Anchored(folder, glob), parse_codes(codes, where)))
        inherited = tuple(e for e in base.per_file_ignores if e[0].pattern not in value)
        changes["per_file_ignores"] = inherited + tuple(entries)
    if "exclude" in table:
        changes["exclude"] = tuple(Anchored(folder, p) for p in _strings(table["exclude"], _where(path, "exclude")))
    if "extend-exclude" in table:
        patterns = _strings(table["extend-exclude"], _where(path, "extend-exclude"))
        changes["extend_exclude"] = base.extend_exclude + tuple(Anchored(folder, p) for p in patterns)
    for key in ("respect-gitignore", "force-exclude", "verify-can-refute"):
        if key in table:
            if not isinstance(table[key], bool):
                raise ConfigError(f"{_where(path, key)}: expected true or false, got {table[key]!r}")
            changes[key.replace("-", "_")] = table[key]
    if "output-format" in table:
        value = table["output-format"]
        if value not in OUTPUT_FORMATS:
            raise ConfigError(f"{_where(path, 'output-format')}: expected one of {', '.join(OUTPUT_FORMATS)}, "
                              f"got {value!r}")
        changes["output_format"] = value
    return replace(base, **changes)


def find_config_file(folder: Path) -> Path | None:
    """The config file that applies in `folder` itself (not its parents), if any."""
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            if name != "pyproject.toml" or _has_kast_table(candidate):
                return candidate
    return None


def _has_kast_table(path: Path) -> bool:
    try:
        return b"tool.kast" in path.read_bytes() and _table(path) is not None
    except ConfigError:
        return True  # let load_config report it


class Resolver:
    """Finds the config of each file: the closest config file, or `--config`, or none (`--isolated`)."""

    def __init__(self, overrides: Overrides = Overrides(), config_file: Path | None = None,
                 isolated: bool = False) -> None:
        self.overrides = overrides
        self.isolated = isolated
        self.cwd = os.getcwd()
        self._by_folder: dict[str, Config] = {}
        self._fixed: Config | None = None
        if config_file is not None:
            self._fixed = load_config(config_file).with_overrides(overrides, self.cwd)
        elif isolated:
            self._fixed = Config().with_overrides(overrides, self.cwd)

    def for_folder(self, folder: Path) -> Config:
        """The config that applies to files in `folder`."""
        if self._fixed is not None:
            return self._fixed
        key = os.path.abspath(folder)
        found = self._by_folder.get(key)
        if found is not None:
            return found
        file = find_config_file(Path(key))
        if file is not None:
            found = load_config(file).with_overrides(self.overrides, self.cwd)
        else:
            parent = os.path.dirname(key)
            found = (self.for_folder(Path(parent)) if parent != key
                     else Config().with_overrides(self.overrides, self.cwd))
        self._by_folder[key] = found
        return found

    def for_file(self, path: Path) -> Config:
        return self.for_folder(Path(os.path.abspath(path)).parent)

    def settings_for(self, path: Path) -> Settings:
        return self.for_file(path).settings_for(path, self.overrides.ignore_noqa)
