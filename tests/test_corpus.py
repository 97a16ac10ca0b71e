"""The corpus run: every fixture and a few hundred generated scripts, linted three ways.

The corpus is `fixtures/**` plus scripts from `tests/strategies.py` generated
from fixed seeds (the same files on every run): 400 valid ones and 100 damaged
ones.  Checked:

- no internal error anywhere;
- K000 exactly where CPython refuses the file: none on valid input, and a
  damaged script that still compiles is analysed, not refused;
- the same JSON from a cold cache, a warm cache and `--no-cache`.

Marked slow (about half a minute on two cores); the default test run includes it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from kast.config import Settings
from kast.api import lint_source as lint_bytes
from kast.parse import decode_source
from tests.strategies import assert_spans_inside, seeded_script

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
VALID, DAMAGED = 400, 100


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    fixtures = [p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".py", ".ipynb")]
    assert len(fixtures) >= 3
    for path in fixtures:
        target = folder / "fixtures" / path.relative_to(ROOT / "fixtures")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    generated = folder / "generated"
    generated.mkdir()
    for seed in range(VALID):
        (generated / f"valid_{seed:03d}.py").write_text(seeded_script(seed), encoding="utf-8")
    damaged = 0
    seed = 10_000
    while damaged < DAMAGED:
        text = seeded_script(seed, noise=True)
        if text != seeded_script(seed):  # noise strikes one script in three
            (generated / f"damaged_{damaged:03d}.py").write_bytes(text.encode("utf-8", "surrogatepass"))
            damaged += 1
        seed += 1
    return folder


def compiles(data: bytes) -> bool:
    try:
        text = decode_source(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<corpus>", "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
    except Exception:  # noqa: BLE001 - any refusal counts
        return False
    return True


def test_k000_exactly_where_python_refuses(corpus: Path) -> None:
    checked = 0
    for path in sorted(corpus.rglob("*")):
        if path.suffix not in (".py", ".ipynb"):
            continue
        data = path.read_bytes()
        result = lint_bytes(data, str(path), Settings(select=("ALL",)))
        assert result.internal_error is None, (path, result.internal_error)
        refused = [d for d in result.diagnostics if d.code == "K000"]
        if path.suffix == ".py":
            if b"\x00" not in data:  # noise may insert a NUL: then there is no text to place spans in
                assert_spans_inside(result, decode_source(data))
            assert bool(refused) != compiles(data), (path.name, refused, data.decode("utf-8", "replace"))
        else:
            assert not refused, (path.name, refused)
        if path.name.startswith("valid_") or path.parent.name != "generated":
            assert not refused, (path.name, refused)
        checked += 1
    assert checked >= VALID + DAMAGED


def lint_json(corpus: Path, *options: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "kast", "lint", "--isolated", "--output-format", "json", *options, "."],
        cwd=corpus, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stderr  # the corpus has findings
    assert "Traceback" not in completed.stderr and "warning" not in completed.stderr, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout)
    assert report["internal_errors"] == []
    return report


def test_same_result_with_and_without_the_cache(corpus: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    cold = lint_json(corpus, "--cache-dir", cache)
    assert any((tmp_path / "cache").rglob("*.json")), "the cold run wrote no cache entries"
    warm = lint_json(corpus, "--cache-dir", cache)
    uncached = lint_json(corpus, "--no-cache", "--jobs", "1")
    assert cold["summary"]["files"] >= VALID + DAMAGED
    assert cold["summary"]["diagnostics"] > VALID  # generated scripts are mostly buggy
    assert warm == cold
    assert uncached == cold
