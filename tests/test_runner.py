"""Many files: parallel jobs, the cache and `kast clean`; standard input through a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kast
import kast.cache
import kast.runner
from kast.cli import main

BUGGY = """\
import keras
from keras import layers
model = keras.Sequential([layers.Input((8,)), layers.Dense({units})])
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss="{loss}")
"""


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """24 scripts with different findings, some clean, one broken."""
    monkeypatch.chdir(tmp_path)
    for index in range(24):
        loss = ("binary_crossentropy", "categorical_crossentropy", "mse")[index % 3]
        (tmp_path / f"s{index:02d}.py").write_text(BUGGY.format(units=1 + index % 4, loss=loss))
    (tmp_path / "broken.py").write_text("import keras\nmodel = (\n")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["lint", "--output-format", "concise", *args])
    return result.exit_code, result.stdout, result.stderr


def test_parallel_output_equals_sequential(many: Path) -> None:
    sequential = run("--jobs", "1", "--no-cache")
    parallel = run("--jobs", "2", "--no-cache")
    assert sequential[0] == parallel[0] == 1
    assert sequential[1] == parallel[1]
    assert sequential[1].count("K000") == 1 and sequential[1].count("K501") == 24


def test_cache_is_created_tagged_and_ignored_by_git(many: Path) -> None:
    run()
    cache = many / ".kast_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"


def test_warm_cache_skips_analysis_and_gives_the_same_output(many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = run()

    def fail(*args: object) -> None:
        raise AssertionError("a cached file was analysed again")

    monkeypatch.setattr(kast.runner, "lint_bytes", fail)
    warm = run()
    assert warm == cold
    # Full output needs the source lines: the cache keeps them.
    full = CliRunner().invoke(main, ["lint", "s00.py"])
    assert "layers.Dense(1)" in full.stdout


def test_cache_misses_on_changed_content_and_settings(many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run()
    analysed: list[str] = []
    original = kast.runner.lint_bytes

    def spy(data: bytes, display: str, settings: object) -> object:
        analysed.append(display)
        return original(data, display, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(kast.runner, "lint_bytes", spy)
    (many / "s05.py").write_text(BUGGY.format(units=1, loss="binary_crossentropy"))
    code, out, _ = run("--jobs", "1")
    assert analysed == ["s05.py"]
    assert "s05.py:3:47: K101" in out
    analysed.clear()
    run("--jobs", "1", "--select", "K5")
    assert len(analysed) == 25  # other settings, other keys


def test_an_edited_kast_does_not_read_what_another_wrote(many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same version, other code (an editable checkout edited, a reinstall): every file is analysed again."""
    run()
    analysed: list[str] = []
    original = kast.runner.lint_bytes

    def spy(data: bytes, display: str, settings: object) -> object:
        analysed.append(display)
        return original(data, display, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(kast.runner, "lint_bytes", spy)
    monkeypatch.setattr(kast.cache, "code_fingerprint", lambda: "another kast")
    run("--jobs", "1")
    assert len(analysed) == 25


def test_the_code_fingerprint_follows_every_source_and_data_file(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "k101.py").write_text("CODE = 'K101'\n")
    (tmp_path / "table.json").write_text("{}")
    before = kast.cache.fingerprint(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "k101.cpython-311.pyc").write_bytes(b"compiled")
    (tmp_path / "notes.txt").write_text("not code")
    assert kast.cache.fingerprint(tmp_path) == before
    (tmp_path / "rules" / "k101.py").write_text("CODE = 'K101'  # edited\n")
    edited = kast.cache.fingerprint(tmp_path)
    assert edited != before
    os.utime(tmp_path / "table.json", ns=(1, 1))
    assert kast.cache.fingerprint(tmp_path) not in (before, edited)


def test_corrupt_cache_is_ignored_with_a_warning(many: Path) -> None:
    cold = run()
    for entry in (many / ".kast_cache").rglob("*.json"):
        entry.write_bytes(b"\x00{not json")
    code, out, err = run()
    assert (code, out) == cold[:2]
    assert "warning: ignoring a corrupt cache entry" in err


def test_unwritable_cache_is_ignored_with_a_warning(many: Path) -> None:
    (many / "blocker").write_text("a file where the cache folder should be")
    code, out, err = run("--cache-dir", "blocker/cache")
    assert code == 1 and "K501" in out
    assert "warning: cannot write the cache" in err
    assert "Traceback" not in err


def test_clean_removes_the_cache_and_refuses_other_folders(many: Path) -> None:
    run()
    result = CliRunner().invoke(main, ["clean"])
    assert result.exit_code == 0 and not (many / ".kast_cache").exists()
    (many / "precious").mkdir()
    result = CliRunner().invoke(main, ["clean", "--cache-dir", "precious"])
    assert result.exit_code == 2 and (many / "precious").exists()


def kast_cli(*args: str, stdin: str = "", cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kast", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(Path(kast.__file__).parent.parent)})


def test_stdin_is_reported_under_the_given_name(tmp_path: Path) -> None:
    source = BUGGY.format(units=1, loss="binary_crossentropy")
    result = kast_cli("lint", "--output-format", "concise", "-", "--stdin-filename", "train.py", stdin=source,
                      cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("train.py:3:47: K101")
    assert not (tmp_path / ".kast_cache").exists()


def test_stdin_uses_the_config_of_its_name(tmp_path: Path) -> None:
    (tmp_path / "kast.toml").write_text('[per-file-ignores]\n"notebooks/*.py" = ["K1"]\n')
    source = BUGGY.format(units=1, loss="binary_crossentropy")
    result = kast_cli("lint", "--output-format", "concise", "-", "--stdin-filename", "notebooks/train.py",
                      stdin=source, cwd=tmp_path)
    assert "K101" not in result.stdout and "K501" in result.stdout


def test_stdin_with_a_syntax_error_and_without_a_name(tmp_path: Path) -> None:
    result = kast_cli("lint", "--output-format", "concise", "-", stdin="import keras\nx = (\n", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("-:2:")
    assert "K000" in result.stdout and "Traceback" not in result.stderr
