"""`# noqa` and `# kast: noqa`: which comments silence which findings."""

from __future__ import annotations

import textwrap

from kast.config import Settings
from kast.api import lint_source as lint_bytes
from kast.suppress import parse_suppressions

# K101 on line 4 (Dense(1) without activation), K501 on line 5 (`lr=`).
BUGGY = """\
import keras
from keras import layers
model = keras.Sequential([layers.Input((8,)),
    layers.Dense(1)]){c4}
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss="binary_crossentropy"){c5}
"""


def found(c4: str = "", c5: str = "", head: str = "", ignore_noqa: bool = False) -> list[str]:
    source = head + BUGGY.format(c4=c4, c5=c5)
    result = lint_bytes(source.encode(), "train.py", Settings(ignore_noqa=ignore_noqa))
    assert result.internal_error is None
    return sorted(d.code for d in result.diagnostics)


def test_without_comments_both_fire() -> None:
    assert found() == ["K101", "K501"]


def test_code_specific_noqa_silences_that_code_on_that_line_only() -> None:
    assert found(c4="  # noqa: K101") == ["K501"]
    assert found(c5="  # noqa: K101") == ["K101", "K501"]  # K101 is not on line 5
    assert found(c5="  # noqa: K501") == ["K101"]


def test_several_codes_and_spellings() -> None:
    assert found(c4="  # noqa: K101, K203") == ["K501"]
    assert found(c4="  # noqa:K101,K501") == ["K501"]
    assert found(c4="  # NOQA: k101") == ["K501"]
    assert found(c4="  # type: ignore  # noqa: K101 keep the logits") == ["K501"]


def test_bare_noqa_silences_every_code_on_the_line() -> None:
    assert found(c4="  # noqa", c5="  # noqa") == []


def test_codes_of_other_tools_never_silence_kast() -> None:
    assert found(c4="  # noqa: E501", c5="  # noqa: F401, W291") == ["K101", "K501"]


def test_noqa_inside_a_string_is_not_a_comment() -> None:
    source = 'import keras\nx = "# noqa"; model = keras.Sequential([keras.layers.Dense(1)]); ' \
             'model.compile(loss="binary_crossentropy")\n'
    result = lint_bytes(source.encode(), "train.py", Settings())
    assert [d.code for d in result.diagnostics] == ["K101"]


def test_noqa_on_the_last_line_of_a_multi_line_span() -> None:
    source = textwrap.dedent("""\
        import keras
        model = keras.Sequential([keras.layers.Dense(
            1,
        )])  # noqa: K101
        model.compile(loss="binary_crossentropy")
    """)
    assert lint_bytes(source.encode(), "train.py", Settings()).diagnostics == []


def test_file_level_noqa() -> None:
    assert found(head="# kast: noqa\n") == []
    assert found(head="# kast: noqa: K5\n") == ["K101"]
    assert found(head="# kast: noqa: K101, K501\n") == []
    assert found(head="#kast:noqa:K1\n") == ["K501"]


def test_file_level_noqa_must_stand_alone() -> None:
    # After code it is neither a file-level nor a line directive.
    assert found(c4="  # kast: noqa") == ["K101", "K501"]
    # A plain `# noqa` on its own line silences nothing else.
    assert found(head="# noqa\n") == ["K101", "K501"]


def test_ignore_noqa_reports_everything() -> None:
    assert found(c4="  # noqa", head="# kast: noqa\n", ignore_noqa=True) == ["K101", "K501"]


def test_comments_before_a_syntax_error_still_count() -> None:
    suppressions = parse_suppressions("x = 1  # noqa: K101\ny = (\n")
    assert suppressions.by_line == {1: frozenset({"K101"})}


def test_k000_is_not_silenced_by_a_comment_kast_cannot_read() -> None:
    result = lint_bytes(b"import keras\nx = (  # noqa\n", "bad.py", Settings())
    assert [d.code for d in result.diagnostics] == ["K000"]
