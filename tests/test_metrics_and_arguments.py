"""K404, K405, K506 and K507: the idioms that must stay silent, the fixes, and `kast fix` over the labelled cases."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import codes, lint

CASES = Path(__file__).resolve().parents[2] / "shared" / "cases"
LOGITS = """
import keras
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=[{metric}])
"""


@pytest.mark.parametrize(("metric", "fires"), [
    ('"accuracy"', True),
    ('"binary_accuracy"', True),
    ("keras.metrics.BinaryAccuracy()", True),
    ("keras.metrics.BinaryAccuracy(threshold=0.5)", True),
    ("keras.metrics.BinaryAccuracy(threshold=0)", False),
    ("keras.metrics.AUC()", True),
    ("keras.metrics.AUC(from_logits=True)", False),
    ("keras.metrics.Recall()", True),
    ("keras.metrics.Recall(thresholds=[0.0])", False),
    ("keras.metrics.TruePositives(thresholds=0.0)", False),
    ("keras.metrics.AUC(from_logits=FROM_CONFIG)", False),
    ('"mae"', False),
])
def test_k404_metrics_on_logits(metric: str, fires: bool) -> None:
    assert ("K404" in codes(LOGITS.format(metric=metric))) is fires


@pytest.mark.parametrize(("before", "after"), [
    ("keras.metrics.BinaryAccuracy()", "keras.metrics.BinaryAccuracy(threshold=0.0)"),
    ("keras.metrics.AUC(curve='PR')", "keras.metrics.AUC(curve='PR', from_logits=True)"),
    ("keras.metrics.Precision(thresholds=0.5)", "0.0"),
])
def test_k404_fix(before: str, after: str) -> None:
    diagnostics = [d for d in lint(LOGITS.format(metric=before)) if d.code == "K404"]
    assert len(diagnostics) == 1 and diagnostics[0].fix is not None and diagnostics[0].fix.safe
    assert diagnostics[0].fix.edits[0].replacement == after


def test_k404_no_fix_for_a_metric_built_elsewhere_or_a_string() -> None:
    source = """
import keras
auc = keras.metrics.AUC()
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=[auc, "accuracy"])
"""
    found = [d for d in lint(source) if d.code == "K404"]
    assert len(found) == 2 and all(d.fix is None for d in found)


def test_k405_fixes_name_the_sparse_metric() -> None:
    source = """
import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", metrics=["categorical_accuracy", keras.metrics.CategoricalAccuracy()])
"""
    found = [d for d in lint(source) if d.code == "K405"]
    assert [d.fix.edits[0].replacement for d in found if d.fix] == ['"sparse_categorical_accuracy"',
                                                                     "SparseCategoricalAccuracy"]


def test_k405_silent_on_integer_labels_with_the_sparse_metric_and_on_one_hot() -> None:
    assert "K405" not in codes("""
import keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy", "accuracy"])
""")


@pytest.mark.parametrize(("weights", "fires"), [
    ('{"cat": 1.0, "dog": 3.0}', True),
    ("{0: 1.0, 1: 3.0}", False),
    ("{1: 1.0, 2: 3.0}", True),
    ("dict(zip(['cat', 'dog'], w))", True),
    ("dict(zip(range(2), w))", False),
    ("dict(enumerate(w))", False),
    ("weights_from_somewhere()", False),
])
def test_k506_keys(weights: str, fires: bool) -> None:
    source = f"""
import keras
model = keras.Sequential([keras.layers.Dense(2, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy")
model.fit(X, y, class_weight={weights})
"""
    assert ("K506" in codes(source)) is fires


def test_k507_one_finding_per_call_with_every_old_argument_and_a_rename_fix() -> None:
    source = """
from keras.layers import Dense
layer = Dense(output_dim=64, init="uniform", W_regularizer=reg)
"""
    found = [d for d in lint(source) if d.code == "K507"]
    assert len(found) == 1
    for name in ("output_dim", "init", "W_regularizer", "units", "kernel_initializer", "kernel_regularizer"):
        assert name in found[0].message
    assert found[0].fix is not None and found[0].fix.safe
    assert sorted(e.replacement for e in found[0].fix.edits) == ["kernel_initializer", "kernel_regularizer", "units"]


def test_k507_and_k501_on_one_optimizer_call_are_two_codes_without_repeats() -> None:
    diagnostics = lint("""
import keras
opt = keras.optimizers.Adam(lr=1e-3)
""")
    assert [d.code for d in diagnostics if d.code in ("K501", "K507")] == ["K501"]


def test_k507_metrics_string_is_wrapped_in_a_list() -> None:
    found = [d for d in lint("""
import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", metrics="accuracy")
""") if d.code == "K507"]
    assert len(found) == 1 and found[0].fix is not None
    assert found[0].fix.edits[0].replacement == '["accuracy"]'


def test_k507_removed_in_keras3_without_a_rename() -> None:
    found = [d for d in lint("""
import keras
model = keras.Sequential([keras.layers.LSTM(32, batch_input_shape=(32, 10, 8))])
""") if d.code == "K507"]
    assert len(found) == 1 and found[0].fix is None and "removed in Keras 3" in found[0].message


@pytest.mark.slow
def test_kast_fix_on_the_cases_leaves_no_fixable_k404_k405_k507_and_no_new_finding(tmp_path: Path) -> None:
    if not CASES.is_dir():
        pytest.skip("the labelled cases are not beside this checkout")
    work = tmp_path / "cases"
    shutil.copytree(CASES, work, ignore=shutil.ignore_patterns(".kast_cache"))
    command = [sys.executable, "-m", "kast"]

    def findings() -> list[dict[str, object]]:
        out = subprocess.run([*command, "lint", "--no-cache", "--output-format", "json", str(work)],
                             capture_output=True, text=True, check=False)
        return json.loads(out.stdout)["diagnostics"]

    before = findings()
    subprocess.run([*command, "fix", "--no-cache", "--select", "K404,K405,K507", str(work)], capture_output=True,
                   check=False)
    after = findings()
    assert not [d for d in after if d["code"] in ("K404", "K405", "K507") and d["fix"] is not None]
    old = {(d["path"], d["code"]) for d in before}
    assert [d for d in after if (d["path"], d["code"]) not in old] == []
    assert len([d for d in after if d["code"] in ("K404", "K405", "K507")]) < \
        len([d for d in before if d["code"] in ("K404", "K405", "K507")])
