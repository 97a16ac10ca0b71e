"""Jupyter notebooks: findings land in the right cell and line, IPython syntax
neither breaks the parse nor shifts a position, and a broken file is one K000."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from kast.config import Settings
from kast.api import lint_source as lint_bytes
from kast.diagnostics import FileResult
from kast.diagnostics import Diagnostic, Edit, Fix, Related, Severity, Span
from kast.notebook import lint_notebook, mask_ipython

NOTEBOOKS = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"
IMPORTS = "import keras\n"
BUGGY_MODEL = 'model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\nmodel.compile(loss="binary_crossentropy")\n'
PYTHON = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}


def write(tmp_path: Path, cells: list[object], metadata: dict[str, object] | None = None) -> Path:
    """An .ipynb written by nbformat; a plain string is a code cell."""
    notebook = new_notebook(
        cells=[new_code_cell(cell) if isinstance(cell, str) else cell for cell in cells],
        metadata=PYTHON if metadata is None else metadata,
    )
    path = tmp_path / "analysis.ipynb"
    nbformat.write(notebook, path)
    return path


def lint(path: Path, select: tuple[str, ...] = ("ALL",)) -> FileResult:
    result = lint_notebook(path.read_bytes(), path.name, Settings(select=select))
    assert result.internal_error is None, result.internal_error
    assert result.source is None
    return result


def lint_raw(data: bytes, select: tuple[str, ...] = ("ALL",)) -> FileResult:
    result = lint_notebook(data, "raw.ipynb", Settings(select=select))
    assert result.internal_error is None, result.internal_error
    return result


def places(result: FileResult, code: str | None = None) -> list[tuple[str, int | None, int, int]]:
    return [(d.code, d.cell, d.span.line, d.span.column) for d in result.diagnostics if code in (None, d.code)]


def text_at(result: FileResult, diagnostic: Diagnostic) -> str:
    """The source text the diagnostic's span covers, read from the cell as the user wrote it."""
    span = diagnostic.span
    line = result.line_text(span.line, diagnostic.cell)
    assert line is not None and span.end_line == span.line
    return line[span.column : span.end_column]


# --- the fixtures ---------------------------------------------------------------


def test_buggy_fixture_reports_the_output_layer_in_its_cell() -> None:
    result = lint(NOTEBOOKS / "buggy.ipynb", select=())
    [k101] = result.diagnostics
    assert (k101.code, k101.cell, k101.span.line, k101.span.column) == ("K101", 5, 4, 4)
    assert text_at(result, k101) == "keras.layers.Dense(1)"
    [(note_cell, note_line)] = [(r.cell, r.span.line) for r in k101.related]
    assert (note_cell, note_line) == (6, 1)
    assert result.cell_sources is not None and sorted(result.cell_sources) == [5, 6]
    assert result.line_text(1, 6) is not None and "binary_crossentropy" in result.line_text(1, 6)  # type: ignore[operator]


def test_clean_fixture_has_no_finding() -> None:
    result = lint(NOTEBOOKS / "clean.ipynb", select=())
    assert result.diagnostics == [] and result.cell_sources is None


def test_core_dispatches_notebooks_here() -> None:
    data = (NOTEBOOKS / "buggy.ipynb").read_bytes()
    assert [(d.code, d.cell) for d in lint_bytes(data, "buggy.ipynb", Settings()).diagnostics] == [("K101", 5)]


# --- cells and positions ------------------------------------------------------------


def test_cells_are_numbered_among_all_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            new_markdown_cell("# Data"),
            IMPORTS,
            new_raw_cell("raw text"),
            new_markdown_cell("## Model"),
            "model = keras.Sequential([\n    keras.Input((4,)),\n    keras.layers.Dense(1),\n])",
            new_markdown_cell("## Training"),
            'model.compile(\n    optimizer="adam",\n    loss="binary_crossentropy",\n)',
        ],
    )
    result = lint(path)
    [k101] = [d for d in result.diagnostics if d.code == "K101"]
    assert (k101.cell, k101.span.line, k101.span.column) == (5, 3, 4)
    assert text_at(result, k101) == "keras.layers.Dense(1)"
    [note] = k101.related
    assert (note.cell, note.span.line, note.span.column) == (7, 3, 9)


def test_magics_neither_break_parsing_nor_shift_positions(tmp_path: Path) -> None:
    setup = "%matplotlib inline\n!pip install tensorflow \\\n    keras\n%pip install -q scikit-learn\nimport keras\n"
    model = (
        "files = !ls\n"
        "elapsed = %time sum(range(3))\n"
        "if files:\n"
        "    %env TF_CPP_MIN_LOG_LEVEL=2\n"
        "for name in files:\n"
        "    !echo $name \"it's\"\n"
        "keras.layers.Dense?\n"
        "??keras.Sequential\n"
        "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\n"
    )
    path = write(tmp_path, [setup, new_markdown_cell("text"), model, 'model.compile(loss="binary_crossentropy")'])
    result = lint(path)
    assert places(result, "K000") == []
    [k101] = [d for d in result.diagnostics if d.code == "K101"]
    assert (k101.cell, k101.span.line, k101.span.column) == (3, 9, 45)
    assert text_at(result, k101) == "keras.layers.Dense(1)"
    assert result.cell_sources is not None and result.cell_sources[3] == model


def test_cell_magics_that_run_other_code_are_skipped(tmp_path: Path) -> None:
    shell = '\n%%bash\necho "unbalanced\nif then fi ((('
    written = "%%writefile train.py\n" + IMPORTS + BUGGY_MODEL
    html = "%%html\n<div>(((</div>"
    path = write(tmp_path, [shell, written, html, "x = 1"])
    assert lint(path).diagnostics == []


@pytest.mark.parametrize("magic", ["%%time", "%%timeit -n 1 -r 1", "%%capture output", "%%prun -s cumulative"])
def test_the_body_of_a_timing_or_capturing_cell_is_linted(tmp_path: Path, magic: str) -> None:
    path = write(tmp_path, [IMPORTS, f"{magic}\n{BUGGY_MODEL}"])
    assert places(lint(path)) == [("K101", 2, 2, 45)]


def test_a_timed_cell_still_counts_for_numbering(tmp_path: Path) -> None:
    path = write(tmp_path, [IMPORTS, "%%time\nprint 'py2'", BUGGY_MODEL])
    assert places(lint(path), "K101") == [("K101", 3, 1, 45)]


def test_percent_and_not_equal_in_code_are_python(tmp_path: Path) -> None:
    cell = (
        IMPORTS + "epochs = 10 % 3\n"
        "ok = epochs != 2\n"
        'doc = """\n'
        "%matplotlib inline\n"
        "!rm -rf /\n"
        "files = !ls\n"
        "obj?\n"
        '"""\n'
        "print('done?')  # really?\n" + BUGGY_MODEL
    )
    result = lint(write(tmp_path, [cell]))
    assert places(result, "K101") == [("K101", 1, 11, 45)]


def test_crlf_and_list_sources_in_raw_json() -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 2,
        "metadata": {"language_info": {"name": "python"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Title\r\n", "text"]},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": [
                    "%matplotlib inline\r\n",
                    "import keras\r\n",
                    "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\r\n",
                    'model.compile(loss="binary_crossentropy")',
                ],
            },
        ],
    }
    result = lint_raw(json.dumps(notebook).encode())
    [k101] = [d for d in result.diagnostics if d.code == "K101"]
    assert (k101.cell, k101.span.line, k101.span.column) == (2, 3, 45)
    assert text_at(result, k101) == "keras.layers.Dense(1)"


def test_nbformat_v3_notebook_is_read() -> None:
    notebook = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": "old"},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "metadata": {}, "source": "Old notebook"},
                    {
                        "cell_type": "code",
                        "collapsed": False,
                        "input": ["import keras\n", BUGGY_MODEL],
                        "language": "python",
                        "metadata": {},
                        "outputs": [],
                    },
                ]
            }
        ],
    }
    assert places(lint_raw(json.dumps(notebook).encode()), "K101") == [("K101", 2, 2, 45)]


def test_noqa_in_a_cell_is_honoured(tmp_path: Path) -> None:
    cell = IMPORTS + BUGGY_MODEL.replace("Dense(1)])", "Dense(1)])  # noqa: K101")
    assert places(lint(write(tmp_path, [cell])), "K101") == []


# --- syntax errors -------------------------------------------------------------------


def test_syntax_error_points_at_its_cell(tmp_path: Path) -> None:
    path = write(tmp_path, [IMPORTS, new_markdown_cell("text"), "x = 1", "y = 2\nprint 'epoch done'\n", BUGGY_MODEL])
    result = lint(path)
    k000, k101 = result.diagnostics
    assert (k000.code, k000.cell, k000.span.line) == ("K000", 4, 2)
    assert "print" in k000.message
    assert result.line_text(2, 4) == "print 'epoch done'"
    # The other cells are still linted, as one program.
    assert (k101.code, k101.cell) == ("K101", 5)


def test_a_bracket_left_open_is_an_error_of_its_cell(tmp_path: Path) -> None:
    # Jupyter compiles each cell alone: the next cell cannot close the bracket.
    path = write(tmp_path, [IMPORTS, "model = keras.Sequential([\n    keras.layers.Dense(1),", "])"])
    opened, closed = lint(path).diagnostics
    assert (opened.code, opened.cell, opened.span.line) == ("K000", 2, 1)
    assert "never closed" in opened.message
    assert (closed.code, closed.cell, closed.span.line) == ("K000", 3, 1)


def test_an_error_at_the_end_of_a_cell_stays_in_the_cell(tmp_path: Path) -> None:
    path = write(tmp_path, [IMPORTS, "for epoch in range(3):", "    print(epoch)"])
    [k000] = lint(path).diagnostics
    assert (k000.code, k000.cell, k000.span.line) == ("K000", 2, 1)
    assert "indented block" in k000.message


def test_ignoring_k000_silences_a_broken_notebook(tmp_path: Path) -> None:
    path = write(tmp_path, [IMPORTS, "print 'x'"])
    assert lint_notebook(path.read_bytes(), "x.ipynb", Settings(ignore=("K000",))).diagnostics == []
    assert lint_raw(b"not json", select=()).diagnostics != []
    assert lint_notebook(b"not json", "x.ipynb", Settings(ignore=("K000",))).diagnostics == []


# --- files that are not (Python) notebooks -------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"import keras\n", "not JSON"),
        (b'{"cells": [', "not JSON"),
        (b"\xff\xfe{}", "UTF-8"),
        (b"{}", "no 'nbformat' version"),
        (b"[1, 2]", "no 'nbformat' version"),
        (b'{"nbformat": 5, "nbformat_minor": 0, "cells": []}', "unknown nbformat version 5"),
        (b'{"nbformat": "4", "cells": []}', "unknown nbformat version '4'"),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "cells"),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 7}', "not a valid notebook"),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}', "metadata"),
    ],
)
def test_not_a_notebook_is_one_k000(data: bytes, reason: str) -> None:
    result = lint_raw(data)
    [k000] = result.diagnostics
    assert k000.code == "K000" and k000.cell is None
    assert "not a valid notebook" in k000.message and reason in k000.message
    assert result.cell_sources is None


def test_json_error_is_located_in_the_file() -> None:
    [k000] = lint_raw(b'{\n  "nbformat": 4,\n  "cells": [,]\n}').diagnostics
    assert (k000.span.line, k000.span.column) == (3, 12)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \n",
        b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}',
        json.dumps(nbformat.v4.new_notebook()).encode(),
        json.dumps(new_notebook(cells=[new_markdown_cell("# only prose"), new_raw_cell("raw")])).encode(),
        json.dumps(new_notebook(cells=[new_code_cell(""), new_code_cell("\n\n")])).encode(),
    ],
    ids=["empty-file", "blank-file", "no-cells", "new-notebook", "markdown-only", "empty-code-cells"],
)
def test_nothing_to_check_is_no_finding(data: bytes) -> None:
    result = lint_raw(data)
    assert result.diagnostics == [] and result.cell_sources is None


@pytest.mark.parametrize(
    "metadata",
    [
        {"kernelspec": {"display_name": "R", "language": "R", "name": "ir"}, "language_info": {"name": "R"}},
        {"kernelspec": {"display_name": "Julia", "language": "julia", "name": "julia-1.10"}},
        {"language_info": {"name": "scala"}, "kernelspec": {"display_name": "?", "language": "python", "name": "x"}},
    ],
)
def test_other_languages_are_skipped(tmp_path: Path, metadata: dict[str, object]) -> None:
    path = write(tmp_path, ["library(keras)\nmodel <- keras_model_sequential()", IMPORTS + BUGGY_MODEL], metadata)
    assert lint(path).diagnostics == []


def test_missing_language_metadata_means_python(tmp_path: Path) -> None:
    path = write(tmp_path, [IMPORTS + BUGGY_MODEL], metadata={})
    assert places(lint(path), "K101") == [("K101", 1, 2, 45)]


def test_an_internal_error_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> list[Diagnostic]:
        raise RuntimeError("boom")

    monkeypatch.setattr("kast.notebook.lint_text", broken)
    result = lint_notebook((NOTEBOOKS / "buggy.ipynb").read_bytes(), "buggy.ipynb", Settings())
    assert result.internal_error is not None and "RuntimeError: boom" in result.internal_error


# --- masking, line for line ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("%matplotlib inline", "pass"),
        ("    %load_ext autoreload", "    pass"),
        ("!pip install tensorflow", "pass"),
        ("!!ls", "pass"),
        ("files = !ls", "files = ..."),
        ("a, b[0] = !echo \"it's\"", "a, b[0] = ..."),
        ("t = %time f()", "t = ..."),
        ("self.out=%sx ls", "self.out= ..."),
        ("model.fit?", "pass"),
        ("model.fit??  # help", "pass"),
        ("?model", "pass"),
        ("??model.fit", "pass"),
        ("%timeit?", "pass"),
        (",my_function a b", "pass"),
        ("/print 1", "pass"),
        ("y = a % b", None),
        ("ok = x != y", None),
        ("x %= 3", None),
        ("flag = not x", None),
        ("f(x=1)", None),
        ("print('why?')", None),
        ("x = 1  # why?", None),
        ("d = {'a': !1}", None),  # not IPython at all; left for the compiler to report
    ],
)
def test_statement_masking(line: str, masked: str | None) -> None:
    assert mask_ipython([line]) == [line if masked is None else masked]


def test_lines_inside_strings_brackets_and_continuations_are_kept() -> None:
    lines = [
        'doc = """',
        "%matplotlib inline",
        "!pip install x",
        '"""',
        "s = 'a\\",
        "%b'",
        "total = (1 +",
        "  %2)",
        "x = 1 + \\",
        "  !y",
        "%ls",
    ]
    assert mask_ipython(lines) == lines[:-1] + ["pass"]


def test_continued_magic_is_masked_whole() -> None:
    lines = ["!pip install \\", "    tensorflow \\", "    keras", "x = 1"]
    assert mask_ipython(lines) == ["pass", "", "", "x = 1"]


def test_spans_related_fixes_and_messages_are_mapped_to_cells(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Cells 1 (3 lines), 3 (2 lines) and 4 (1 line) become lines 1-3, 4-5 and 6 of the joined script.
    path = write(tmp_path, ["a = 1\nb = 2\nc = 3", new_markdown_cell("m"), "d = 4\ne = 5", "f = 6"])
    seen: list[str] = []

    def fake_lint_text(text: str, path: str, settings: Settings) -> list[Diagnostic]:
        seen.append(text)
        base = Diagnostic(path, "K101", "x", Severity.ERROR, "m", Span(1, 0, 1, 1))
        return [
            replace(
                base,
                span=Span(5, 2, 6, 3),  # runs from cell 3 into cell 4: clipped to cell 3
                related=(Related(path, Span(2, 0, 2, 5), "set here"),),
                fix=Fix("f", (Edit(Span(4, 0, 4, 1), "D"), Edit(Span(5, 0, 5, 1), "E")), safe=True),
            ),
            replace(base, span=Span(6, 0, 6, 1), fix=Fix("g", (Edit(Span(1, 0, 1, 1), "A"),), safe=True)),
            replace(base, code="K000", span=Span(6, 0, 6, 1), message="bad: '(' on line 2 and line 6"),
        ]

    monkeypatch.setattr("kast.notebook.lint_text", fake_lint_text)
    result = lint(path)
    assert seen == ["a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\n"]
    crossing, k000, other_cell_fix = sorted(result.diagnostics, key=lambda d: (d.cell or 0, d.code))
    assert (crossing.cell, crossing.span) == (3, Span(2, 2, 2, 5))
    assert [(r.cell, r.span) for r in crossing.related] == [(1, Span(2, 0, 2, 5))]
    assert crossing.fix is not None and [(e.cell, e.span.line) for e in crossing.fix.edits] == [(3, 1), (3, 2)]
    # A fix may edit another cell than its finding's (an import added to the first cell).
    assert other_cell_fix.fix is not None
    assert (other_cell_fix.cell, other_cell_fix.span.line) == (4, 1)
    assert [(e.cell, e.span) for e in other_cell_fix.fix.edits] == [(1, Span(1, 0, 1, 1))]
    assert (k000.cell, k000.span.line, k000.message) == (4, 1, "bad: '(' on line 2 of cell 1 and line 1")
    assert result.cell_sources == {1: "a = 1\nb = 2\nc = 3", 3: "d = 4\ne = 5", 4: "f = 6"}


# --- through the command line ------------------------------------------------------


def test_command_line_finds_notebooks_in_folders_and_names_the_cell(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kast.cli import main

    write(tmp_path, [IMPORTS, new_markdown_cell("# Model"), "%matplotlib inline\n" + BUGGY_MODEL])
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    concise = runner.invoke(main, ["lint", "--output-format", "concise", "."])
    assert concise.exit_code == 1
    assert concise.stdout.startswith("analysis.ipynb:cell 3:2:46: K101")
    # The cache gives back the same findings, cell included, and the source lines for `full`.
    assert runner.invoke(main, ["lint", "--output-format", "concise", "."]).stdout == concise.stdout
    full = runner.invoke(main, ["lint", "analysis.ipynb"]).stdout
    assert "analysis.ipynb:cell 3:2:46" in full and "keras.layers.Dense(1)" in full
    report = json.loads(runner.invoke(main, ["lint", "--no-cache", "--output-format", "json", "."]).stdout)
    assert [(d["code"], d["cell"], d["line"]) for d in report["diagnostics"]] == [("K101", 3, 2)]
    for output_format in ("sarif", "github", "rdjson", "gitlab", "junit", "full"):
        out = runner.invoke(main, ["lint", "--no-cache", "--output-format", output_format, "."]).stdout
        assert "cell 3" in out, output_format


# --- cells as IPython runs them ------------------------------------------------------------------


def test_a_cell_indented_as_a_whole_is_python(tmp_path: Path) -> None:
    # IPython takes the first line's indentation off every line (its leading-indent cleanup).
    cell = "\n  model = keras.Sequential([\n      keras.Input((4,)),\n      keras.layers.Dense(1),\n  ])"
    path = write(tmp_path, [IMPORTS, cell, 'model.compile(loss="binary_crossentropy")'])
    result = lint(path)
    [k101] = result.diagnostics
    assert (k101.code, k101.cell, k101.span.line, k101.span.column) == ("K101", 2, 4, 6)
    assert text_at(result, k101) == "keras.layers.Dense(1)"  # columns count in the cell as written


def test_an_indented_cell_keeps_fixes_on_one_line(tmp_path: Path) -> None:
    cell = " m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='softmax')])\n" \
           " m.compile(loss='binary_crossentropy')"
    result = lint(write(tmp_path, [IMPORTS, cell]))
    [k102] = [d for d in result.diagnostics if d.code == "K102"]
    assert k102.fix is not None
    [edit] = k102.fix.edits
    line = cell.splitlines()[0]
    assert line[edit.span.column:edit.span.end_column] == "'softmax'"


@pytest.mark.parametrize("cell", ["ls ./data/train/", "pip install -q tensorflow-hub", "cd ..", "cd /content/data",
                                  "mkdir -p logs/fit", "cat data.csv | head", "pwd", "run train.py --epochs 3",
                                  "env TF_CPP_MIN_LOG_LEVEL=2", "    ls ./data"])
def test_automagics_are_no_syntax_error(tmp_path: Path, cell: str) -> None:
    assert lint(write(tmp_path, [IMPORTS, cell, BUGGY_MODEL])).diagnostics[0].code == "K101"


@pytest.mark.parametrize(("line", "masked"), [
    ("ls ./data", "pass"),
    ("pip install keras==3.0", "pass"),
    ("cd ..", "pass"),
    ("ls = 3", None),  # an assignment: Python
    ("time (x)", None),  # a call: Python
    ("ls -la", None),  # `ls - la`: Python as written
    ("history.plot()", None),
    ("frobnicate ./data", None),  # not a magic: left for the compiler to report
])
def test_automagic_masking(line: str, masked: str | None) -> None:
    assert mask_ipython([line]) == [line if masked is None else masked]


def test_a_broken_cell_is_one_k000_and_the_others_are_still_one_program(tmp_path: Path) -> None:
    path = write(tmp_path, [
        IMPORTS,
        "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])",
        "print 'python 2'",
        new_markdown_cell("## Training"),
        "for epoch in range(3)\n    pass",
        'model.compile(loss="binary_crossentropy")',
    ])
    result = lint(path)
    assert places(result) == [("K101", 2, 1, 45), ("K000", 3, 1, 0), ("K000", 5, 1, 21)]
    [k101] = [d for d in result.diagnostics if d.code == "K101"]
    assert [(r.cell, r.span.line) for r in k101.related] == [(6, 1)]  # the compile two broken cells later


def test_top_level_await_is_ipython(tmp_path: Path) -> None:
    assert places(lint(write(tmp_path, [IMPORTS, "await asyncio.sleep(0)", BUGGY_MODEL])), "K000") == []


def test_unknown_noqa_codes_are_warnings_with_their_cell(tmp_path: Path) -> None:
    path = write(tmp_path, [IMPORTS, BUGGY_MODEL.replace("Dense(1)])", "Dense(1)])  # noqa: K199")])
    result = lint(path)
    assert places(result, "K101") == [("K101", 2, 1, 45)]
    assert result.warnings == ["analysis.ipynb:cell 2:1: unknown rule code K199 in a `# noqa` comment silences "
                               "nothing (did you mean K109?)"]


# --- real notebooks, through the command ---------------------------------------------------------


def test_a_tutorial_notebook_through_the_command(tmp_path: Path) -> None:
    """Cells as tutorials write them: magics, automagics, indented cells, timed cells, one broken cell."""
    import subprocess
    import sys

    cells = [
        new_markdown_cell("# Classify reviews"),
        "!pip install -q tensorflow-datasets",
        "pip install -q keras-tuner",
        "%load_ext tensorboard\n%matplotlib inline\nimport keras\nimport numpy as np",
        "ls ./data/train/",
        "cd data",
        " x = np.zeros((8, 4))\n y = np.zeros(8)",
        "%%time\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation='softmax')])",
        "%%capture build_log\nmodel.compile(loss='binary_crossentropy', optimizer='adam')",
        "%%bash\nfor f in *.csv; do echo $f; done",
        "print 'a python 2 cell'",
        "%%timeit -n 1\nhistory = model.fit(x, y, epochs=1)",
        "%tensorboard --logdir logs",
    ]
    write(tmp_path, cells)
    (tmp_path / "kast.toml").write_text("")
    proc = subprocess.run([sys.executable, "-m", "kast", "lint", "--no-cache", "--output-format", "json",
                           "analysis.ipynb"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    found = [(d["code"], d["cell"], d["line"]) for d in json.loads(proc.stdout)["diagnostics"]]
    assert found == [("K102", 8, 2), ("K000", 11, 1)]


def test_code_pasted_with_its_prompts_is_python(tmp_path: Path) -> None:
    classic = ">>> import keras\n>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\n" \
              '>>> model.compile(loss="binary_crossentropy")'
    session = "In [3]: import keras\nIn [4]: model = keras.Sequential([\n   ...:     keras.Input((4,)), keras.layers.Dense(1)])"
    for cell, place in ((classic, ("K101", 1, 2, 49)), (session, ("K101", 1, 3, 31))):
        result = lint(write(tmp_path, [cell, 'model.compile(loss="binary_crossentropy")']))
        assert places(result, "K101") == [place]
        assert text_at(result, result.diagnostics[0]) == "keras.layers.Dense(1)"
