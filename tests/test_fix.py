"""Fixes: before/after strings per rule, safety, the fixed-point loop, reverts, and `kast fix` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kast.cli import main
from kast.config import Settings
from kast.core import lint_text
from kast.parse import parse
from kast.diagnostics import Diagnostic, Edit, Fix, Severity, Span
from kast.fix import apply_edits, fix_text
from kast.rules import RULES

HEAD = "import keras\nfrom keras import layers\n"


def fixed(source: str, unsafe: bool = True, select: tuple[str, ...] = ("ALL",)) -> str:
    return fix_text(textwrap.dedent(source), "train.py", Settings(select=select), unsafe).text


CASES = {
    "K102 softmax on one unit -> sigmoid (keeps the quotes)": (
        HEAD + "m = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation='softmax')])\n"
               "m.compile(loss='binary_crossentropy')\n",
        HEAD + "m = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation='sigmoid')])\n"
               "m.compile(loss='binary_crossentropy')\n",
    ),
    "K102 through an Activation layer and tf.nn": (
        "import tensorflow as tf\n"
        "m = tf.keras.Sequential([tf.keras.layers.Dense(1), tf.keras.layers.Activation(tf.nn.softmax)])\n",
        "import tensorflow as tf\n"
        "m = tf.keras.Sequential([tf.keras.layers.Dense(1), tf.keras.layers.Activation(tf.nn.sigmoid)])\n",
    ),
    "K103 categorical class -> binary class, arguments kept": (
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "m.compile(loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1))\n",
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "m.compile(loss=keras.losses.BinaryCrossentropy(label_smoothing=0.1))\n",
    ),
    "K501 lr= -> learning_rate=": (
        HEAD + "opt = keras.optimizers.Adam(lr=1e-3, beta_1=0.9)  # tuned\n",
        HEAD + "opt = keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9)  # tuned\n",
    ),
    "K101 adds the activation to a multi-line layer": (
        HEAD + "m = keras.Sequential([\n    keras.Input((4,)),\n    layers.Dense(\n        3,\n    ),\n])\n"
               "m.compile(loss='sparse_categorical_crossentropy')\n",
        HEAD + "m = keras.Sequential([\n    keras.Input((4,)),\n    layers.Dense(\n        3,\n"
               "        activation=\"softmax\",\n    ),\n])\n"
               "m.compile(loss='sparse_categorical_crossentropy')\n",
    ),
    "K106 drops from_logits=True": (
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "m.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))\n",
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "m.compile(loss=keras.losses.BinaryCrossentropy())\n",
    ),
    "K104 binary -> categorical loss": (
        HEAD + "m = keras.Sequential([layers.Dense(3, activation='softmax')])\nm.compile(loss='binary_crossentropy')\n",
        HEAD + "m = keras.Sequential([layers.Dense(3, activation='softmax')])\n"
               "m.compile(loss='categorical_crossentropy')\n",
    ),
    "K105 sigmoid with integer labels -> softmax": (
        HEAD + "m = keras.Sequential([layers.Dense(3, activation='sigmoid')])\n"
               "m.compile(loss='sparse_categorical_crossentropy')\n",
        HEAD + "m = keras.Sequential([layers.Dense(3, activation='softmax')])\n"
               "m.compile(loss='sparse_categorical_crossentropy')\n",
    ),
    "K107 relu output -> sigmoid": (
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='relu')])\nm.compile(loss='binary_crossentropy')\n",
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "m.compile(loss='binary_crossentropy')\n",
    ),
    "K403 misspelt name": (
        HEAD + "m = keras.Sequential([layers.Dense(3, activation='sofmax')])\n",
        HEAD + "m = keras.Sequential([layers.Dense(3, activation='softmax')])\n",
    ),
    "K201 fit_transform on test -> transform": (
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"
        "import keras\nX_train, X_test, y_train, y_test = train_test_split(X, y)\nscaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.fit_transform(X_test)\n",
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"
        "import keras\nX_train, X_test, y_train, y_test = train_test_split(X, y)\nscaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)\n",
    ),
    "K203 predict input wrapped in the fitted scaler": (
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"
        "import keras\nX_train, X_test, y_train, y_test = train_test_split(X, y)\nscaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\n"
        "model = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(loss='binary_crossentropy')\nmodel.fit(X_train, y_train)\np = model.predict(X_test)\n",
        "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n"
        "import keras\nX_train, X_test, y_train, y_test = train_test_split(X, y)\nscaler = StandardScaler()\n"
        "X_train = scaler.fit_transform(X_train)\n"
        "model = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(loss='binary_crossentropy')\nmodel.fit(X_train, y_train)\n"
        "p = model.predict(scaler.transform(X_test))\n",
    ),
    "K304 predict_classes on softmax -> np.argmax, numpy imported": (
        HEAD + "m = keras.Sequential([layers.Dense(3, activation='softmax')])\nlabels = m.predict_classes(x)\n",
        "import keras\nfrom keras import layers\nimport numpy as np\n"
        "m = keras.Sequential([layers.Dense(3, activation='softmax')])\n"
        "labels = np.argmax(m.predict(x), axis=-1)\n",
    ),
    "K304 predict_classes on sigmoid -> threshold": (
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\nlabels = m.predict_classes(x)\n",
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "labels = (m.predict(x) > 0.5).astype(\"int32\")\n",
    ),
    "K304 fit_generator -> fit": (
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "m.fit_generator(gen, steps_per_epoch=10, validation_data=val)\n",
        HEAD + "m = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
               "m.fit(gen, steps_per_epoch=10, validation_data=val)\n",
    ),
}


@pytest.mark.parametrize(("before", "after"), CASES.values(), ids=list(CASES))
def test_fix_before_after(before: str, after: str) -> None:
    assert fixed(before) == after
    assert fixed(after) == after


def test_numpy_import_is_not_added_twice() -> None:
    source = "import numpy as np\n" + CASES["K304 predict_classes on softmax -> np.argmax, numpy imported"][0]
    assert fixed(source).count("import numpy") == 1
    assert "np.argmax(m.predict(x), axis=-1)" in fixed(source)


def test_safe_only_without_unsafe_fixes() -> None:
    source = HEAD + ("m = keras.Sequential([layers.Dense(1)])\n"  # K101: unsafe
                     "m.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(lr=0.1))\n")  # K501: safe
    result = fixed(source, unsafe=False)
    assert "learning_rate=0.1" in result and "layers.Dense(1)" in result
    assert 'activation="sigmoid"' in fixed(source, unsafe=True)


def test_a_fix_that_breaks_the_parse_is_reverted(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "import keras\nx = 1\ny = 2\n"

    def fake_lint(source: str, path: str, settings: Settings, data: bytes | None = None) -> list[Diagnostic]:
        if "x = 1" not in source:
            return []
        good = Fix("good", (Edit(Span(3, 4, 3, 5), "3"),), True)
        bad = Fix("bad", (Edit(Span(2, 0, 2, 1), "x ="),), True)
        base = Diagnostic("t.py", "K101", "n", Severity.ERROR, "m", Span(2, 0, 2, 1))
        return [base.__class__(**{**_fields(base), "fix": bad}),
                base.__class__(**{**_fields(base), "span": Span(3, 0, 3, 1), "fix": good})]

    monkeypatch.setattr("kast.core.lint_text", fake_lint)
    outcome = fix_text(text, "t.py", Settings())
    assert outcome.text == "import keras\nx = 1\ny = 3\n"
    assert len(outcome.reverted) == 1 and "would not parse" in outcome.reverted[0]


def _fields(d: Diagnostic) -> dict[str, object]:
    return {name: getattr(d, name) for name in d.__dataclass_fields__}


def test_apply_edits_rejects_overlaps_and_handles_crlf() -> None:
    assert apply_edits("a\r\nbc\r\n", [Edit(Span(2, 1, 2, 2), "X")]) == "a\r\nbX\r\n"
    with pytest.raises(ValueError):
        apply_edits("abc", [Edit(Span(1, 0, 1, 2), "x"), Edit(Span(1, 1, 1, 3), "y")])


FIXABLE_EXAMPLES = [(rule.code, index, source) for rule in RULES if not rule.runtime
                    for index, source in enumerate(rule.fires)
                    if any(d.fix for d in lint_text(source, "t.py", Settings(select=("ALL",))) if d.code == rule.code)]


@pytest.mark.parametrize(("code", "index", "source"), FIXABLE_EXAMPLES,
                         ids=[f"{c}-{i}" for c, i, _ in FIXABLE_EXAMPLES])
def test_every_fix_removes_its_finding_and_adds_none(code: str, index: int, source: str) -> None:
    settings = Settings()
    before = lint_text(source, "t.py", settings)
    outcome = fix_text(source, "t.py", settings, unsafe=True)
    parse(outcome.text)
    after = lint_text(outcome.text, "t.py", settings)
    assert not any(d.fix for d in after), after
    # Nothing new: what remains was there before, unfixable (a fix may also settle another finding).
    unfixable_before = [d.code for d in before if not d.fix]
    assert all(unfixable_before.count(code) >= [d.code for d in after].count(code) for code in {d.code for d in after})
    assert fix_text(outcome.text, "t.py", settings, unsafe=True).text == outcome.text


def test_fixable_rules_document_fix_safety() -> None:
    fixable = {code for code, _, _ in FIXABLE_EXAMPLES}
    assert {"K101", "K102", "K103", "K104", "K105", "K106", "K107", "K201", "K203", "K304", "K403",
            "K501"} <= fixable
    for rule in RULES:
        assert ("## Fix safety" in rule.doc) == (rule.code in fixable), rule.code


# ------------------------------------------------------------------ command line


BUGGY = HEAD + ("m = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation='softmax')])  # head\n"
                "m.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(lr=0.1))\n")
BUGGY_FIXED = BUGGY.replace("'softmax'", "'sigmoid'").replace("lr=0.1", "learning_rate=0.1")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text(BUGGY)
    return tmp_path


def test_kast_fix_writes_safe_fixes_and_reports_what_remains(project: Path) -> None:
    result = CliRunner().invoke(main, ["fix", "--no-cache", "--output-format", "concise", "train.py"])
    assert (project / "train.py").read_text() == BUGGY_FIXED
    assert result.exit_code == 0 and "fixed 2 problems in 1 file" in result.stderr
    again = CliRunner().invoke(main, ["fix", "--no-cache", "train.py"])
    assert again.exit_code == 0 and (project / "train.py").read_text() == BUGGY_FIXED


def test_lint_fix_and_exit_non_zero_on_fix(project: Path) -> None:
    result = CliRunner().invoke(main, ["lint", "--fix", "--exit-non-zero-on-fix", "--no-cache", "train.py"])
    assert result.exit_code == 1 and (project / "train.py").read_text() == BUGGY_FIXED


def test_diff_prints_and_writes_nothing(project: Path) -> None:
    result = CliRunner().invoke(main, ["fix", "--diff", "--no-cache", "train.py"])
    assert result.exit_code == 1
    assert "-m = keras.Sequential" in result.stdout and "+m.compile(loss='binary_crossentropy', optimizer=keras" \
        ".optimizers.Adam(learning_rate=0.1))" in result.stdout
    assert (project / "train.py").read_text() == BUGGY


def test_fix_keeps_a_latin1_file_latin1(project: Path) -> None:
    source = "# -*- coding: latin-1 -*-\n# café\n" + BUGGY
    (project / "train.py").write_bytes(source.encode("latin-1"))
    CliRunner().invoke(main, ["fix", "--no-cache", "train.py"])
    assert (project / "train.py").read_bytes().decode("latin-1") == "# -*- coding: latin-1 -*-\n# café\n" + BUGGY_FIXED


def test_fix_from_stdin_prints_the_fixed_source(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kast", "fix", "-", "--stdin-filename", "train.py"], input=BUGGY,
                          capture_output=True, text=True, cwd=tmp_path, env={**os.environ})
    assert proc.returncode == 0 and proc.stdout == BUGGY_FIXED


def test_notebook_is_fixed_in_place_keeping_outputs_and_metadata(project: Path) -> None:
    notebook = new_notebook(cells=[
        new_markdown_cell("# Churn"),
        new_code_cell("%matplotlib inline\nimport keras\nfrom keras import layers"),
        new_code_cell("m = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation='softmax')])\n"
                      "m.compile(loss='binary_crossentropy')",
                      outputs=[new_output("stream", name="stdout", text="built\n")], execution_count=7),
    ], metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
                 "custom": {"keep": True}})
    nbformat.write(notebook, project / "churn.ipynb")
    result = CliRunner().invoke(main, ["fix", "--no-cache", "churn.ipynb"])
    assert result.exit_code == 0, result.output
    after = nbformat.read(project / "churn.ipynb", as_version=4)
    assert after.cells[1].source == "%matplotlib inline\nimport keras\nfrom keras import layers"
    assert "activation='sigmoid'" in after.cells[2].source
    assert after.cells[2].outputs[0]["text"] == "built\n" and after.cells[2].execution_count == 7
    assert after.metadata["custom"] == {"keep": True}
    report = json.loads(CliRunner().invoke(main, ["lint", "--no-cache", "--output-format", "json",
                                                  "churn.ipynb"]).stdout)
    assert report["diagnostics"] == []


def _notebook_json(cells: list[dict[str, object]], indent: int) -> str:
    """A notebook as another writer lays it out: `indent` spaces, keys in its own order, non-ASCII kept."""
    notebook = {"cells": cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"},
                                             "note": "données ✓"},
                "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook, indent=indent, ensure_ascii=False) + "\n"


def _code_cell(lines: list[str], outputs: list[object] | None = None) -> dict[str, object]:
    return {"cell_type": "code", "execution_count": 3, "id": "c0ffee", "metadata": {"tags": ["keep"]},
            "outputs": outputs or [], "source": lines}


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_notebook_fix_changes_only_the_edited_lines(project: Path, indent: int) -> None:
    model = [
        "m = keras.Sequential([\n",
        "    keras.Input((4,)),\n",
        "    layers.Dense(1, activation='softmax'),  # one unit\n",
        "])\n",
        "m.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(lr=0.1))",
    ]
    plot = {"data": {"image/png": "iVBORw0KGgo" * 200, "text/plain": ["<Figure size 640x480>"]},
            "metadata": {}, "output_type": "display_data"}
    before = _notebook_json([
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Churn ✓\n", "text"]},
        _code_cell(["%matplotlib inline\n", "import keras\n", "from keras import layers"]),
        _code_cell(model, outputs=[plot]),
        _code_cell(["print('done')"]),
    ], indent)
    (project / "churn.ipynb").write_text(before, encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "--no-cache", "churn.ipynb"])
    assert result.exit_code == 0, result.output
    after = (project / "churn.ipynb").read_text(encoding="utf-8")
    import difflib

    changed = [line[0] + line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines())
               if line[:1] in "+-"]
    pad = " " * (4 * indent)  # top-level key, cell, cell key, source line
    assert changed == [
        f"-{pad}\"    layers.Dense(1, activation='softmax'),  # one unit\\n\",",
        f"+{pad}\"    layers.Dense(1, activation='sigmoid'),  # one unit\\n\",",
        f"-{pad}\"m.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(lr=0.1))\"",
        f"+{pad}\"m.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(learning_rate=0.1))\"",
    ]
    assert nbformat.reads(after, as_version=4).cells[2].outputs[0]["data"]["image/png"] == "iVBORw0KGgo" * 200


def test_notebook_fix_of_a_string_source_and_a_new_line(project: Path) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": "import keras\nfrom keras import layers\n"
                        "m = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation='softmax')])\n"
                        "m.compile(loss='categorical_crossentropy')\np = m.predict_classes(x)"}]
    before = _notebook_json(cells, 2)
    (project / "strings.ipynb").write_text(before, encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "--no-cache", "strings.ipynb"])
    assert result.exit_code in (0, 1), result.output
    after = (project / "strings.ipynb").read_text(encoding="utf-8")
    source = json.loads(after)["cells"][0]["source"]
    assert isinstance(source, str) and "predict_classes" not in source and "np.argmax" in source
    assert json.dumps({**json.loads(after), "cells": None}, indent=2) == json.dumps({**json.loads(before),
                                                                                      "cells": None}, indent=2)
    assert after.splitlines()[:3] == before.splitlines()[:3]
