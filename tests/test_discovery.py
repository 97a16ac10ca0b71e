"""Which files `kast lint` checks and what it says about the rest, through the real command (a subprocess).

Named paths are the user's choice (git-ignored or not), a run that checked
nothing says so, unknown selectors are usage errors, and what is not Python is
skipped with a warning instead of being parsed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BUGGY = """\
import keras
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


def kast(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAST_CACHE_DIR": str(cwd / ".no-cache-here")}
    return subprocess.run([sys.executable, "-m", "kast", *args, "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, env=env, check=False, timeout=120)


def reported(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    return sorted((d["path"], d["code"]) for d in json.loads(proc.stdout)["diagnostics"])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree whose .gitignore hides notebooks/; inside, notebooks/.gitignore hides scratch.py."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "kast.toml").write_text("")
    (tmp_path / ".gitignore").write_text("notebooks/\n")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "train.py").write_text(BUGGY)
    (tmp_path / "notebooks" / "scratch.py").write_text(BUGGY)
    (tmp_path / "notebooks" / ".gitignore").write_text("scratch.py\n")
    return tmp_path


def test_an_ignored_folder_named_on_the_command_line_is_linted(repo: Path) -> None:
    proc = kast("lint", "--output-format", "json", "notebooks", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    # Its own ignore file still applies inside it.
    assert reported(proc) == [(os.path.join("notebooks", "train.py"), "K102")]


def test_cd_into_an_ignored_folder_and_lint_it(repo: Path) -> None:
    proc = kast("lint", "--output-format", "json", ".", cwd=repo / "notebooks")
    assert proc.returncode == 1, proc.stderr
    assert reported(proc) == [("train.py", "K102")]


def test_an_ignored_file_named_on_the_command_line_is_linted(repo: Path) -> None:
    proc = kast("lint", "--output-format", "concise", "notebooks/scratch.py", cwd=repo)
    assert proc.returncode == 1 and "notebooks/scratch.py:2:" in proc.stdout


def test_nothing_found_is_a_warning_never_all_checks_passed(repo: Path) -> None:
    proc = kast("lint", ".", cwd=repo)  # the only Python files lie in the ignored folder
    assert proc.returncode == 0
    assert "no Python files found under the given path(s)" in proc.stderr
    assert "All checks passed" not in proc.stdout
    assert proc.stdout.strip() == "No files were checked."


def test_unknown_selector_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(BUGGY)
    for option in ("--select", "--extend-select", "--ignore"):
        proc = kast("lint", option, "K1,K999", "train.py", cwd=tmp_path)
        assert proc.returncode == 2, option
        assert "K999" in proc.stderr and "did you mean K" in proc.stderr and option in proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("config", "selector"), [
    ('select = ["K190"]', "K190"),
    ('ignore = ["K7"]', "K7"),
    ('[per-file-ignores]\n"tests/*.py" = ["K2", "K2O1"]', "K2O1"),
])
def test_unknown_selector_in_the_config_is_a_usage_error(tmp_path: Path, config: str, selector: str) -> None:
    (tmp_path / "kast.toml").write_text(config + "\n")
    (tmp_path / "train.py").write_text(BUGGY)
    proc = kast("lint", "train.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "kast.toml" in proc.stderr and f"'{selector}'" in proc.stderr and "Traceback" not in proc.stderr
    nearest = {"K190": "K109", "K2O1": "K201"}.get(selector)
    if nearest:
        assert f"did you mean {nearest}?" in proc.stderr


def test_unknown_code_in_a_noqa_comment_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "kast.toml").write_text("")
    source = BUGGY.replace('activation="softmax")])', 'activation="softmax")])  # noqa: K012, E501')
    (tmp_path / "train.py").write_text(source + "# kast: noqa: K7\n")
    proc = kast("lint", "--output-format", "concise", "train.py", cwd=tmp_path)
    assert proc.returncode == 1 and "K102" in proc.stdout  # an unknown code silences nothing
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("kast: warning:")]
    assert len(warnings) == 2, proc.stderr
    assert "train.py:2: unknown rule code K012" in warnings[0] and "E501" not in proc.stderr
    assert "train.py:4: unknown rule code K7" in warnings[1]


def test_list_options_are_comma_separated(tmp_path: Path) -> None:
    (tmp_path / "kast.toml").write_text("")
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "train.py").write_text(BUGGY)
    proc = kast("lint", "--output-format", "json", "--exclude", "a,b", ".", cwd=tmp_path)
    assert reported(proc) == [(os.path.join("c", "train.py"), "K102")]
    proc = kast("lint", "--output-format", "json", "--extend-exclude", "a, c", ".", cwd=tmp_path)
    assert reported(proc) == [(os.path.join("b", "train.py"), "K102")]


def test_output_file_in_a_new_folder(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(BUGGY)
    proc = kast("lint", "--output-format", "sarif", "-o", "reports/ci/kast.sarif", "train.py", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    log = json.loads((tmp_path / "reports" / "ci" / "kast.sarif").read_text())
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["K102"]
    (tmp_path / "taken").write_text("a file, not a folder")
    proc = kast("lint", "-o", "taken/kast.sarif", "train.py", cwd=tmp_path)
    assert proc.returncode == 2 and "cannot write the output file" in proc.stderr and "Traceback" not in proc.stderr


def test_named_files_that_are_not_python_are_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "kast.toml").write_text("")
    (tmp_path / "data.csv").write_text("x,y\n1,2\n")
    (tmp_path / "README.md").write_text("# Training (\n")
    (tmp_path / "train").write_text("#!/usr/bin/env python3\n" + BUGGY)  # a script without a suffix
    proc = kast("lint", "--output-format", "json", "data.csv", "README.md", "train", cwd=tmp_path)
    assert proc.returncode == 1
    assert reported(proc) == [("train", "K102")]  # no K000 for the CSV or the Markdown file
    assert "skipping data.csv: not a Python file or notebook" in proc.stderr
    assert "skipping README.md: not a Python file or notebook" in proc.stderr
    only_data = kast("lint", "data.csv", cwd=tmp_path)
    assert only_data.returncode == 0 and "no Python files found" in only_data.stderr
