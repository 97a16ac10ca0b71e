"""The command line: output formats, the JSON contract, exit codes, selection, `kast rule`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kast import __version__
from kast.cli import main
from kast.config import Settings
from kast.diagnostics import Severity

BUGGY = """\
import keras
from keras import layers

model = keras.Sequential([layers.Input((8,)), layers.Dense(1)])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""
CLEAN = BUGGY.replace("layers.Dense(1)", 'layers.Dense(1, activation="sigmoid")')


@pytest.fixture
def scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def run(*args: str) -> "subprocess.CompletedProcess[str] | object":
    return CliRunner().invoke(main, list(args))


def test_json_contract(scripts: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "--output-format", "json", "buggy.py", "clean.py"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["tool"] == {"name": "kast", "version": __version__}
    assert report["summary"] == {"files": 2, "diagnostics": 1, "errors": 1}
    [diag] = report["diagnostics"]
    assert {"path", "code", "name", "severity", "message", "line", "column", "end_line", "end_column",
            "related", "fix", "verified"} <= set(diag)
    assert diag["path"] == "buggy.py"  # as given: relative stays relative
    assert (diag["code"], diag["name"], diag["severity"]) == ("K101", "logits-into-probability-loss", "error")
    # `layers.Dense(1)` on line 4, 1-based columns, end exclusive
    assert (diag["line"], diag["column"], diag["end_line"], diag["end_column"]) == (4, 47, 4, 62)
    assert diag["related"] == [{"path": "buggy.py", "line": 5, "column": 38, "end_line": 5, "end_column": 59,
                                "message": "'binary_crossentropy' set here, from_logits=False"}]
    assert diag["verified"] is None
    assert diag["fix"] == {"safe": False, "description": 'add activation="sigmoid" to the output layer',
                           "edits": [{"line": 4, "column": 47, "end_line": 4, "end_column": 62,
                                      "replacement": 'layers.Dense(1, activation="sigmoid")'}]}
    assert "sigmoid" in diag["message"] and "from_logits=True" in diag["message"]


def test_json_alias_and_nothing_else_on_stdout(scripts: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kast", "lint", "--format", "json", "buggy.py"],
                            capture_output=True, text=True, cwd=scripts)
    assert result.returncode == 1
    json.loads(result.stdout)


def test_exit_codes(scripts: Path) -> None:
    assert run("lint", "clean.py").exit_code == 0
    assert run("lint", "buggy.py").exit_code == 1
    assert run("lint", "--exit-zero", "buggy.py").exit_code == 0
    assert run("lint", "--fail-on", "error", "buggy.py").exit_code == 1
    assert run("lint", "--output-format", "yaml", "buggy.py").exit_code == 2
    assert run("lint", "--select", "X1", "buggy.py").exit_code == 2


def test_folder_is_searched_recursively_with_default_excludes(scripts: Path) -> None:
    for folder in ("pkg/sub", ".venv/lib", "build", "__pycache__"):
        (scripts / folder).mkdir(parents=True)
        (scripts / folder / "train.py").write_text(BUGGY)
    report = json.loads(run("lint", "--output-format", "json", ".").stdout)  # type: ignore[attr-defined]
    assert sorted(Path(d["path"]).as_posix() for d in report["diagnostics"]) == ["buggy.py", "pkg/sub/train.py"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), ["K101"]),
        (("--select", "K1"), ["K101"]),
        (("--select", "K10"), ["K101"]),
        (("--select", "K101"), ["K101"]),
        (("--select", "K102,K103"), []),
        (("--ignore", "K1"), []),
        (("--ignore", "K101"), []),
        (("--select", "K1", "--ignore", "K10"), []),
        (("--select", "K2", "--extend-select", "k101"), ["K101"]),
    ],
)
def test_select_and_ignore(scripts: Path, options: tuple[str, ...], expected: list[str]) -> None:
    result = CliRunner().invoke(main, ["lint", "--output-format", "json", *options, "buggy.py"])
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == expected


def test_info_rules_are_off_unless_selected() -> None:
    assert not Settings().is_selected("K504", Severity.INFO)
    assert Settings().is_selected("K101", Severity.ERROR)
    assert Settings(select=("K5",)).is_selected("K504", Severity.INFO)
    assert Settings(extend_select=("K504",)).is_selected("K504", Severity.INFO)
    assert not Settings(select=("K5",), ignore=("K504",)).is_selected("K504", Severity.INFO)


def test_full_output(scripts: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "buggy.py"])
    lines = result.stdout.splitlines()
    assert lines[0] == "error[K101] logits-into-probability-loss"
    assert lines[1] == "  --> buggy.py:4:47"
    assert "4 | model = keras.Sequential([layers.Input((8,)), layers.Dense(1)])" in lines
    marker = next(line for line in lines if "^" in line)
    assert marker.index("^") == lines[lines.index(marker) - 1].index("layers.Dense(1)")
    assert marker.count("^") == len("layers.Dense(1)")
    assert any(line.startswith("  note: buggy.py:5:38:") for line in lines)
    assert any(line.startswith("  help: Add activation=") for line in lines)
    assert lines[-2:] == ["Found 1 problem (1 error) in 1 file.",
                          "No fixes available (1 hidden fix can be enabled with `kast fix --unsafe-fixes`)."]
    assert "\x1b[" not in result.stdout  # no colour off a terminal


def test_colour_only_when_asked(scripts: Path) -> None:
    assert "\x1b[" in CliRunner().invoke(main, ["lint", "--color", "always", "buggy.py"]).stdout
    assert "\x1b[" not in CliRunner().invoke(main, ["lint", "--color", "never", "buggy.py"]).stdout


def test_clean_full_output(scripts: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "clean.py"])
    assert result.stdout.strip() == "All checks passed (1 file checked)."


def test_concise_output(scripts: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "--output-format", "concise", "buggy.py", "clean.py"])
    first, summary, fixes = result.stdout.splitlines()
    assert first.startswith("buggy.py:4:47: K101 The output layer `layers.Dense(1)` has no activation")
    assert summary == "Found 1 problem (1 error) in 1 file."
    assert fixes.startswith("No fixes available (1 hidden fix")


def test_rule_docs() -> None:
    result = CliRunner().invoke(main, ["rule", "K101"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# K101 logits-into-probability-loss (error)")
    for section in ("## What it does", "## Why is this bad?", "## Example", "Use instead:"):
        assert section in result.stdout
    assert CliRunner().invoke(main, ["rule", "k102"]).exit_code == 0
    assert CliRunner().invoke(main, ["rule", "K999"]).exit_code == 2


def test_rule_table_lists_every_rule() -> None:
    from kast.rules import RULES

    result = CliRunner().invoke(main, ["rule", "--all"], terminal_width=200)
    assert result.exit_code == 0
    for rule in RULES:
        assert rule.code in result.stdout and rule.name in result.stdout


def test_static_path_imports_no_ml_framework(scripts: Path) -> None:
    probe = (
        "import sys\n"
        "from kast.cli import main\n"  # the command's own entry (`run`) leaves with os._exit
        "sys.argv = ['kast', 'lint', '--exit-zero', 'buggy.py']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in ('tensorflow', 'keras', 'tf_keras', 'numpy', 'torch', 'jax') if m in sys.modules]\n"
        "print('IMPORTED', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=scripts).stdout
    assert "IMPORTED []" in out


@pytest.mark.parametrize("output_format", ["json-lines", "sarif", "github", "rdjson", "gitlab", "junit"])
def test_every_machine_format_through_the_command_line(scripts: Path, output_format: str) -> None:
    result = CliRunner().invoke(main, ["lint", "--no-cache", "--output-format", output_format, "buggy.py",
                                       "clean.py"])
    assert result.exit_code == 1
    out = result.stdout
    if output_format == "github":
        assert out.startswith("::error file=buggy.py,line=4,")
    elif output_format == "junit":
        import xml.etree.ElementTree as ET

        assert len(ET.fromstring(out).findall(".//testcase")) == 2
    elif output_format == "json-lines":
        assert [json.loads(line)["code"] for line in out.splitlines()] == ["K101"]
    else:
        assert "K101" in out and json.loads(out)


def test_output_file(scripts: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "--no-cache", "--output-format", "sarif", "-o", "report.sarif",
                                       "buggy.py"])
    assert result.exit_code == 1 and result.stdout == ""
    report = json.loads((scripts / "report.sarif").read_text())
    assert report["runs"][0]["results"][0]["ruleId"] == "K101"


def test_statistics_text_and_json(scripts: Path) -> None:
    (scripts / "more.py").write_text(BUGGY)
    result = CliRunner().invoke(main, ["lint", "--no-cache", "--statistics", "buggy.py", "more.py", "clean.py"])
    assert result.exit_code == 1
    [row] = result.stdout.splitlines()
    assert row.split()[:2] == ["2", "K101"] and "logits-into-probability-loss" in row
    result = CliRunner().invoke(main, ["lint", "--no-cache", "--statistics", "--output-format", "json", "."])
    assert json.loads(result.stdout) == [{"code": "K101", "name": "logits-into-probability-loss", "count": 2,
                                          "fixable": True}]


def test_the_command_flushes_all_output_and_keeps_exit_codes_when_it_leaves_early(scripts: Path) -> None:
    """`python -m kast` ends with os._exit: nothing written may be lost, no exit status changed."""
    for index in range(300):
        (scripts / f"copy_{index}.py").write_text(BUGGY)
    command = [sys.executable, "-m", "kast", "lint", "--no-cache", "-j1"]
    found = subprocess.run([*command, "--output-format", "json", "."], capture_output=True, text=True)
    assert found.returncode == 1
    report = json.loads(found.stdout)  # all of it (tens of kilobytes through a pipe), or this fails
    assert report["summary"]["diagnostics"] == 301
    assert subprocess.run([*command, "clean.py"], capture_output=True).returncode == 0
    bad = subprocess.run([*command, "--select", "K999x", "clean.py"], capture_output=True, text=True)
    assert bad.returncode == 2 and "K999X" in bad.stderr
    # The reader going away early is not a crash and not a success.
    with subprocess.Popen([*command, "."], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()
        assert process.wait(timeout=60) == 1
        assert b"Traceback" not in process.stderr.read()


FIXABLE = BUGGY.replace("layers.Dense(1)", 'layers.Dense(1, activation="softmax")')


def test_fixable_findings_are_marked_and_counted(scripts: Path) -> None:
    (scripts / "fixable.py").write_text(FIXABLE)
    concise = CliRunner().invoke(main, ["lint", "--no-cache", "--output-format", "concise", "fixable.py", "buggy.py"])
    lines = concise.stdout.splitlines()
    assert lines[0].startswith("buggy.py:4:47: K101 The output")  # an unsafe fix only: no mark
    assert lines[1].startswith("fixable.py:4:47: K102 [*] Softmax")
    assert lines[-1] == ("[*] 1 fixable with `kast fix` (1 hidden fix can be enabled with "
                         "`kast fix --unsafe-fixes`).")
    full = CliRunner().invoke(main, ["lint", "--no-cache", "fixable.py"]).stdout.splitlines()
    assert full[0] == "error[K102] [*] softmax-on-single-unit"
    assert full[-1] == "[*] 1 fixable with `kast fix`."
    after_fix = CliRunner().invoke(main, ["fix", "--no-cache", "fixable.py"])
    assert after_fix.exit_code == 0 and "fixable" not in after_fix.stdout.splitlines()[-1]
