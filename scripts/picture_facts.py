#!/usr/bin/env python3
"""Print the semantic picture's facts for scripts, one JSON object per file.

A tool for changes to the analysis layer: snapshot the facts before the
change, again after, and diff the two, so that every difference is one that
was meant::

    python scripts/picture_facts.py fixtures ../shared/cases > /tmp/before.jsonl
    # ... change kast/analysis or kast/libraries ...
    python scripts/picture_facts.py fixtures ../shared/cases > /tmp/after.jsonl
    diff /tmp/before.jsonl /tmp/after.jsonl

Every fact is printed with the line it was read from; data values print their
lineage (role, origin, transforms, labels, prediction).  Python files only;
nothing here imports TensorFlow.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import libcst as cst

from kast.analysis.dataflow import Data, Estimator
from kast.analysis.interpreter import build_picture
from kast.analysis.models import Layer, Loss, Metric, Model, OutputLayer, Tensor
from kast.analysis.picture import Picture
from kast.analysis.values import Const, Known, Mapping, Ref, Sequence, Unknown, Value


def _line(picture: Picture, node: cst.CSTNode | None) -> int | None:
    if node is None:
        return None
    span = picture.spans([node]).get(node)
    return span.line if span is not None else None


def _fact(picture: Picture, fact: object) -> Any:
    if isinstance(fact, Known):
        return [fact.value, _line(picture, fact.node)]
    if isinstance(fact, Unknown):
        return "?"
    return fact


def _value(picture: Picture, value: Value | None, depth: int = 0) -> Any:
    if value is None:
        return None
    if depth > 3:
        return "..."
    if isinstance(value, Data):
        out: dict[str, Any] = {"data": _line(picture, value.node)}
        if value.role:
            out["role"] = [value.role, _line(picture, value.role_node)]
        if value.origin is not None:
            out["origin"] = _line(picture, value.origin)
        if value.transforms:
            out["transforms"] = [_line(picture, t.node) for t in value.transforms]
        if value.labels is not None:
            out["labels"] = [value.labels.encoding, _line(picture, value.labels.node), _fact(picture, value.labels.classes)]
        if value.prediction is not None:
            p = value.prediction
            out["prediction"] = [_line(picture, p.node), p.post, p.flattened, p.from_logits]
        if value.resampled is not None:
            out["resampled"] = _line(picture, value.resampled)
        if value.contains_test is not None:
            out["contains_test"] = _line(picture, value.contains_test)
        for name in getattr(value, "__dataclass_fields__", {}):
            if name in ("node", "labels", "role", "role_node", "origin", "transforms", "prediction", "resampled",
                        "contains_test"):
                continue
            extra = getattr(value, name)
            if extra not in (None, (), False):
                out[name] = _extra(picture, extra, depth)
        return out
    if isinstance(value, Estimator):
        return {"estimator": value.qualname, "kind": value.kind, "line": _line(picture, value.node)}
    if isinstance(value, Layer):
        return {"layer": value.kind, "line": _line(picture, value.node)}
    if isinstance(value, Model):
        return {"model": value.kind, "line": _line(picture, value.node)}
    if isinstance(value, Sequence):
        return [_value(picture, v, depth + 1) for v in value.items]
    if isinstance(value, Mapping):
        return {k: _value(picture, v, depth + 1) for k, v in value.items}
    if isinstance(value, Const):
        return {"const": repr(value.value)}
    if isinstance(value, Ref):
        return {"ref": value.qualname}
    if isinstance(value, Loss):
        return {"loss": value.name, "from_logits": _fact(picture, value.from_logits), "line": _line(picture, value.node)}
    if isinstance(value, Metric):
        return {"metric": value.name, "class": value.is_class, "line": _line(picture, value.node)}
    if isinstance(value, Tensor):
        return {"tensor": _line(picture, value.node)}
    return type(value).__name__


def _extra(picture: Picture, value: object, depth: int) -> Any:
    if isinstance(value, cst.CSTNode):
        return _line(picture, value)
    if isinstance(value, Value):
        return _value(picture, value, depth + 1)
    if isinstance(value, (tuple, list)):
        return [_extra(picture, v, depth) for v in value]
    if hasattr(value, "_asdict"):
        return {k: _extra(picture, v, depth) for k, v in value._asdict().items()}  # type: ignore[attr-defined]
    if isinstance(value, (Known, Unknown)):
        return _fact(picture, value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return type(value).__name__


def _output(picture: Picture, out: OutputLayer) -> dict[str, Any]:
    return {"line": _line(picture, out.node), "units": _fact(picture, out.units),
            "activation": _fact(picture, out.activation), "name": _fact(picture, out.name),
            "trailing": [layer.kind for layer in out.trailing]}


def facts(picture: Picture) -> dict[str, Any]:
    """The picture's facts as plain JSON data."""
    models = []
    for model in picture.models:
        outputs = model.output_layers()
        models.append({"kind": model.kind, "line": _line(picture, model.node), "complete": model.complete,
                       "outputs": None if outputs is None else [_output(picture, o) for o in outputs]})
    compiles = [{"line": _line(picture, c.node), "model": _line(picture, c.model.node),
                 "loss": _value(picture, c.loss), "metrics": [_value(picture, m) for m in c.metrics],
                 "metrics_complete": c.metrics_complete, "optimizer": _value(picture, c.optimizer),
                 "outputs": None if c.outputs is None else [_output(picture, o) for o in c.outputs]}
                for c in picture.compiles]
    fits = [{"line": _line(picture, f.node), "model": _line(picture, f.model.node), "x": _value(picture, f.x),
             "y": _value(picture, f.y), "validation": _value(picture, f.validation_data)} for f in picture.fits]
    events = [{"line": _line(picture, e.node), "estimator": _value(picture, e.estimator),
               "data": _value(picture, e.data), "order": e.order} for e in picture.fit_events]
    splits = [{"line": _line(picture, s.node), "inputs": [_value(picture, v) for v in s.inputs], "order": s.order}
              for s in picture.splits]
    inferences = [{"line": _line(picture, i.node), "method": i.method, "model": _line(picture, i.model.node),
                   "x": _value(picture, i.x)} for i in picture.inferences]
    uses = [{"kind": u.kind, "line": _line(picture, u.node), "prediction": _line(picture, u.prediction.node),
             "threshold": u.threshold, "axis": u.axis, "detail": u.detail} for u in picture.prediction_uses]
    result: dict[str, Any] = {
        "models": models, "compiles": compiles, "fits": fits, "fit_events": events, "splits": splits,
        "inferences": inferences, "prediction_uses": uses,
        "method_calls": [[c.name, _line(picture, c.node), type(c.receiver).__name__] for c in picture.method_calls],
        "keras_strings": [[s.kind, s.text, _line(picture, s.node)] for s in picture.keras_strings],
        "optimizers": [[o.name, _line(picture, o.node)] for o in picture.optimizers],
        "layers": len(picture.layers),
        "imports_keras": picture.imports_keras,
    }
    for name in getattr(picture, "__dataclass_fields__", {}):
        if name in result or name in ("module", "path", "chunks", "source", "statement_lines", "clock",
                                      "model_bindings", "module_names") or name.startswith("_"):
            continue
        result[name] = _extra(picture, getattr(picture, name), 0)
    return result


def main(argv: list[str]) -> int:
    paths: list[Path] = []
    for arg in argv or ["fixtures"]:
        root = Path(arg)
        paths.extend(sorted(root.rglob("*.py")) if root.is_dir() else [root])
    for path in paths:
        try:
            source = path.read_text(encoding="utf-8")
            module = cst.parse_module(source)
        except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
            print(json.dumps({"file": str(path), "error": "unparsable"}))
            continue
        picture = build_picture(module, str(path), source=source)
        print(json.dumps({"file": str(path), **facts(picture)}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
