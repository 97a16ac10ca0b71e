"""The Keras picture: names resolved whatever the import style, models and their
output layer, compile calls tied to the right model."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kast.analysis.interpreter import build_picture
from kast.analysis.picture import Picture, trained_outputs
from kast.analysis.values import UNKNOWN, Known
from tests.conftest import codes, lint


def picture(source: str) -> Picture:
    return build_picture(cst.parse_module(textwrap.dedent(source)), "train.py")


def only_output(source: str) -> tuple[object, object]:
    pic = picture(source)
    outputs = [o for m in pic.models for o in (m.output_layers() or ())]
    assert len(outputs) == 1, outputs
    out = outputs[0]
    units = out.units.value if isinstance(out.units, Known) else UNKNOWN
    act = out.activation.value if isinstance(out.activation, Known) else UNKNOWN
    return units, act


IMPORT_STYLES = {
    "import tensorflow as tf": "tf.keras.layers.Dense",
    "from tensorflow import keras": "keras.layers.Dense",
    "from tensorflow.keras.layers import Dense": "Dense",
    "from tensorflow.keras import layers": "layers.Dense",
    "import keras": "keras.layers.Dense",
    "from keras import layers": "layers.Dense",
    "from keras import layers as L": "L.Dense",
    "import tf_keras": "tf_keras.layers.Dense",
    "import tensorflow.keras as K": "K.layers.Dense",
    "from keras.layers import Dense as D": "D",
    "from keras.layers.core import Dense": "Dense",
    "from tensorflow.python.keras.layers import Dense": "Dense",
    "from tensorflow.keras.layers import *": "Dense",
}


@pytest.mark.parametrize(("imports", "dense"), IMPORT_STYLES.items())
def test_import_styles_resolve_the_same(imports: str, dense: str) -> None:
    source = f"""
{imports}
from keras.models import Sequential
model = Sequential([{dense}(3)])
model.compile(loss="categorical_crossentropy")
"""
    assert codes(source) == ["K101"]


def test_unrelated_dense_is_not_keras() -> None:
    source = """
from mylib import Dense, Sequential
model = Sequential([Dense(3)])
model.compile(loss="categorical_crossentropy")
"""
    assert codes(source) == []


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ('activation="sigmoid"', "sigmoid"),
        ("activation='softmax'", "softmax"),
        ("activation=None", "linear"),
        ("", "linear"),
        ('"relu"', "relu"),
        ("activation=keras.activations.softmax", "softmax"),
        ("activation=tf.nn.sigmoid", "sigmoid"),
        ("activation=tf.math.sigmoid", "sigmoid"),
        ("activation=tf.nn.softmax", "softmax"),
        ("activation=tf.sigmoid", "sigmoid"),
        ('activation="linear"', "linear"),
        ("activation=act", UNKNOWN),
        ("**kwargs", UNKNOWN),
    ],
)
def test_activation_spellings(spelling: str, expected: object) -> None:
    args = ", ".join(a for a in ("4", spelling) if a)
    source = f"""
import tensorflow as tf
from tensorflow import keras
model = keras.Sequential([keras.layers.Dense({args})])
"""
    assert only_output(source) == (4, expected)


def test_activation_layer_and_softmax_layer_follow_the_dense() -> None:
    assert only_output("""
import keras
model = keras.Sequential([keras.layers.Dense(1), keras.layers.Activation("sigmoid")])
""") == (1, "sigmoid")
    assert only_output("""
import keras
model = keras.Sequential([keras.layers.Dense(5), keras.layers.Softmax(), keras.layers.Dropout(0.2)])
""") == (5, "softmax")


@pytest.mark.parametrize(
    ("units", "prelude", "expected"),
    [
        ("10", "", 10),
        ("N", "N = 7", 7),
        ("N - 1", "N = 3", 2),
        ("N * 2", "N = 3", 6),
        ("units=N", "N = 4", 4),
        ("N", "N = load()", UNKNOWN),
        ("N", "N = 3\nN += 1", UNKNOWN),
    ],
)
def test_units_resolution(units: str, prelude: str, expected: object) -> None:
    source = f"""
import keras
{prelude}
model = keras.Sequential([keras.layers.Dense({units}, activation="softmax")])
"""
    assert only_output(source) == (expected, "softmax")


def test_sequential_add_and_loop() -> None:
    assert only_output("""
import keras
model = keras.Sequential()
model.add(keras.Input((4,)))
for width in [64, 32]:
    model.add(keras.layers.Dense(width, activation="relu"))
model.add(keras.layers.Dense(1, activation="sigmoid"))
""") == (1, "sigmoid")


def test_last_layer_added_in_a_loop_is_unknown() -> None:
    pic = picture("""
import keras
model = keras.Sequential()
for spec in config["layers"]:
    model.add(keras.layers.Dense(spec["units"]))
""")
    assert pic.models[0].output_layers() is None


def test_last_layer_chosen_by_a_branch_is_unknown_unless_the_test_is_constant() -> None:
    unknown = """
import keras
model = keras.Sequential()
if args.binary:
    model.add(keras.layers.Dense(1, activation="sigmoid"))
else:
    model.add(keras.layers.Dense(3, activation="softmax"))
"""
    assert picture(unknown).models[0].output_layers() is None
    constant = """
import keras
N_CLASSES = 2
model = keras.Sequential()
if N_CLASSES == 2:
    model.add(keras.layers.Dense(1, activation="sigmoid"))
else:
    model.add(keras.layers.Dense(N_CLASSES, activation="softmax"))
"""
    assert only_output(constant) == (1, "sigmoid")


def test_functional_api_through_layers() -> None:
    assert only_output("""
import keras
from keras import layers
inputs = keras.Input(shape=(8,))
x = layers.Dense(16, activation="relu")(inputs)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
""") == (3, "softmax")


def test_builder_function_bound_at_call_site() -> None:
    assert only_output("""
import tensorflow as tf
def build_model(n_classes, activation="softmax"):
    model = tf.keras.Sequential([tf.keras.layers.Dense(n_classes, activation=activation)])
    return model
model = build_model(5)
""") == (5, "softmax")


def test_builder_function_never_called_is_analysed_with_unknown_arguments() -> None:
    source = """
import tensorflow as tf
def build_model(n_classes):
    model = tf.keras.Sequential([tf.keras.layers.Dense(n_classes)])
    model.compile(loss="sparse_categorical_crossentropy")
    return model
"""
    assert codes(source) == ["K101"]


def test_subclassed_model_call_returns_a_layer_of_self() -> None:
    assert only_output("""
import keras
class Classifier(keras.Model):
    def __init__(self, n):
        super().__init__()
        self.hidden = keras.layers.Dense(32, activation="relu")
        self.head = keras.layers.Dense(n)
    def call(self, inputs):
        return self.head(self.hidden(inputs))
model = Classifier(10)
""") == (10, "linear")


def test_compile_tied_to_the_model_through_rebinding() -> None:
    pic = picture("""
import keras
model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy")
first = model
model = keras.Sequential([keras.layers.Dense(4)])
model.compile(loss="mse")
first.compile(loss="mse")
""")
    by_model = [(m.kind, [c.loss.name for c in m.compiles]) for m in pic.models]  # type: ignore[attr-defined]
    assert by_model == [("sequential", ["binary_crossentropy", "mean_squared_error"]),
                        ("sequential", ["mean_squared_error"])]


@pytest.mark.parametrize(
    ("loss", "name", "from_logits"),
    [
        ('"bce"', "binary_crossentropy", False),
        ('"BinaryCrossentropy"', "binary_crossentropy", False),
        ("keras.losses.binary_crossentropy", "binary_crossentropy", False),
        ("keras.losses.BinaryCrossentropy()", "binary_crossentropy", False),
        ("keras.losses.BinaryCrossentropy(from_logits=True)", "binary_crossentropy", True),
        ("keras.losses.BinaryCrossentropy(True)", "binary_crossentropy", True),
        ("keras.losses.SparseCategoricalCrossentropy(from_logits=flag)", "sparse_categorical_crossentropy", None),
        ("loss_fn", "categorical_crossentropy", True),
        ('"kld"', "kl_divergence", False),
        ('"mse"', "mean_squared_error", False),
    ],
)
def test_loss_spellings(loss: str, name: str, from_logits: bool | None) -> None:
    pic = picture(f"""
import keras
loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
model = keras.Sequential([keras.layers.Dense(2)])
model.compile(optimizer="adam", loss={loss})
""")
    trained = trained_outputs(pic)
    assert len(trained) == 1
    assert trained[0].loss.name == name
    assert trained[0].from_logits is from_logits


def test_loss_per_output_by_dict_and_list() -> None:
    source = """
import keras
inp = keras.Input((3,))
h = keras.layers.Dense(8)(inp)
score = keras.layers.Dense(1, name="score")(h)
kind = keras.layers.Dense(3, activation="softmax", name="kind")(h)
model = keras.Model(inp, [score, kind])
model.compile(loss={"score": "mse", "kind": "categorical_crossentropy"})
model.compile(loss=["binary_crossentropy", "categorical_crossentropy"])
model.compile(loss={"score": "binary_crossentropy", unknown_key: "mse"})
"""
    pairs = [(t.output.name.value, t.loss.name) for t in trained_outputs(picture(source))]  # type: ignore[union-attr]
    assert pairs == [("score", "mean_squared_error"), ("kind", "categorical_crossentropy"),
                     ("score", "binary_crossentropy"), ("kind", "categorical_crossentropy")]
    assert codes(source) == ["K101"]


def test_several_models_in_one_file_are_judged_separately() -> None:
    source = """
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential
detector = Sequential([Dense(8, activation="relu"), Dense(1, activation="sigmoid")])
detector.compile(loss="binary_crossentropy")
classifier = Sequential([Dense(8, activation="relu"), Dense(5)])
classifier.compile(loss="categorical_crossentropy")
"""
    found = [(d.code, d.span.line) for d in lint(source)]
    assert found == [("K101", 6)]  # the classifier's Dense(5), not the detector


def test_loaded_or_unknown_models_stay_silent() -> None:
    source = """
import keras
model = keras.models.load_model("model.keras")
model.compile(loss="binary_crossentropy")
other = get_model()
other.compile(loss="binary_crossentropy")
"""
    assert codes(source) == []


def test_tensorflow_reexports_of_keras_modules() -> None:
    source = """
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=tf.optimizers.Adam(lr=0.01), loss=tf.losses.BinaryCrossentropy(from_logits=True))
"""
    assert sorted(codes(source)) == ["K106", "K501"]


@settings(max_examples=300)
@given(st.text(), st.sampled_from(["", "r", "u", "R", "U", "b", "f", "rb"]), st.sampled_from(['"', "'", '"""', "'''"]))
def test_a_plain_string_literal_is_read_as_python_reads_it(text: str, prefix: str, quote: str) -> None:
    from kast.analysis.interpreter import _plain_string

    try:
        node = cst.parse_expression(prefix + quote + text + quote)
    except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
        return
    if type(node) is not cst.SimpleString:
        return
    try:
        expected = node.evaluated_value
    except Exception:  # noqa: BLE001 - not a valid literal: nothing to compare
        return
    got = _plain_string(node)
    assert got is None or got == expected


def test_linting_leaves_no_cycles_holding_the_syntax_tree() -> None:
    """Scopes, models and estimators are released: the tree is freed without the cyclic collector."""
    import gc
    from pathlib import Path

    from kast.config import Settings
    from kast.api import lint_source as lint_bytes

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for path in sorted(fixtures.glob("*.py")):
            lint_bytes(path.read_bytes(), path.name, Settings())
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, cst.CSTNode)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


@pytest.mark.parametrize(("word", "fires"), [("return", True), ("yield", False)])
def test_a_builder_that_yields_is_a_generator_not_a_model(word: str, fires: bool) -> None:
    source = f"""\
        import keras
        from keras import layers

        def build():
            {word} keras.Sequential([layers.Input((4,)), layers.Dense(1)])

        model = build()
        model.compile(optimizer="adam", loss="binary_crossentropy")
        """
    assert ("K101" in codes(source)) is fires
