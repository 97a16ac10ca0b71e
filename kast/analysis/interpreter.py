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

from kast import libraries
from kast.analysis import lineage
from kast.analysis.calls import Args, const
from kast.analysis.dataflow import Collection, Data, Fixed, PredictionUse, RowIndex, Split, role_from_name
from kast.analysis.models import Model, OutputLayer
from kast.analysis.picture import KerasCall, MethodCall, ModelBinding, Picture
from kast.analysis.values import (
    UNKNOWN_VALUE,
    Const,
    Counter,
    Instance,
    Mapping,
    Method,
    Ref,
    Sequence,
    UserClass,
    UserFunction,
    UserLambda,
    Value,
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
                qualname = libraries.star_import(module, name)
                if qualname is not None:
                    return Ref(qualname)
            scope = scope.parent
        return None


@dataclass
class Frame:
    """One function activation: the values it returns."""

    returns: list[Value] = field(default_factory=list)


def _same(values: Iterable[Value]) -> Value:
    """The join of the values a name may hold after branches: the value if they agree, else unknown.

    Data from the same rows joins to the facts every branch agrees on (a frame
    one branch wrote a column into is still that frame).
    """
    items = list(values)
    if items and all(v is items[0] for v in items):
        return items[0]
    joined = lineage.join(items)
    return joined if joined is not None else UNKNOWN_VALUE


_OPERATOR_SIGNS = {cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.Divide: "/"}

# Methods of list, dict and set that change the object in place.
MUTATING_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse", "update",
                               "setdefault", "popitem", "add", "discard"})

def _empty_or_collection(value: Value | None) -> bool:
    return isinstance(value, Collection) or (isinstance(value, Sequence) and not value.items)


def _is_none(value: Value) -> bool:
    """An absent slice bound (or a literal None)."""
    return isinstance(value, Const) and value.value is None


def _target_names(target: cst.BaseExpression) -> frozenset[str]:
    """The names a `for` target binds."""
    if isinstance(target, cst.Name):
        return frozenset({target.value})
    if isinstance(target, (cst.Tuple, cst.List)):
        return frozenset().union(*(_target_names(e.value) for e in target.elements))
    return frozenset()


# Values with no attributes kast models: reading one gives nothing known.
_PLAIN_VALUES = (Const, Sequence, Mapping, Ref, UserFunction, UserClass, UserLambda, Method)


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
        self.loops: list[frozenset[str]] = []  # the names bound by each `for` being run, outermost first
        self.scope: Scope = self.module_scope  # the scope of the call being evaluated (for in-place effects)
        self.call_stack: list[cst.FunctionDef] = []
        self.budget = _INLINE_BUDGET
        self.inlined: set[int] = set()
        self.functions: list[UserFunction] = []
        self.classes: list[UserClass] = []
        self.instantiated: set[int] = set()
        self.generators: dict[int, bool] = {}  # id(FunctionDef) -> its body yields
        # No function of a script without the word `yield` is a generator: no body to walk.
        self.may_yield = picture.source is None or "yield" in picture.source

    @property
    def depth(self) -> int:
        """User functions being run (0 at module level)."""
        return len(self.call_stack)

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
        if libraries.is_framework(dotted):
            self.picture.imports_keras = True

    def _import(self, node: cst.Import, scope: Scope) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted is None:
                continue
            self._note_module(dotted)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                scope.names[alias.asname.name.value] = Ref(libraries.canonical(dotted))
            else:
                top = dotted.split(".", 1)[0]
                scope.names[top] = Ref(libraries.canonical(top))

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
            scope.star_imports.append(libraries.canonical(module))
            return
        for alias in node.names:
            name = _dotted(alias.name)
            if name is None:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            scope.names[local] = Ref(libraries.canonical(f"{module}.{name}"))

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
        # A list the loop fills (`rows.append(x)`) holds what it collects, not the empty list it started as.
        collected = {name: value for name, value in after.items()
                     if isinstance(value, Collection) and _empty_or_collection(before.get(name))}
        self._merge(scope, [(before, False), (after, False)])
        scope.names.update(collected)
        return False

    def _exec_for(self, node: cst.For, scope: Scope, frame: Frame) -> bool:
        iterated = self.eval(node.iter, scope)
        self.assign(node.target, self._element(iterated, node.iter), scope)
        self.loops.append(_target_names(node.target))
        try:
            return self._exec_loop_body(node.body, node.orelse, scope, frame)
        finally:
            self.loops.pop()

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
            scope.names[target.value] = self._named(value, target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            starred = any(isinstance(e, cst.StarredElement) for e in elements)
            items = value.items if isinstance(value, Sequence) and not starred and len(value.items) == len(elements) else None
            for index, element in enumerate(elements):
                if items is not None:
                    item = items[index]
                elif isinstance(value, Data) and not starred:
                    item = lineage.unpacked(value, element.value)  # `x, y = batch`
                else:
                    item = UNKNOWN_VALUE
                self.assign(element.value, item, scope)
        elif isinstance(target, cst.Attribute):
            owner = self.eval(target.value, scope)
            if isinstance(owner, Instance):
                owner.attributes[target.attr.value] = value
        elif isinstance(target, cst.Subscript):
            self._assign_item(target, value, scope)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, UNKNOWN_VALUE, scope)

    def _assign_item(self, target: cst.Subscript, value: Value, scope: Scope) -> None:
        """`df["x"] = value`: the frame bound to `df` now holds what was written."""
        owner = self.eval(target.value, scope)
        keys = [self.eval(e.slice.value, scope) if isinstance(e.slice, cst.Index) else UNKNOWN_VALUE
                for e in target.slice]
        if isinstance(owner, Data) and isinstance(target.value, cst.Name) and len(keys) == 1:
            key = const(keys[0], str)
            scope.names[target.value.value] = lineage.column_written(owner, target, key, value)
        elif isinstance(owner, (Sequence, Mapping)) and isinstance(target.value, cst.Name):
            self._mutated(target.value.value, scope)

    def _named(self, value: Value, target: cst.Name) -> Value:
        """A value bound to a name like X_test takes that role when no split gave it one.

        Rows sliced from a whole data set (`X[:n]`) and bound to such a name are a
        part of a split: the split is recorded there.
        """
        role = role_from_name(target.value)
        if role is None:
            return value
        if isinstance(value, Data):
            if lineage.split_part(value, role):
                assert value.part_of is not None
                self.picture.splits.append(Split(value.node or target, (value.part_of,), self.picture.tick()))
                return lineage.with_role(value, value.node or target, role, target).derived(
                    value.node or target, part_of=None)
            return lineage.named_role(value, value.node or target, role, target)
        if value is UNKNOWN_VALUE and role in ("test", "validation"):
            return Data(target, role=role, role_node=target)
        return value

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
        if value is None:
            builtin = libraries.builtin(name)
            if builtin is not None:
                return Ref(builtin)
        if value is None or value is UNKNOWN_VALUE:
            return self._named(UNKNOWN_VALUE, node)
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
            return Ref(libraries.canonical(f"{owner.qualname}.{attr}"))
        if isinstance(owner, Model) and isinstance(owner.instance, Instance) and \
                (attr in owner.instance.attributes or owner.instance.cls.method(attr) is not None):
            owner = owner.instance  # a Keras model subclass: the script's own attributes and methods
        if isinstance(owner, Instance):
            value = owner.attributes.get(attr)
            if value is not None:
                return value
            method = owner.cls.method(attr)
            if method is not None:
                return UserFunction(method, self.module_scope, owner)
            return UNKNOWN_VALUE
        found = libraries.attribute(owner, attr)
        if found is not None:
            return lineage.apply(found, owner, node) if isinstance(found, str) and isinstance(owner, Data) \
                else found(self, owner, node)  # type: ignore[operator]
        if isinstance(owner, Data):
            return Method(owner, attr, node)
        if isinstance(owner, _PLAIN_VALUES):
            return UNKNOWN_VALUE
        return Method(owner, attr, node)  # a library object kast models, or an unknown one

    def _eval_subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        owner = self.eval(node.value, scope)
        keys: list[Value] = []
        bounds: list[tuple[Value, Value, Value]] = []  # (lower, upper, step) of each slice
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                keys.append(self.eval(element.slice.value, scope))
            else:
                piece = element.slice
                bounds.append(tuple(self.eval(part, scope) if part is not None else Const(None)  # type: ignore[misc]
                                    for part in (piece.lower, piece.upper, piece.step)))
                keys.append(UNKNOWN_VALUE)
        if isinstance(owner, Sequence) and len(keys) == 1:
            index = const(keys[0], int)
            if isinstance(index, int) and -len(owner.items) <= index < len(owner.items):
                return owner.items[index]
            return UNKNOWN_VALUE
        if isinstance(owner, Mapping) and len(keys) == 1:
            key = const(keys[0], str)
            found = owner.get(key) if isinstance(key, str) else None
            return found if found is not None else UNKNOWN_VALUE
        if isinstance(owner, Data):
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Slice):
                lower, upper, step = bounds[0]
                if isinstance(lower, Counter) and isinstance(upper, Counter) and lower.steps is upper.steps:
                    return lineage.window(owner, node, upper.offset - lower.offset, lower.steps.step)  # s[i:i + w]
                bounded = not (_is_none(lower) and _is_none(upper)) and _is_none(step)
                return lineage.sliced(owner, node, bounded)  # X[:n], p[:5]: the same kind of rows
            if node.slice and all(isinstance(e.slice, cst.Slice) for e in node.slice[1:]) and bounds:
                if const(bounds[-1][2], int) == -1 and _is_none(bounds[-1][0]) and _is_none(bounds[-1][1]):
                    return lineage.channels_reversed(owner, node)  # img[..., ::-1]: RGB <-> BGR
                if all(isinstance(e.slice, cst.Slice) for e in node.slice):
                    return lineage.apply(lineage.KEEP, owner, node)  # img[100:400, 100:400]: a crop
            if len(keys) == 1 and isinstance(keys[0], RowIndex):
                return lineage.rows_of(owner, node, keys[0])  # X[train_idx], X[perm]
            if len(keys) == 1 and isinstance(const(keys[0], str), str):
                return lineage.column(owner, node, const(keys[0], str))  # df["label"]
            return lineage.apply(lineage.COLUMNS, owner, node)  # columns or a mask
        return UNKNOWN_VALUE

    def _eval_binary(self, node: cst.BinaryOperation, scope: Scope) -> Value:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        sign = _OPERATOR_SIGNS.get(type(node.operator), "?")
        counter, other = (left, right) if isinstance(left, Counter) else (right, left)
        if isinstance(counter, Counter) and isinstance(const(other, int), int) and sign in ("+", "-"):
            if sign == "+" or counter is left:  # i + 5, 5 + i, i - 5: the same loop index, offset
                return Counter(counter.steps, counter.offset + (const(other, int) if sign == "+" else -const(other, int)))
        data = lineage.binary(sign, left, right, node)
        if data is not None:
            return data
        op = _BINARY_OPS.get(type(node.operator))
        a, b = const(left, (int, float)), const(right, (int, float))
        if op is not None and a is not None and b is not None:
            try:
                return Const(op(a, b), node)
            except (ArithmeticError, ValueError):
                return UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def _eval_unary(self, node: cst.UnaryOperation, scope: Scope) -> Value:
        value = self.eval(node.expression, scope)
        if isinstance(value, Data):
            return lineage.apply(lineage.VALUES, value, node)
        if isinstance(value, Const):
            number = const(value, (int, float))
            if isinstance(node.operator, cst.Minus) and number is not None:
                return Const(-number, node)
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
                threshold = const(other, (int, float))
                if isinstance(threshold, (int, float)) and prediction.post == "raw":
                    self.picture.prediction_uses.append(
                        PredictionUse("threshold", prediction, node, threshold=float(threshold)))
                    return pred_side.derived(node, prediction=prediction._replace(post="thresholded"))
            elif isinstance(op, (cst.Equal, cst.NotEqual)):
                other = right if pred_side is left else left
                if not isinstance(other, Const):
                    self.picture.prediction_uses.append(PredictionUse("equality", prediction, node, other=other))
        return lineage.apply(lineage.VALUES, base, node)

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
        items: list[tuple[object, Value]] = []
        exact = True
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.eval(element.key, scope)
                value = self.eval(element.value, scope)
                if isinstance(key, Const) and isinstance(key.value, (str, int, float)):
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
        return UserLambda(node, scope)

    def _element(self, iterated: Value, node: cst.CSTNode) -> Value:
        """What a loop over `iterated` binds at each step: a row of data, a fold of a split, or unknown."""
        element = lineage.element(iterated, node)
        if element is None:
            element = libraries.element(iterated, node)
        return element if element is not None else UNKNOWN_VALUE

    def _eval_comprehension(self, node: cst.BaseComp, scope: Scope) -> Value:
        inner = Scope(scope)
        for_in: cst.CompFor | None = node.for_in
        while for_in is not None:
            iterated = self.eval(for_in.iter, inner)
            self.assign(for_in.target, self._element(iterated, for_in.iter), inner)
            for condition in for_in.ifs:
                self.eval(condition.test, inner)
            for_in = for_in.inner_for_in
        self.conditional += 1
        try:
            if isinstance(node, cst.DictComp):
                self.eval(node.key, inner)
                self.eval(node.value, inner)
                return UNKNOWN_VALUE
            element = self.eval(node.elt, inner)  # type: ignore[attr-defined]
        finally:
            self.conditional -= 1
        # [f(row) for row in X]: a value per row, with the lineage of what f made of it.
        return lineage.collected(element, node) if isinstance(element, Data) else UNKNOWN_VALUE

    # ------------------------------------------------------------------ calls

    def _eval_call(self, node: cst.Call, scope: Scope) -> Value:
        func = self.eval(node.func, scope)
        args = self._eval_args(node, scope)
        self.scope = scope
        result = self.call_value(func, args, node)
        target = node.func
        if type(target) is cst.Attribute and target.attr.value in MUTATING_METHODS and type(target.value) is cst.Name:
            if not self._collect(target.value.value, target.attr.value, args, node, scope):
                self._mutated(target.value.value, scope)  # names.append(x): the literal list is no longer known
        return result

    def _collect(self, name: str, method: str, args: Args, node: cst.Call, scope: Scope) -> bool:
        """`rows.append(x)` / `rows.extend(xs)` on a list that starts empty: it now collects such values.

        A value appended inside a loop that is the same for every iteration of an
        inner loop (the class of an outer loop over class folders, a constant)
        comes in blocks: the list's order is "grouped".
        """
        if method not in ("append", "extend") or len(args.positional) != 1 or args.keywords:
            return False
        owner = scope.lookup(name)
        if not (isinstance(owner, Sequence) and not owner.items) and not isinstance(owner, Collection):
            return False
        value = args.positional[0][0]
        element = lineage.element(value, node) if method == "extend" and isinstance(value, Data) else value
        order = owner.order if isinstance(owner, Collection) else None
        written = args.positional[0][1].value
        if self.loops and (isinstance(value, Const) or (isinstance(written, cst.Name) and len(self.loops) > 1
                                                        and any(written.value in names for names in self.loops[:-1]))):
            order = order or Fixed("grouped", node)
        if isinstance(owner, Collection) and isinstance(owner.element, Data) and not isinstance(element, Data):
            element = owner.element
        self._rebind(name, Collection(element if element is not None else UNKNOWN_VALUE, node, order), scope)
        return True

    @staticmethod
    def _rebind(name: str, value: Value, scope: Scope) -> None:
        current: Scope | None = scope
        while current is not None:
            if name in current.names:
                current.names[name] = value
                return
            current = current.parent
        scope.names[name] = value

    def rebind(self, node: cst.BaseExpression, value: Value) -> None:
        """The value the name at `node` holds after an in-place change (`np.random.shuffle(X)`)."""
        if isinstance(node, cst.Name):
            self._rebind(node.value, value, self.scope)

    @staticmethod
    def _mutated(name: str, scope: Scope) -> None:
        """A list or dict bound to `name` was changed in place: its items are no longer known."""
        current: Scope | None = scope
        while current is not None:
            value = current.names.get(name)
            if value is not None:
                if isinstance(value, (Sequence, Mapping)):
                    current.names[name] = UNKNOWN_VALUE
                return
            current = current.parent

    def call_value(self, func: Value, args: Args, node: cst.Call) -> Value:
        """Call `func` with `args`: a user function is run, a library call is looked up in kast.libraries."""
        if args.keywords:
            key = libraries.argument_key(func)
            if key is not None:
                self.picture.keras_calls.append(KerasCall(key, node, args))
        if isinstance(func, Method):
            if func.name in libraries.TRACKED_METHODS:
                self.picture.method_calls.append(MethodCall(func.receiver, func.name, node))
            method = libraries.method(func.receiver, func.name)
            if method is None:
                if func.name in libraries.WEIGHT_SETTERS:
                    self.picture.escaped.add(id(func.receiver))
                self._escape(args)
                return UNKNOWN_VALUE
            return method(self, func, args, node)
        if isinstance(func, Ref):
            callee = libraries.function(func.qualname)
            if callee is None:
                self._escape(args)
                return UNKNOWN_VALUE
            return callee.hook(self, callee.row, args, node)
        if isinstance(func, UserFunction):
            return self._call_function(func, args)
        if isinstance(func, UserLambda):
            return self._call_lambda(func, args)
        if isinstance(func, UserClass):
            return self._instantiate(func, args, node)
        hook = libraries.call_object(func)
        if hook is None:
            self._escape(args)
            return UNKNOWN_VALUE
        return hook(self, func, args, node)

    def _escape(self, args: Args) -> None:
        """Values passed to code kast does not follow may be changed there."""
        for value, _ in (*args.positional, *args.keywords.values()):
            if not isinstance(value, _PLAIN_VALUES):
                self.picture.escaped.add(id(value))

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

    def _call_lambda(self, fn: UserLambda, args: Args) -> Value:
        if self.budget <= 0 or len(self.call_stack) >= _MAX_CALL_DEPTH:
            return UNKNOWN_VALUE
        self.budget -= 1
        parent = fn.scope if isinstance(fn.scope, Scope) else self.module_scope
        local = Scope(parent)
        self.function_scopes.append(local)
        params = fn.node.params
        for index, param in enumerate([*params.posonly_params, *params.params]):
            name = param.name.value
            if index < len(args.positional):
                local.names[name] = args.positional[index][0]
            elif name in args.keywords:
                local.names[name] = args.keywords[name][0]
            else:
                local.names[name] = UNKNOWN_VALUE
        for param in (*params.kwonly_params, params.star_arg, params.star_kwarg):
            if isinstance(param, cst.Param):
                local.names[param.name.value] = args.keywords[param.name.value][0] \
                    if param.name.value in args.keywords else UNKNOWN_VALUE
        return self.eval(fn.node.body, local)

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
        hook = libraries.user_class_hook(cls)
        return hook(self, cls, instance, node) if hook is not None else instance

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
