"""The semantic picture of one script: what every rule reads.

Built by one walk of the LibCST tree (`kast.analysis.interpreter`).  Positions
are computed lazily, only for files that have something to report: LibCST's
position metadata is a full extra traversal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import libcst as cst

from kast.analysis.calls import Args
from kast.analysis.dataflow import Estimator, FitEvent, Inference, PredictionUse, Split
from kast.analysis.models import CompileCall, FitCall, Layer, Loss, Model, Optimizer, OutputLayer
from kast.analysis.positions import Locator
from kast.analysis.values import Known, Value
from kast.diagnostics import Span


class MethodCall(NamedTuple):
    """`receiver.name(...)` where the name matters to a rule (removed APIs, predict ...)."""

    receiver: Value
    name: str
    node: cst.Call


class KerasCall(NamedTuple):
    """A call of a Keras class, function or model method, with its arguments (for the argument checks)."""

    key: str  # the callable's name in kast.libraries.keras.arguments
    node: cst.Call
    args: "Args"


class KerasString(NamedTuple):
    """A string the script hands to Keras as a name: a loss, metric, optimizer or activation."""

    kind: str  # "loss" | "metric" | "optimizer" | "activation"
    text: str
    node: cst.CSTNode


class ModelBinding(NamedTuple):
    """`name = <model>`: a statement that binds a model to a plain name.

    `depth` counts the user functions being run when it happened (0 at module
    level): the runtime verifier builds a model from its shallowest binding,
    where the script's own arguments are in place.
    """

    model: Model
    name: str
    statement: cst.CSTNode
    depth: int


@dataclass
class Picture:
    """Everything kast learnt about one script."""

    module: cst.Module
    path: str
    models: list[Model] = field(default_factory=list)
    compiles: list[CompileCall] = field(default_factory=list)
    fits: list[FitCall] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    optimizers: list[Optimizer] = field(default_factory=list)
    fit_events: list[FitEvent] = field(default_factory=list)
    estimators: list[Estimator] = field(default_factory=list)
    # Layers and models handed to code kast does not follow, or given weights from elsewhere (set_weights,
    # load_weights): their state is unknown.
    escaped: set[int] = field(default_factory=set)
    splits: list[Split] = field(default_factory=list)
    inferences: list[Inference] = field(default_factory=list)
    prediction_uses: list[PredictionUse] = field(default_factory=list)
    clock: int = 0  # orders fit events and splits as the script runs them
    imports_keras: bool = False  # the script imports keras, tensorflow or tf_keras somewhere
    method_calls: list[MethodCall] = field(default_factory=list)
    keras_strings: list[KerasString] = field(default_factory=list)
    keras_calls: list[KerasCall] = field(default_factory=list)
    model_bindings: list[ModelBinding] = field(default_factory=list)
    module_names: dict[str, Value] = field(default_factory=dict)  # what each global name holds at the end
    # A very large file is parsed in pieces of whole top-level statements: (piece, lines before it).
    # Otherwise one piece, the module itself.
    chunks: list[tuple[cst.Module, int]] = field(default_factory=list)
    source: str | None = None  # the script's text, when the caller has it: positions are found faster
    statement_lines: list[int] | None = None  # first line of each of CPython's top-level statements, if known
    _positions: dict[cst.CSTNode, Span] | None = None
    _locator: Locator | None = None

    def __post_init__(self) -> None:
        if not self.chunks:
            self.chunks = [(self.module, 0)]

    @property
    def statements(self) -> list[cst.BaseStatement]:
        """The script's top-level statements, in order, across its pieces."""
        return [statement for chunk, _ in self.chunks for statement in chunk.body]

    def release(self) -> None:
        """Break the cycles among the picture's values once the rules have run.

        A model lists its compile and fit calls, which name the model; an estimator
        lists the data it was fit on, whose transforms name the estimator.  Left as
        they are, these cycles keep the syntax tree alive until the cyclic collector
        scans all of it (0.2 s on a 20,000-line file); broken, it is freed at once.
        """
        for model in self.models:
            model.compiles = []
            model.fits = []
        for estimator in self.estimators:
            estimator.fitted_on = []
            estimator.transformed = []

    def tick(self) -> int:
        self.clock += 1
        return self.clock

    def span(self, node: cst.CSTNode) -> Span:
        """Where `node` stands in the source."""
        return self.spans([node])[node]

    def spans(self, nodes: list[cst.CSTNode]) -> dict[cst.CSTNode, Span]:
        """Where each of `nodes` stands (`kast.analysis.positions.Locator`); each is located once."""
        known: dict[cst.CSTNode, Span] = self._positions if isinstance(self._positions, dict) else {}
        missing = [n for n in nodes if n not in known]
        if missing:
            if self._locator is None:
                self._locator = Locator(self.chunks, self.source, self.statement_lines)
            for node, pos in self._locator.locate(missing).items():
                known[node] = Span(pos.start.line, pos.start.column, pos.end.line, pos.end.column)
        self._positions = known
        return {n: known[n] for n in nodes if n in known}


class TrainedOutput(NamedTuple):
    """One model output together with the loss a compile call trains it with."""

    compile: CompileCall
    output: OutputLayer
    loss: Loss

    @property
    def activation(self) -> str | None:
        return self.output.activation.value if isinstance(self.output.activation, Known) else None

    @property
    def units(self) -> int | None:
        return self.output.units.value if isinstance(self.output.units, Known) else None

    @property
    def from_logits(self) -> bool | None:
        return self.loss.from_logits.value if isinstance(self.loss.from_logits, Known) else None

    @property
    def activation_node(self) -> cst.CSTNode:
        node = self.output.activation.node if isinstance(self.output.activation, Known) else None
        return node or self.output.node


def trained_outputs(picture: Picture) -> list[TrainedOutput]:
    """Every (output layer, loss) pair the script's compile calls fix, where both are known."""
    return [TrainedOutput(call, output, loss) for call in picture.compiles for output, loss in call.loss_per_output()]
