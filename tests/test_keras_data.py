"""The generated Keras tables in kast/data/: they parse, their keys are
canonical, and the facts the rules rely on hold.

The tables are produced by scripts/gen_keras_arguments.py and
scripts/gen_keras_applications.py from installed Keras packages; these tests
read only the committed JSON.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import pytest

from kast.libraries.keras.names import canonical


@lru_cache(maxsize=None)
def table(name: str) -> dict:
    return json.loads(resources.files("kast").joinpath("data", name).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ keras_arguments.json


def arguments() -> dict:
    return table("keras_arguments.json")


def entry(key: str) -> dict:
    """The entry of a callable, following "=KEY" references."""
    callables = arguments()["callables"]
    value = callables[key]
    while isinstance(value, str):
        value = callables[value[1:]]
    return value


def accepted(key: str, package: str = "keras3") -> set[str]:
    """The keywords a callable accepts in Keras 3, or in tf_keras."""
    e = entry(key)
    k3 = e["keras3"]
    if package == "keras3":
        assert k3 is not None, key
        return set(k3["positional"]) | set(k3["keyword_only"])
    tk = e["tf_keras"]
    if k3 is None:
        return set(tk["positional"]) | set(tk["keyword_only"])
    return (accepted(key) | set(tk["added"])) - set(tk["removed"])


def test_arguments_table_records_its_sources() -> None:
    data = arguments()
    assert data["generated_by"] == "scripts/gen_keras_arguments.py"
    assert data["sources"]["keras"].startswith("3.")
    assert data["sources"]["tf_keras"].startswith("2.")
    keras1 = data["sources"]["keras1_conversions"]
    assert keras1["repository"] == "keras-team/keras"
    assert keras1["tag"] == "2.3.1"
    assert len(keras1["commit"]) == 40
    assert "keras/legacy/interfaces.py" in keras1["files"]


def test_arguments_keys_are_canonical_and_references_resolve() -> None:
    callables = arguments()["callables"]
    assert len(callables) > 250
    # A method's key is its class's key and the method name.
    owners = {"keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential",
              "keras.preprocessing.image.ImageDataGenerator"}
    for key, value in callables.items():
        assert key.startswith("keras."), key
        owner = key.rpartition(".")[0]
        if owner in owners:
            assert canonical(owner) == owner, key
        else:
            assert canonical(key) == key, key
        if isinstance(value, str):
            assert value.startswith("=") and isinstance(callables[value[1:]], dict), key
        else:
            assert set(value) <= {"keras3", "tf_keras", "keras1"}, key


def test_arguments_message_indices_point_into_messages() -> None:
    messages = arguments()["messages"]
    for key in arguments()["callables"]:
        e = entry(key)
        for side in ("keras3", "tf_keras"):
            part = e.get(side) or {}
            for index in list(part.get("warns", {}).values()) + [part.get("deprecated", 0)]:
                assert 0 <= index < len(messages), key


def test_arguments_cover_the_callables_k507_checks() -> None:
    callables = arguments()["callables"]
    for key in (
        "keras.layers.Dense", "keras.layers.Conv2D", "keras.layers.LSTM", "keras.Sequential",
        "keras.Model", "keras.Model.fit", "keras.Model.evaluate", "keras.Model.predict",
        "keras.Model.compile", "keras.Model.train_on_batch", "keras.Model.fit_generator",
        "keras.Sequential.fit", "keras.optimizers.Adam", "keras.callbacks.EarlyStopping",
        "keras.preprocessing.image.ImageDataGenerator",
        "keras.preprocessing.image.ImageDataGenerator.flow_from_directory",
        "keras.utils.to_categorical",
    ):
        assert key in callables, key


def test_dense_output_dim_is_a_certain_rename_to_units() -> None:
    conv = entry("keras.layers.Dense")["keras1"]
    assert conv["output_dim"] == {"to": "units", "certain": True}
    assert conv["init"]["to"] == "kernel_initializer" and conv["init"]["certain"]
    assert conv["W_regularizer"]["to"] == "kernel_regularizer"
    assert conv["b_regularizer"]["to"] == "bias_regularizer"
    assert "output_dim" not in accepted("keras.layers.Dense")


def test_fit_nb_epoch_is_a_certain_rename_to_epochs() -> None:
    for key in ("keras.Model.fit", "keras.Sequential.fit"):
        assert entry(key)["keras1"]["nb_epoch"] == {"to": "epochs", "certain": True}
        assert "nb_epoch" not in accepted(key)


def test_conv2d_keras1_names() -> None:
    conv = entry("keras.layers.Conv2D")["keras1"]
    assert conv["border_mode"] == {"to": "padding", "certain": True}
    assert conv["subsample"] == {"to": "strides", "certain": True}
    assert conv["nb_filter"] == {"to": "filters", "certain": True}
    # dim_ordering's values change too: no automatic fix.
    assert conv["dim_ordering"]["to"] == "data_format"
    assert conv["dim_ordering"]["values"]["tf"] == "channels_last"
    assert conv["dim_ordering"]["values"]["th"] == "channels_first"
    assert not conv["dim_ordering"]["certain"]
    # nb_row / nb_col are folded into kernel_size: not a rename.
    assert conv["nb_row"]["to"] == "kernel_size" and not conv["nb_row"]["certain"]
    assert "*positional" in conv
    # Convolution2D is the same entry.
    assert entry("keras.layers.Convolution2D") == entry("keras.layers.Conv2D")


def test_recurrent_keras1_names() -> None:
    conv = entry("keras.layers.LSTM")["keras1"]
    assert conv["inner_init"] == {"to": "recurrent_initializer", "certain": True}
    assert conv["U_regularizer"] == {"to": "recurrent_regularizer", "certain": True}
    assert conv["dropout_W"] == {"to": "dropout", "certain": True}
    assert conv["dropout_U"] == {"to": "recurrent_dropout", "certain": True}
    assert conv["consume_less"]["to"] == "implementation"
    assert conv["consume_less"]["values"] == {"cpu": 0, "mem": 1, "gpu": 2}
    assert not conv["consume_less"]["certain"]


def test_generator_keras1_names_whose_meaning_changed_are_not_certain() -> None:
    conv = entry("keras.Model.fit_generator")["keras1"]
    for old, new in (("samples_per_epoch", "steps_per_epoch"), ("nb_val_samples", "validation_steps")):
        assert conv[old]["to"] == new and not conv[old]["certain"]
    assert entry("keras.Model.fit_generator")["keras3"] is None
    assert "deprecated" in entry("keras.Model.fit_generator")["tf_keras"]


def test_batch_input_shape_is_tf_keras_only_on_layers() -> None:
    for key in ("keras.layers.Dense", "keras.layers.Conv2D", "keras.layers.LSTM", "keras.layers.Embedding"):
        assert "batch_input_shape" not in accepted(key), key
        assert "batch_input_shape" in accepted(key, "tf_keras"), key
    layers = [k for k in arguments()["callables"] if k.startswith("keras.layers.") and entry(k)["keras3"]]
    takers = {k for k in layers if "batch_input_shape" in accepted(k)}
    assert takers == {"keras.layers.InputLayer"}


def test_input_shape_is_accepted_by_keras3_layers_with_a_warning() -> None:
    k3 = entry("keras.layers.Dense")["keras3"]
    assert {"input_shape", "input_dim"} <= set(k3["keyword_only"])
    message = arguments()["messages"][k3["warns"]["input_shape"]]
    assert "input_shape" in message


def test_optimizers() -> None:
    assert "learning_rate" in accepted("keras.optimizers.Adam")
    assert "lr" not in accepted("keras.optimizers.Adam")
    assert "lr" in accepted("keras.optimizers.Adam", "tf_keras")
    k3 = entry("keras.optimizers.Adam")["keras3"]
    assert "ignored" in arguments()["messages"][k3["warns"]["decay"]]
    assert sorted(arguments()["k501_keywords"]) == ["decay", "lr"]


def test_positional_order() -> None:
    assert entry("keras.layers.Dense")["keras3"]["positional"][:2] == ["units", "activation"]
    assert entry("keras.layers.Conv2D")["keras3"]["positional"][:3] == ["filters", "kernel_size", "strides"]
    assert entry("keras.Model.fit")["keras3"]["positional"][:4] == ["x", "y", "batch_size", "epochs"]
    # compile's third positional argument moved from metrics to loss_weights.
    assert entry("keras.Model.compile")["keras3"]["positional"][2] == "loss_weights"
    assert entry("keras.Model.compile")["tf_keras"]["positional"][2] == "metrics"


def test_image_data_generator_is_only_under_tensorflow_keras_in_keras3() -> None:
    e = entry("keras.preprocessing.image.ImageDataGenerator")
    assert e["keras3"]["import"] == "tensorflow.keras only"
    assert "rescale" in accepted("keras.preprocessing.image.ImageDataGenerator")
    assert "dim_ordering" not in accepted("keras.preprocessing.image.ImageDataGenerator")


def test_silently_ignoring_callables_are_marked() -> None:
    assert entry("keras.callbacks.ReduceLROnPlateau")["keras3"].get("any_keyword") is True
    assert entry("keras.callbacks.ReduceLROnPlateau")["keras1"]["epsilon"] == {"to": "min_delta", "certain": True}
    assert "any_keyword" not in entry("keras.layers.Dense")["keras3"]


def test_metrics_as_one_string_is_rejected_by_keras3() -> None:
    check = arguments()["value_checks"]["keras.Model.compile"]["metrics"]["single string"]
    assert check["keras3"].startswith("ValueError")
    assert check["tf_keras"] == "accepted"


# ------------------------------------------------------------------ keras_applications.json


def applications() -> dict:
    return table("keras_applications.json")


def model(name: str) -> dict:
    return applications()["constructors"][f"keras.applications.{name}"]


def test_applications_table_records_its_sources() -> None:
    data = applications()
    assert data["generated_by"] == "scripts/gen_keras_applications.py"
    assert data["sources"]["keras"].startswith("3.")
    assert set(data["modes"]) == {"caffe", "tf", "torch", "none"}


def test_applications_keys_are_canonical() -> None:
    data = applications()
    names = list(data["constructors"]) + list(data["functions"]) + list(data["constructor_aliases"])
    assert len(data["constructors"]) >= 40
    for key in names:
        assert key.startswith("keras.applications."), key
        assert canonical(key) == key, key
    for alias, target in data["constructor_aliases"].items():
        assert target in data["constructors"], alias
        assert alias.rsplit(".", 1)[1] == target.rsplit(".", 1)[1], alias


def test_every_constructor_is_consistent() -> None:
    data = applications()
    for key, c in data["constructors"].items():
        assert c["module"] in data["modules"], key
        assert c["preprocess_input"] == data["modules"][c["module"]]["preprocess_input"], key
        assert c["expects"] == ("0-255" if c["internal_preprocessing"] else c["preprocess_input"]), key
        if c["internal_preprocessing"]:
            assert c["preprocess_input"] == "none", key
        assert c["weights_default"] == "imagenet", key


@pytest.mark.parametrize(
    ("module", "mode"),
    [
        ("resnet50", "caffe"), ("resnet", "caffe"), ("vgg16", "caffe"), ("vgg19", "caffe"),
        ("resnet_v2", "tf"), ("mobilenet_v2", "tf"), ("mobilenet", "tf"), ("inception_v3", "tf"),
        ("inception_resnet_v2", "tf"), ("xception", "tf"), ("nasnet", "tf"),
        ("densenet", "torch"),
        ("efficientnet", "none"), ("efficientnet_v2", "none"), ("convnext", "none"), ("mobilenet_v3", "none"),
    ],
)
def test_preprocess_input_modes(module: str, mode: str) -> None:
    data = applications()
    assert data["modules"][module]["preprocess_input"] == mode
    assert data["functions"][f"keras.applications.{module}.preprocess_input"] == {"module": module, "mode": mode}
    assert data["functions"][f"keras.applications.{module}.decode_predictions"]["mode"] == mode


def test_families_that_preprocess_internally_expect_0_255() -> None:
    for name in ("EfficientNetB0", "EfficientNetV2S", "ConvNeXtTiny", "MobileNetV3Small", "RegNetX002", "ResNetRS50"):
        assert model(name)["internal_preprocessing"] is True, name
        assert model(name)["expects"] == "0-255", name
    for name in ("ResNet50", "ResNet50V2", "VGG16", "DenseNet121", "InceptionV3", "Xception", "MobileNetV2"):
        assert model(name)["internal_preprocessing"] is False, name


def test_include_preprocessing_defaults() -> None:
    assert model("ConvNeXtTiny")["include_preprocessing"] is True
    assert model("EfficientNetV2B0")["include_preprocessing"] is True
    assert model("MobileNetV3Large")["include_preprocessing"] is True
    # EfficientNet (V1) always rescales: it has no such parameter.
    assert model("EfficientNetB0")["include_preprocessing"] is None
    assert model("ResNet50")["include_preprocessing"] is None


def test_where_constructors_live() -> None:
    data = applications()
    assert model("ResNet50V2")["module"] == "resnet_v2"
    assert data["constructor_aliases"]["keras.applications.resnet_v2.ResNet50V2"] == "keras.applications.ResNet50V2"
    assert set(model("ResNet50")["exported_by"]) == {"resnet", "resnet50"}
    # RegNet and ResNetRS exist only in tf_keras.
    assert model("RegNetX002")["packages"] == ["tf_keras"]
    assert "keras3" in model("EfficientNetB0")["packages"]
