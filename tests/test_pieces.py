"""A very large script is parsed in pieces of whole top-level statements: same findings, same places."""

from __future__ import annotations

import pytest

import kast.parse
from kast.config import Settings
from kast.api import lint_source as lint_bytes

BLOCK = '''\
@decorate(
    "x",
)
def build_{i}(units={i}):
    """Builder {i}."""
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(units % 3 + 1, activation="softmax")])
    return model


m_{i} = build_{i}()
m_{i}.compile(optimizer=keras.optimizers.Adam(lr=0.1), loss="categorical_crossentropy")
x_{i} = (1 +
       2)  # a statement over two lines
'''


def script(blocks: int, newline: str = "\n") -> bytes:
    text = "import keras\n\n\ndef decorate(name):\n    return lambda f: f\n\n\n" + "".join(
        BLOCK.format(i=i) for i in range(blocks))
    return text.replace("\n", newline).encode()


def findings(data: bytes) -> list[tuple[object, ...]]:
    result = lint_bytes(data, "big.py", Settings(select=("ALL",)))
    assert result.internal_error is None
    return [(d.code, d.span, d.message, d.related, d.fix) for d in result.diagnostics]


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of 300 lines from 300 lines on, so that a test file of a thousand lines is cut several times."""
    monkeypatch.setattr(kast.parse, "PIECES_ABOVE_LINES", 300)
    monkeypatch.setattr(kast.parse, "PIECE_LINES", 300)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_pieces_give_the_findings_of_the_whole(monkeypatch: pytest.MonkeyPatch, newline: str) -> None:
    data = script(80, newline)  # about 1,050 lines: three pieces of at least 300
    text = data.decode()
    assert len(kast.parse.parse_in_pieces(text)[0]) > 1
    in_pieces = findings(data)
    monkeypatch.setattr(kast.parse, "PIECES_ABOVE_LINES", 10 ** 9)
    assert len(kast.parse.parse_in_pieces(text)[0]) == 1
    assert findings(data) == in_pieces
    assert {code for code, *_ in in_pieces} >= {"K102", "K103", "K501"}
    # The last block's findings are placed at its own lines.
    last_lines = {span.line for _, span, *_ in in_pieces if span.line > 1000}
    assert last_lines


def test_a_syntax_error_in_a_large_file_is_still_k000() -> None:
    data = script(60) + b"def broken(:\n    pass\n"
    result = lint_bytes(data, "big.py", Settings())
    assert [d.code for d in result.diagnostics] == ["K000"]
    assert result.diagnostics[0].span.line == data.count(b"\n") - 1
