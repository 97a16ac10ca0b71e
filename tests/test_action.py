"""The GitHub Action (action.yml): a well-formed composite action whose command lines run here as on a runner.

The steps' scripts are run with bash, their `env` filled in from the inputs as
GitHub would, against a real repository with a buggy script.  Installing kast
from the action's own folder is tested with the package build
(tests/test_packaging.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BUGGY = """\
import keras
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


def step(step_id: str | None = None, name: str | None = None) -> dict[str, object]:
    [found] = [s for s in ACTION["runs"]["steps"] if (step_id and s.get("id") == step_id) or s.get("name") == name]
    return found


def expressions(value: object) -> list[str]:
    if isinstance(value, dict):
        return [e for item in value.values() for e in expressions(item)]
    if isinstance(value, list):
        return [e for item in value for e in expressions(item)]
    return EXPRESSION.findall(value) if isinstance(value, str) else []


def test_the_action_is_a_well_formed_composite_action() -> None:
    assert {"name", "description", "inputs", "runs"} <= set(ACTION)
    assert ACTION["runs"]["using"] == "composite"
    for item in ACTION["runs"]["steps"]:
        assert ("uses" in item) != ("run" in item), item
        if "run" in item:
            assert item["shell"] == "bash", item  # a composite action's run step must name its shell
        if "uses" in item:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", item["uses"]), item["uses"]
    for name, spec in ACTION["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z-]*", name) and spec["description"] and "default" in spec, name
    used = {m.group(1) for e in expressions(ACTION) for m in re.finditer(r"inputs\.([\w-]+)", e)}
    assert used == set(ACTION["inputs"]), "every input is used, and only declared inputs are"
    for item in ACTION["runs"]["steps"]:
        if "run" in item:
            assert not EXPRESSION.search(item["run"]), "scripts read the inputs from env, never inline ${{ }}"
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.lint.outputs.sarif-file }}"


def test_every_input_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## GitHub Action", 1)[1].split("\n## ", 1)[0]
    for name, spec in ACTION["inputs"].items():
        assert re.search(rf"^\| `{re.escape(name)}` \| `{re.escape(str(spec['default']))}`? ?\|", section,
                         re.MULTILINE) or f"| `{name}` |" in section, name
    assert "uses: kast-lint/kast@" in section


def run_step(item: dict[str, object], inputs: dict[str, str], cwd: Path,
             path: str | None = None) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run one `run` step with bash as the runner would: its env evaluated from `inputs`; (result, outputs)."""
    values = {name: str(spec["default"]) for name, spec in ACTION["inputs"].items()} | inputs

    def evaluate(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression == "github.action_path":
                return str(ROOT)
            assert expression.startswith("inputs."), f"unexpected expression in env: {expression}"
            return values[expression.removeprefix("inputs.")]

        return EXPRESSION.sub(one, text)

    outputs_file = cwd / "github_output.txt"
    outputs_file.write_text("")
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs_file), "KAST_CACHE_DIR": str(cwd / ".cache")}
    env["PATH"] = (path or str(Path(sys.executable).parent)) + os.pathsep + env["PATH"]
    env.update({key: evaluate(str(value)) for key, value in dict(item.get("env", {})).items()})
    proc = subprocess.run(["bash", "-e", "-c", str(item["run"])], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False, timeout=300)
    outputs = dict(line.split("=", 1) for line in outputs_file.read_text().splitlines() if "=" in line)
    return proc, outputs


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root, as in a checkout
    (tmp_path / "kast.toml").write_text("")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text(BUGGY)
    (tmp_path / "src" / "clean.py").write_text("print('clean')\n")
    return tmp_path


def test_github_annotations(checkout: Path) -> None:
    proc, _ = run_step(step("lint"), {"args": "src --no-cache"}, checkout)
    assert proc.returncode == 1, proc.stderr  # findings fail the check, as a linter should
    [annotation] = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert annotation.startswith("::error file=src/train.py,line=2,") and "K102" in annotation


def test_sarif_report_for_code_scanning(checkout: Path) -> None:
    proc, outputs = run_step(step("lint"), {"output": "sarif", "args": "src --no-cache"}, checkout)
    assert proc.returncode == 0, proc.stderr  # findings go to code scanning, not the exit status
    report = checkout / "kast-results" / "kast.sarif"
    assert outputs == {"sarif-file": "kast-results/kast.sarif"}
    [result] = json.loads(report.read_text())["runs"][0]["results"]
    assert result["ruleId"] == "K102" and result["partialFingerprints"]["primaryLocationLineHash"]
    upload = step(name="Upload the SARIF report to code scanning")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "inputs.output == 'sarif'" in upload["if"]


def test_a_usage_error_fails_the_step(checkout: Path) -> None:
    proc, _ = run_step(step("lint"), {"output": "sarif", "args": "src --select K999"}, checkout)
    assert proc.returncode == 2 and "K999" in proc.stderr
    proc, _ = run_step(step("lint"), {"output": "text"}, checkout)
    assert proc.returncode == 2 and "output must be github or sarif" in proc.stdout
