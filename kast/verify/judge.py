"""From a built model back to findings: the same K1 rules judge the picture corrected by reality.

The child reports what the built model really is: each output's activation
(from the layer, or measured on a forward pass when no layer says), its width,
its value range and row sums, and the compiled loss with `from_logits`.  Those
facts replace the static ones in the picture, and the K1 rules run again:

- a static K1 finding that the rules report again is *confirmed*, one they no
  longer report is *refuted*;
- a K1 finding that only the corrected picture gives is new knowledge: static
  analysis could not see that part of the model.  It is reported as K902;
- a build that fails inside Keras, with no placeholder involved, is K901.

An output width computed while a placeholder was in use is a guess, so it is
not believed: the static width (or unknown) stays.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from kast.analysis.models import CompileCall, Loss, Model, OutputLayer
from kast.analysis.picture import Picture
from kast.analysis.values import UNKNOWN, UNKNOWN_VALUE, Fact, Known, Mapping, Sequence, Value
from kast.diagnostics import Diagnostic, Span
from kast.libraries.keras import activations as keras_activations
from kast.libraries.keras import losses as keras_losses

# Row sums this close to 1 mean a softmax.
_SUM_TOLERANCE = 1e-3
# float32 rounding: a softmax over one unit measures 0.99999994, a sigmoid 1.0000001 at most.
_VALUE_TOLERANCE = 1e-5


def measured_activation(out: dict[str, Any]) -> str | None:
    """The activation an output's values show, when no layer names it."""
    if "range" not in out:
        return None
    low, high = out["range"]
    units = out.get("units", 1)
    sums = out.get("row_sums")
    if low >= -_VALUE_TOLERANCE and high <= 1.0 + _VALUE_TOLERANCE:
        if units == 1:
            return "softmax" if abs(low - 1.0) <= _VALUE_TOLERANCE and abs(high - 1.0) <= _VALUE_TOLERANCE \
                else "sigmoid"
        if sums and abs(sums[0] - 1.0) < _SUM_TOLERANCE and abs(sums[1] - 1.0) < _SUM_TOLERANCE:
            return "softmax"
        return "sigmoid"
    if low >= 0.0:
        return "relu"
    if low >= -1.0 and high <= 1.0:
        return "tanh"
    return "linear"


def _activation(out: dict[str, Any]) -> str | None:
    name = out.get("activation")
    if isinstance(name, str):
        canonical = keras_activations.from_string(name.lower())
        if canonical is not None:
            return canonical
    return measured_activation(out)


def runtime_outputs(model: Model, answer: dict[str, Any]) -> tuple[OutputLayer, ...] | None:
    """The model's outputs as the built model has them, placed at the static nodes where known."""
    outs: list[dict[str, Any]] = answer.get("outputs") or []
    if not outs:
        return None
    static = model.output_layers()
    if static is not None and len(static) != len(outs):
        static = None
    trusted_width = not answer.get("placeholders_used")
    names: list[str] = answer.get("output_names") or []
    result = []
    for index, out in enumerate(outs):
        before = static[index] if static is not None else None
        node = before.node if before is not None else model.node
        name = _activation(out)
        activation_node = (before.activation.node if before is not None and isinstance(before.activation, Known)
                           else None) or node
        units: Fact[int]
        if "units" in out and trusted_width:
            units = Known(int(out["units"]), node)
        else:
            units = before.units if before is not None else UNKNOWN
        result.append(OutputLayer(
            node=node,
            units=units,
            activation=Known(name, activation_node) if name is not None else UNKNOWN,
            name=Known(names[index]) if index < len(names) else (before.name if before is not None else UNKNOWN),
            trailing=before.trailing if before is not None else (),
        ))
    return tuple(result)


def _runtime_loss(raw: Any, node: cst.CSTNode) -> Value | None:
    if raw is None:
        return None
    if isinstance(raw, list):
        items = [_runtime_loss(item, node) for item in raw]
        return Sequence(tuple(item if item is not None else UNKNOWN_VALUE for item in items))
    if isinstance(raw, dict) and "kind" not in raw:
        pairs = [(key, _runtime_loss(item, node)) for key, item in raw.items()]
        return Mapping(tuple((key, item) for key, item in pairs if item is not None))
    name = keras_losses.from_string(str(raw.get("name")))
    if name is None:
        return None
    from_logits = raw.get("from_logits")
    return keras_losses.made(name, Known(bool(from_logits), node), node)


def apply(picture: Picture, model: Model, answer: dict[str, Any]) -> None:
    """Put what the built model really is into the picture, in place of the static facts."""
    outputs = runtime_outputs(model, answer)
    if outputs is not None:
        model.fixed_output = outputs
    replaced: dict[int, CompileCall] = {}
    for index, call in enumerate(picture.compiles):
        if call.model is not model:
            continue
        loss = _runtime_loss(answer.get("loss"), call.loss_node or call.node) if answer.get("compiled") else None
        new = call._replace(outputs=outputs if outputs is not None else call.outputs,
                            loss=loss if loss is not None else call.loss)
        picture.compiles[index] = new
        replaced[id(call)] = new
    model.compiles = [replaced.get(id(c), c) for c in model.compiles]
    for fits in (picture.fits, model.fits):
        for index, fit in enumerate(fits):
            if fit.compile is not None and id(fit.compile) in replaced:
                fits[index] = fit._replace(compile=replaced[id(fit.compile)])


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and \
        (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def _loss_nodes(loss: Value) -> list[cst.CSTNode]:
    """Where a compiled loss is written: a function's default (`def build(loss="bce")`) included."""
    if isinstance(loss, Loss):
        return [loss.node]
    if isinstance(loss, Sequence):
        return [node for item in loss.items for node in _loss_nodes(item)]
    if isinstance(loss, Mapping):
        return [node for _, item in loss.items for node in _loss_nodes(item)]
    return []


def model_nodes(model: Model) -> list[cst.CSTNode]:
    """Every node a finding about the model can stand on: the model, its layers, the layers added
    to it (`model.add(Activation("softmax"))` last), its compile calls and their losses."""
    nodes: list[cst.CSTNode] = [model.node] + [c.node for c in model.compiles]
    nodes += [node for c in model.compiles for node in _loss_nodes(c.loss)]
    nodes += [entry.node for entry in model.entries]
    for output in model.output_layers() or ():
        nodes.append(output.node)
        if isinstance(output.activation, Known) and output.activation.node is not None:
            nodes.append(output.activation.node)
        nodes += [layer.node for layer in output.trailing]
    return nodes


def owner(picture: Picture, diagnostic: Diagnostic, models: list[Model]) -> Model | None:
    """The model a K1 finding is about: the one whose layers, compile call or loss hold its span."""
    for model in models:
        nodes = model_nodes(model)
        for span in picture.spans(nodes).values():
            if _within(diagnostic.span, span):
                return model
    return None


def error_is_the_scripts(answer: dict[str, Any]) -> bool:
    """True when a failed build is the script's own mistake, not a gap of the slice."""
    if "kast placeholder" in str(answer.get("message", "")):
        return False
    return (answer.get("status") == "error" and bool(answer.get("from_keras")) and not answer.get("placeholders_used")
            and answer.get("type") in ("ValueError", "TypeError", "InvalidArgumentError", "NotImplementedError")
            and isinstance(answer.get("line"), int))
