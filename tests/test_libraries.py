"""Library knowledge lives in kast/libraries, once: the interpreter, rules, fixes and verifier read it there."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest

from kast import libraries
from kast.analysis.interpreter import build_picture
from kast.analysis.models import ACTIVATION, IDENTITY, WIDTH, Layer
from kast.libraries import imblearn, sklearn
from kast.libraries.keras import layers, losses, metrics, models

KAST = Path(libraries.__file__).resolve().parent.parent
LIBRARY_PACKAGES = ("keras", "tensorflow", "tf_keras", "sklearn", "imblearn", "numpy", "pandas", "scipy", "cv2",
                    "PIL", "sklearn_pandas")
# Methods of Python's own containers: Python semantics, which the interpreter does model.
PYTHON_NAMES = set(dir(list)) | set(dir(dict)) | set(dir(set)) | set(dir(str)) | set(dir(__builtins__))


def _library_names() -> set[str]:
    names: set[str] = set(layers.LAYERS) | set(losses.LOSSES) | set(metrics.METRICS) | set(models.METHOD_ROLES)
    for row in losses.LOSSES.values():
        names.update(row.names)
        if row.cls:
            names.add(row.cls)
    for table in libraries.METHODS.values():
        names.update(table)
    for qualname in (*sklearn.ESTIMATORS, *imblearn.ESTIMATORS):
        names.add(qualname.rsplit(".", 1)[1])
    return names - PYTHON_NAMES


LIBRARY_NAMES = _library_names()


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_the_interpreter_holds_no_library_names() -> None:
    tree = ast.parse((KAST / "analysis" / "interpreter.py").read_text())
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    found = [n.value for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
             and (n.value in LIBRARY_NAMES or n.value.split(".", 1)[0] in LIBRARY_PACKAGES)]
    assert found == []


def _collections_outside_libraries() -> list[tuple[Path, int, list[str]]]:
    found = []
    for path in sorted(KAST.rglob("*.py")):
        if "libraries" in path.relative_to(KAST).parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
                items = node.elts
            elif isinstance(node, ast.Dict):
                items = [k for k in node.keys if k is not None]
            else:
                continue
            named = [n.value for n in items if isinstance(n, ast.Constant) and isinstance(n.value, str)
                     and n.value in LIBRARY_NAMES]
            if len(named) >= 2:
                found.append((path.relative_to(KAST), node.lineno, named))
    return found


def test_lists_of_layers_losses_metrics_and_model_methods_exist_once() -> None:
    """No module outside kast/libraries keeps its own list of library names: rules, fixes and the
    verifier read the tables."""
    assert _collections_outside_libraries() == []


def test_the_layer_roles_come_from_the_table() -> None:
    module = cst.parse_module("""
import keras
from keras import layers
model = keras.Sequential([layers.Dense(4), layers.Softmax(), layers.Dropout(0.2), layers.MyCustomLayer()])
""")
    picture = build_picture(module, "t.py")
    roles = {layer.kind: layer.role for layer in picture.layers}
    assert roles["Dense"] == WIDTH and roles["Softmax"] == ACTIVATION and roles["Dropout"] == IDENTITY
    assert roles["MyCustomLayer"] == layers.row("MyCustomLayer").role  # unknown layers: OTHER
    assert all(isinstance(layer, Layer) for layer in picture.layers)


@pytest.mark.parametrize("qualname", [
    "tensorflow.keras.layers.Dense", "tf_keras.layers.Dense", "keras.src.layers.core.dense.Dense",
    "keras.layers.core.Dense",
])
def test_every_import_style_finds_the_same_row(qualname: str) -> None:
    assert libraries.canonical(qualname) == "keras.layers.Dense"
    assert libraries.function(libraries.canonical(qualname)) == libraries.function("keras.layers.Dense")


def test_moved_modules_resolve_to_their_current_names() -> None:
    assert libraries.canonical("sklearn.cross_validation.train_test_split") == \
        "sklearn.model_selection.train_test_split"


def test_teaching_kast_a_function_is_one_row() -> None:
    """A row added to a library's table is all the interpreter needs."""
    from kast.analysis import lineage
    from kast.libraries import common, numpy
    from tests.conftest import codes

    source = """
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(np.load("x.npy"), np.load("y.npy"))
scaler = StandardScaler().fit(X_train)
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
model.fit(scaler.transform(X_train), y_train)
model.predict(np.made_up_copy(X_test))
"""
    assert "K203" not in codes(source)  # kast does not know np.made_up_copy: it stays silent
    numpy.FUNCTIONS["numpy.made_up_copy"] = common.effect(lineage.KEEP)
    libraries.FUNCTIONS["numpy.made_up_copy"] = numpy.FUNCTIONS["numpy.made_up_copy"]
    libraries._FOUND.pop("numpy.made_up_copy", None)
    try:
        assert "K203" in codes(source)
    finally:
        del numpy.FUNCTIONS["numpy.made_up_copy"], libraries.FUNCTIONS["numpy.made_up_copy"]
        libraries._FOUND.pop("numpy.made_up_copy", None)


def test_method_tables_do_not_disagree() -> None:
    """Two libraries may describe a method of the same name on data (`copy`), but the same way."""
    seen: dict[tuple[type, str], object] = {}
    for library in libraries.LIBRARIES:
        for kind, table in getattr(library, "METHODS", {}).items():
            for name, hook in table.items():
                if (kind, name) in seen and kind is not object:
                    assert seen[(kind, name)] is hook or name in ("fit",), (library.__name__, name)
                seen[(kind, name)] = hook
