"""Keras models: how a script makes them, and what their methods do.

The constructors (`Sequential`, `Model`, `load_model`) and the methods
(`add`, `compile`, `fit`, `predict`, `evaluate` ...) are hooks: each records
on the picture what rules judge (a compile with its loss and metrics, a fit
with its data, an inference with its input).  `METHOD_ROLES` says what every
model method kast knows does; `REMOVED_METHODS` are those Keras no longer has.
"""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, items
from kast.analysis.dataflow import Data, Inference, Prediction
from kast.analysis.models import (
    AUGMENTATION,
    FIXED,
    IDENTITY,
    INPUT,
    PREPROCESSING,
    ApplicationInput,
    CompileCall,
    FitCall,
    Layer,
    Metric,
    Model,
    SequentialEntry,
    Tensor,
)
from kast.analysis.picture import KerasString
from kast.analysis.values import (
    UNKNOWN_VALUE,
    Const,
    Instance,
    Known,
    Mapping,
    Method,
    Sequence,
    UserClass,
    UserFunction,
    Value,
)
from kast.libraries.keras import layers as keras_layers
from kast.libraries.keras import losses, metrics

SEQUENTIAL = frozenset({"keras.Sequential", "keras.models.Sequential"})
FUNCTIONAL = frozenset({"keras.Model", "keras.models.Model"})
LOAD_MODEL = frozenset({"keras.models.load_model", "keras.saving.load_model"})
# Base classes of a user-defined Keras model.
MODEL_BASES = SEQUENTIAL | FUNCTIONAL

# What each model method does.
TRAIN = "train"
PREDICT = "predict"
EVALUATE = "evaluate"
METHOD_ROLES = {
    "fit": TRAIN, "fit_generator": TRAIN, "train_on_batch": TRAIN,
    "predict": PREDICT, "predict_on_batch": PREDICT, "predict_generator": PREDICT, "predict_classes": PREDICT,
    "predict_proba": PREDICT,
    "evaluate": EVALUATE, "evaluate_generator": EVALUATE, "test_on_batch": EVALUATE,
}
class RemovedMethod(NamedTuple):
    replacement: str | None  # the method that does its work today (None: predict_classes is an argmax)
    removed_in: str  # the releases that removed it


# Methods Keras models no longer have.
REMOVED_METHODS: dict[str, RemovedMethod] = {
    "predict_classes": RemovedMethod(None, "TensorFlow 2.6 (and Keras 3)"),
    "predict_proba": RemovedMethod("predict", "TensorFlow 2.6 (and Keras 3)"),
    "fit_generator": RemovedMethod("fit", "Keras 3 (TensorFlow 2.16+)"),
    "evaluate_generator": RemovedMethod("evaluate", "Keras 3 (TensorFlow 2.16+)"),
    "predict_generator": RemovedMethod("predict", "Keras 3 (TensorFlow 2.16+)"),
}


def input_layer(node: cst.Call) -> Layer:
    """The layer a bare `keras.Input(...)` stands for inside a Sequential model."""
    return Layer("InputLayer", node, role=INPUT)


def make_sequential(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    model = Model("sequential", node)
    item = args.get("layers", 0)
    if item is not None:
        layers = item[0]
        if isinstance(layers, Sequence):
            for layer, layer_node in items(layers, item[1].value):
                if isinstance(layer, Tensor) and layer.layer is None and not layer.opaque:
                    layer = input_layer(node)
                model.entries.append(SequentialEntry(layer, layer_node, False))
        elif not (isinstance(layers, Const) and layers.value is None):
            model.complete = False
    elif args.starred:
        model.complete = False
    context.picture.models.append(model)
    return model


def make_functional(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    model = Model("functional", node)
    inputs = args.value("inputs", 0)
    if inputs is not None:
        model.inputs = inputs.items if isinstance(inputs, Sequence) else \
            tuple(v for _, v in inputs.items) if isinstance(inputs, Mapping) else (inputs,)
    item = args.get("outputs", 1)
    outputs = item[0] if item is not None else UNKNOWN_VALUE
    if isinstance(outputs, Tensor):
        model.outputs = (outputs,)
    elif isinstance(outputs, Sequence) and all(isinstance(o, Tensor) for o in outputs.items):
        model.outputs = outputs.items
    elif isinstance(outputs, Mapping) and all(isinstance(o, Tensor) for _, o in outputs.items):
        model.outputs = tuple(o for _, o in outputs.items)
    else:
        model.complete = False
    context.picture.models.append(model)
    return model


def load_model(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    model = Model("loaded", node, complete=False)
    context.picture.models.append(model)
    return model


def subclassed(context: Context, cls: UserClass, instance: Instance, node: cst.Call) -> Value:
    """An instance of a user class derived from keras.Model: its output is what `call()` returns."""
    model = Model("subclassed", node, complete=False, overrides=frozenset(name for name, _ in cls.methods),
                  instance=instance)
    call = cls.method("call")
    if call is not None and len(call.params.params) >= 2:
        inputs = Tensor(call, None)
        out = context.call_value(UserFunction(call, None, instance),
                                 Args([(inputs, cst.Arg(cst.Name("inputs")))], {}, False), node)
        if isinstance(out, Tensor):
            model.outputs = (out,)
            model.complete = True
    context.picture.models.append(model)
    return model


def is_model_class(cls: UserClass) -> bool:
    return any(base in MODEL_BASES for base in cls.bases)


# ---------------------------------------------------------------- methods


def add(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    model = method.receiver
    if not isinstance(model, Model) or model.kind != "sequential":
        return UNKNOWN_VALUE
    item = args.get("layer", 0)
    layer = item[0] if item is not None else UNKNOWN_VALUE
    if isinstance(layer, Tensor) and layer.layer is None and not layer.opaque:
        layer = input_layer(node)  # model.add(keras.Input(...))
    model.entries.append(SequentialEntry(layer, node, context.conditional > 0))
    return Const(None)


def pop(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    model = method.receiver
    if not isinstance(model, Model) or model.kind != "sequential":
        return UNKNOWN_VALUE
    if model.entries and context.conditional == 0:
        model.entries.pop()
    else:
        model.complete = False
    return UNKNOWN_VALUE


def compile_model(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    model = method.receiver
    assert isinstance(model, Model)
    loss_arg = args.get("loss", 1)
    metrics_arg = args.get("metrics")
    optimizer_arg = args.get("optimizer", 0)
    loss_value = losses.as_loss(context, loss_arg[0], loss_arg[1].value) if loss_arg else UNKNOWN_VALUE
    found: list[Metric] = []
    metrics_complete = not args.starred
    if metrics_arg is not None:
        listed = metrics_arg[0]
        metrics_complete = metrics_complete and listed is not UNKNOWN_VALUE and not isinstance(listed, Mapping)
        for value, item_node in items(listed, metrics_arg[1].value):
            metric = metrics.as_metric(context, value, item_node)
            if metric is not None:
                found.append(metric)
            else:
                metrics_complete = False
    optimizer = optimizer_arg[0] if optimizer_arg else UNKNOWN_VALUE
    if isinstance(optimizer, Const) and isinstance(optimizer.value, str) and optimizer_arg is not None:
        context.picture.keras_strings.append(KerasString("optimizer", optimizer.value, optimizer_arg[1].value))
    call = CompileCall(
        node=node,
        model=model,
        outputs=model.output_layers(),
        loss=loss_value,
        loss_node=loss_arg[1].value if loss_arg else None,
        metrics=tuple(found),
        metrics_node=metrics_arg[1].value if metrics_arg else None,
        metrics_complete=metrics_complete,
        optimizer=optimizer,
    )
    model.compiles.append(call)
    context.picture.compiles.append(call)
    return Const(None)


def predict_with(context: Context, model: Model, method: str, item: tuple[Value, cst.Arg] | None,
                 node: cst.Call) -> Value:
    """`model.predict(x)` or `model(x)` on data: an inference, and data holding the prediction."""
    x = item[0] if item is not None else UNKNOWN_VALUE
    context.picture.inferences.append(Inference(model, method, x, item[1].value if item else None, node,
                                                context.conditional > 0))
    compile_call = model.compiles[-1] if model.compiles else None
    from_logits: bool | None = None
    if compile_call is not None:
        pairs = compile_call.loss_per_output()
        if len(pairs) == 1 and isinstance(pairs[0][1].from_logits, Known):
            from_logits = pairs[0][1].from_logits.value
    prediction = Prediction(model, model.output_layers(), from_logits, node, source=x)
    return lineage.predicted(x, node, prediction)


def predict(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    model = method.receiver
    assert isinstance(model, Model)
    return predict_with(context, model, method.name, args.get("x", 0), node)


def evaluate(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    model = method.receiver
    assert isinstance(model, Model)
    x = args.get("x", 0)
    context.picture.inferences.append(Inference(model, method.name, x[0] if x else UNKNOWN_VALUE,
                                                x[1].value if x else None, node, context.conditional > 0))
    return UNKNOWN_VALUE


def fit(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    model = method.receiver
    assert isinstance(model, Model)
    # fit_generator (removed in Keras 3) trains all the same; its second argument is not labels.
    x = args.get("x", 0) or args.get("generator")
    y = args.get("y", 1) if method.name == "fit" else None
    validation = args.get("validation_data")
    listed = args.value("callbacks")
    callbacks: tuple[Value, ...] | None = () if listed is None and not args.starred else None
    if isinstance(listed, Sequence):
        callbacks = listed.items
    call = FitCall(node, model, x[0] if x else UNKNOWN_VALUE, y[0] if y else UNKNOWN_VALUE,
                   validation[0] if validation else None, model.compiles[-1] if model.compiles else None,
                   callbacks, args.value("validation_split"), args.value("class_weight"))
    model.fits.append(call)
    context.picture.fits.append(call)
    return UNKNOWN_VALUE


def preprocessing_layers(model: Model) -> list[Layer] | None:
    """The layers of a Sequential model that only preprocesses (augmentation, rescaling); None otherwise."""
    if model.kind != "sequential" or not model.complete or model.compiles or not model.entries:
        return None
    found = [entry.layer for entry in model.entries]
    if all(isinstance(layer, Layer) and layer.role in _PREPROCESSING_ROLES for layer in found):
        return found  # type: ignore[return-value]
    return None


_PREPROCESSING_ROLES = frozenset({AUGMENTATION, FIXED, IDENTITY, INPUT, PREPROCESSING})


def call_model(context: Context, model: Model, args: Args, node: cst.Call) -> Value:
    """`model(x)`: a prediction on data, or a symbolic tensor when the model is a part of another.

    A Sequential of augmentation and rescaling layers called on data applies them.
    """
    first = args.get("inputs", 0) or args.get("x", 0)
    if first is not None and isinstance(first[0], Data):
        layers = preprocessing_layers(model)
        if layers is not None:
            data: Value = first[0]
            for layer in layers:
                if isinstance(data, Data):
                    data = keras_layers.on_data(context, layer, data, args, node)
            return data
        return predict_with(context, model, "__call__", first, node)
    if first is not None and isinstance(first[0], Tensor) and model.pretrained is not None and model.feed is None:
        model.feed = first[0]
    source = first[0] if first is not None else None
    return Tensor(node, None, source, opaque=True, model=model)


def model_input(context: Context, model: Model, node: cst.CSTNode) -> Value:
    """`base.input`: a keras.applications model's input, used as another model's input."""
    return ApplicationInput(model) if model.pretrained is not None else UNKNOWN_VALUE


def model_output(context: Context, model: Model, node: cst.CSTNode) -> Value:
    """`base.output`: the model's output tensor, as a part of another model."""
    return Tensor(node, None, None, opaque=True, model=model)


def reached_layers(context: Context, model: Model, node: cst.CSTNode) -> Value:
    """`model.layers`, `model.get_layer(...)`: the script reaches the model's layers one by one, and may
    change them (adapt them, give them weights) in ways kast does not follow."""
    context.picture.escaped.update(id(layer) for layer in model.all_layers())
    return UNKNOWN_VALUE


def get_layer(context: Context, method: Method, args: Args, node: cst.Call) -> Value:
    assert isinstance(method.receiver, Model)
    return reached_layers(context, method.receiver, node)


ATTRIBUTES = {Model: {"input": model_input, "inputs": model_input, "output": model_output, "layers": reached_layers}}

METHODS = {Model: {
    "add": add,
    "pop": pop,
    "compile": compile_model,
    "predict": predict,
    "predict_on_batch": predict,
    "evaluate": evaluate,
    "fit": fit,
    "fit_generator": fit,
    "get_layer": get_layer,
}}
# Method calls rules look at whatever the receiver is (removed APIs on an unknown object ...).
TRACKED_METHODS = frozenset(METHOD_ROLES) | {"update_state"}
# Methods that give a layer or model weights from elsewhere: its outputs are no longer the script's to know.
WEIGHT_SETTERS = frozenset({"set_weights", "load_weights"})

FUNCTIONS = {
    **{name: Callee(make_sequential) for name in SEQUENTIAL},
    **{name: Callee(make_functional) for name in FUNCTIONAL},
    **{name: Callee(load_model) for name in LOAD_MODEL},
}
