"""Keras data preparation outside the model: labels, the legacy Tokenizer, splits."""

from __future__ import annotations

import libcst as cst

from kast.analysis import lineage
from kast.analysis.calls import Args, Callee, Context, int_fact
from kast.analysis.dataflow import Data, Estimator, Labels
from kast.analysis.values import UNKNOWN, Value
from kast.libraries import common
from kast.libraries.common import EstimatorRow

TOKENIZER = EstimatorRow("tokenizer", "vocabulary")


def to_categorical(context: Context, row: object, args: Args, node: cst.Call) -> Value:
    """`to_categorical(y, num_classes)`: one-hot labels with that many classes."""
    classes = args.get("num_classes", 1)
    count = int_fact(classes[0], classes[1].value) if classes else UNKNOWN
    labels = Labels("onehot", node, count)
    item = args.first("y")
    base = lineage.gathered(item[0], node) if item is not None else None
    if base is None:
        return Data(node, labels=labels)
    return base.derived(node, labels=labels, prediction=None, column=None, scale=None, channels=None)


FUNCTIONS = {
    "keras.utils.to_categorical": Callee(to_categorical),
    "keras.preprocessing.text.Tokenizer": common.estimator("keras.preprocessing.text.Tokenizer", TOKENIZER),
    "keras.utils.split_dataset": Callee(common.split, False),
    # Padding keeps the rows (and the tokenizer that made the sequences).
    "keras.utils.pad_sequences": common.effect(lineage.KEEP),
    "keras.preprocessing.sequence.pad_sequences": common.effect(lineage.KEEP),
}

METHODS = {Estimator: {
    "fit_on_texts": common.fit_only,
    "texts_to_sequences": common.transform,
    "texts_to_matrix": common.transform,
}}
