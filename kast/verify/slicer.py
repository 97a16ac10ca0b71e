"""Build slices: the part of a script that builds and compiles one model, and nothing else.

For each model the static picture found, the slicer starts from the statement
that binds it to a name (its shallowest binding: at module level, in `main()`,
under `if __name__ == "__main__":` or `with strategy.scope():`) and the
statements that add layers to it, build it or compile it.  It then walks
back through the script, statement by statement, and keeps what those need:
imports, constants, helper functions and classes, and assignments made of
Keras calls and arithmetic.

What it never keeps: data loading, `fit` / `evaluate` / `predict`, file and
network I/O, plotting, processes.  A name that only such a statement defines
(`X = pd.read_csv(...)`, then `Input(shape=(X.shape[1],))`) becomes a
*placeholder*: an integer-like stand-in whose every use the child process
records, so that the verifier knows which facts of the built model came from
a guess.  Pretrained weights are never downloaded: `weights=` of a
`keras.applications` model becomes `None`.

The slice is an `ast.Module` of the script's own statements with their line
numbers, compiled under the script's path: an exception in it points at the
script's line.  Slicing only reads the text; nothing runs in this process.
"""

from __future__ import annotations

import ast
import builtins
import marshal
import os
from dataclasses import dataclass, field

from kast.libraries import effects

_FORBIDDEN_CALLS = effects.NOT_RUN_CALLS
_FORBIDDEN_MODULES = effects.NOT_RUN_MODULES
_BUILD_METHODS = effects.MODEL_BUILD_METHODS
_BUILTINS = frozenset(dir(builtins))
_MAIN_GUARD = ("__name__", "__main__")


@dataclass
class Slice:
    """What the child runs for one model, and what the parent needs to read its answer."""

    model_name: str  # the name the model is bound to once the slice has run
    line: int  # the binding statement's line (the model's place in reports)
    lines: list[int]  # the script lines whose statements the slice runs
    placeholders: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)  # names changed in place by statements not run
    guessed_lines: list[int] = field(default_factory=list)  # lines of statements that use a guess
    code: bytes = b""  # marshal of the compiled slice
    problem: str | None = None  # why no slice could be cut

    def job(self, path: str, job_id: int, time_limit: float) -> dict[str, object]:
        """The request sent to the child process (JSON-ready)."""
        return {"id": job_id, "path": path, "folder": os.path.dirname(os.path.abspath(path)),
                "name": self.model_name, "placeholders": self.placeholders,
                "code": self.code.hex(), "time_limit": time_limit}


# ------------------------------------------------------------------ names


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _imported_modules(tree: ast.Module) -> dict[str, str]:
    """Local alias -> full module or object name, for every import in the script."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _full_name(dotted: str, aliases: dict[str, str]) -> str:
    head, _, rest = dotted.partition(".")
    base = aliases.get(head, head)
    base = {"tf": "tensorflow"}.get(base, base)
    return f"{base}.{rest}" if rest else base


def _targets(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, (ast.Tuple, ast.List)):
        return set().union(*(_targets(e) for e in node.elts)) if node.elts else set()
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    return set()


def _mutated(node: ast.expr) -> set[str]:
    """`x` for targets `x[...]`, `x.attr`: the statement changes an object it does not rebind."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return {node.id} if isinstance(node, ast.Name) else set()


@dataclass
class _Unit:
    """One statement of the flattened script, with the names it defines and uses."""

    stmt: ast.stmt
    defines: set[str]
    mutates: set[str]
    uses: set[str]
    runnable: bool
    is_definition: bool  # def, class, import: run whatever names they use
    builds: bool  # calls Keras or a function of the script: it makes model parts, so it runs on placeholders


def _names_used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _calls_outside_functions(node: ast.AST) -> list[ast.Call]:
    """Calls a statement makes when it runs (not those inside the functions it defines)."""
    found: list[ast.Call] = []
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            # Decorators and defaults run at definition time.
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.extend(current.decorator_list)
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.extend(current.args.defaults)
                stack.extend(d for d in current.args.kw_defaults if d is not None)
            if isinstance(current, ast.ClassDef):
                stack.extend(current.bases)
                stack.extend(k.value for k in current.keywords)
                stack.extend(current.body)
            continue
        if isinstance(current, ast.Call):
            found.append(current)
        stack.extend(ast.iter_child_nodes(current))
    return found


def _runnable(stmt: ast.stmt, aliases: dict[str, str]) -> bool:
    """False when running the statement would load data, train, do I/O or plot."""
    if isinstance(stmt, (ast.While, ast.AsyncFor, ast.AsyncWith, ast.Global, ast.Nonlocal, ast.Delete)):
        return False
    for call in _calls_outside_functions(stmt):
        dotted = _dotted(call.func)
        if dotted is None:
            continue
        if dotted.rsplit(".", 1)[-1] in _FORBIDDEN_CALLS:
            return False
        full = _full_name(dotted, aliases)
        if any(full == m or full.startswith(m + ".") for m in _FORBIDDEN_MODULES):
            return False
    return True


def _builds(stmt: ast.stmt, aliases: dict[str, str], local: set[str]) -> bool:
    for call in _calls_outside_functions(stmt):
        dotted = _dotted(call.func)
        if dotted is None:
            continue
        if dotted.split(".")[0] in local:
            return True
        full = _full_name(dotted, aliases)
        if full.split(".")[0] in ("keras", "tensorflow", "tf_keras"):
            return True
    return False


def _changed_in_place(stmt: ast.stmt) -> set[str]:
    """Names a statement changes without rebinding them: `x.append(...)`, `df.apply(x.update)`, `x[k] = v`."""
    found: set[str] = set()
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and node is not stmt:
            continue
        if isinstance(node, ast.Attribute) and node.attr in effects.MUTATING_METHODS:
            found |= _mutated(node.value)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, (ast.Subscript, ast.Attribute)):
                    found |= _mutated(target)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _data_helpers(tree: ast.Module, aliases: dict[str, str]) -> set[str]:
    """Local functions that load or prepare data (directly or through another such function)."""
    functions = {node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef,
                                                                                  ast.AsyncFunctionDef))}
    calls: dict[str, set[str]] = {}
    helpers: set[str] = set()
    for name, node in functions.items():
        called: set[str] = set()
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            dotted = _dotted(call.func)
            if dotted is None:
                continue
            if dotted.rsplit(".", 1)[-1] in effects.DATA_HELPER_CALLS:
                helpers.add(name)
            full = _full_name(dotted, aliases)
            if any(full == m or full.startswith(m + ".") for m in effects.DATA_HELPER_MODULES):
                helpers.add(name)
            if dotted in functions:
                called.add(dotted)
        calls[name] = called
    changed = True
    while changed:
        changed = False
        for name, called in calls.items():
            if name not in helpers and called & helpers:
                helpers.add(name)
                changed = True
    return helpers


def _unit(stmt: ast.stmt, aliases: dict[str, str], local: set[str]) -> _Unit:
    defines: set[str] = set()
    mutates: set[str] = set()
    is_definition = False
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        defines.add(stmt.name)
        is_definition = True
    elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for alias in stmt.names:
            if alias.name != "*":
                defines.add(alias.asname or alias.name.split(".")[0])
        is_definition = True
    elif isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            defines |= _targets(target)
            mutates |= _mutated(target) if not isinstance(target, (ast.Name, ast.Tuple, ast.List)) else set()
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        defines |= _targets(stmt.target)
        mutates |= _mutated(stmt.target) if not isinstance(stmt.target, ast.Name) else set()
        if isinstance(stmt, ast.AugAssign):
            mutates |= _targets(stmt.target)
    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func,
                                                                                      ast.Attribute):
        mutates |= _mutated(stmt.value.func.value)
    elif isinstance(stmt, (ast.For, ast.If, ast.With, ast.Try)):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    defines |= _targets(target)
            elif isinstance(node, (ast.For, ast.comprehension)):
                defines |= _targets(node.target)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func,
                                                                                            ast.Attribute):
                mutates |= _mutated(node.value.func.value)
    mutates |= _changed_in_place(stmt) if not is_definition else set()
    uses = _names_used(stmt)
    return _Unit(stmt, defines, mutates, uses, _runnable(stmt, aliases), is_definition,
                 _builds(stmt, aliases, local))


# --------------------------------------------------------------- flattening


def _contains(stmt: ast.stmt, line: int) -> bool:
    return stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno)


def _is_main_guard(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    parts = {_dotted(stmt.test.left)} | {c.value if isinstance(c, ast.Constant) else _dotted(c)
                                         for c in stmt.test.comparators}
    return set(_MAIN_GUARD) <= parts


def _flatten(body: list[ast.stmt], line: int) -> list[ast.stmt]:
    """The statements that run, in order, on the way to `line`, with their blocks opened.

    `with` blocks, `try` bodies and the main guard are opened everywhere; the
    function, branch or loop that holds `line` is opened on the way to it.
    Other compound statements stay whole.
    """
    out: list[ast.stmt] = []
    for stmt in body:
        holds = _contains(stmt, line)
        if isinstance(stmt, (ast.With, ast.AsyncWith)) or (isinstance(stmt, ast.If) and _is_main_guard(stmt)):
            out.extend(_flatten(stmt.body, line))
        elif isinstance(stmt, ast.Try):
            out.extend(_flatten(stmt.body + stmt.orelse, line))
        elif holds and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.extend(_flatten(stmt.body, line))
        elif holds and isinstance(stmt, ast.If):
            branch = stmt.body if any(_contains(s, line) for s in stmt.body) else stmt.orelse
            out.extend(_flatten(branch, line))
        elif holds and isinstance(stmt, ast.For):
            out.extend(_flatten(stmt.body, line))
        else:
            out.append(stmt)
    return out


# ------------------------------------------------------------------ slicing


class _GuardedImports(ast.NodeTransformer):
    """`import X as Y` -> `try: import X as Y / except ImportError: Y = __kast_missing__("Y")`.

    A module the script imports but this machine lacks (plotting, progress
    bars, an add-on) is often used only by code the slice does not run; the
    placeholder the child puts in its place records any use, so a build that
    does need it is "could not verify", never a build error.
    """

    def visit_Import(self, node: ast.Import) -> ast.AST:
        if all(alias.name in effects.ALWAYS_INSTALLED for alias in node.names):
            return node
        return self._guard(node, [alias.asname or alias.name.split(".")[0] for alias in node.names])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        if node.level or not node.module or node.module == "__future__" \
                or any(alias.name == "*" for alias in node.names):
            return node
        return self._guard(node, [alias.asname or alias.name for alias in node.names])

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return node  # imports inside functions run when called, with the script's own error handling

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]
    visit_ClassDef = visit_FunctionDef  # type: ignore[assignment]

    @staticmethod
    def _guard(node: ast.stmt, names: list[str]) -> ast.AST:
        stubs: list[ast.stmt] = [
            ast.Assign(targets=[ast.Name(name, ast.Store())],
                       value=ast.Call(ast.Name("__kast_missing__", ast.Load()), [ast.Constant(name)], []))
            for name in names]
        handler = ast.ExceptHandler(type=ast.Name("ImportError", ast.Load()), name=None, body=stubs)
        guarded = ast.Try(body=[node], handlers=[handler], orelse=[], finalbody=[])
        return ast.copy_location(guarded, node)


class _NoDownloads(ast.NodeTransformer):
    """`weights=None` in every keras.applications model: nothing is downloaded.

    Given by keyword, by position (the second argument, after `include_top`),
    or not at all (the default is "imagenet"): the model constructors are the
    capitalised names (`ResNet50`, `MobileNetV2`), not `preprocess_input`.
    """

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        dotted = _dotted(node.func)
        if not dotted or ".applications" not in "." + _full_name(dotted, self.aliases) \
                or not dotted.rsplit(".", 1)[-1][:1].isupper():
            return node
        none = ast.copy_location(ast.Constant(None), node)
        if any(keyword.arg == "weights" for keyword in node.keywords):
            for keyword in node.keywords:
                if keyword.arg == "weights":
                    keyword.value = none
        elif len(node.args) >= 2 and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
            node.args[1] = none
        elif not any(keyword.arg is None for keyword in node.keywords):
            node.keywords.append(ast.keyword(arg="weights", value=none))
        return node


def cut(tree: ast.Module, model_name: str, binding_line: int, anchor_lines: list[int],
        path: str) -> Slice:
    """The slice that builds the model bound to `model_name` at `binding_line`."""
    aliases = _imported_modules(tree)
    flat = _flatten(tree.body, binding_line)
    local = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                         ast.ClassDef))}
    units = [_unit(stmt, aliases, local) for stmt in flat]
    helpers = _data_helpers(tree, aliases)
    for unit in units:
        if unit.runnable and not unit.is_definition and any(
                _dotted(c.func) in helpers for c in _calls_outside_functions(unit.stmt)):
            unit.runnable = False  # a data helper: the model never needs its data to be built
    try:
        start = next(i for i, u in enumerate(units) if _contains(u.stmt, binding_line))
    except StopIteration:
        return Slice(model_name, binding_line, [], problem="the statement that builds the model was not found")

    # The model's own statements: the binding, then calls of its build methods and
    # the lines the picture names (compile, add), up to the next rebinding of its name.
    anchors = {start}
    wanted_lines = set(anchor_lines)
    for index in range(start + 1, len(units)):
        unit = units[index]
        if model_name in unit.defines:
            break
        calls = _calls_outside_functions(unit.stmt)
        builds = any(isinstance(c.func, ast.Attribute) and c.func.attr in _BUILD_METHODS
                     and _dotted(c.func.value) == model_name for c in calls)
        if (builds or any(_contains(unit.stmt, line) for line in wanted_lines)) and unit.runnable:
            anchors.add(index)
    last = max(anchors)

    selected: set[int] = set()
    placeholders: set[str] = set()
    demoted: set[int] = set()
    guessed: set[str] = set()
    for _ in range(8):
        selected, placeholders, guessed = _backward(units, anchors, last, demoted)
        # A plain value computed from a placeholder is a guess as well: do not run it.
        # Statements that make model parts (Input(shape=(X.shape[1],))) run on the placeholder.
        newly = {i for i in selected if i not in anchors and not units[i].is_definition and not units[i].builds
                 and units[i].uses & placeholders and i not in demoted}
        if not newly:
            break
        demoted |= newly

    body = [units[i].stmt for i in sorted(selected)]
    module = _NoDownloads(aliases).visit(ast.Module(body=body, type_ignores=[]))
    module = _GuardedImports().visit(module)
    ast.fix_missing_locations(module)
    result = Slice(model_name, units[start].stmt.lineno, sorted({units[i].stmt.lineno for i in selected}),
                   sorted(placeholders), guesses=sorted(guessed))
    # A guess travels: every statement that uses a guessed name makes guessed names of its own.
    tainted = set(guessed)
    for index in sorted(selected):
        unit = units[index]
        if unit.uses & tainted:
            tainted |= unit.defines
            result.guessed_lines.extend(range(unit.stmt.lineno, (unit.stmt.end_lineno or unit.stmt.lineno) + 1))
    try:
        result.code = marshal.dumps(compile(module, path, "exec", dont_inherit=True))
    except (SyntaxError, ValueError, RecursionError) as exc:
        result.problem = f"the slice does not compile ({type(exc).__name__})"
    return result


def _backward(units: list[_Unit], anchors: set[int], last: int,
              demoted: set[int]) -> tuple[set[int], set[str], set[str]]:
    """Statements the anchors need, walking back from the last one; the names left as placeholders;
    and the names a statement that is not run would have changed in place (guesses)."""
    selected: set[int] = set()
    wanted: set[str] = set()
    placeholders: set[str] = set()
    guessed: set[str] = set()
    # A statement that calls `keras.utils.set_random_seed` or `np.random.shuffle` does not make
    # the module a guess: only objects the script made are changed in place.
    modules = set().union(*(u.defines for u in units if isinstance(u.stmt, (ast.Import, ast.ImportFrom))))
    for index in range(last, -1, -1):
        unit = units[index]
        if index in anchors:
            selected.add(index)
            wanted -= unit.defines
            wanted |= unit.uses
            continue
        provides = unit.defines & wanted
        changes = unit.mutates & wanted
        if not provides and not changes:
            continue
        if unit.runnable and index not in demoted:
            selected.add(index)
            wanted -= unit.defines - unit.mutates
            wanted |= unit.uses
        else:
            placeholders |= provides
            wanted -= provides
            # `x = set()` still runs, but the loop or `.apply(x.update)` that fills it does not.
            guessed |= changes - provides - modules
    # Module attributes (`__file__`, `__name__`) are set by the child, as Python sets them.
    placeholders |= {name for name in wanted if name not in _BUILTINS and not (name.startswith("__")
                                                                                 and name.endswith("__"))}
    return selected, placeholders, guessed - placeholders
