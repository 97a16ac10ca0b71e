"""kast's targeted positions equal LibCST's PositionProvider ranges."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kast.analysis.positions import Locator, locate, locate_in_text
from kast.diagnostics import line_starts
from tests.strategies import all_nodes

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "fixtures").glob("*.py"))
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


@pytest.mark.parametrize("source", [TRICKY] + [p.read_text() for p in CASES], ids=["tricky"] + [p.name for p in CASES])
def test_same_ranges_as_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    every_node = all_nodes(module)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    sample = every_node[::7] + [n for n in every_node if isinstance(n, (cst.Call, cst.SimpleStatementLine, cst.If, cst.FunctionDef))]
    got = locate(module, sample)
    for node in sample:
        assert got[node] == expected[node], type(node).__name__


# The same expression at two depths, a call spread over lines with CRLF and LF mixed, tabs,
# non-ASCII text and the same code inside a string and a comment.
REPEATS = (
    'import keras\r\n'
    'def build(n):\r\n'
    '\tif n:\r\n'
    '\t\treturn keras.layers.Dense(n,\r\n'
    '\t\t\tactivation="softmax")  # keras.layers.Dense(1)\n'
    '    \r\n'
    'label = "é ü keras.layers.Dense(1)"\n'
    'out = keras.layers.Dense(1)(keras.Input((3,)))\n'
    'out2 = [keras.layers.Dense(\n'
    '    2,\n'
    '    name="é")]\n'
    'def deeper():\n'
    '    x = g(a,\n'
    '        b)\n'
    '    return g(c,\n'
    '        d)\n'
    'x = g(a,\n'
    '    b)\n'
)
BUNDLED = sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "kast" / "analysis").glob("*.py"))


@pytest.mark.parametrize("source", [TRICKY, REPEATS] + [p.read_text() for p in CASES + BUNDLED],
                         ids=["tricky", "repeats"] + [p.name for p in CASES + BUNDLED])
def test_positions_found_in_the_text_are_position_providers_or_none(source: str) -> None:
    module = cst.parse_module(source)
    every_node = all_nodes(module)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    offsets = line_starts(source)
    found = 0
    for node in every_node:
        got = locate_in_text(module, source, offsets, node).range
        if got is not None:
            found += 1
            assert got == expected[node], (type(node).__name__, module.code_for_node(node))
        elif isinstance(node, (cst.Call, cst.Arg)):
            code = module.code_for_node(node)
            if "\n" not in code and "\r" not in code and source.count(code) == 1:
                raise AssertionError(f"a one-line call or argument that occurs once was not found: {code}")
    assert found  # not vacuous: every file has calls whose code is unique


def test_statements_and_repeated_code_are_left_to_the_full_pass() -> None:
    module = cst.parse_module(REPEATS)
    offsets = line_starts(REPEATS)
    statement = module.body[2]  # `label = "..."`: its code occurs once, but statements are not looked up
    assert REPEATS.count(module.code_for_node(statement)) == 1
    assert locate_in_text(module, REPEATS, offsets, statement).range is None
    dense_one = module.body[3].body[0].value.func  # `keras.layers.Dense(1)`: also in a comment and a string
    assert locate_in_text(module, REPEATS, offsets, dense_one).lines == (5, 7, 8)  # comment, string, code
    inner = module.body[1].body.body[0].body.body[0].body[0].value  # the CRLF call two blocks deep, unique
    got = locate_in_text(module, REPEATS, offsets, inner).range
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[inner]
    assert got == expected and (got.start.line, got.start.column, got.end.line) == (4, 9, 5)


def test_code_over_lines_is_matched_with_its_blocks_indentation() -> None:
    module = cst.parse_module(REPEATS)
    offsets = line_starts(REPEATS)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    deeper = module.body[5].body.body
    nested_g_ab = deeper[0].body[0].value  # `g(a,\n        b)` in the function
    top_g_ab = module.body[6].body[0].value  # `g(a,\n    b)` at module level: the same code but for the block
    nested_g_cd = deeper[1].body[0].value  # `g(c,\n        d)`: only once
    # Without the block's indentation both calls generate `g(a,\n    b)`: neither place is certain.
    assert locate_in_text(module, REPEATS, offsets, nested_g_ab).lines == (13, 17)
    assert locate_in_text(module, REPEATS, offsets, top_g_ab).lines == (13, 17)
    assert locate_in_text(module, REPEATS, offsets, nested_g_cd).range == expected[nested_g_cd]
    assert (expected[nested_g_cd].start.line, expected[nested_g_cd].end.line) == (15, 16)


SOURCES = [TRICKY, REPEATS] + [p.read_text() for p in CASES + BUNDLED]
SOURCE_IDS = ["tricky", "repeats"] + [p.name for p in CASES + BUNDLED]


@pytest.mark.parametrize("source", SOURCES, ids=SOURCE_IDS)
def test_the_locator_gives_every_node_position_providers_range(source: str) -> None:
    """Text, then the statements a repeated code is on, then the full pass: always PositionProvider's ranges."""
    module = cst.parse_module(source)
    every_node = all_nodes(module)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [n for n in every_node if n in expected]
    assert Locator([(module, 0)], source).locate(nodes) == {n: expected[n] for n in nodes}
    assert Locator([(module, 0)], None).locate(nodes[::5]) == {n: expected[n] for n in nodes[::5]}


@pytest.mark.parametrize("source", SOURCES[2:], ids=SOURCE_IDS[2:])
def test_the_locator_over_pieces(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import kast.parse

    monkeypatch.setattr(kast.parse, "PIECES_ABOVE_LINES", 30)
    monkeypatch.setattr(kast.parse, "PIECE_LINES", 30)
    pieces, lines = kast.parse.parse_in_pieces(source)
    expected = {}
    nodes = []
    for piece, offset in pieces:
        every_node = all_nodes(piece)
        ranges = MetadataWrapper(piece, unsafe_skip_copy=True).resolve(PositionProvider)
        for node in every_node[1:]:  # not the piece's Module
            r = ranges[node]
            expected[node] = (r.start.line + offset, r.start.column, r.end.line + offset, r.end.column)
            nodes.append(node)
    for statement_lines in (lines, None):
        got = Locator(pieces, source, statement_lines).locate(nodes)
        assert {n: (r.start.line, r.start.column, r.end.line, r.end.column) for n, r in got.items()} == expected


def test_a_repeated_code_is_found_through_its_statement() -> None:
    module = cst.parse_module(REPEATS)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    dense_one = module.body[3].body[0].value.func  # on lines 5 (a comment), 7 (a string) and 8
    nested_g_ab = module.body[5].body.body[0].body[0].value
    locator = Locator([(module, 0)], REPEATS)
    assert locator.locate([dense_one, nested_g_ab]) == {dense_one: expected[dense_one],
                                                        nested_g_ab: expected[nested_g_ab]}
    assert [s.line for s in locator._statements or []] == [1, 2, 6, 8, 9, 12, 17]
