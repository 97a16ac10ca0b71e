"""kast's targeted positions equal LibCST's PositionProvider ranges."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kast.analysis.positions import locate

CASES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("*.py"))
TRICKY = '''\
import keras\r
x = (1 +\r
     2)
def f(a,
      b):  # comment
    """doc"""
    if a:
        return keras.layers.Dense(b,
            activation="sigmoid")
    return None
y = f"{x!r:>{10}}" ; z = [i for i in range(3)]
class C:
    pass
'''


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


@pytest.mark.parametrize("source", [TRICKY] + [p.read_text() for p in CASES], ids=["tricky"] + [p.name for p in CASES])
def test_same_ranges_as_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    collector = _Collect()
    module.visit(collector)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    sample = collector.nodes[::7] + [n for n in collector.nodes if isinstance(n, (cst.Call, cst.SimpleStatementLine, cst.If, cst.FunctionDef))]
    got = locate(module, sample)
    for node in sample:
        assert got[node] == expected[node], type(node).__name__
