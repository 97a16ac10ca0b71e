"""Tricky cases of K304, K401-K403 and K501-K505 beyond each rule's own examples."""

from __future__ import annotations

import pytest

from kast.diagnostics import Diagnostic
from kast.rules import RULES
from kast.rules.unknown_keras_name import suggestion
from tests.conftest import lint


def found(source: str, code: str) -> list[Diagnostic]:
    return [d for d in lint(source) if d.code == code]


# ------------------------------------------------------------------ K304


def test_k304_silent_on_sklearn_predict_proba_in_a_keras_script() -> None:
    source = """
    import tensorflow as tf
    from sklearn.ensemble import RandomForestClassifier
    forest = RandomForestClassifier(n_estimators=100)
    forest.fit(X_train, y_train)
    proba = forest.predict_proba(X_test)
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    """
    assert found(source, "K304") == []


def test_k304_predict_proba_on_unknown_receiver_is_silent_even_with_keras() -> None:
    source = """
    import keras
    def scores(clf, X):
        return clf.predict_proba(X)
    """
    assert found(source, "K304") == []


def test_k304_predict_proba_on_a_keras_model_fires() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    p = model.predict_proba(x_test)
    """
    [diagnostic] = found(source, "K304")
    assert diagnostic.span.line == 5
    assert "model.predict(x)" in diagnostic.hint


def test_k304_predict_classes_hint_follows_the_output_activation() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    labels = model.predict_classes(x_test)
    """
    [diagnostic] = found(source, "K304")
    assert "> 0.5" in diagnostic.hint and "argmax" not in diagnostic.hint
    assert diagnostic.related and diagnostic.related[0].span.line == 3


def test_k304_unknown_receiver_needs_a_keras_import() -> None:
    without = """
    import sklearn
    def run(learner, flow):
        return learner.fit_generator(flow)
    """
    with_try_import = """
    try:
        import tensorflow as tf
    except ImportError:
        tf = None
    def run(learner, flow):
        return learner.fit_generator(flow)
    """
    assert found(without, "K304") == []
    assert len(found(with_try_import, "K304")) == 1


def test_k304_a_function_called_twice_reports_once() -> None:
    source = """
    from tensorflow import keras
    def train(flow):
        model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit_generator(flow, epochs=3)
    train(a)
    train(b)
    """
    assert len(found(source, "K304")) == 1


def test_k304_predict_generator_hint_names_predict() -> None:
    source = """
    from keras.models import load_model
    model = load_model("m.h5")
    out = model.predict_generator(flow)
    """
    [diagnostic] = found(source, "K304")
    assert "model.predict(" in diagnostic.hint


# ------------------------------------------------------------------ K501


@pytest.mark.parametrize("call", [
    "tf.keras.optimizers.legacy.SGD(learning_rate=0.01, decay=1e-6)",
    "tf.keras.optimizers.legacy.Adam(lr=1e-3)",
    "tf.keras.optimizers.Adam(learning_rate=1e-3)",
    "tf.keras.optimizers.SGD(learning_rate=0.1, decay=0)",
    "tf.keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)",
])
def test_k501_silent(call: str) -> None:
    assert found(f"import tensorflow as tf\nopt = {call}\n", "K501") == []


def test_k501_legacy_import_from_is_silent() -> None:
    source = """
    from tensorflow.keras.optimizers.legacy import SGD
    opt = SGD(lr=0.01, decay=1e-6, momentum=0.9)
    """
    assert found(source, "K501") == []


def test_k501_lr_and_decay_are_one_finding_at_the_first_argument() -> None:
    source = """
    from keras.optimizers import SGD
    opt = SGD(
        lr=0.01,
        decay=1e-6,
        momentum=0.9,
    )
    """
    diagnostics = found(source, "K501")
    assert [d.span.line for d in diagnostics] == [4]
    assert "lr= and decay=" in diagnostics[0].message
    assert "learning_rate=" in diagnostics[0].hint and "InverseTimeDecay" in diagnostics[0].hint
    assert diagnostics[0].fix is not None and "learning_rate" in diagnostics[0].fix.edits[0].replacement


def test_k501_optimizer_in_a_builder_called_twice_reports_once() -> None:
    source = """
    from tensorflow import keras
    def build():
        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(lr=1e-3), loss="mse")
        return model
    a = build()
    b = build()
    """
    assert len(found(source, "K501")) == 1


def test_k501_keras_2_module_path_fires() -> None:
    source = """
    import keras
    opt = keras.optimizers.adam.Adam(lr=1e-3)
    """
    assert len(found(source, "K501")) == 1


# ------------------------------------------------------------------ K503


def test_k503_dense_after_sigmoid_of_same_width_fires_at_the_follower() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential([
        keras.layers.Dense(16, activation="relu", input_shape=(8,)),
        keras.layers.Dense(1, activation="sigmoid"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    """
    [diagnostic] = found(source, "K503")
    assert diagnostic.span.line == 6
    assert diagnostic.related[0].span.line == 5


@pytest.mark.parametrize("tail", [
    'keras.layers.Activation("relu")',  # relu is the identity on probabilities
    "keras.layers.Reshape((10, 1))",  # a layer kast does not model
    "keras.layers.Dense(2)",  # a new head: the softmax was a hidden layer
])
def test_k503_silent_after_softmax(tail: str) -> None:
    source = f"""
    from tensorflow import keras
    model = keras.Sequential([
        keras.layers.Dense(10, activation="softmax", input_shape=(8,)),
        {tail},
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    assert found(source, "K503") == []


def test_k503_silent_on_an_uncompiled_model() -> None:
    source = """
    from tensorflow import keras
    block = keras.Sequential([keras.layers.Dense(10, activation="softmax"), keras.layers.Dropout(0.2)])
    """
    assert found(source, "K503") == []


def test_k503_conditional_tail_is_silent() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential()
    model.add(keras.layers.Dense(10, activation="softmax"))
    if use_dropout:
        model.add(keras.layers.Dropout(0.2))
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    assert found(source, "K503") == []


# ------------------------------------------------------------------ K401


def test_k401_logits_loss_says_logits_and_suggests_the_sparse_class() -> None:
    source = """
    import keras
    model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.Accuracy()])
    """
    [diagnostic] = found(source, "K401")
    assert "logits" in diagnostic.message
    assert "SparseCategoricalAccuracy" in diagnostic.hint


def test_k401_silent_when_nothing_says_classifier() -> None:
    source = """
    import keras
    def build(head, loss):
        model = keras.Sequential([keras.layers.Dense(8), head])
        model.compile(optimizer="adam", loss=loss, metrics=[keras.metrics.Accuracy()])
        return model
    """
    assert found(source, "K401") == []


# ------------------------------------------------------------------ K402


def test_k402_acc_string_on_sequential_mse() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mean_squared_error", metrics=["acc"])
    """
    [diagnostic] = found(source, "K402")
    assert "mae" in diagnostic.hint


def test_k402_silent_on_sigmoid_output_and_unknown_activation() -> None:
    sigmoid = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    """
    unknown = """
    from tensorflow import keras
    def build(act):
        model = keras.Sequential([keras.layers.Dense(1, activation=act)])
        model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    """
    assert found(sigmoid, "K402") == []
    assert found(unknown, "K402") == []


# ------------------------------------------------------------------ K403


def test_k403_sofmax_suggests_softmax() -> None:
    source = """
    import keras
    model = keras.Sequential([keras.layers.Dense(10, activation="sofmax")])
    """
    [diagnostic] = found(source, "K403")
    assert "'softmax'" in diagnostic.message and "'softmax'" in diagnostic.hint
    assert diagnostic.span.line == 3


@pytest.mark.parametrize(("kind", "text"), [
    ("optimizer", "Adam"), ("optimizer", "SGD"), ("optimizer", "RMSprop"), ("optimizer", "adamw"),
    ("metric", "acc"), ("metric", "ACCURACY"), ("metric", "Accuracy"), ("metric", "AUC"),
    ("metric", "mse"), ("metric", "categorical_crossentropy"), ("metric", "binary_focal_crossentropy"),
    ("loss", "bce"), ("loss", "huber_loss"), ("loss", "CategoricalCrossentropy"), ("loss", "Crossentropy"),
    ("activation", "relu"), ("activation", "LeakyReLU"), ("activation", "swish"),
    ("metric", "my_registered_metric"), ("loss", "focal"),  # custom names: no near Keras name
])
def test_k403_known_or_custom_names_are_silent(kind: str, text: str) -> None:
    assert suggestion(kind, text) is None


@pytest.mark.parametrize(("kind", "text", "meant"), [
    ("activation", "sofmax", "softmax"),
    ("activation", "sigmod", "sigmoid"),
    ("loss", "binary_crossentropyy", "binary_crossentropy"),
    ("loss", "sparse_categorical_crosentropy", "sparse_categorical_crossentropy"),
    ("metric", "acuracy", "accuracy"),
    ("metric", "rmse", "root_mean_squared_error"),
    ("optimizer", "adamm", "adam"),
])
def test_k403_typos_get_the_nearest_name(kind: str, text: str, meant: str) -> None:
    assert suggestion(kind, text) == meant


def test_k403_loss_list_per_output_and_activation_layer() -> None:
    source = """
    import keras
    from keras import layers
    inputs = keras.Input((4,))
    a = layers.Activation("sigmod")(layers.Dense(1)(inputs))
    b = layers.Dense(3, activation="softmax")(inputs)
    model = keras.Model(inputs, [a, b])
    model.compile(optimizer="adam", loss=["binary_crossentropy", "categorical_crossentropyy"])
    """
    assert sorted(d.span.line for d in found(source, "K403")) == [5, 8]


def test_k403_names_load_as_package_data() -> None:
    from importlib import resources

    assert resources.files("kast").joinpath("data", "keras_names.json").is_file()


# ------------------------------------------------------------------ K502


def test_k502_relu_between_breaks_the_run() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential([
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    """
    assert found(source, "K502") == []


def test_k502_one_finding_per_run_at_its_first_layer() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential([
        keras.layers.Dense(64, activation="sigmoid"),
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Dense(64, activation="sigmoid"),
        keras.layers.Dense(64, activation="sigmoid"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    """
    [diagnostic] = found(source, "K502")
    assert diagnostic.span.line == 4
    assert diagnostic.message.startswith("4 hidden layers")


# ------------------------------------------------------------------ K504


@pytest.mark.parametrize("fit", [
    "model.fit(x, y, 32, 10, 1, None, 0.2)",  # validation_split given by position
    "model.fit(x, y, *extra)",
    "model.fit(x, y, validation_data=(xv, yv))",
])
def test_k504_silent(fit: str) -> None:
    source = f"""
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    {fit}
    """
    assert found(source, "K504") == []


def test_k504_silent_on_a_subclassed_gan() -> None:
    source = """
    from tensorflow import keras
    class GAN(keras.Model):
        def train_step(self, data):
            return {}
    gan = GAN()
    gan.compile(optimizer="adam")
    gan.fit(dataset, epochs=20)
    """
    assert found(source, "K504") == []


def test_k504_is_info_and_off_by_default() -> None:
    rule = next(r for r in RULES if r.code == "K504")
    source = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=3)
    """
    assert rule.severity.value == "info"
    assert [d.code for d in lint(source, select=())] == []
    assert [d.code for d in lint(source, select=("K504",))] == ["K504"]


# ------------------------------------------------------------------ K505


@pytest.mark.parametrize("metrics", [
    "METRICS",  # a list kast does not see item by item
    "[keras.metrics.Accuracy()]",  # K401's business
    '["accuracy", keras.metrics.AUC()]',
    '["accuracy", f1]',
])
def test_k505_silent(metrics: str) -> None:
    source = f"""
    from tensorflow import keras
    METRICS = ["accuracy", keras.metrics.AUC()]
    def f1(y_true, y_pred):
        return y_pred
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics={metrics})
    """
    assert found(source, "K505") == []


def test_k505_single_string_metric_fires_with_binary_hint() -> None:
    source = """
    from tensorflow import keras
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics="accuracy")
    """
    [diagnostic] = found(source, "K505")
    assert "Precision" in diagnostic.hint and "AUC" in diagnostic.hint


# ------------------------------------------------------------------ table


def test_new_rules_are_registered_in_code_order() -> None:
    codes = [r.code for r in RULES]
    assert codes == sorted(codes)
