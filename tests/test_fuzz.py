"""Generated programs: kast never crashes, never places a finding outside the file, never varies.

Programs come from two sources: hypothesmith, which writes any Python the
grammar allows (the parser's corner cases: decorators on lambdas' neighbours,
walrus in comprehensions, odd string prefixes), and `tests/strategies.py`,
which writes Keras training scripts in every import and model style, now and
then damaged as in an editor mid-keystroke.  For every program:

- `lint_bytes` returns, without raising and without an internal error;
- every span (finding, related note, fix edit) lies inside the file;
- linting twice gives the same findings, and `--jobs 1` equals `--jobs 2`;
- the JSON and SARIF renderings parse;
- a position found from a node's own code in the text, or through its statement, is
  PositionProvider's.

The number of examples is bounded by the hypothesis profile: `ci` (the default)
keeps this file under a minute on two cores; `HYPOTHESIS_PROFILE=long` runs
thousands per test:

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q -s tests/test_fuzz.py

Each test prints how many programs it tried.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from kast.analysis.positions import Locator, locate_in_text
from kast.config import Settings
from kast.diagnostics import line_starts
from kast.api import lint_source as lint_bytes
from kast.diagnostics import FileResult
from kast.output import renderer
from kast.output.json_format import render as render_json
from tests.strategies import all_nodes, assert_spans_inside, budget, keras_scripts, notebooks

ALL = Settings(select=("ALL",))


def lint_checked(text: str, path: str = "train.py", data: bytes | None = None) -> FileResult:
    """Lint with every rule; the result must be whole and every span inside the file."""
    raw = data if data is not None else text.encode("utf-8", "surrogatepass")
    result = lint_bytes(raw, path, ALL)
    assert result.internal_error is None, f"internal error: {result.internal_error}\n--- source ---\n{text}"
    assert_spans_inside(result, text)
    return result


def counted(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
            test: Callable[..., None], *strategies: st.SearchStrategy[object], examples: int) -> None:
    """Run `test` as a hypothesis test of `examples` examples, then print how many it tried."""
    tried = 0

    @settings(max_examples=examples)
    @given(st.tuples(*strategies))
    def run(values: tuple[object, ...]) -> None:
        nonlocal tried
        tried += 1
        test(*values)

    run()
    request.node.user_properties.append(("hypothesis_examples", tried))
    with capsys.disabled():
        print(f"\n{request.node.name}: {tried} generated programs", end="")


# --- the grammar's programs ---------------------------------------------------


def test_any_python_program(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    def check(source: str) -> None:
        # The trailing comment mentions keras: without it a file is only syntax-checked.
        text = source + "\n# keras\n"
        first = lint_checked(text)
        assert not [d for d in first.diagnostics if d.code == "K000"], (first.diagnostics, text)
        assert lint_checked(text).diagnostics == first.diagnostics

    counted(request, capsys, check, hypothesmith.from_grammar(), examples=budget(60))


def test_any_python_program_after_keras_imports(request: pytest.FixtureRequest,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def check(source: str) -> None:
        if "__future__" in source:
            return  # a future import must come first; the prefix would make it a syntax error
        lint_checked("import keras\nfrom keras import layers\nimport tensorflow as tf\n" + source)

    counted(request, capsys, check, hypothesmith.from_grammar(), examples=budget(40))


def test_any_libcst_node_tree(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    counted(request, capsys, lambda source: lint_checked(source + "\n# keras\n"), hypothesmith.from_node(),
            examples=budget(30))


def test_any_text_and_bytes(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    def check(text: str, data: bytes) -> None:
        lint_checked(text + "\nimport keras\n")
        result = lint_bytes(b"import keras\n" + data, "raw.py", ALL)
        assert result.internal_error is None, result.internal_error
        notebook = lint_bytes(data, "raw.ipynb", ALL)
        assert notebook.internal_error is None, notebook.internal_error

    counted(request, capsys, check, st.text(), st.binary(), examples=budget(150))


def test_positions_found_in_the_text(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    def check(source: str) -> None:
        try:
            module = cst.parse_module(source)
        except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
            return  # a damaged script: nothing to locate
        nodes = all_nodes(module)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        offsets = line_starts(source)
        for node in nodes:
            got = locate_in_text(module, source, offsets, node).range
            assert got is None or got == expected[node], (module.code_for_node(node), got, expected[node])
        located = Locator([(module, 0)], source).locate(nodes)
        assert located == {node: expected[node] for node in nodes if node in expected}

    counted(request, capsys, check, st.one_of(hypothesmith.from_grammar(), keras_scripts()),
            examples=budget(60, long=1000))  # PositionProvider on every node of every program: slow


# --- Keras training scripts --------------------------------------------------


def test_keras_scripts(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    def check(text: str) -> None:
        first = lint_checked(text)
        again = lint_checked(text)
        assert again.diagnostics == first.diagnostics, "two runs over the same text differ"
        report = json.loads(render_json([first], first.diagnostics))
        assert report["summary"]["diagnostics"] == len(first.diagnostics)
        sarif = json.loads(renderer("sarif")([first], first.diagnostics))
        assert len(sarif["runs"][0]["results"]) == len(first.diagnostics)
        for name in ("json-lines", "rdjson", "gitlab"):
            rendered = renderer(name)([first], first.diagnostics)
            if name == "json-lines":
                [json.loads(line) for line in rendered.splitlines()]
            else:
                json.loads(rendered)

    counted(request, capsys, check, keras_scripts(), examples=budget(250))


def test_keras_notebooks(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> None:
    def check(notebook: dict[str, object]) -> None:
        data = json.dumps(notebook).encode()
        result = lint_bytes(data, "train.ipynb", ALL)
        assert result.internal_error is None, result.internal_error
        cells = notebook["cells"]
        assert isinstance(cells, list)
        assert all(d.cell is not None for d in result.diagnostics), result.diagnostics
        assert_spans_inside(result, "", {number: cell["source"] for number, cell in enumerate(cells, start=1)})
        json.loads(render_json([result], result.diagnostics))
        json.loads(renderer("sarif")([result], result.diagnostics))

    counted(request, capsys, check, notebooks(), examples=budget(80))


def cli_json(folder: Path, *options: str) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-m", "kast", "lint", "--no-cache", "--isolated", "--output-format", "json", *options,
         "."], cwd=folder, capture_output=True, text=True, timeout=120)
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    report: dict[str, object] = json.loads(completed.stdout)
    return report


def test_jobs_do_not_change_the_output(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    def check(scripts: list[str]) -> None:
        folder = tmp_path_factory.mktemp("jobs")
        for index, text in enumerate(scripts):
            (folder / f"train_{index:02d}.py").write_text(text, encoding="utf-8", errors="surrogatepass",
                                                           newline="")
        sequential = cli_json(folder, "--jobs", "1")
        assert sequential == cli_json(folder, "--jobs", "2")
        assert sequential["summary"]["files"] == len(scripts)  # type: ignore[index]

    # At least 8 files: below that the runner does not start workers.
    counted(request, capsys, check, st.lists(keras_scripts(), min_size=8, max_size=12),
            examples=budget(3, long=100))


def test_character_newer_than_this_pythons_unicode() -> None:
    # Found by test_any_text_and_bytes: LibCST's tokenizer took U+13460 (Unicode 16) for a name,
    # then its own node check raised CSTValidationError, an internal error in every kast command.
    [k000] = lint_checked("\U00013460\nimport keras\n").diagnostics
    assert k000.code == "K000" and "U+13460" in k000.message
