"""The machine output formats, on findings of real lint runs plus the awkward cases.

The corpus: a script with non-ASCII text before a finding on the same line (a
related location and a hand-added fix there), a script with two identical
findings on identical lines, a clean file, a finding whose message holds `%`,
a newline, a comma and a colon in a path with a space, a comma and non-ASCII
letters, a notebook finding in cell 3, and a file kast failed on.  SARIF is
validated against the official SARIF 2.1.0 schema (tests/data, from
oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json, errata01).
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from kast.config import Settings
from kast.api import lint_source as lint_bytes
from kast.diagnostics import FileResult
from kast.diagnostics import Diagnostic, Edit, Fix, Severity, Span
from kast.output import (
    FORMATS,
    MACHINE_FORMATS,
    SourceLines,
    display_path,
    encoded_column,
    renderer,
    repository_path,
    repository_root,
    stable_fingerprints,
)
from kast.output.json_format import diagnostic_to_dict
from kast.output.statistics import render_statistics
from kast.rules import RULES

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

# "é" is 2 UTF-8 bytes / 1 UTF-16 unit, "😀" 4 bytes / 2 units: 4 extra bytes, 1 extra unit before the finding.
UNICODE_SOURCE = """\
from tensorflow import keras
label = "é😀"; model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""

TWICE_SOURCE = """\
import numpy as np
from tensorflow import keras

x = np.zeros((10, 6))
y = np.zeros((10,))
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=3)
model.fit(x, y, epochs=3)
"""

ODD_PATH = "data dir/ünï, file.py"
ODD_MESSAGE = "100% of the loss,\nsee: the docs"
NOTEBOOK_CELLS = {1: "# Title cell", 3: "import keras\nmodel.fit(x, y)"}


def _lint(source: str, path: str) -> FileResult:
    result = lint_bytes(source.encode("utf-8"), path, Settings(select=("ALL",)))
    assert result.internal_error is None, result.internal_error
    return result


def _with_fix(result: FileResult) -> FileResult:
    """Give the K102 finding a fix that rewrites "softmax" (after the non-ASCII text) to "sigmoid"."""
    [k102] = [d for d in result.diagnostics if d.code == "K102"]
    where = k102.related[0].span
    fix = Fix('Use activation="sigmoid"', (Edit(where, '"sigmoid"'),), safe=False)
    result.diagnostics = [dataclasses.replace(d, fix=fix) if d is k102 else d for d in result.diagnostics]
    return result


def corpus() -> tuple[list[FileResult], list[Diagnostic]]:
    unicode_result = _with_fix(_lint(UNICODE_SOURCE, "train.py"))
    twice = _lint(TWICE_SOURCE, "twice.py")
    clean = _lint("print('hello')\n", "clean.py")
    odd = FileResult(ODD_PATH, source="import keras\nmodel.fit(a, b)\n")
    odd.diagnostics = [Diagnostic(ODD_PATH, "K504", "no-validation", Severity.INFO, ODD_MESSAGE,
                                  Span(2, 0, 2, 15), hint="Pass validation_split=0.2, or validation_data.")]
    notebook = FileResult("analysis.ipynb", cell_sources=NOTEBOOK_CELLS)
    notebook.diagnostics = [Diagnostic("analysis.ipynb", "K504", "no-validation", Severity.INFO,
                                       "fit() trains without validation.", Span(2, 0, 2, 15), cell=3)]
    broken = FileResult("broken.py", internal_error="RuntimeError: boom (interpreter.py:12)")
    results = [unicode_result, twice, clean, odd, notebook, broken]
    diagnostics = sorted((d for r in results for d in r.diagnostics), key=lambda d: d.sort_key)
    return results, diagnostics


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root with kast run from its `pkg/` folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "pkg").mkdir()
    monkeypatch.chdir(root / "pkg")
    return root


def _render(name: str) -> str:
    return renderer(name)(*corpus())


def _k102(diagnostics: list[Diagnostic]) -> Diagnostic:
    return next(d for d in diagnostics if d.code == "K102")


# --- shared pieces -----------------------------------------------------------------------------


def test_every_machine_format_is_listed_and_renders(repo: Path) -> None:
    assert set(MACHINE_FORMATS) <= set(FORMATS)
    for name in MACHINE_FORMATS:
        assert _render(name).endswith("\n")
    with pytest.raises(ValueError):
        renderer("full")


def test_importing_the_output_package_stays_cheap() -> None:
    code = "import sys, kast.output; print(sorted(m for m in sys.modules if m.startswith(('kast.', 'libcst'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['kast.output']"


def test_paths_outside_the_repository(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = str(tmp_path / "elsewhere" / "x.py")
    assert repository_path("train.py") == "pkg/train.py"
    assert repository_path(outside) is None and display_path(outside) == Path(outside).as_posix()
    d = Diagnostic(outside, "K504", "no-validation", Severity.INFO, "m", Span(1, 0, 1, 1))
    log = json.loads(renderer("sarif")([], [d]))
    jsonschema.Draft7Validator(SCHEMA).validate(log)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": Path(outside).as_uri()}
    # Without a git work tree above, the current directory is the root.
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)
    assert repository_root() == plain and repository_path("a/b.py") == "a/b.py"


def test_encoded_column_counts_code_units() -> None:
    text = 'a = "é😀"; b'
    column = text.index("b")
    assert encoded_column(text, column, "utf-8") == column + 4
    assert encoded_column(text, column, "utf-16") == column + 1
    assert encoded_column(None, 7, "utf-8") == 7
    assert encoded_column("ab", 3, "utf-16") == 3  # one past the end of the line


def test_corpus_has_what_the_tests_rely_on() -> None:
    _, diagnostics = corpus()
    k102 = _k102(diagnostics)
    assert k102.related and k102.fix is not None
    assert UNICODE_SOURCE.splitlines()[1][: k102.span.column].count("😀") == 1
    assert sum(d.code == "K504" and d.path == "twice.py" for d in diagnostics) == 2


# --- json and json-lines -----------------------------------------------------------------------


def test_json_gives_cell_only_for_notebook_findings(repo: Path) -> None:
    report = json.loads(_render("json"))
    by_path = {d["path"]: d for d in report["diagnostics"]}
    assert by_path["analysis.ipynb"]["cell"] == 3
    assert "cell" not in by_path["train.py"]
    assert all("cell" not in related for related in by_path["train.py"]["related"])
    assert report["internal_errors"] == [{"path": "broken.py", "message": "RuntimeError: boom (interpreter.py:12)"}]


def test_json_lines_are_the_json_diagnostics(repo: Path) -> None:
    lines = _render("json-lines").splitlines()
    report = json.loads(_render("json"))
    assert [json.loads(line) for line in lines] == report["diagnostics"]
    assert all(line.startswith("{") and ": " not in line[:20] for line in lines)  # compact, one object a line
    _, diagnostics = corpus()
    assert json.loads(lines[0]) == diagnostic_to_dict(diagnostics[0])


# --- SARIF -------------------------------------------------------------------------------------


def _sarif() -> dict[str, Any]:
    log: dict[str, Any] = json.loads(_render("sarif"))
    return log


def _result_for(log: dict[str, Any], code: str, path_part: str) -> dict[str, Any]:
    return next(
        r for r in log["runs"][0]["results"]
        if r["ruleId"] == code and path_part in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    )


def test_sarif_is_valid_against_the_official_schema(repo: Path) -> None:
    log = _sarif()
    jsonschema.Draft7Validator(SCHEMA).validate(log)
    # The schema's "uri" formats are not checked without extra packages: check the URIs by hand.
    run = log["runs"][0]
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]]
    for uri in uris:
        assert " " not in uri and "\\" not in uri and not urlsplit(uri).scheme


def test_sarif_driver_describes_every_rule(repo: Path) -> None:
    run = _sarif()["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kast" and driver["semanticVersion"] and driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(driver["rules"], RULES):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["help"]["markdown"] == rule.doc and "## What it does" in descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity.value]
        assert descriptor["properties"]["precision"] and descriptor["properties"]["tags"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert run["columnKind"] == "utf16CodeUnits"


def test_sarif_locations_are_relative_to_the_repository_root(repo: Path) -> None:
    log = _sarif()
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    odd = _result_for(log, "K504", "file.py")
    location = odd["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "pkg/data%20dir/%C3%BCn%C3%AF%2C%20file.py", "uriBaseId": "%SRCROOT%"}
    assert unquote(location["uri"]) == "pkg/" + ODD_PATH


def test_sarif_columns_are_utf16_and_one_based(repo: Path) -> None:
    _, diagnostics = corpus()
    k102 = _k102(diagnostics)
    result = _result_for(_sarif(), "K102", "train.py")
    region = result["locations"][0]["physicalLocation"]["region"]
    # one astral character (two UTF-16 units) before the span
    assert region == {"startLine": 2, "startColumn": k102.span.column + 2, "endLine": 2,
                      "endColumn": k102.span.end_column + 2}
    line = UNICODE_SOURCE.splitlines()[1]
    utf16 = line.encode("utf-16-le")
    start, end = (region["startColumn"] - 1) * 2, (region["endColumn"] - 1) * 2
    assert utf16[start:end].decode("utf-16-le") == line[k102.span.column:k102.span.end_column]


def test_sarif_related_fix_fingerprint_and_message(repo: Path) -> None:
    _, diagnostics = corpus()
    k102 = _k102(diagnostics)
    result = _result_for(_sarif(), "K102", "train.py")
    assert result["level"] == "error"
    assert result["message"]["text"] == f"{k102.message} {k102.hint}"
    [related] = result["relatedLocations"]
    assert related["message"]["text"] == "softmax applied here"
    assert related["physicalLocation"]["region"]["startColumn"] == k102.related[0].span.column + 2
    [fix] = result["fixes"]
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "pkg/train.py", "uriBaseId": "%SRCROOT%"}
    [replacement] = change["replacements"]
    assert replacement["insertedContent"] == {"text": '"sigmoid"'}
    assert replacement["deletedRegion"] == related["physicalLocation"]["region"]
    assert fix["properties"]["applicability"] == "unsafe"
    assert len(result["partialFingerprints"]["kastLineHash/v1"]) == 64


def test_sarif_primary_location_line_hash(repo: Path) -> None:
    log = _sarif()
    results = log["runs"][0]["results"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert all(re.fullmatch(r"[0-9a-f]{16}:[1-9][0-9]*", h) for h in hashes)
    assert len(set(hashes)) == len(hashes)
    # Two identical lines in one file: one hash, counted 1 and 2.
    twice = [h for r, h in zip(results, hashes)
             if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("twice.py")]
    assert len(twice) == 2 and twice[0].split(":")[0] == twice[1].split(":")[0]
    assert sorted(h.split(":")[1] for h in twice) == ["1", "2"]


def test_sarif_notebook_and_internal_error(repo: Path) -> None:
    log = _sarif()
    notebook = _result_for(log, "K504", "analysis.ipynb")
    assert notebook["properties"]["cell"] == 3
    assert notebook["message"]["text"].startswith("cell 3, line 2")
    assert notebook["level"] == "note"
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert "broken.py" in notification["message"]["text"] and "boom" in notification["message"]["text"]


def test_sarif_without_internal_errors_succeeds(repo: Path) -> None:
    results, diagnostics = corpus()
    results = [r for r in results if not r.internal_error]
    log = json.loads(renderer("sarif")(results, diagnostics))
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    jsonschema.Draft7Validator(SCHEMA).validate(json.loads(renderer("sarif")([], [])))


# --- GitHub Actions ----------------------------------------------------------------------------


def _unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    command, _, properties = head.partition(" ")
    fields = dict(item.split("=", 1) for item in properties.split(",")) if properties else {}
    return command, {key: _unescape(value) for key, value in fields.items()}, _unescape(message)


def test_github_commands_parse_back(repo: Path) -> None:
    lines = _render("github").splitlines()
    assert all("\n" not in line and "\r" not in line for line in lines)
    commands = [_parse_command(line) for line in lines]
    odd = next(c for c in commands if c[1].get("file", "").endswith("file.py"))
    assert odd[0] == "notice"
    assert odd[1]["file"] == "pkg/" + ODD_PATH  # comma in the path survives the property escaping
    assert ODD_MESSAGE in odd[2]
    assert (odd[1]["line"], odd[1]["col"], odd[1]["endColumn"]) == ("2", "1", "16")

    _, diagnostics = corpus()
    k102 = _k102(diagnostics)
    train = next(c for c in commands if c[1].get("title") == "kast (K102)")
    assert train[0] == "error"
    assert train[1]["line"] == train[1]["endLine"] == "2" and train[1]["col"] == str(k102.span.column + 1)


def test_github_notebook_has_cell_and_no_line(repo: Path) -> None:
    commands = [_parse_command(line) for line in _render("github").splitlines()]
    [notebook] = [c for c in commands if c[1].get("file") == "pkg/analysis.ipynb"]
    assert "cell 3" in notebook[1]["title"]
    assert not {"line", "endLine", "col", "endColumn"} & set(notebook[1])
    [internal] = [c for c in commands if "internal error" in c[1].get("title", "")]
    assert internal[0] == "error" and "boom" in internal[2]


def test_github_columns_only_on_one_line(repo: Path) -> None:
    d = Diagnostic("multi.py", "K101", "logits-into-probability-loss", Severity.WARNING, "m", Span(1, 4, 3, 2))
    [(command, properties, _)] = [_parse_command(line) for line in renderer("github")([], [d]).splitlines()]
    assert command == "warning" and properties["line"] == "1" and properties["endLine"] == "3"
    assert "col" not in properties and "endColumn" not in properties


# --- reviewdog ---------------------------------------------------------------------------------


def test_rdjson_columns_are_utf8_bytes(repo: Path) -> None:
    report = json.loads(_render("rdjson"))
    assert report["source"]["name"] == "kast"
    _, diagnostics = corpus()
    k102 = _k102(diagnostics)
    item = next(d for d in report["diagnostics"] if d["code"]["value"] == "K102")
    line = UNICODE_SOURCE.splitlines()[1].encode("utf-8")
    start, end = item["location"]["range"]["start"], item["location"]["range"]["end"]
    assert start == {"line": 2, "column": k102.span.column + 5}  # 4 extra bytes, 1-based
    assert line[start["column"] - 1:end["column"] - 1].decode() == UNICODE_SOURCE.splitlines()[1][
        k102.span.column:k102.span.end_column]
    assert item["severity"] == "ERROR" and item["code"]["url"].endswith("docs/rules/K102.md")
    [suggestion] = item["suggestions"]
    assert suggestion["text"] == '"sigmoid"'
    assert line[suggestion["range"]["start"]["column"] - 1:suggestion["range"]["end"]["column"] - 1] == b'"softmax"'
    assert item["original_output"].startswith("train.py:2:")


def test_rdjson_falls_back_to_code_points_and_skips_notebook_ranges(repo: Path) -> None:
    d = Diagnostic("gone.py", "K504", "no-validation", Severity.INFO, "m", Span(3, 4, 3, 9))
    [item] = json.loads(renderer("rdjson")([], [d]))["diagnostics"]
    assert item["location"]["range"] == {"start": {"line": 3, "column": 5}, "end": {"line": 3, "column": 10}}
    notebook = next(d for d in json.loads(_render("rdjson"))["diagnostics"] if d["location"]["path"].endswith("ipynb"))
    assert "range" not in notebook["location"] and notebook["message"].startswith("cell 3")


# --- GitLab ------------------------------------------------------------------------------------


def test_gitlab_report_shape(repo: Path) -> None:
    issues = json.loads(_render("gitlab"))
    _, diagnostics = corpus()
    assert len(issues) == len(diagnostics)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["lines"]["begin"] >= 1
        assert not issue["location"]["path"].startswith(("/", ".."))
    k102 = next(issue for issue in issues if issue["check_name"] == "K102")
    assert k102["severity"] == "major" and k102["location"]["path"] == "pkg/train.py"


def test_gitlab_fingerprints_survive_lines_inserted_above(repo: Path) -> None:
    before = lint_bytes(TWICE_SOURCE.encode(), "twice.py", Settings(select=("ALL",)))
    shifted = "\n\n" + TWICE_SOURCE
    after = lint_bytes(shifted.encode(), "twice.py", Settings(select=("ALL",)))
    assert [d.span.line + 2 for d in before.diagnostics] == [d.span.line for d in after.diagnostics]
    first = stable_fingerprints(before.diagnostics, SourceLines.of([before]))
    second = stable_fingerprints(after.diagnostics, SourceLines.of([after]))
    assert first == second
    assert len(set(first)) == len(first)  # the two identical fit() lines still differ
    issues = json.loads(renderer("gitlab")([after], after.diagnostics))
    assert [issue["fingerprint"] for issue in issues] == first


# --- JUnit -------------------------------------------------------------------------------------


def test_junit_one_case_per_finding_and_per_clean_file(repo: Path) -> None:
    root = ET.fromstring(_render("junit"))
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "kast"
    results, diagnostics = corpus()
    cases = suite.findall("testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    assert len(failed) == len(diagnostics) == int(suite.get("failures"))
    assert all(len(case.findall("failure")) == 1 for case in failed)
    clean = [r.path for r in results if not r.internal_error and not any(d.path == r.path for d in diagnostics)]
    passing = [case for case in cases if not list(case)]
    assert [case.get("name") for case in passing] == clean and "clean.py" in clean
    assert int(suite.get("tests")) == len(cases) == len(diagnostics) + len(clean) + 1
    assert root.get("tests") == suite.get("tests")
    odd = next(case for case in failed if case.get("classname") == ODD_PATH)
    assert odd.get("name").startswith(f"K504 at {ODD_PATH}:")
    assert odd.find("failure").get("type") == "K504" and ODD_MESSAGE in odd.find("failure").get("message")
    twice = [case for case in failed if case.get("classname") == "twice.py"]
    assert len(twice) == sum(d.path == "twice.py" for d in diagnostics) == 2  # two findings, two cases
    [broken] = [case for case in cases if case.find("error") is not None]
    assert broken.get("name") == "broken.py" and "boom" in broken.find("error").get("message")
    assert suite.get("errors") == "1"


def test_junit_survives_control_characters() -> None:
    d = Diagnostic("x.py", "K504", "no-validation", Severity.INFO, "bell\x07 here", Span(1, 0, 1, 1))
    root = ET.fromstring(renderer("junit")([FileResult("x.py")], [d]))
    assert root.find("testsuite/testcase/failure").get("message").endswith("bell\ufffd here")


# --- statistics --------------------------------------------------------------------------------


def test_statistics_rows_and_json() -> None:
    _, diagnostics = corpus()
    rows = json.loads(render_statistics(diagnostics, as_json=True))
    counts = [(row["count"], row["code"]) for row in rows]
    assert counts == sorted(counts, key=lambda pair: (-pair[0], pair[1]))
    by_code = {row["code"]: row for row in rows}
    assert by_code["K102"] == {"code": "K102", "name": "softmax-on-single-unit", "count": 1, "fixable": True}
    assert by_code["K504"]["count"] == sum(d.code == "K504" for d in diagnostics)
    assert by_code["K504"]["fixable"] is False

    text = render_statistics(diagnostics, as_json=False).splitlines()
    assert len(text) == len(rows)
    assert text[0].split("\t")[1].strip() == rows[0]["code"]
    k102_line = next(line for line in text if "K102" in line)
    assert "[*] softmax-on-single-unit" in k102_line
    assert render_statistics([], as_json=False) == ""
    assert json.loads(render_statistics([], as_json=True)) == []


def test_statistics_example_layout() -> None:
    def finding(code: str, fix: Fix | None = None) -> Diagnostic:
        return Diagnostic("a.py", code, code.lower(), Severity.ERROR, "m", Span(1, 0, 1, 1), fix=fix)

    fix = Fix("f", (), safe=True)
    text = render_statistics([finding("K101"), finding("K102"), finding("K102", fix)] + [finding("K101")] * 9,
                             as_json=False)
    assert text == textwrap.dedent("""\
        10\tK101\t    k101
         2\tK102\t[*] k102
    """)
