"""The pre-commit hook, through the real pre-commit: `try-repo` on this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]
BUGGY = """\
import keras
model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""
CLEAN = BUGGY.replace("Dense(1)", 'Dense(1, activation="sigmoid")')

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None or not (CHECKOUT / ".git").exists(),
                       reason="needs git and a git checkout of kast"),
    pytest.mark.slow,  # pre-commit installs kast from this checkout into its own environment
]


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def git_project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A new git repository holding `files`, all staged."""
    repo = tmp_path / "project"
    repo.mkdir()
    for name, text in files.items():
        (repo / name).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    return repo


def test_manifest_is_valid(tmp_path: Path) -> None:
    result = pre_commit("validate-manifest", str(CHECKOUT / ".pre-commit-hooks.yaml"), cwd=CHECKOUT,
                        home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_fails_on_the_buggy_script_and_passes_on_the_clean_one(tmp_path: Path) -> None:
    repo = git_project(tmp_path, {"buggy.py": BUGGY, "clean.py": CLEAN})
    home = tmp_path / "pre-commit-home"

    buggy = pre_commit("try-repo", str(CHECKOUT), "kast", "--files", "buggy.py", cwd=repo, home=home)
    assert buggy.returncode == 1, buggy.stdout + buggy.stderr
    assert "K101" in buggy.stdout and "buggy.py:2:" in buggy.stdout

    clean = pre_commit("try-repo", str(CHECKOUT), "kast", "--files", "clean.py", cwd=repo, home=home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout


def test_fix_hook_repairs_and_fails_once(tmp_path: Path) -> None:
    buggy = BUGGY.replace("keras.layers.Dense(1)", 'keras.layers.Dense(1, activation="softmax")')
    repo = git_project(tmp_path, {"train.py": buggy})
    home = tmp_path / "pre-commit-home"
    first = pre_commit("try-repo", str(CHECKOUT), "kast-fix", "--files", "train.py", cwd=repo, home=home)
    assert first.returncode == 1, first.stdout + first.stderr
    assert 'activation="sigmoid"' in (repo / "train.py").read_text()
    second = pre_commit("try-repo", str(CHECKOUT), "kast-fix", "--files", "train.py", cwd=repo, home=home)
    assert second.returncode == 0, second.stdout + second.stderr
