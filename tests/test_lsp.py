"""The language server, driven by a real LSP client over stdio (`python -m kast server` as a subprocess)."""

from __future__ import annotations

import asyncio
import copy
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from kast import lsp

# The servers are module-scoped: their tests share the module's event loop.
with_server = pytest.mark.asyncio(loop_scope="module")

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "kast", "server"])
TIMEOUT = 20.0

# K102: softmax on the single unit of the output layer (its safe fix: use sigmoid).
BUGGY = """\
import keras
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""
OUTPUT_LINE = 1  # 0-based line of the output layer in BUGGY
OUTPUT = 'keras.layers.Dense(1, activation="softmax")'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp_workspace")
    (root / "kast.toml").write_text("")  # defaults, whatever lies above the temporary folder
    return root


async def start(lsp_client: LanguageClient, root: Path,
                capabilities: types.ClientCapabilities) -> types.InitializeResult:
    return await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri(),
                               workspace_folders=[types.WorkspaceFolder(root.as_uri(), "lsp_workspace")])
    )


def record_publications(client: LanguageClient) -> None:
    """Keep every publishDiagnostics the client receives, in order, in `client.publications`."""
    features = client.protocol.fm.features
    store = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    publications: list[types.PublishDiagnosticsParams] = []

    def record(params: types.PublishDiagnosticsParams) -> None:
        publications.append(params)
        store(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    client.publications = publications  # type: ignore[attr-defined]


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient, workspace: Path):
    record_publications(lsp_client)
    await start(lsp_client, workspace, client_capabilities("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER, scope="module")
async def utf8_client(lsp_client: LanguageClient, workspace: Path):
    record_publications(lsp_client)
    capabilities = copy.deepcopy(client_capabilities("visual-studio-code"))
    capabilities.general = types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16])
    result = await start(lsp_client, workspace, capabilities)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER, scope="module")
async def plain_client(lsp_client: LanguageClient, workspace: Path):
    """A client that cannot resolve code actions: every edit must come with the action."""
    record_publications(lsp_client)
    capabilities = copy.deepcopy(client_capabilities("visual-studio-code"))
    assert capabilities.text_document is not None and capabilities.text_document.code_action is not None
    capabilities.text_document.code_action.resolve_support = None
    await start(lsp_client, workspace, capabilities)
    yield
    await lsp_client.shutdown_session()


# --- client-side helpers ---------------------------------------------------------------------------


class Buffer:
    """An open document as the client holds it: its text, version and URI."""

    def __init__(self, client: LanguageClient, path: Path, text: str) -> None:
        self.client = client
        self.uri = path.as_uri()
        self.text = text
        self.version = 1

    def open(self) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=self.uri, language_id="python", version=self.version, text=self.text)))

    def change(self, text: str) -> None:
        self.text = text
        self.version += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))

    def close(self) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            types.TextDocumentIdentifier(uri=self.uri)))

    async def diagnostics_after(self, action) -> list[types.Diagnostic]:
        """Run `action` (open, change, close) and return the diagnostics then published for this buffer's version.

        Another document of the same name (an earlier test's buffer, closed) may
        still get its diagnostics cleared meanwhile: only a publication for this
        buffer's version (none after a close) counts.
        """
        publications = self.client.publications  # type: ignore[attr-defined]
        seen = len(publications)
        action()
        version = None if action == self.close else self.version

        async def published() -> list[types.Diagnostic]:
            while True:
                for params in publications[seen:]:
                    if params.uri == self.uri and params.version == version:
                        return list(params.diagnostics)
                seen_now = len(publications)
                while len(publications) == seen_now:
                    await asyncio.sleep(0.02)

        return await asyncio.wait_for(published(), TIMEOUT)

    async def code_actions(self, diagnostics: list[types.Diagnostic], only: list[str] | None = None,
                           at: types.Range | None = None, resolve: bool = True) -> list[types.CodeAction]:
        """The code actions offered for `diagnostics` (at their range), each resolved as the editor would."""
        where = at or (diagnostics[0].range if diagnostics else types.Range(types.Position(0, 0),
                                                                            types.Position(0, 0)))
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri),
            range=where,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only)))
        actions = [action for action in result or [] if isinstance(action, types.CodeAction)]
        if resolve:
            actions = [await self.client.code_action_resolve_async(action) if action.edit is None else action
                       for action in actions]
        return actions

    async def disable_action(self, diagnostics: list[types.Diagnostic], code: str) -> types.CodeAction:
        """The one "Disable CODE for this line" quick fix offered for `diagnostics`."""
        [action] = [a for a in await self.code_actions(diagnostics) if a.title == f"Disable {code} for this line"]
        return action

    def edited(self, action: types.CodeAction, encoding: str = "utf-16") -> str:
        """The buffer's text with the action's workspace edit applied, as the client would."""
        edit = action.edit
        assert edit is not None
        edits: list[types.TextEdit] = []
        for change in edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document.uri == self.uri
            assert change.text_document.version in (None, self.version)
            edits.extend(e for e in change.edits if isinstance(e, types.TextEdit))
        edits.extend((edit.changes or {}).get(self.uri, []))
        assert edits
        return apply_text_edits(self.text, edits, encoding)


def offset_of(text: str, position: types.Position, encoding: str) -> int:
    """Code-point offset into `text` of an LSP position counted in `encoding` units."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position.character or char in "\r\n":
            return start + index
        units += {"utf-8": len(char.encode("utf-8")), "utf-16": len(char.encode("utf-16-le")) // 2}.get(encoding, 1)
    return start + len(line)


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    placed = sorted(((offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text)
                     for e in edits), reverse=True)
    for start, end, new_text in placed:
        text = text[:start] + new_text + text[end:]
    return text


def units(text: str, encoding: str) -> int:
    return len(text.encode("utf-8")) if encoding == "utf-8" else len(text.encode("utf-16-le")) // 2


def of_code(diagnostics: list[types.Diagnostic], code: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == code]


# --- tests -----------------------------------------------------------------------------------------


@with_server
async def test_diagnostics_on_open(client: LanguageClient, workspace: Path) -> None:
    buffer = Buffer(client, workspace / "open.py", BUGGY)
    diagnostics = await buffer.diagnostics_after(buffer.open)
    [k102] = of_code(diagnostics, "K102")
    column = BUGGY.splitlines()[OUTPUT_LINE].index(OUTPUT)
    assert k102.range == types.Range(types.Position(OUTPUT_LINE, column),
                                     types.Position(OUTPUT_LINE, column + len(OUTPUT)))
    assert k102.severity == types.DiagnosticSeverity.Error
    assert k102.source == "kast"
    assert k102.code_description is not None and k102.code_description.href.endswith("docs/rules/K102.md")
    assert "always outputs 1.0" in k102.message and 'Use activation="sigmoid"' in k102.message
    assert k102.data["version"] == 1
    buffer.close()


@with_server
async def test_diagnostics_come_from_the_buffer_not_the_disk(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "on_disk.py"
    path.write_text("print('clean')\n")
    buffer = Buffer(client, path, BUGGY)
    assert of_code(await buffer.diagnostics_after(buffer.open), "K102")
    buffer.close()


@with_server
async def test_fix_action_then_change_clears_the_finding(client: LanguageClient, workspace: Path) -> None:
    buffer = Buffer(client, workspace / "fix.py", BUGGY)
    k102 = of_code(await buffer.diagnostics_after(buffer.open), "K102")
    actions = await buffer.code_actions(k102)
    fixes = [a for a in actions if a.title.startswith("kast (K102): ")]
    assert fixes, f"no fix action for K102 among {[a.title for a in actions]}"
    [fix] = fixes
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    fixed = buffer.edited(fix)
    assert 'keras.layers.Dense(1, activation="sigmoid")' in fixed
    assert not of_code(await buffer.diagnostics_after(lambda: buffer.change(fixed)), "K102")
    buffer.close()


@with_server
async def test_disable_for_this_line(client: LanguageClient, workspace: Path) -> None:
    buffer = Buffer(client, workspace / "disable.py", BUGGY)
    k102 = of_code(await buffer.diagnostics_after(buffer.open), "K102")
    disable = await buffer.disable_action(k102, "K102")
    assert disable.kind == types.CodeActionKind.QuickFix
    silenced = buffer.edited(disable)
    assert silenced.splitlines()[OUTPUT_LINE].endswith(f"{OUTPUT}])  # noqa: K102")
    assert not of_code(await buffer.diagnostics_after(lambda: buffer.change(silenced)), "K102")
    buffer.close()


@pytest.mark.parametrize(("line_end", "expected_end"), [
    # An existing noqa is extended, whatever follows it in the comment.
    ('  # noqa: K101  "# noqa" in the comment', '  # noqa: K101, K102  "# noqa" in the comment'),
    # `#` inside a string is no comment: the new comment goes after the string.
    ('; note = "# noqa: K101"', '; note = "# noqa: K101"  # noqa: K102'),
], ids=["extends-an-existing-noqa", "ignores-a-hash-inside-a-string"])
@with_server
async def test_disable_finds_the_line_comment(client: LanguageClient, workspace: Path, line_end: str,
                                              expected_end: str) -> None:
    buffer = Buffer(client, workspace / "comment.py", BUGGY.replace(f"{OUTPUT}])", f"{OUTPUT}]){line_end}"))
    k102 = of_code(await buffer.diagnostics_after(buffer.open), "K102")
    disable = await buffer.disable_action(k102, "K102")
    assert buffer.edited(disable).splitlines()[OUTPUT_LINE].endswith(f"{OUTPUT}]){expected_end}")
    buffer.close()


def emoji_source() -> tuple[str, str]:
    line = f'model = keras.Sequential([keras.Input((8,), name="😀 café"), {OUTPUT}])'
    return BUGGY.replace(BUGGY.splitlines()[OUTPUT_LINE], line), line


@with_server
async def test_utf16_columns_after_non_ascii(client: LanguageClient, workspace: Path) -> None:
    text, line = emoji_source()
    buffer = Buffer(client, workspace / "emoji.py", text)
    [k102] = of_code(await buffer.diagnostics_after(buffer.open), "K102")
    prefix = line[:line.index(OUTPUT)]
    assert k102.range.start == types.Position(OUTPUT_LINE, units(prefix, "utf-16"))
    assert k102.range.end == types.Position(OUTPUT_LINE, units(prefix + OUTPUT, "utf-16"))
    assert units(prefix, "utf-16") == len(prefix) + 1  # the emoji is two UTF-16 units
    fixes = [a for a in await buffer.code_actions([k102]) if a.title.startswith("kast (K102)")]
    if fixes:  # the fix's edit is converted the same way
        assert '(1, activation="sigmoid")' in buffer.edited(fixes[0]).splitlines()[OUTPUT_LINE]
    buffer.close()


@with_server
async def test_negotiated_utf8_gives_byte_columns(utf8_client: LanguageClient, workspace: Path) -> None:
    text, line = emoji_source()
    buffer = Buffer(utf8_client, workspace / "emoji8.py", text)
    [k102] = of_code(await buffer.diagnostics_after(buffer.open), "K102")
    prefix = line[:line.index(OUTPUT)]
    assert k102.range.start == types.Position(OUTPUT_LINE, units(prefix, "utf-8"))
    assert k102.range.end == types.Position(OUTPUT_LINE, units(prefix + OUTPUT, "utf-8"))
    disable = await buffer.disable_action([k102], "K102")
    assert buffer.edited(disable, "utf-8").splitlines()[OUTPUT_LINE] == f"{line}  # noqa: K102"
    fixes = [a for a in await buffer.code_actions([k102]) if a.title.startswith("kast (K102)")]
    if fixes:
        assert '(1, activation="sigmoid")' in buffer.edited(fixes[0], "utf-8").splitlines()[OUTPUT_LINE]
    buffer.close()


@with_server
async def test_syntax_error_while_typing(client: LanguageClient, workspace: Path) -> None:
    buffer = Buffer(client, workspace / "typing.py", BUGGY)
    await buffer.diagnostics_after(buffer.open)
    half_typed = BUGGY + "history = model.fit(x, y, epochs=\n"
    [k000] = await buffer.diagnostics_after(lambda: buffer.change(half_typed))
    assert k000.code == "K000" and "syntax error" in k000.message
    assert k000.range.start.line >= 3
    assert not [a for a in await buffer.code_actions([k000]) if a.title.startswith("Disable")]
    # The server is still there and checks the next text.
    assert of_code(await buffer.diagnostics_after(lambda: buffer.change(BUGGY)), "K102")
    buffer.close()


@with_server
async def test_only_the_latest_text_is_linted(client: LanguageClient, workspace: Path) -> None:
    buffer = Buffer(client, workspace / "debounce.py", "import keras\n")
    await buffer.diagnostics_after(buffer.open)
    seen = len(client.publications)  # type: ignore[attr-defined]

    def type_quickly() -> None:
        for partial in ("import keras\nmodel = keras.Seq", "import keras\nmodel = keras.Sequential([",
                        BUGGY[:60], BUGGY):
            buffer.change(partial)

    diagnostics = await buffer.diagnostics_after(type_quickly)
    assert buffer.version == 5
    assert [d.code for d in diagnostics] == ["K102"] and diagnostics[0].data["version"] == 5
    # Never the diagnostics of an older text after those of a newer one.
    versions = [p.version for p in client.publications[seen:] if p.uri == buffer.uri]  # type: ignore[attr-defined]
    assert versions == sorted(versions) and versions[-1] == 5
    buffer.close()


@with_server
async def test_fix_all_source_action(client: LanguageClient, workspace: Path) -> None:
    buffer = Buffer(client, workspace / "fix_all.py", BUGGY)
    diagnostics = await buffer.diagnostics_after(buffer.open)
    assert not [a for a in await buffer.code_actions(diagnostics, only=[types.CodeActionKind.QuickFix])
                if a.kind == "source.fixAll.kast"]
    [offered] = await buffer.code_actions([], only=[types.CodeActionKind.SourceFixAll], resolve=False)
    assert offered.edit is None  # computed only when the editor resolves it
    actions = await buffer.code_actions([], only=[types.CodeActionKind.SourceFixAll])
    assert [a.title for a in actions] == ["Fix all safe kast problems"]
    [fix_all] = actions
    assert fix_all.kind == "source.fixAll.kast"
    fixed = buffer.edited(fix_all)
    assert 'activation="sigmoid"' in fixed
    assert not of_code(await buffer.diagnostics_after(lambda: buffer.change(fixed)), "K102")
    [nothing] = await buffer.code_actions([], only=[types.CodeActionKind.SourceFixAll])
    assert nothing.edit is None  # nothing left to fix
    buffer.close()


@with_server
async def test_a_plain_request_offers_quick_fixes_in_range_without_computing_edits(client: LanguageClient,
                                                                                  workspace: Path) -> None:
    buffer = Buffer(client, workspace / "cursor.py", BUGGY)
    [k102] = of_code(await buffer.diagnostics_after(buffer.open), "K102")
    # What an editor sends at a cursor move: a position, no diagnostics, no kinds.
    cursor = types.Range(k102.range.start, k102.range.start)
    actions = await buffer.code_actions([], at=cursor, resolve=False)
    titles = [a.title for a in actions]
    assert titles[0].startswith("kast (K102): ") and actions[0].edit is not None  # from the published fix
    assert "Disable K102 for this line" in titles and "Fix all safe kast problems" in titles
    assert all(a.edit is None for a in actions[1:])  # left for codeAction/resolve
    elsewhere = types.Range(types.Position(0, 0), types.Position(0, 0))
    assert not [a for a in await buffer.code_actions([], at=elsewhere, resolve=False)
                if a.kind == types.CodeActionKind.QuickFix]
    buffer.close()


@with_server
async def test_a_client_without_resolve_gets_edits_with_the_actions(plain_client: LanguageClient,
                                                                    workspace: Path) -> None:
    buffer = Buffer(plain_client, workspace / "plain.py", BUGGY)
    k102 = of_code(await buffer.diagnostics_after(buffer.open), "K102")
    actions = await buffer.code_actions(k102, resolve=False)
    disable = next(a for a in actions if a.title == "Disable K102 for this line")
    assert buffer.edited(disable).splitlines()[OUTPUT_LINE].endswith("  # noqa: K102")
    assert not [a for a in actions if a.kind == lsp.FIX_ALL_KIND]  # never computed unasked
    [fix_all] = await buffer.code_actions([], only=[types.CodeActionKind.SourceFixAll], resolve=False)
    assert 'activation="sigmoid"' in buffer.edited(fix_all)
    buffer.close()


@with_server
async def test_close_clears_diagnostics(client: LanguageClient, workspace: Path) -> None:
    buffer = Buffer(client, workspace / "close.py", BUGGY)
    assert await buffer.diagnostics_after(buffer.open)
    assert await buffer.diagnostics_after(buffer.close) == []


@with_server
async def test_bad_config_is_one_error_not_a_crash(client: LanguageClient, workspace: Path) -> None:
    folder = workspace / "bad_config"
    folder.mkdir()
    (folder / "kast.toml").write_text('selec = ["K1"]\n')
    buffer = Buffer(client, folder / "train.py", BUGGY)
    [diagnostic] = await buffer.diagnostics_after(buffer.open)
    assert diagnostic.severity == types.DiagnosticSeverity.Error and "selec" in diagnostic.message
    assert any("selec" in m.message and m.type == types.MessageType.Error for m in client.messages)
    buffer.close()
    # The server still serves the other folders.
    other = Buffer(client, workspace / "after_bad_config.py", BUGGY)
    assert of_code(await other.diagnostics_after(other.open), "K102")
    other.close()


# --- the conversions, in process -------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "column"), [("utf-8", 6), ("utf-16", 3), ("utf-32", 2)])
def test_position_map_counts_in_the_negotiated_encoding(encoding: str, column: int) -> None:
    positions = lsp.PositionMap("é😀x = 1\r\nlast", encoding)
    assert positions.position(1, 2) == types.Position(0, column)
    assert positions.offset_position(2) == types.Position(0, column)
    assert positions.offset_position(9) == types.Position(1, 0)  # after the \r\n
    assert positions.position(9, 0) == types.Position(1, 4)  # past the end: the end of the text


def test_fix_all_edit_never_splits_a_crlf() -> None:
    old, new = "a = 1\r\nb = 2\r\n", "a = 1\r\nb = 3\r\n"
    change = lsp.minimal_change(old, new)
    assert old[:change.start] + change.text + old[change.end:] == new
    assert (change.start, change.end) == (11, 12)
    old, new = "a\r\n", "a\r\r\n"  # the common prefix and suffix both end inside the \r\n
    change = lsp.minimal_change(old, new)
    assert old[:change.start] + change.text + old[change.end:] == new
    assert old[change.start - 1:change.start + 1] != "\r\n" and old[change.end - 1:change.end + 1] != "\r\n"


@pytest.mark.parametrize(("text", "lines", "expected"), [
    ("f(1)  # noqa\n", (1,), None),  # a bare noqa silences everything already
    ("f(1)  # noqa:K101\n", (1,), "f(1)  # noqa:K101, K102\n"),
    ("f(1)  # type: ignore\n", (1,), "f(1)  # type: ignore  # noqa: K102\n"),
    ('f("""a\nb""")\n', (1, 2), 'f("""a\nb""")  # noqa: K102\n'),  # line 1 ends inside the string
    ("x = 1 + \\\n    f(1)\n", (1, 2), "x = 1 + \\\n    f(1)  # noqa: K102\n"),  # a backslash continues line 1
    ('s = """\nf(1)\n"""\n', (2, 2), None),  # no line can take a comment
])
def test_noqa_change(text: str, lines: tuple[int, ...], expected: str | None) -> None:
    change = lsp.noqa_change(text, lines, "K102")
    if expected is None:
        assert change is None
    else:
        assert change is not None
        assert text[:change.start] + change.text + text[change.end:] == expected


def test_wants_honours_only() -> None:
    assert lsp.wants(None, lsp.FIX_ALL_KIND)
    assert lsp.wants([types.CodeActionKind.Source], lsp.FIX_ALL_KIND)
    assert lsp.wants([types.CodeActionKind.SourceFixAll], lsp.FIX_ALL_KIND)
    assert not lsp.wants([types.CodeActionKind.QuickFix], lsp.FIX_ALL_KIND)
    assert not lsp.wants([types.CodeActionKind.SourceFixAll], types.CodeActionKind.QuickFix)


def test_an_internal_error_publishes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(lsp, "lint_source", broken)
    (tmp_path / "kast.toml").write_text("")
    outcome = lsp.lint_document(BUGGY, str(tmp_path / "t.py"), "file:///t.py", 1, "utf-16")
    assert outcome.diagnostics == [] and outcome.internal_error and "boom" in outcome.internal_error


@pytest.mark.parametrize(("messages", "status"), [(["shutdown", "exit"], 0), (["exit"], 1)],
                         ids=["shutdown-then-exit", "exit-without-shutdown"])
def test_exit_status(messages: list[str], status: int) -> None:
    import json
    import subprocess

    def message(number: int, method: str, params: object = None) -> bytes:
        body: dict[str, object] = {"jsonrpc": "2.0", "method": method}
        if method != "exit":  # exit is a notification; the others here are requests
            body["id"] = number
        if params is not None:
            body["params"] = params
        data = json.dumps(body).encode()
        return b"Content-Length: %d\r\n\r\n" % len(data) + data

    stream = message(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    stream += b"".join(message(number, method) for number, method in enumerate(messages, start=2))
    # A client waits for the shutdown answer before it says exit; all at once, the server reads them in order.
    proc = subprocess.run([sys.executable, "-m", "kast", "server"], input=stream, capture_output=True, timeout=60)
    assert proc.returncode == status, proc.stderr.decode()
    assert b'"id": 1' in proc.stdout.replace(b'"id":1', b'"id": 1')


def test_the_cli_does_not_import_pygls() -> None:
    import subprocess

    code = "import sys, kast.cli; sys.exit('pygls' in sys.modules or 'kast.lsp' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
