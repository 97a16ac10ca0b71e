"""The distribution kast-lint: a wheel and an sdist built from this checkout, the wheel installed in a fresh venv.

Slow (a build and an install with the dependencies): `-m "not slow"` leaves it out.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from kast import DISTRIBUTION, __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("build")


def run(*command: str | Path, cwd: Path = ROOT, **kwargs: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False,
                          timeout=900, **kwargs)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, ROOT)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the built wheel installed (and its dependencies, nothing else)."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    run(sys.executable, "-m", "venv", folder)
    [wheel] = dist.glob("*.whl")
    run(folder / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
    return folder


def test_the_distribution_is_named_kast_lint(dist: Path) -> None:
    assert DISTRIBUTION == "kast-lint"
    names = sorted(path.name for path in dist.iterdir())
    assert names == [f"kast_lint-{__version__}-py3-none-any.whl", f"kast_lint-{__version__}.tar.gz"]


def test_the_wheel_and_the_sdist_hold_what_kast_needs(dist: Path) -> None:
    [wheel] = dist.glob("*.whl")
    files = set(zipfile.ZipFile(wheel).namelist())
    assert {"kast/py.typed", "kast/data/keras_names.json", "kast/api.py", "kast/rules/softmax_on_single_unit.py"} <= files
    assert f"kast_lint-{__version__}.dist-info/licenses/LICENSE" in files
    metadata = zipfile.ZipFile(wheel).read(f"kast_lint-{__version__}.dist-info/METADATA").decode()
    assert "Name: kast-lint" in metadata and "License-Expression: MIT" in metadata
    assert "Provides-Extra: verify" in metadata and "Provides-Extra: lsp" in metadata
    [sdist] = dist.glob("*.tar.gz")
    members = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "kast/py.typed", "kast/data/keras_names.json"} <= members


def test_the_installed_wheel_runs(venv: Path, tmp_path: Path) -> None:
    kast = venv / "bin" / "kast"
    assert run(kast, "--version").stdout.strip().endswith(__version__)
    proc = subprocess.run([kast, "lint", "--no-cache", "--output-format", "concise", ROOT / "fixtures" / "example_train.py"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "K101" in proc.stdout, proc.stderr
    assert "K102 softmax-on-single-unit" in run(kast, "rule", "K102").stdout
    # The server needs the lsp extra: a clear message, not a traceback.
    proc = subprocess.run([kast, "server"], capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "pip install 'kast-lint[lsp]'" in proc.stderr
    show = run(venv / "bin" / "python", "-m", "pip", "show", "kast-lint").stdout
    assert "Name: kast-lint" in show and "Requires: click, libcst, nbformat, pathspec, rich" in show


def test_the_action_installs_kast_from_its_own_folder(venv: Path, tmp_path: Path) -> None:
    """The GitHub Action's install step, as a runner runs it, with this venv's python first on PATH."""
    from tests.test_action import step
    from tests.test_action import run_step

    proc, _ = run_step(step(name="Install kast"), {}, tmp_path, path=str(venv / "bin"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith(__version__)  # the step ends with `kast --version`
