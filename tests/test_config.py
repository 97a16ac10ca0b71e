"""Configuration files, their precedence, excludes and .gitignore, end to end through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kast.cli import main
from kast.config import ConfigError, Resolver, load_config

# K101 on line 4; K501 on line 5.
BUGGY = """\
import keras
from keras import layers
model = keras.Sequential([layers.Input((8,)),
    layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss="binary_crossentropy")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(BUGGY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "train.py").write_text(BUGGY)
    return tmp_path


def findings(*args: str) -> tuple[int, list[tuple[str, str]]]:
    """(exit code, [(path, code)]) of `kast lint --output-format concise --no-cache ARGS`."""
    result = CliRunner().invoke(main, ["lint", "--output-format", "concise", "--no-cache", *args])
    assert result.exit_code in (0, 1), result.output
    rows = []
    for line in result.stdout.splitlines():
        if ": K" in line:
            location, rest = line.split(": ", 1)
            rows.append((location.split(":")[0].replace(os.sep, "/"), rest.split()[0]))
    return result.exit_code, rows


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_defaults_without_config(project: Path) -> None:
    assert findings()[1] == [("sub/train.py", "K101"), ("sub/train.py", "K501"),
                             ("train.py", "K101"), ("train.py", "K501")]


def test_pyproject_tool_kast(project: Path) -> None:
    write(project / "pyproject.toml", '[project]\nname = "x"\n\n[tool.kast]\nignore = ["K5"]\n')
    assert findings()[1] == [("sub/train.py", "K101"), ("train.py", "K101")]


def test_pyproject_without_tool_kast_is_not_a_config(project: Path) -> None:
    write(project / "pyproject.toml", '[project]\nname = "x"\n')
    write(project / "sub" / "pyproject.toml", '[tool.black]\nline-length = 100\n')
    assert len(findings()[1]) == 4


def test_closest_config_wins(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.kast]\nignore = ["K5"]\n')
    write(project / "sub" / "kast.toml", 'select = ["K5"]\n')
    assert findings()[1] == [("sub/train.py", "K501"), ("train.py", "K101")]


def test_dot_kast_toml_beats_kast_toml_and_pyproject_in_one_folder(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.kast]\nignore = ["K1"]\n')
    write(project / "kast.toml", 'ignore = ["K101", "K501"]\n')
    write(project / ".kast.toml", 'ignore = ["K501"]\n')
    assert findings("train.py")[1] == [("train.py", "K101")]


def test_extend_inherits_and_overrides(project: Path) -> None:
    write(project / "base.toml", 'ignore = ["K5"]\nextend-exclude = ["skipped"]\n')
    write(project / "sub" / "kast.toml", 'extend = "../base.toml"\n')
    write(project / "skipped" / "train.py", BUGGY)
    write(project / "sub" / "skipped" / "train.py", BUGGY)
    # base.toml's K5 ignore and its exclude apply under sub/ (a bare name excludes that folder anywhere).
    assert findings("sub")[1] == [("sub/train.py", "K101")]
    # A key set in the extending file overrides the inherited one.
    write(project / "sub" / "kast.toml", 'extend = "../base.toml"\nignore = []\n')
    assert findings("sub/train.py")[1] == [("sub/train.py", "K101"), ("sub/train.py", "K501")]


def test_extend_cycle_is_an_error(project: Path) -> None:
    write(project / "a.toml", 'extend = "b.toml"\n')
    write(project / "b.toml", 'extend = "a.toml"\n')
    with pytest.raises(ConfigError, match="cycle"):
        load_config(project / "a.toml")


def test_command_line_beats_config(project: Path) -> None:
    write(project / "kast.toml", 'select = ["K5"]\n')
    assert findings("train.py")[1] == [("train.py", "K501")]
    assert findings("train.py", "--select", "K1")[1] == [("train.py", "K101")]
    assert findings("train.py", "--extend-select", "K1")[1] == [("train.py", "K101"), ("train.py", "K501")]
    assert findings("train.py", "--ignore", "K501")[1] == []


def test_per_file_ignores_with_globs_and_negation(project: Path) -> None:
    write(project / "kast.toml", '[per-file-ignores]\n"sub/*.py" = ["K101"]\n"!sub/*.py" = ["K501"]\n')
    assert findings()[1] == [("sub/train.py", "K501"), ("train.py", "K101")]


def test_exclude_and_extend_exclude(project: Path) -> None:
    write(project / "kast.toml", 'extend-exclude = ["sub/"]\n')
    assert [p for p, _ in findings()[1]] == ["train.py", "train.py"]
    write(project / "kast.toml", 'exclude = ["train.py"]\n')
    assert findings(".")[1] == []
    # A file named on the command line is linted anyway...
    assert len(findings("train.py")[1]) == 2
    # ...unless force-exclude is on, as in the pre-commit hook.
    assert findings("train.py", "--force-exclude")[1] == []


def test_default_excludes_and_replacing_them(project: Path) -> None:
    write(project / "venv" / "lib" / "train.py", BUGGY)
    assert all(not p.startswith("venv") for p, _ in findings()[1])
    assert any(p.startswith("venv") for p, _ in findings("--exclude", "sub")[1])


def test_gitignore_is_respected(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    write(project / ".gitignore", "sub/\n")
    assert [p for p, _ in findings()[1]] == ["train.py", "train.py"]
    assert len(findings("--no-respect-gitignore")[1]) == 4
    write(project / "kast.toml", "respect-gitignore = false\n")
    assert len(findings()[1]) == 4


def test_nested_gitignore_negation(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    write(project / ".gitignore", "train.py\n")
    write(project / "sub" / ".gitignore", "!train.py\n")
    assert [p for p, _ in findings()[1]] == ["sub/train.py", "sub/train.py"]


def test_config_option_and_isolated(project: Path) -> None:
    write(project / "kast.toml", 'ignore = ["K1"]\n')
    write(project / "other.toml", 'ignore = ["K5"]\n')
    assert findings("train.py")[1] == [("train.py", "K501")]
    assert findings("train.py", "--config", "other.toml")[1] == [("train.py", "K101")]
    assert len(findings("train.py", "--isolated")[1]) == 2


def test_output_format_from_config(project: Path) -> None:
    write(project / "kast.toml", 'output-format = "concise"\n')
    result = CliRunner().invoke(main, ["lint", "--no-cache", "train.py"])
    assert result.stdout.startswith("train.py:4:5: K101")


def test_show_settings(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.kast]\nselect = ["K1"]\n')
    result = CliRunner().invoke(main, ["lint", "--show-settings", "train.py", "--ignore", "K102"])
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["config-file"] == str(project / "pyproject.toml")
    assert shown["select"] == ["K1"] and shown["ignore"] == ["K102"]


@pytest.mark.parametrize(("text", "expected"), [
    ('selec = ["K1"]\n', "unknown key (did you mean 'select'?)"),
    ('select = "K1"\n', "select: expected a list of rule codes"),
    ('select = ["E501"]\n', "'E501' is not a rule code"),
    ('respect-gitignore = "yes"\n', "respect-gitignore: expected true or false"),
    ('output-format = "xml"\n', "output-format: expected one of"),
    ('per-file-ignores = ["a"]\n', "per-file-ignores: expected a table"),
    ("select = [\n", "invalid TOML"),
    ('extend = "missing.toml"\n', "extend: no such file"),
])
def test_bad_config_is_a_clear_error(project: Path, text: str, expected: str) -> None:
    write(project / "kast.toml", text)
    result = CliRunner().invoke(main, ["lint", "--no-cache", "train.py"])
    assert result.exit_code == 2
    assert "kast.toml" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.output


def test_bad_key_in_pyproject_names_the_table(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.kast]\nfail_on = "error"\n')
    result = CliRunner().invoke(main, ["lint", "--no-cache", "train.py"])
    assert result.exit_code == 2
    assert "pyproject.toml: [tool.kast] fail_on: unknown key" in result.stderr


def test_resolver_caches_per_folder(project: Path) -> None:
    write(project / "kast.toml", 'ignore = ["K5"]\n')
    resolver = Resolver()
    assert resolver.for_folder(project / "sub") is resolver.for_folder(project / "sub")
    assert resolver.for_folder(project / "sub").path == project / "kast.toml"


def test_a_project_inside_a_folder_named_like_an_exclude_is_linted(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "build" / "env" / "proj"
    write(project / "train.py", BUGGY)
    write(project / "venv" / "x.py", BUGGY)
    monkeypatch.chdir(project)
    assert [p for p, _ in findings()[1]] == ["train.py", "train.py"]
    assert len(findings("train.py", "--force-exclude")[1]) == 2
    assert findings("venv/x.py", "--force-exclude")[1] == []


def test_the_codes_read_from_the_rule_files_are_the_code_table() -> None:
    from kast.config import known_codes
    from kast.rules import BY_CODE

    assert known_codes() == frozenset(BY_CODE)


@pytest.mark.parametrize(("selector", "problem"), [
    ("K1", None), ("K10", None), ("K101", None), ("ALL", None), ("K", None),
    ("K999", "unknown rule selector 'K999' (did you mean K109?)"),  # two edits from K109 and K902: the first
    ("K7", "unknown rule selector 'K7' (did you mean K107?)"),
    ("K190", "unknown rule selector 'K190' (did you mean K109?)"),  # two digits swapped
    ("K12345", "'K12345' is not a rule code or prefix (e.g. K1, K10, K101, ALL)"),
    ("E501", "'E501' is not a rule code or prefix (did you mean K501?)"),
])
def test_unknown_selectors_name_the_nearest_code(selector: str, problem: str | None) -> None:
    from kast.config import unknown_selector

    assert unknown_selector(selector) == problem
