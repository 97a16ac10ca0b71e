"""One walk over a script that builds its semantic picture.

The walk is a small abstract interpreter: statements are taken in order, at
module level and inside functions, and each expression is evaluated to an
abstract value (`kast.analysis.values`).  Imports bind canonical Keras names
(so every import style and alias resolves the same way), layers and models are
built as the script builds them, and `compile`/`fit` calls are recorded on the
model object they are called on, which ties each compile to the right model
through any rebinding.

Precision comes first: whatever the walk cannot follow (a value from a function
parameter, a loop, a config file, two branches binding different things)
becomes UNKNOWN_VALUE, and rules stay silent on it.

Functions are analysed at their call sites with the arguments bound (so a
`build_model(n_classes=3)` builder is seen with its literal), and once more with
unknown parameters if nothing calls them (pyflakes' deferred functions).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Callable, Iterable

import libcst as cst

from kast.analysis import keras_api
from kast.analysis.dataflow import (
    Data,
    Estimator,
    FitEvent,
    Inference,
    Labels,
    Prediction,
    PredictionUse,
    Split,
    Transform,
    preprocessor_kind,
    role_from_name,
)
from kast.analysis.models import (
    CompileCall,
    FitCall,
    Layer,
    Loss,
    Metric,
    Model,
    Optimizer,
    OutputLayer,
    SequentialEntry,
    Tensor,
)
from kast.analysis.picture import KerasString, MethodCall, ModelBinding, Picture
from kast.analysis.values import (
    UNKNOWN,
    UNKNOWN_VALUE,
    Const,
    Fact,
    Instance,
    Known,
    Mapping,
    Method,
    Ref,
    Sequence,
    UserClass,
    UserFunction,
    Value,
)

# Methods whose calls rules look at, whatever the receiver.
TRACKED_METHODS = frozenset(
    {"predict_classes", "predict_proba", "fit_generator", "evaluate_generator", "predict_generator",
     "predict", "predict_on_batch", "evaluate", "fit", "update_state"}
)

_MAX_CALL_DEPTH = 8
_INLINE_BUDGET = 400

_BINARY_OPS: dict[type, Callable[[object, object], object]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
    cst.Divide: operator.truediv,
    cst.Modulo: operator.mod,
}
_COMPARE_OPS: dict[type, Callable[[object, object], object]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
}


class Scope:
    """Names bound in a module, function or comprehension body."""

    __slots__ = ("names", "parent", "star_imports")

    def __init__(self, parent: "Scope | None") -> None:
        self.names: dict[str, Value] = {}
        self.parent = parent
        self.star_imports: list[str] = []

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        while scope is not None:
            value = scope.names.get(name)
            if value is not None:
                return value
            for module in scope.star_imports:
                if keras_api.is_keras(module) and name[:1].isupper():
                    return Ref(keras_api.canonical(f"{module}.{name}"))
            scope = scope.parent
        return None


@dataclass
class Frame:
    """One function activation: the values it returns."""

    returns: list[Value] = field(default_factory=list)


@dataclass
class Args:
    """The evaluated arguments of one call."""

    positional: list[tuple[Value, cst.Arg]]
    keywords: dict[str, tuple[Value, cst.Arg]]
    starred: bool  # *args or **kwargs present: an absent argument may still be passed

    def get(self, name: str, position: int | None = None) -> tuple[Value, cst.Arg] | None:
        if name in self.keywords:
            return self.keywords[name]
        if position is not None and position < len(self.positional):
            return self.positional[position]
        return None

    def absent(self, name: str, position: int | None = None) -> bool:
        """True when the argument is certainly not passed."""
        return not self.starred and self.get(name, position) is None


def _same(values: Iterable[Value]) -> Value:
    items = list(values)
    if items and all(v is items[0] for v in items):
        return items[0]
    return UNKNOWN_VALUE


def _const(value: Value, kind: type | tuple[type, ...]) -> object | None:
    if isinstance(value, Const) and isinstance(value.value, kind) and not isinstance(value.value, bool):
        return value.value
    return None


def _int_fact(value: Value, node: cst.CSTNode) -> Fact[int]:
    number = _const(value, int)
    return Known(number, node) if isinstance(number, int) else UNKNOWN


def _is_main_guard(test: cst.BaseExpression) -> bool:
    return (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and test.left.value == "__name__"
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Equal)
    )


class Interpreter:
    """Walks one module and fills a Picture."""

    def __init__(self, picture: Picture) -> None:
        self.picture = picture
        self.module_scope = Scope(None)
        self.function_scopes: list[Scope] = []  # emptied after the run: see `run`
        self.conditional = 0  # > 0 inside a branch or loop body
        self.call_stack: list[cst.FunctionDef] = []
        self.budget = _INLINE_BUDGET
        self.inlined: set[int] = set()
        self.functions: list[UserFunction] = []
        self.classes: list[UserClass] = []
        self.instantiated: set[int] = set()
        self.generators: dict[int, bool] = {}  # id(FunctionDef) -> its body yields
        # No function of a script without the word `yield` is a generator: no body to walk.
        self.may_yield = picture.source is None or "yield" in picture.source

    # ------------------------------------------------------------ entry point

    def run(self, statements: Iterable[cst.CSTNode]) -> None:
        self.exec_block(statements, self.module_scope, Frame())
        self.picture.module_names = dict(self.module_scope.names)
        self._run_deferred()
        # A function's value holds the scope it was defined in, which holds the function:
        # empty the scopes (the picture keeps its copy of the module's names), so that
        # no cycle keeps the syntax tree alive for the cyclic collector to scan.
        for scope in (self.module_scope, *self.function_scopes):
            scope.names.clear()
        self.function_scopes.clear()

    def _run_deferred(self) -> None:
        """Analyse functions and classes nothing called, with unknown parameters."""
        index = 0
        while index < len(self.functions):
            fn = self.functions[index]
            index += 1
            if id(fn.node) not in self.inlined:
                self._call_function(fn, Args([], {}, True), deferred=True)
        for cls in self.classes:
            if id(cls.node) in self.instantiated:
                continue
            instance = Instance(cls)
            for _, method in cls.methods:
                if id(method) not in self.inlined:
                    self._call_function(UserFunction(method, self.module_scope, instance), Args([], {}, True),
                                        deferred=True)
            # Functions defined inside methods were queued meanwhile.
            while index < len(self.functions):
                fn = self.functions[index]
                index += 1
                if id(fn.node) not in self.inlined:
                    self._call_function(fn, Args([], {}, True), deferred=True)

    # ------------------------------------------------------------- statements

    def exec_block(self, body: Iterable[cst.CSTNode], scope: Scope, frame: Frame) -> bool:
        """Execute statements in order; True when the block certainly exits early."""
        for stmt in body:
            if self.exec_statement(stmt, scope, frame):
                return True
        return False

    def exec_suite(self, suite: cst.BaseSuite, scope: Scope, frame: Frame) -> bool:
        if isinstance(suite, cst.SimpleStatementSuite):
            return self._exec_small(suite.body, scope, frame)
        return self.exec_block(suite.body, scope, frame)

    def exec_statement(self, stmt: cst.CSTNode, scope: Scope, frame: Frame) -> bool:
        if isinstance(stmt, cst.SimpleStatementLine):
            return self._exec_small(stmt.body, scope, frame)
        handler = self._compound_handlers.get(type(stmt))
        if handler is not None:
            return handler(self, stmt, scope, frame)
        return False

    def _exec_small(self, body: Iterable[cst.BaseSmallStatement], scope: Scope, frame: Frame) -> bool:
        for small in body:
            if isinstance(small, cst.Expr):
                self.eval(small.value, scope)
            elif isinstance(small, cst.Assign):
                value = self.eval(small.value, scope)
                for target in small.targets:
                    self.assign(target.target, value, scope)
                    self._note_binding(target.target, value, small)
            elif isinstance(small, cst.AnnAssign):
                if small.value is not None:
                    value = self.eval(small.value, scope)
                    self.assign(small.target, value, scope)
                    self._note_binding(small.target, value, small)
            elif isinstance(small, cst.AugAssign):
                self.eval(small.value, scope)
                self.assign(small.target, UNKNOWN_VALUE, scope)
            elif isinstance(small, cst.Return):
                frame.returns.append(self.eval(small.value, scope) if small.value is not None else Const(None))
                return True
            elif isinstance(small, cst.Raise):
                if small.exc is not None:
                    self.eval(small.exc, scope)
                return True
            elif isinstance(small, (cst.Break, cst.Continue)):
                return True
            elif isinstance(small, cst.Import):
                self._import(small, scope)
            elif isinstance(small, cst.ImportFrom):
                self._import_from(small, scope)
            elif isinstance(small, cst.Assert):
                self.eval(small.test, scope)
            elif isinstance(small, cst.Del):
                self._delete(small.target, scope)
        return False

    def _note_binding(self, target: cst.BaseExpression, value: Value, statement: cst.CSTNode) -> None:
        if isinstance(value, Model) and isinstance(target, cst.Name):
            self.picture.model_bindings.append(ModelBinding(value, target.value, statement, len(self.call_stack)))
        elif isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, Sequence) \
                and len(target.elements) == len(value.items):
            for element, item in zip(target.elements, value.items):
                self._note_binding(element.value, item, statement)

    def _delete(self, target: cst.BaseExpression, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.names.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._delete(element.value, scope)

    def _note_module(self, dotted: str) -> None:
        if dotted.split(".", 1)[0] in ("keras", "tensorflow", "tf_keras"):
            self.picture.imports_keras = True

    def _import(self, node: cst.Import, scope: Scope) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted is None:
                continue
            self._note_module(dotted)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                scope.names[alias.asname.name.value] = Ref(keras_api.canonical(dotted))
            else:
                top = dotted.split(".", 1)[0]
                scope.names[top] = Ref(keras_api.canonical(top))

    def _import_from(self, node: cst.ImportFrom, scope: Scope) -> None:
        if node.relative or node.module is None:
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    self._bind_alias_unknown(alias, scope)
            return
        module = _dotted(node.module)
        if module is None:
            return
        self._note_module(module)
        if isinstance(node.names, cst.ImportStar):
            scope.star_imports.append(keras_api.canonical(module))
            return
        for alias in node.names:
            name = _dotted(alias.name)
            if name is None:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            scope.names[local] = Ref(keras_api.canonical(f"{module}.{name}"))

    def _bind_alias_unknown(self, alias: cst.ImportAlias, scope: Scope) -> None:
        name = _dotted(alias.name)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            scope.names[alias.asname.name.value] = UNKNOWN_VALUE
        elif name is not None:
            scope.names[name.split(".", 1)[0]] = UNKNOWN_VALUE

    # Compound statements: each handler returns True when the statement certainly exits.

    def _exec_if(self, node: cst.If, scope: Scope, frame: Frame) -> bool:
        test = self.eval(node.test, scope)
        if _is_main_guard(node.test):
            return self.exec_suite(node.body, scope, frame)
        if isinstance(test, Const) and not isinstance(test.value, (list, dict)):
            if test.value:
                return self.exec_suite(node.body, scope, frame)
            if node.orelse is None:
                return False
            return self._exec_else(node.orelse, scope, frame)
        branches: list[tuple[dict[str, Value], bool]] = []
        before = dict(scope.names)
        self.conditional += 1
        try:
            exits = self.exec_suite(node.body, scope, frame)
            branches.append((scope.names, exits))
            scope.names = dict(before)
            exits = self._exec_else(node.orelse, scope, frame) if node.orelse is not None else False
            branches.append((scope.names, exits))
        finally:
            self.conditional -= 1
        return self._merge(scope, branches)

    def _exec_else(self, orelse: cst.If | cst.Else, scope: Scope, frame: Frame) -> bool:
        if isinstance(orelse, cst.If):
            return self._exec_if(orelse, scope, frame)
        return self.exec_suite(orelse.body, scope, frame)

    @staticmethod
    def _merge(scope: Scope, branches: list[tuple[dict[str, Value], bool]]) -> bool:
        """Join the names bound by alternative paths; a name they disagree on is unknown."""
        live = [names for names, exits in branches if not exits]
        if not live:
            scope.names = branches[-1][0]
            return True
        if len(live) == 1:
            scope.names = live[0]
            return False
        merged: dict[str, Value] = {}
        for names in live:
            for key in names:
                if key in merged:
                    continue
                values = [n[key] for n in live if key in n]
                merged[key] = _same(values)
        scope.names = merged
        return False

    def _exec_loop_body(self, body: cst.BaseSuite, orelse: cst.Else | None, scope: Scope, frame: Frame) -> bool:
        before = dict(scope.names)
        self.conditional += 1
        try:
            self.exec_suite(body, scope, frame)
            after = scope.names
            if orelse is not None:
                self.exec_suite(orelse.body, scope, frame)
                after = scope.names
        finally:
            self.conditional -= 1
        self._merge(scope, [(before, False), (after, False)])
        return False

    def _exec_for(self, node: cst.For, scope: Scope, frame: Frame) -> bool:
        self.eval(node.iter, scope)
        self.assign(node.target, UNKNOWN_VALUE, scope)
        return self._exec_loop_body(node.body, node.orelse, scope, frame)

    def _exec_while(self, node: cst.While, scope: Scope, frame: Frame) -> bool:
        self.eval(node.test, scope)
        return self._exec_loop_body(node.body, node.orelse, scope, frame)

    def _exec_with(self, node: cst.With, scope: Scope, frame: Frame) -> bool:
        for item in node.items:
            self.eval(item.item, scope)
            if item.asname is not None:
                self.assign(item.asname.name, UNKNOWN_VALUE, scope)
        return self.exec_suite(node.body, scope, frame)

    def _exec_try(self, node: cst.Try | cst.TryStar, scope: Scope, frame: Frame) -> bool:
        exits = self.exec_suite(node.body, scope, frame)
        if node.handlers:
            branches = [(scope.names, exits)]
            before = dict(scope.names)
            self.conditional += 1
            try:
                for handler in node.handlers:
                    scope.names = dict(before)
                    if handler.type is not None:
                        self.eval(handler.type, scope)
                    if handler.name is not None:
                        self.assign(handler.name.name, UNKNOWN_VALUE, scope)
                    branches.append((scope.names, self.exec_suite(handler.body, scope, frame)))
            finally:
                self.conditional -= 1
            exits = self._merge(scope, branches)
        if node.orelse is not None and not exits:
            exits = self.exec_suite(node.orelse.body, scope, frame)
        if node.finalbody is not None:
            exits = self.exec_suite(node.finalbody.body, scope, frame) or exits
        return exits

    def _exec_match(self, node: cst.Match, scope: Scope, frame: Frame) -> bool:
        self.eval(node.subject, scope)
        before = dict(scope.names)
        branches = [(before, False)]
        self.conditional += 1
        try:
            for case in node.cases:
                scope.names = dict(before)
                branches.append((scope.names, self.exec_suite(case.body, scope, frame)))
        finally:
            self.conditional -= 1
        self._merge(scope, branches)
        return False

    def _exec_def(self, node: cst.FunctionDef, scope: Scope, frame: Frame) -> bool:
        for decorator in node.decorators:
            self.eval(decorator.decorator, scope)
        function = UserFunction(node, scope)
        scope.names[node.name.value] = function
        self.functions.append(function)
        return False

    def _exec_class(self, node: cst.ClassDef, scope: Scope, frame: Frame) -> bool:
        bases: list[str] = []
        methods: list[tuple[str, cst.FunctionDef]] = []
        for arg in node.bases:
            base = self.eval(arg.value, scope)
            if isinstance(base, Ref):
                bases.append(base.qualname)
            elif isinstance(base, UserClass):
                bases.extend(base.bases)
                methods.extend(base.methods)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                methods = [(n, f) for n, f in methods if n != stmt.name.value]
                methods.append((stmt.name.value, stmt))
        cls = UserClass(node, tuple(bases), tuple(methods))
        scope.names[node.name.value] = cls
        self.classes.append(cls)
        return False

    _compound_handlers: dict[type, Callable[["Interpreter", cst.CSTNode, Scope, Frame], bool]] = {
        cst.If: _exec_if,  # type: ignore[dict-item]
        cst.For: _exec_for,  # type: ignore[dict-item]
        cst.While: _exec_while,  # type: ignore[dict-item]
        cst.With: _exec_with,  # type: ignore[dict-item]
        cst.Try: _exec_try,  # type: ignore[dict-item]
        cst.TryStar: _exec_try,  # type: ignore[dict-item]
        cst.Match: _exec_match,  # type: ignore[dict-item]
        cst.FunctionDef: _exec_def,  # type: ignore[dict-item]
        cst.ClassDef: _exec_class,  # type: ignore[dict-item]
    }

    # ------------------------------------------------------------ assignment

    def assign(self, target: cst.BaseExpression, value: Value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.names[target.value] = _with_name_role(value, target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            starred = any(isinstance(e, cst.StarredElement) for e in elements)
            items = value.items if isinstance(value, Sequence) and not starred and len(value.items) == len(elements) else None
            for index, element in enumerate(elements):
                self.assign(element.value, items[index] if items is not None else UNKNOWN_VALUE, scope)
        elif isinstance(target, cst.Attribute):
            owner = self.eval(target.value, scope)
            if isinstance(owner, Instance):
                owner.attributes[target.attr.value] = value
        elif isinstance(target, cst.Subscript):
            self.eval(target.value, scope)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, UNKNOWN_VALUE, scope)

    # ------------------------------------------------------------ expressions

    def eval(self, node: cst.BaseExpression, scope: Scope) -> Value:
        handler = self._expression_handlers.get(type(node))
        if handler is not None:
            return handler(self, node, scope)
        self._eval_children(node, scope)
        return UNKNOWN_VALUE

    def _eval_children(self, node: cst.CSTNode, scope: Scope) -> None:
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.eval(child, scope)
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement, cst.StarredDictElement,
                                    cst.FormattedStringExpression, cst.Index, cst.SubscriptElement,
                                    cst.Slice, cst.ComparisonTarget)):
                self._eval_children(child, scope)

    def _eval_name(self, node: cst.Name, scope: Scope) -> Value:
        name = node.value
        if name == "True":
            return Const(True, node)
        if name == "False":
            return Const(False, node)
        if name == "None":
            return Const(None, node)
        value = scope.lookup(name)
        if value is None or value is UNKNOWN_VALUE:
            return _with_name_role(UNKNOWN_VALUE, node)
        return value

    def _eval_integer(self, node: cst.Integer, scope: Scope) -> Value:
        try:
            return Const(int(node.value.replace("_", ""), 0), node)
        except ValueError:
            return UNKNOWN_VALUE

    def _eval_float(self, node: cst.Float, scope: Scope) -> Value:
        try:
            return Const(float(node.value.replace("_", "")), node)
        except ValueError:
            return UNKNOWN_VALUE

    def _eval_string(self, node: cst.SimpleString | cst.ConcatenatedString, scope: Scope) -> Value:
        value: str | bytes | None = _plain_string(node) if type(node) is cst.SimpleString else None
        if value is None:
            try:
                value = node.evaluated_value  # CPython's literal_eval: compiles the literal
            except Exception:  # noqa: BLE001 - a malformed literal is simply unknown
                return UNKNOWN_VALUE
        return Const(value, node) if isinstance(value, str) else UNKNOWN_VALUE

    def _eval_attribute(self, node: cst.Attribute, scope: Scope) -> Value:
        owner = self.eval(node.value, scope)
        attr = node.attr.value
        if isinstance(owner, Ref):
            return Ref(keras_api.canonical(f"{owner.qualname}.{attr}"))
        if isinstance(owner, Instance):
            value = owner.attributes.get(attr)
            if value is not None:
                return value
            method = owner.cls.method(attr)
            if method is not None:
                return UserFunction(method, self.module_scope, owner)
            return UNKNOWN_VALUE
        if isinstance(owner, Data):
            if attr in ("values", "iloc", "loc", "array"):
                return owner.derived(node)
            return Method(owner, attr, node)
        if isinstance(owner, (Model, Layer, Estimator, Tensor, Loss, Metric)):
            return Method(owner, attr, node)
        if owner is UNKNOWN_VALUE:
            return Method(owner, attr, node)
        return UNKNOWN_VALUE

    def _eval_subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        owner = self.eval(node.value, scope)
        keys: list[Value] = []
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                keys.append(self.eval(element.slice.value, scope))
            else:
                self._eval_children(element.slice, scope)
                keys.append(UNKNOWN_VALUE)
        if isinstance(owner, Sequence) and len(keys) == 1:
            index = _const(keys[0], int)
            if isinstance(index, int) and -len(owner.items) <= index < len(owner.items):
                return owner.items[index]
            return UNKNOWN_VALUE
        if isinstance(owner, Mapping) and len(keys) == 1:
            key = _const(keys[0], str)
            found = owner.get(key) if isinstance(key, str) else None
            return found if found is not None else UNKNOWN_VALUE
        if isinstance(owner, Data):
            rows_only = all(isinstance(e.slice, cst.Slice) for e in node.slice) and len(node.slice) == 1
            if rows_only:
                return owner.derived(node)  # X[:n], p[:5]: the same kind of rows
            return owner.derived(node, prediction=None, labels=None)  # a column or a mask
        return UNKNOWN_VALUE

    def _eval_binary(self, node: cst.BinaryOperation, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        data = left if isinstance(left, Data) else right if isinstance(right, Data) else None
        if data is not None:
            return data.derived(node, prediction=None, labels=None)
        op = _BINARY_OPS.get(type(node.operator))
        if op is not None and isinstance(left, Const) and isinstance(right, Const):
            a, b = left.value, right.value
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
                try:
                    return Const(op(a, b), node)
                except (ArithmeticError, ValueError):
                    return UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def _eval_unary(self, node: cst.UnaryOperation, scope: Scope) -> Value:
        value = self.eval(node.expression, scope)
        if isinstance(value, Data):
            return value.derived(node, prediction=None, labels=None)
        if isinstance(value, Const):
            if isinstance(node.operator, cst.Minus) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
                return Const(-value.value, node)
            if isinstance(node.operator, cst.Not):
                return Const(not value.value, node)
        return UNKNOWN_VALUE

    def _eval_comparison(self, node: cst.Comparison, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        if len(node.comparisons) == 1:
            right = self.eval(node.comparisons[0].comparator, scope)
            judged = self._compare_data(node, left, node.comparisons[0].operator, right)
            if judged is not None:
                return judged
            return self._compare_consts(node, left, [right])
        rights = [self.eval(t.comparator, scope) for t in node.comparisons]
        return self._compare_consts(node, left, rights)

    def _compare_data(self, node: cst.Comparison, left: Value, op: cst.BaseCompOp, right: Value) -> Value | None:
        """`p > 0.5` on predictions (a threshold) and `p == y` (an equality with labels)."""
        if not isinstance(left, Data) and not isinstance(right, Data):
            return None
        pred_side = left if isinstance(left, Data) and left.prediction is not None else (
            right if isinstance(right, Data) and right.prediction is not None else None)
        base = left if isinstance(left, Data) else right
        assert isinstance(base, Data)
        if pred_side is not None and pred_side.prediction is not None:
            prediction = pred_side.prediction
            if isinstance(op, (cst.GreaterThan, cst.GreaterThanEqual, cst.LessThan, cst.LessThanEqual)):
                other = right if pred_side is left else left
                threshold = _const(other, (int, float))
                if isinstance(threshold, (int, float)) and prediction.post == "raw":
                    self.picture.prediction_uses.append(
                        PredictionUse("threshold", prediction, node, threshold=float(threshold)))
                    return pred_side.derived(node, prediction=prediction._replace(post="thresholded"))
            elif isinstance(op, (cst.Equal, cst.NotEqual)) and prediction.post == "raw":
                other = right if pred_side is left else left
                if not isinstance(other, Const):
                    self.picture.prediction_uses.append(PredictionUse("equality", prediction, node))
        return base.derived(node, prediction=None, labels=None)

    def _compare_consts(self, node: cst.Comparison, left: Value, rights: list[Value]) -> Value:
        result: bool | None = True
        for target, right in zip(node.comparisons, rights):
            op = _COMPARE_OPS.get(type(target.operator))
            if result and op is not None and isinstance(left, Const) and isinstance(right, Const):
                try:
                    result = bool(op(left.value, right.value))
                except TypeError:
                    result = None
            else:
                result = None if result else result
            left = right
        return Const(result, node) if result is not None else UNKNOWN_VALUE

    def _eval_sequence(self, node: cst.Tuple | cst.List, scope: Scope) -> Value:
        items: list[Value] = []
        starred = False
        for element in node.elements:
            value = self.eval(element.value, scope)
            if isinstance(element, cst.StarredElement):
                starred = True
            items.append(value)
        return UNKNOWN_VALUE if starred else Sequence(tuple(items), node)

    def _eval_dict(self, node: cst.Dict, scope: Scope) -> Value:
        items: list[tuple[str, Value]] = []
        exact = True
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.eval(element.key, scope)
                value = self.eval(element.value, scope)
                if isinstance(key, Const) and isinstance(key.value, str):
                    items.append((key.value, value))
                else:
                    exact = False
            else:
                self.eval(element.value, scope)
                exact = False
        return Mapping(tuple(items), node) if exact else UNKNOWN_VALUE

    def _eval_ifexp(self, node: cst.IfExp, scope: Scope) -> Value:
        test = self.eval(node.test, scope)
        body = self.eval(node.body, scope)
        orelse = self.eval(node.orelse, scope)
        if isinstance(test, Const):
            return body if test.value else orelse
        return _same([body, orelse])

    def _eval_named(self, node: cst.NamedExpr, scope: Scope) -> Value:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def _eval_lambda(self, node: cst.Lambda, scope: Scope) -> Value:
        return UNKNOWN_VALUE

    def _eval_comprehension(self, node: cst.BaseComp, scope: Scope) -> Value:
        inner = Scope(scope)
        for_in: cst.CompFor | None = node.for_in
        while for_in is not None:
            self.eval(for_in.iter, inner)
            self.assign(for_in.target, UNKNOWN_VALUE, inner)
            for condition in for_in.ifs:
                self.eval(condition.test, inner)
            for_in = for_in.inner_for_in
        self.conditional += 1
        try:
            if isinstance(node, cst.DictComp):
                self.eval(node.key, inner)
                self.eval(node.value, inner)
            else:
                self.eval(node.elt, inner)  # type: ignore[attr-defined]
        finally:
            self.conditional -= 1
        return UNKNOWN_VALUE

    # ------------------------------------------------------------------ calls

    def _eval_call(self, node: cst.Call, scope: Scope) -> Value:
        func = self.eval(node.func, scope)
        args = self._eval_args(node, scope)
        if isinstance(func, Method):
            if func.name in TRACKED_METHODS:
                self.picture.method_calls.append(MethodCall(func.receiver, func.name, node))
            return self._call_method(func, args, node)
        if isinstance(func, Ref):
            return self._call_ref(func.qualname, args, node)
        if isinstance(func, UserFunction):
            return self._call_function(func, args)
        if isinstance(func, UserClass):
            return self._instantiate(func, args, node)
        if isinstance(func, Layer):
            first = args.get("inputs", 0)
            if first is not None and isinstance(first[0], Data):
                return first[0].derived(node, transforms=first[0].transforms + (Transform(func, node),),
                                        prediction=None)
            source = args.positional[0][0] if len(args.positional) == 1 and not args.keywords.get("inputs") else None
            if source is None and "inputs" in args.keywords:
                source = args.keywords["inputs"][0]
            return Tensor(node, func, source)
        if isinstance(func, Model):
            first = args.get("inputs", 0) or args.get("x", 0)
            if first is not None and isinstance(first[0], Data):
                return self._predict(func, "__call__", first, node)
            return Tensor(node, None, None, opaque=True)
        return UNKNOWN_VALUE

    def _eval_args(self, node: cst.Call, scope: Scope) -> Args:
        positional: list[tuple[Value, cst.Arg]] = []
        keywords: dict[str, tuple[Value, cst.Arg]] = {}
        starred = False
        for arg in node.args:
            value = self.eval(arg.value, scope)
            if arg.star:
                starred = True
            elif arg.keyword is not None:
                keywords[arg.keyword.value] = (value, arg)
            else:
                positional.append((value, arg))
        return Args(positional, keywords, starred)

    def _call_function(self, fn: UserFunction, args: Args, deferred: bool = False) -> Value:
        node = fn.node
        if node in self.call_stack or len(self.call_stack) >= _MAX_CALL_DEPTH or self.budget <= 0:
            return UNKNOWN_VALUE
        self.budget -= 1
        self.inlined.add(id(node))
        parent = fn.scope if isinstance(fn.scope, Scope) else self.module_scope
        local = Scope(parent)
        self.function_scopes.append(local)
        self._bind_parameters(fn, args, local, parent)
        frame = Frame()
        self.call_stack.append(node)
        try:
            self.exec_suite(node.body, local, frame)
        finally:
            self.call_stack.pop()
        if deferred or self._is_generator(node):
            return UNKNOWN_VALUE
        if not frame.returns:
            return Const(None)
        return _same(frame.returns)

    def _is_generator(self, node: cst.FunctionDef) -> bool:
        """True when the function's own body yields; asked once per function, however often it is called."""
        known = self.generators.get(id(node))
        if known is None:
            known = self.generators[id(node)] = self.may_yield and _yields(node.body)
        return known

    def _bind_parameters(self, fn: UserFunction, args: Args, local: Scope, parent: Scope) -> None:
        params = fn.node.params
        ordered = list(params.posonly_params) + list(params.params)
        positional = list(args.positional)
        if fn.bound_self is not None and ordered:
            local.names[ordered[0].name.value] = fn.bound_self
            ordered = ordered[1:]
        for index, param in enumerate(ordered):
            name = param.name.value
            if index < len(positional):
                local.names[name] = positional[index][0]
            elif name in args.keywords:
                local.names[name] = args.keywords[name][0]
            elif args.starred or param.default is None:
                local.names[name] = UNKNOWN_VALUE
            else:
                local.names[name] = self.eval(param.default, parent)
        for param in params.kwonly_params:
            name = param.name.value
            if name in args.keywords:
                local.names[name] = args.keywords[name][0]
            elif args.starred or param.default is None:
                local.names[name] = UNKNOWN_VALUE
            else:
                local.names[name] = self.eval(param.default, parent)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                local.names[star.name.value] = UNKNOWN_VALUE

    def _instantiate(self, cls: UserClass, args: Args, node: cst.Call) -> Value:
        self.instantiated.add(id(cls.node))
        instance = Instance(cls)
        init = cls.method("__init__")
        if init is not None:
            self._call_function(UserFunction(init, self.module_scope, instance), args)
        if not cls.is_keras_model:
            return instance
        model = Model("subclassed", node, complete=False)
        call = cls.method("call")
        if call is not None and len(call.params.params) >= 2:
            inputs = Tensor(call, None)
            out = self._call_function(UserFunction(call, self.module_scope, instance),
                                      Args([(inputs, cst.Arg(cst.Name("inputs")))], {}, False))
            if isinstance(out, Tensor):
                model.outputs = (out,)
                model.complete = True
        self.picture.models.append(model)
        return model

    # Calls on objects kast models.

    def _call_method(self, method: Method, args: Args, node: cst.Call) -> Value:
        receiver = method.receiver
        if isinstance(receiver, Model):
            return self._model_method(receiver, method.name, args, node)
        if isinstance(receiver, Estimator):
            return self._estimator_method(receiver, method.name, args, node)
        if isinstance(receiver, Data):
            return self._data_method(receiver, method.name, args, node)
        if isinstance(receiver, Layer) and method.name == "adapt":
            self._fit_event(receiver, args.get("data", 0), node)
            return Const(None)
        if isinstance(receiver, Metric) and method.name == "update_state":
            predicted = args.get("y_pred", 1)
            if predicted is not None and isinstance(predicted[0], Data) and predicted[0].prediction is not None:
                self.picture.prediction_uses.append(PredictionUse(
                    "update_state", predicted[0].prediction, predicted[1].value, metric=receiver))
            return Const(None)
        return UNKNOWN_VALUE

    def _fit_event(self, estimator: Value, item: tuple[Value, cst.Arg] | None, node: cst.Call) -> None:
        if item is None:
            return
        if isinstance(estimator, Estimator):
            estimator.fitted_on.append(item[0])
        self.picture.fit_events.append(FitEvent(estimator, item[0], node, item[1].value, self.picture.tick()))

    def _predict(self, model: Model, method: str, item: tuple[Value, cst.Arg] | None, node: cst.Call) -> Value:
        x = item[0] if item is not None else UNKNOWN_VALUE
        self.picture.inferences.append(Inference(model, method, x, item[1].value if item else None, node))
        compile_call = model.compiles[-1] if model.compiles else None
        from_logits: bool | None = None
        if compile_call is not None:
            pairs = compile_call.loss_per_output()
            if len(pairs) == 1 and isinstance(pairs[0][1].from_logits, Known):
                from_logits = pairs[0][1].from_logits.value
        prediction = Prediction(model, model.output_layers(), from_logits, node)
        base = x if isinstance(x, Data) else Data(node)
        return Data(node, role=base.role, role_node=base.role_node, origin=base.origin, prediction=prediction)

    def _model_method(self, model: Model, name: str, args: Args, node: cst.Call) -> Value:
        if name == "add" and model.kind == "sequential":
            item = args.get("layer", 0)
            layer = item[0] if item is not None else UNKNOWN_VALUE
            if isinstance(layer, Tensor) and layer.layer is None and not layer.opaque:
                layer = Layer("InputLayer", node)  # model.add(keras.Input(...))
            model.entries.append(SequentialEntry(layer, node, self.conditional > 0))
            return Const(None)
        if name == "pop" and model.kind == "sequential":
            if model.entries and self.conditional == 0:
                model.entries.pop()
            else:
                model.complete = False
            return UNKNOWN_VALUE
        if name == "compile":
            self._compile(model, args, node)
            return Const(None)
        if name in ("predict", "predict_on_batch"):
            return self._predict(model, name, args.get("x", 0), node)
        if name == "evaluate":
            x = args.get("x", 0)
            self.picture.inferences.append(Inference(model, name, x[0] if x else UNKNOWN_VALUE,
                                                     x[1].value if x else None, node))
            return UNKNOWN_VALUE
        if name in ("fit", "fit_generator"):
            # fit_generator (removed in Keras 3) trains all the same; its second argument is not labels.
            x = args.get("x", 0) or args.get("generator")
            y = args.get("y", 1) if name == "fit" else None
            validation = args.get("validation_data")
            fit = FitCall(node, model, x[0] if x else UNKNOWN_VALUE, y[0] if y else UNKNOWN_VALUE,
                          validation[0] if validation else None, model.compiles[-1] if model.compiles else None)
            model.fits.append(fit)
            self.picture.fits.append(fit)
            return UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def _estimator_method(self, estimator: Estimator, name: str, args: Args, node: cst.Call) -> Value:
        data = args.get("X", 0) or args.get("texts", 0) or args.get("y", 0) or args.get("raw_documents", 0)
        if name in ("fit", "fit_transform", "partial_fit", "fit_on_texts", "fit_resample"):
            self._fit_event(estimator, data, node)
        short = estimator.qualname.rsplit(".", 1)[-1]
        if name == "fit_resample":
            outputs = []
            for item in (args.get("X", 0), args.get("y", 1)):
                base = item[0] if item is not None and isinstance(item[0], Data) else Data(node)
                outputs.append(base.derived(node, resampled=node if base.role is None else base.resampled))
            return Sequence(tuple(outputs), node)
        if name in ("fit_transform", "transform", "texts_to_sequences", "texts_to_matrix"):
            labels = None
            if short == "LabelEncoder":
                labels = Labels("integer", node)
            elif short == "OneHotEncoder" and self._dense_onehot(estimator):
                labels = Labels("onehot", node)
            base = data[0] if data is not None and isinstance(data[0], Data) else Data(node)
            return base.derived(node, transforms=base.transforms + (Transform(estimator, node),), labels=labels,
                                prediction=None)
        if name in ("fit", "partial_fit"):
            return estimator
        return UNKNOWN_VALUE

    @staticmethod
    def _dense_onehot(estimator: Estimator) -> bool:
        call = estimator.node
        if not isinstance(call, cst.Call):
            return False
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in ("sparse", "sparse_output"):
                return isinstance(arg.value, cst.Name) and arg.value.value == "False"
        return False

    def _data_method(self, data: Data, name: str, args: Args, node: cst.Call) -> Value:
        if name in ("copy", "to_numpy", "drop", "dropna", "fillna", "head", "tail", "sample", "numpy",
                    "reset_index", "sort_index", "__array__"):
            return data.derived(node)
        if name in ("reshape", "ravel", "flatten", "squeeze"):
            prediction = data.prediction
            if prediction is not None and (name != "reshape" or _flattening_reshape(args)):
                prediction = prediction._replace(flattened=True)
            return data.derived(node, prediction=prediction)
        if name == "astype":
            prediction = data.prediction
            if prediction is not None and prediction.post == "raw":
                prediction = prediction._replace(post="cast")
            return data.derived(node, prediction=prediction)
        if name == "argmax":
            return self._argmax(data, args.get("axis", 0), node)
        if name == "round":
            return self._round(data, node)
        if name in ("map", "replace", "apply", "pop"):
            return data.derived(node, prediction=None, labels=None)
        return UNKNOWN_VALUE

    def _argmax(self, data: Data, axis_arg: tuple[Value, cst.Arg] | None, node: cst.Call) -> Value:
        if data.prediction is None:
            return data.derived(node, labels=None)
        axis = _const(axis_arg[0], int) if axis_arg is not None else None
        if data.prediction.post == "raw":
            self.picture.prediction_uses.append(PredictionUse(
                "argmax", data.prediction, node, axis=axis if isinstance(axis, int) else None))
        return data.derived(node, prediction=data.prediction._replace(post="argmax"))

    def _round(self, data: Data, node: cst.Call) -> Value:
        if data.prediction is None:
            return data.derived(node)
        if data.prediction.post == "raw":
            self.picture.prediction_uses.append(PredictionUse("round", data.prediction, node))
        return data.derived(node, prediction=data.prediction._replace(post="rounded"))

    def _compile(self, model: Model, args: Args, node: cst.Call) -> None:
        loss_arg = args.get("loss", 1)
        metrics_arg = args.get("metrics")
        optimizer_arg = args.get("optimizer", 0)
        loss_value = self._as_loss(loss_arg[0], loss_arg[1].value) if loss_arg else UNKNOWN_VALUE
        metrics: list[Metric] = []
        metrics_complete = not args.starred
        if metrics_arg is not None:
            listed = metrics_arg[0]
            metrics_complete = metrics_complete and listed is not UNKNOWN_VALUE and not isinstance(listed, Mapping)
            for value, item_node in _items(listed, metrics_arg[1].value):
                metric = self._as_metric(value, item_node)
                if metric is not None:
                    metrics.append(metric)
                else:
                    metrics_complete = False
        optimizer = optimizer_arg[0] if optimizer_arg else UNKNOWN_VALUE
        if isinstance(optimizer, Const) and isinstance(optimizer.value, str) and optimizer_arg is not None:
            self.picture.keras_strings.append(KerasString("optimizer", optimizer.value, optimizer_arg[1].value))
        call = CompileCall(
            node=node,
            model=model,
            outputs=model.output_layers(),
            loss=loss_value,
            loss_node=loss_arg[1].value if loss_arg else None,
            metrics=tuple(metrics),
            metrics_node=metrics_arg[1].value if metrics_arg else None,
            metrics_complete=metrics_complete,
            optimizer=optimizer,
        )
        model.compiles.append(call)
        self.picture.compiles.append(call)

    def _as_loss(self, value: Value, node: cst.CSTNode) -> Value:
        """The Loss a compile `loss=` value stands for (per output for a list or dict)."""
        if isinstance(value, Loss):
            return value
        if isinstance(value, Const) and isinstance(value.value, str):
            self.picture.keras_strings.append(KerasString("loss", value.value, value.node or node))
            name = keras_api.loss_from_string(value.value)
            return Loss(name, Known(False, node), value.node or node) if name else UNKNOWN_VALUE
        if isinstance(value, Ref):
            name = keras_api.loss_function(value.qualname)
            return Loss(name, Known(False, node), node) if name else UNKNOWN_VALUE
        if isinstance(value, Sequence):
            return Sequence(tuple(self._as_loss(v, v.node if isinstance(v, (Const, Loss)) and v.node else node)
                                  for v in value.items), value.node)
        if isinstance(value, Mapping):
            return Mapping(tuple((k, self._as_loss(v, v.node if isinstance(v, (Const, Loss)) and v.node else node))
                                 for k, v in value.items), value.node)
        return UNKNOWN_VALUE

    def _as_metric(self, value: Value, node: cst.CSTNode) -> Metric | None:
        if isinstance(value, Const) and isinstance(value.value, str):
            self.picture.keras_strings.append(KerasString("metric", value.value, node))
            return Metric(value.value, False, node)
        if isinstance(value, Metric):
            return value
        if isinstance(value, Ref):
            name = keras_api.keras_member(value.qualname, "metrics") or keras_api.keras_member(value.qualname, "losses")
            return Metric(name, False, node) if name else None
        return None

    # Calls of imported names: where Keras objects are made.

    def _call_ref(self, qualname: str, args: Args, node: cst.Call) -> Value:
        layer_name = keras_api.keras_member(qualname, "layers")
        if qualname in keras_api.INPUT and qualname != "keras.layers.InputLayer":
            return Tensor(node, None)
        if layer_name is not None and layer_name[:1].isupper():
            return self._make_layer(layer_name, args, node)
        dataset = _keras_dataset(qualname)
        if dataset:
            return Sequence(tuple(Sequence((Data(node, role=role, role_node=node, origin=node),
                                            Data(node, role=role, role_node=node, origin=node)), node)
                                  for role in ("train", "test")), node)
        if qualname in keras_api.SEQUENTIAL:
            return self._make_sequential(args, node)
        if qualname in keras_api.FUNCTIONAL_MODEL:
            return self._make_functional(args, node)
        if qualname in keras_api.LOAD_MODEL:
            model = Model("loaded", node, complete=False)
            self.picture.models.append(model)
            return model
        loss = keras_api.loss_class(qualname)
        if loss is not None:
            return self._make_loss(qualname, loss, args, node)
        metric = keras_api.keras_member(qualname, "metrics")
        if metric is not None and metric[:1].isupper():
            return Metric(metric, True, node)
        optimizer = qualname.startswith("keras.optimizers.") and qualname.rsplit(".", 1)[1][:1].isupper()
        if optimizer and ".schedules." not in qualname:
            made = Optimizer(qualname, node)
            self.picture.optimizers.append(made)
            return made
        if qualname == "keras.utils.to_categorical":
            classes = args.get("num_classes", 1)
            count = _int_fact(classes[0], classes[1].value) if classes else UNKNOWN
            return Data(node, labels=Labels("onehot", node, count))
        if qualname == "pandas.get_dummies":
            return Data(node, labels=Labels("onehot", node))
        handled = self._call_data_function(qualname, args, node)
        if handled is not None:
            return handled
        if qualname in ("sklearn.pipeline.make_pipeline", "sklearn.compose.make_column_transformer"):
            return Estimator(qualname, node, "pipeline")
        short = qualname.rsplit(".", 1)[1] if "." in qualname else qualname
        if short[:1].isupper() and (qualname.startswith(("sklearn.", "imblearn.")) or preprocessor_kind(qualname)):
            return Estimator(qualname, node, preprocessor_kind(qualname))
        if qualname in ("sklearn.model_selection.train_test_split", "keras.utils.split_dataset"):
            return self._split(args, node)
        if qualname in ("numpy.random.randint",) or qualname == "numpy.random.Generator.integers":
            return self._random_integers(args, node)
        if qualname == "numpy.random.default_rng":
            return Ref("numpy.random.Generator")
        if qualname in ("numpy.array", "numpy.asarray", "numpy.squeeze", "numpy.ravel"):
            first = args.get("a", 0) or args.get("object", 0)
            if first is not None and isinstance(first[0], Data):
                return first[0].derived(node)
        return UNKNOWN_VALUE

    def _random_integers(self, args: Args, node: cst.Call) -> Value:
        size = args.get("size", 2)
        if size is not None:
            shape = size[0]
            if isinstance(shape, Sequence):
                dims = [_const(v, int) for v in shape.items]
                if len(dims) > 2 or (len(dims) == 2 and dims[1] != 1):
                    return Data(node)
            elif not isinstance(shape, Const):
                return Data(node)
        return Data(node, labels=Labels("integer", node))

    def _split(self, args: Args, node: cst.Call) -> Value:
        """train_test_split(*arrays): a (train, held-out) pair per array, in the documented order.

        The held-out part of a whole data set is test data; of a training set
        (a nested split), validation data.
        """
        if args.starred:
            return UNKNOWN_VALUE
        inputs = [value for value, _ in args.positional]
        self.picture.splits.append(Split(node, tuple(inputs), self.picture.tick()))
        outputs: list[Value] = []
        for value in inputs:
            base = value if isinstance(value, Data) else Data(node, origin=node)
            held_out = "validation" if base.role in ("train", "validation") else "test"
            for role in ("train", held_out):
                outputs.append(base.derived(node, role=role, role_node=node, prediction=None))
        return Sequence(tuple(outputs), node)

    def _call_data_function(self, qualname: str, args: Args, node: cst.Call) -> Value | None:
        """numpy, pandas, TensorFlow and scikit-learn functions that carry data lineage."""
        module, _, name = qualname.rpartition(".")
        first = args.positional[0][0] if args.positional else None
        if module in ("pandas", "numpy") and name.startswith(("read_", "load")) or qualname in (
                "numpy.genfromtxt", "numpy.fromfile", "pandas.DataFrame", "numpy.loadtxt"):
            return Data(node, origin=node)
        if qualname in ("numpy.concatenate", "numpy.vstack", "numpy.row_stack", "numpy.append", "pandas.concat",
                        "tensorflow.concat"):
            return self._concatenate(args, node)
        if qualname in ("sklearn.utils.resample", "sklearn.utils.shuffle") and isinstance(first, Data):
            if name == "resample" and first.role is None:
                return first.derived(node, resampled=node)
            return first.derived(node)
        if module in ("numpy", "tensorflow", "tensorflow.math") and name == "argmax" and isinstance(first, Data):
            # Without an axis, numpy flattens and TensorFlow reduces axis 0: not the class axis.
            return self._argmax(first, args.get("axis", 1), node)
        if module in ("numpy", "tensorflow", "tensorflow.math") and name in ("round", "rint", "around"):
            return self._round(first, node) if isinstance(first, Data) else UNKNOWN_VALUE
        if qualname == "numpy.where" and isinstance(first, Data) and len(args.positional) == 3:
            return first.derived(node)
        if module == "numpy" and name in ("squeeze", "ravel", "array", "asarray", "copy", "expand_dims",
                                          "log1p", "log", "sqrt", "clip", "nan_to_num", "float32"):
            if isinstance(first, Data):
                if first.prediction is not None and name in ("squeeze", "ravel"):
                    return first.derived(node, prediction=first.prediction._replace(flattened=True))
                keep = name in ("array", "asarray", "copy", "expand_dims")
                return first.derived(node) if keep else first.derived(node, prediction=None)
            return None
        if qualname.startswith("sklearn.metrics.") and name in _LABEL_METRICS:
            for item in (args.get("y_true", 0), args.get("y_pred", 1)):
                if item is not None and isinstance(item[0], Data) and item[0].prediction is not None \
                        and item[0].prediction.post == "raw":
                    self.picture.prediction_uses.append(
                        PredictionUse("label_metric", item[0].prediction, item[1].value, detail=name))
            return UNKNOWN_VALUE
        return None

    def _concatenate(self, args: Args, node: cst.Call) -> Value:
        items: list[Value] = []
        for value, _ in args.positional[:2]:
            items.extend(value.items if isinstance(value, Sequence) else [value])
        data = [v for v in items if isinstance(v, Data)]
        if not data:
            return Data(node, origin=node)
        roles = {d.role for d in data}
        test = next((d for d in data if d.role == "test"), None)
        resampled = next((d.resampled for d in data if d.resampled is not None), None)
        return Data(node, role=roles.pop() if len(roles) == 1 and len(data) == len(items) else None,
                    origin=data[0].origin, transforms=data[0].transforms, resampled=resampled,
                    contains_test=(node if test is not None and len(roles) > 1 else None))

    def _make_layer(self, kind: str, args: Args, node: cst.Call) -> Value:
        units: Fact[int] = UNKNOWN
        activation: Fact[str] = UNKNOWN
        unit_kw = keras_api.UNIT_ARGUMENT.get(kind, "")
        if kind in keras_api.UNIT_ARGUMENT:
            if unit_kw:
                item = args.get(unit_kw, 0)
                if item is not None:
                    units = _int_fact(item[0], item[1].value)
            activation = self._activation_argument(args.get("activation", keras_api.ACTIVATION_POSITION.get(kind)),
                                                   keras_api.DEFAULT_ACTIVATION.get(kind, "linear"),
                                                   args.absent("activation", keras_api.ACTIVATION_POSITION.get(kind)),
                                                   node)
        elif kind == "Activation":
            activation = self._activation_argument(args.get("activation", 0), None, False, node)
        name_arg = args.get("name")
        name: Fact[str] = UNKNOWN
        if name_arg is not None and isinstance(name_arg[0], Const) and isinstance(name_arg[0].value, str):
            name = Known(name_arg[0].value, name_arg[1].value)
        inner = None
        if kind == "TimeDistributed":
            wrapped = args.get("layer", 0)
            inner = wrapped[0] if wrapped is not None and isinstance(wrapped[0], Layer) else None
        layer = Layer(kind, node, units, activation, name, inner)
        self.picture.layers.append(layer)
        return layer

    def _activation_argument(self, item: tuple[Value, cst.Arg] | None, default: str | None,
                             absent: bool, call: cst.Call) -> Fact[str]:
        if item is None:
            return Known(default, call) if absent and default is not None else UNKNOWN
        value, arg = item
        where = arg.value
        if isinstance(value, Const):
            if value.value is None:
                return Known("linear", where)
            if isinstance(value.value, str):
                self.picture.keras_strings.append(KerasString("activation", value.value, where))
                name = keras_api.activation_from_string(value.value)
                return Known(name, where) if name else UNKNOWN
            return UNKNOWN
        if isinstance(value, Ref):
            name = keras_api.activation_from_qualname(value.qualname)
            return Known(name, where) if name else UNKNOWN
        if isinstance(value, Layer):
            name = keras_api.ACTIVATION_LAYERS.get(value.kind)
            return Known(name, where) if name else UNKNOWN
        return UNKNOWN

    def _make_sequential(self, args: Args, node: cst.Call) -> Value:
        model = Model("sequential", node)
        item = args.get("layers", 0)
        if item is not None:
            layers = item[0]
            if isinstance(layers, Sequence):
                for layer, layer_node in _items(layers, item[1].value):
                    if isinstance(layer, Tensor) and layer.layer is None and not layer.opaque:
                        layer = Layer("InputLayer", node)
                    model.entries.append(SequentialEntry(layer, layer_node, False))
            elif not (isinstance(layers, Const) and layers.value is None):
                model.complete = False
        elif args.starred:
            model.complete = False
        self.picture.models.append(model)
        return model

    def _make_functional(self, args: Args, node: cst.Call) -> Value:
        model = Model("functional", node)
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
        self.picture.models.append(model)
        return model

    def _make_loss(self, qualname: str, name: str, args: Args, node: cst.Call) -> Value:
        short = qualname.rsplit(".", 1)[1]
        position = 0 if short in keras_api.FROM_LOGITS_FIRST else None
        item = args.get("from_logits", position)
        from_logits: Fact[bool]
        if item is None:
            from_logits = UNKNOWN if args.starred else Known(False, node)
        elif isinstance(item[0], Const) and isinstance(item[0].value, bool):
            from_logits = Known(item[0].value, item[1])
        else:
            from_logits = UNKNOWN
        return Loss(name, from_logits, node)

    _expression_handlers: dict[type, Callable[["Interpreter", cst.CSTNode, Scope], Value]] = {
        cst.Name: _eval_name,  # type: ignore[dict-item]
        cst.Integer: _eval_integer,  # type: ignore[dict-item]
        cst.Float: _eval_float,  # type: ignore[dict-item]
        cst.SimpleString: _eval_string,  # type: ignore[dict-item]
        cst.ConcatenatedString: _eval_string,  # type: ignore[dict-item]
        cst.Attribute: _eval_attribute,  # type: ignore[dict-item]
        cst.Subscript: _eval_subscript,  # type: ignore[dict-item]
        cst.Call: _eval_call,  # type: ignore[dict-item]
        cst.BinaryOperation: _eval_binary,  # type: ignore[dict-item]
        cst.UnaryOperation: _eval_unary,  # type: ignore[dict-item]
        cst.Comparison: _eval_comparison,  # type: ignore[dict-item]
        cst.Tuple: _eval_sequence,  # type: ignore[dict-item]
        cst.List: _eval_sequence,  # type: ignore[dict-item]
        cst.Dict: _eval_dict,  # type: ignore[dict-item]
        cst.IfExp: _eval_ifexp,  # type: ignore[dict-item]
        cst.NamedExpr: _eval_named,  # type: ignore[dict-item]
        cst.Lambda: _eval_lambda,  # type: ignore[dict-item]
        cst.ListComp: _eval_comprehension,  # type: ignore[dict-item]
        cst.SetComp: _eval_comprehension,  # type: ignore[dict-item]
        cst.GeneratorExp: _eval_comprehension,  # type: ignore[dict-item]
        cst.DictComp: _eval_comprehension,  # type: ignore[dict-item]
    }


def _items(value: Value, node: cst.CSTNode) -> list[tuple[Value, cst.CSTNode]]:
    """The items of a list/tuple value with their nodes; a single value as one item."""
    if isinstance(value, Sequence) and isinstance(value.node, (cst.List, cst.Tuple)):
        return [(v, e.value) for v, e in zip(value.items, value.node.elements)]
    if isinstance(value, Sequence):
        return [(v, node) for v in value.items]
    if isinstance(value, Mapping):
        return []
    return [(value, node)]


_LABEL_METRICS = frozenset(
    {"accuracy_score", "f1_score", "precision_score", "recall_score", "confusion_matrix", "classification_report",
     "balanced_accuracy_score", "precision_recall_fscore_support", "cohen_kappa_score", "matthews_corrcoef",
     "jaccard_score", "fbeta_score"}
)


def _keras_dataset(qualname: str) -> bool:
    """keras.datasets.<name>.load_data: ((x_train, y_train), (x_test, y_test))."""
    return qualname.startswith("keras.datasets.") and qualname.endswith(".load_data")


def _flattening_reshape(args: Args) -> bool:
    shape = [v for v, _ in args.positional]
    if len(shape) == 1 and isinstance(shape[0], Sequence):
        shape = list(shape[0].items)
    return len(shape) == 1 and _const(shape[0], int) == -1


def _with_name_role(value: Value, target: cst.Name) -> Value:
    """Data bound to a name like X_test takes that role when no split gave it one."""
    role = role_from_name(target.value)
    if role is None:
        return value
    if isinstance(value, Data):
        if value.role is None and value.prediction is None:
            return value.derived(value.node or target, role=role, role_node=target)
        if value.role == "test" and role == "validation" and value.role_node is not None:
            return value.derived(value.node or target, role=role)  # a held-out part named as validation
        return value
    if value is UNKNOWN_VALUE and role in ("test", "validation"):
        return Data(target, role=role, role_node=target)
    return value


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _plain_string(node: cst.SimpleString) -> str | None:
    """The value of a string literal with no escape, no f or b prefix and no carriage return; else None.

    Such a literal means its characters between the quotes, which spares
    `evaluated_value` (CPython's literal_eval: a compile per string).
    """
    literal = node.value
    prefix = node.prefix
    if "\\" in literal or "\r" in literal or prefix.lower() not in ("", "r", "u"):
        return None
    quote = len(node.quote)
    return literal[len(prefix) + quote:-quote]


def _yields(node: cst.CSTNode) -> bool:
    # A walk over the nodes' fields: a CSTVisitor, and even `.children`, rebuild every node they pass.
    # Exact type tests: isinstance() against LibCST's abstract classes goes through ABCMeta, slowly.
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is cst.Yield:
            return True
        if current is not node and kind in _SCOPES:
            continue
        for name in current.__dataclass_fields__:
            value = getattr(current, name)
            if type(value) in (list, tuple):
                stack.extend(item for item in value if hasattr(item, "__dataclass_fields__"))
            elif hasattr(value, "__dataclass_fields__"):
                stack.append(value)
    return False


_SCOPES = frozenset({cst.FunctionDef, cst.Lambda, cst.ClassDef})


def build_picture(module: cst.Module, path: str, chunks: list[tuple[cst.Module, int]] | None = None,
                  source: str | None = None, statement_lines: list[int] | None = None) -> Picture:
    """Walk the script once and return its semantic picture.

    `chunks` holds a large script parsed in pieces ((piece, lines before it), in
    order, `module` being the first); they are walked as one script.  `source`
    is the script's text, if at hand, and `statement_lines` the first lines of
    its top-level statements by CPython's parser, if known: positions are then
    found faster.
    """
    picture = Picture(module, path, chunks=list(chunks or []), source=source, statement_lines=statement_lines)
    Interpreter(picture).run(picture.statements)
    return picture


__all__ = ["build_picture", "Interpreter", "OutputLayer"]
