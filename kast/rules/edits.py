"""Small LibCST node rewrites that rules build their fixes from.

Each returns the replacement node, or None when the node is not in a shape
the rewrite understands (then the rule offers no fix: a fix kast is not sure
of the text of is worse than none).  Rewrites change as little as possible:
a string keeps its quotes and prefix, a call keeps its line breaks and
trailing comma.
"""

from __future__ import annotations

import libcst as cst

from kast.libraries.keras import losses as keras_losses


def string_replaced(node: cst.CSTNode, text: str) -> cst.SimpleString | None:
    """The string literal `node` holding `text` instead, in the same quotes."""
    if not isinstance(node, cst.SimpleString) or "b" in node.prefix.lower() or len(node.quote) != 1:
        return None
    return node.with_changes(value=f"{node.prefix}{node.quote}{text}{node.quote}")


def renamed(node: cst.CSTNode, name: str) -> cst.Attribute | None:
    """`pkg.module.old` -> `pkg.module.name`.

    Only dotted names: a bare `old` was imported by name, and `name` may not be.
    """
    if not isinstance(node, cst.Attribute):
        return None
    return node.with_changes(attr=node.attr.with_changes(value=name))


def keyword_arg(call: cst.Call, keyword: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    return None


def with_keyword(call: cst.Call, keyword: str, value: str) -> cst.Call | None:
    """`call` with `keyword=value` appended to its arguments."""
    if keyword_arg(call, keyword) is not None or any(arg.star == "**" for arg in call.args):
        return None
    new = cst.Arg(value=cst.parse_expression(value), keyword=cst.Name(keyword),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    if not call.args:
        return call.with_changes(args=[new])
    args = list(call.args)
    last = args[-1]
    if isinstance(last.comma, cst.Comma):
        # A trailing comma (often before a line break): the new argument takes it over.
        separator = last.comma.with_changes(whitespace_after=_between(call, last.comma))
        args[-1] = last.with_changes(comma=separator)
        args.append(new.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                                     whitespace_after_arg=cst.SimpleWhitespace(""))
        args.append(new.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def _between(call: cst.Call, comma: cst.Comma) -> cst.BaseParenthesizableWhitespace:
    """The whitespace that separates arguments in `call`: what follows the first comma, or one space."""
    for arg in call.args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            return arg.comma.whitespace_after
    if isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        return call.whitespace_before_args if isinstance(call.whitespace_before_args,
                                                         cst.ParenthesizedWhitespace) else cst.SimpleWhitespace(" ")
    return cst.SimpleWhitespace(" ")


def keyword_set(call: cst.Call, keyword: str, value: str) -> tuple[tuple[cst.CSTNode, cst.CSTNode], ...] | None:
    """The replacements that make `call` pass `keyword=value`: the value swapped if it is passed, else appended."""
    existing = keyword_arg(call, keyword)
    if existing is not None:
        return ((existing.value, cst.parse_expression(value)),)
    changed = with_keyword(call, keyword, value)
    return ((call, changed),) if changed is not None else None


def without_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """`call` without `arg`; the comma handling keeps a trailing comma where there was one."""
    args = list(call.args)
    index = next(i for i, a in enumerate(args) if a is arg)
    del args[index]
    if args and index == len(args):
        # The removed argument was the last: the new last one takes its comma (or none).
        args[-1] = args[-1].with_changes(comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg)
    return call.with_changes(args=args)


def loss_replaced(node: cst.CSTNode, canonical: str) -> cst.CSTNode | None:
    """A loss given as a string, a `keras.losses` function or a loss class call, turned into `canonical`."""
    if isinstance(node, cst.SimpleString):
        return string_replaced(node, canonical)
    if isinstance(node, cst.Call):
        class_name = keras_losses.class_name(canonical)
        return node.with_changes(func=renamed(node.func, class_name)) if class_name and renamed(
            node.func, class_name) else None
    return renamed(node, canonical)


def activation_replaced(node: cst.CSTNode, canonical: str) -> cst.CSTNode | None:
    """An activation given as a string, `tf.nn.x` / `keras.activations.x`, `None`, or an `Activation("x")` layer."""
    if isinstance(node, cst.SimpleString):
        return string_replaced(node, canonical)
    if isinstance(node, cst.Name) and node.value == "None":
        return cst.SimpleString(f'"{canonical}"')
    if isinstance(node, cst.Attribute):
        return renamed(node, canonical)
    if isinstance(node, cst.Call) and node.args:
        first = node.args[0]
        target = keyword_arg(node, "activation") or (first if first.keyword is None else None)
        if target is not None:
            replaced = activation_replaced(target.value, canonical)
            if replaced is not None:
                return node.deep_replace(target.value, replaced)  # type: ignore[return-value]
    return None


def top_level_import_line(statements: list[cst.BaseStatement], picture_span: "object") -> int:
    """The 1-based line after the script's last top-level import (1 when there is none).

    `picture_span` is the picture's `span` method, to place the import statement.
    """
    line = 1
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body):
            line = picture_span(statement).end_line + 1  # type: ignore[operator]
        elif line > 1:
            break
    return line
