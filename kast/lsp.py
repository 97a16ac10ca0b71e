"""The language server: kast's diagnostics and fixes in the editor, over stdio.

`kast server` calls `serve()`.  The server lints the text of the editor's buffer
(never the file on disk) when a Python document is opened or saved, and 0.3 s
after the last change while typing; only the newest text is linted, in one
worker thread so that the event loop keeps reading messages.

Positions: kast's spans count columns in code points; the LSP columns are
counted in the position encoding negotiated at `initialize` (UTF-16 unless the
client offers UTF-8 or UTF-32 in `general.positionEncodings`).  Every range
sent is converted here, with the text it was computed from.

Each published diagnostic carries in `data` the document version it was linted
from and, when the finding has a fix, the fix's edits already converted to the
client's encoding; a quick fix is built from that, and offered only while the
document is still at that version.  A lint whose buffer changed meanwhile
publishes nothing: only diagnostics of the newest version reach the editor.

Code actions are cheap on every request (editors ask at each cursor move):
one quick fix per fixable finding among the diagnostics the request names
(or, if it names none, those published in its range), "Disable CODE for
this line" (a `# noqa` comment), and the source action `source.fixAll.kast`
that applies every safe fix to the whole buffer.  When the client can resolve
code actions (`codeAction/resolve` with `edit`), "Disable" and "Fix all" are
sent without their edit and computed only when the user picks one; otherwise
"Fix all" is computed only for a request that asks for its kind.

The process exits with status 0 after `shutdown` and `exit`, 1 after an
`exit` without `shutdown`, as the protocol says.

This module imports pygls; only `kast server` imports it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from kast import __version__
from kast.api import lint_source
from kast.config import ConfigError, Resolver, Settings
from kast.core import describe_internal_error
from kast.diagnostics import LINE_BREAK, Diagnostic, Severity, Span, line_starts
from kast.fix import minimal_change
from kast.output import encoded_column, message_with_hint, rule_url
from kast.suppress import noqa_change

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.3
FIX_ALL_KIND = "source.fixAll.kast"
FIX_ALL_TITLE = "Fix all safe kast problems"
SOURCE = "kast"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
# Documents kast lints: files on disk and editor buffers not saved yet (not notebook cells).
_SCHEMES = ("file", "untitled")


# --- positions -------------------------------------------------------------------------------------


class PositionMap:
    """Converts kast's coordinates in one text (1-based lines, code-point columns) to LSP positions."""

    def __init__(self, text: str, encoding: str) -> None:
        self.text = text
        self.encoding = encoding
        self.lines = LINE_BREAK.split(text)
        self.starts = line_starts(text)

    def position(self, line: int, column: int) -> types.Position:
        """LSP position of a 1-based line and 0-based code-point column (clamped into the text)."""
        if line < 1:
            return types.Position(0, 0)
        if line > len(self.lines):  # past the end (a K000 at end of file): the end of the last line
            last = len(self.lines) - 1
            return types.Position(last, self._units(self.lines[last], len(self.lines[last])))
        return types.Position(line - 1, self._units(self.lines[line - 1], column))

    def range(self, span: Span) -> types.Range:
        return types.Range(self.position(span.line, span.column), self.position(span.end_line, span.end_column))

    def offset_position(self, offset: int) -> types.Position:
        """LSP position of a code-point offset into the text."""
        index = bisect_right(self.starts, offset) - 1
        return self.position(index + 1, offset - self.starts[index])

    def _units(self, line_text: str, column: int) -> int:
        if self.encoding == "utf-8":
            return encoded_column(line_text, column, "utf-8")
        if self.encoding == "utf-16":
            return encoded_column(line_text, column, "utf-16")
        return column  # utf-32: code points


def negotiated_encoding(server: LanguageServer) -> str:
    """The position encoding chosen at `initialize`: "utf-8", "utf-16" or "utf-32"."""
    encoding = server.workspace.position_encoding or types.PositionEncodingKind.Utf16
    value = str(getattr(encoding, "value", encoding)).lower()
    return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"


# --- diagnostics -----------------------------------------------------------------------------------


def _uri_of(path: str, document_path: str, document_uri: str) -> str:
    if path == document_path:
        return document_uri
    return uris.from_fs_path(path) or document_uri


def _edit_data(edit_range: types.Range, new_text: str) -> dict[str, Any]:
    return {
        "range": {
            "start": {"line": edit_range.start.line, "character": edit_range.start.character},
            "end": {"line": edit_range.end.line, "character": edit_range.end.character},
        },
        "newText": new_text,
    }


def _edit_from_data(data: dict[str, Any]) -> types.TextEdit:
    start, end = data["range"]["start"], data["range"]["end"]
    return types.TextEdit(
        range=types.Range(types.Position(start["line"], start["character"]),
                          types.Position(end["line"], end["character"])),
        new_text=data["newText"],
    )


def to_lsp(diagnostic: Diagnostic, positions: PositionMap, document_uri: str, version: int) -> types.Diagnostic:
    """One kast diagnostic as an LSP diagnostic, its columns in the negotiated encoding."""
    data: dict[str, Any] = {"version": version}
    if diagnostic.fix is not None and diagnostic.fix.edits:
        data["fix"] = {
            "description": diagnostic.fix.description,
            "safe": diagnostic.fix.safe,
            "edits": [_edit_data(positions.range(edit.span), edit.replacement) for edit in diagnostic.fix.edits],
        }
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(_uri_of(item.path, diagnostic.path, document_uri), positions.range(item.span)),
            message=item.message,
        )
        for item in diagnostic.related
    ]
    return types.Diagnostic(
        range=positions.range(diagnostic.span),
        message=message_with_hint(diagnostic),
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=rule_url(diagnostic.code)),
        source=SOURCE,
        related_information=related or None,
        data=data,
    )


@dataclass
class LintOutcome:
    """What linting one buffer gave: the LSP diagnostics, and what went wrong if anything did."""

    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    has_safe_fix: bool = False
    config_error: str | None = None
    internal_error: str | None = None


def settings_for(path: str) -> Settings:
    """The settings of the config that applies to `path`, read afresh (the config may have been edited)."""
    return Resolver().settings_for(Path(path))


def lint_document(text: str, path: str, uri: str, version: int, encoding: str) -> LintOutcome:
    """Lint a buffer's text as the file `path`; never raises."""
    try:
        settings = settings_for(path)
    except ConfigError as error:
        message = f"kast: bad configuration, nothing checked: {error}"
        diagnostic = types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                                      message=message, severity=types.DiagnosticSeverity.Error, source=SOURCE)
        return LintOutcome([diagnostic], config_error=str(error))
    try:
        result = lint_source(text.encode("utf-8", "surrogatepass"), path, settings)
        if result.internal_error is not None:
            return LintOutcome(internal_error=result.internal_error)
        positions = PositionMap(text, encoding)
        diagnostics = [to_lsp(d, positions, uri, version) for d in result.diagnostics]
    except Exception as exc:  # noqa: BLE001 - a half-typed buffer must never stop the server
        return LintOutcome(internal_error=describe_internal_error(exc))
    has_safe_fix = any(d.fix is not None and d.fix.safe and d.fix.edits for d in result.diagnostics)
    return LintOutcome(diagnostics, has_safe_fix=has_safe_fix)


# --- code actions ----------------------------------------------------------------------------------


def wants(only: Sequence[str] | None, kind: str) -> bool:
    """Whether a code action of `kind` answers a request limited to `only` kinds (None: every kind)."""
    if only is None:
        return True
    kind = _kind_text(kind)
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in map(_kind_text, only))


def _kind_text(kind: object) -> str:
    # lsprotocol's kinds are str enums whose str() is "CodeActionKind.QuickFix": use the value.
    return str(getattr(kind, "value", kind))


# --- the server ------------------------------------------------------------------------------------


class KastLanguageServer(LanguageServer):
    """pygls server with kast's state: pending lint tasks, the worker thread, what was last published."""

    def __init__(self) -> None:
        super().__init__("kast", __version__)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kast-lint")
        self.pending: dict[str, asyncio.Task[None]] = {}
        # uri -> (version, has a safe fix): lets a plain code-action request skip the fix-all work
        self.fixable: dict[str, tuple[int, bool]] = {}
        # uri -> (version, the diagnostics last published for it): the quick fixes in a requested range
        self.published: dict[str, tuple[int, list[types.Diagnostic]]] = {}
        # uri -> (version, text with every safe fix applied): the editor asks again at every cursor move
        self.fixed: dict[str, tuple[int, str]] = {}
        # uri -> the config error its last lint met; each error is shown once while some buffer has it
        self.config_errors: dict[str, str] = {}
        self.shut_down = False  # the client sent `shutdown`: `exit` then ends the process with status 0

    # -- documents

    def lintable(self, uri: str) -> bool:
        document = self.workspace.text_documents.get(uri)
        if document is None or uris.uri_scheme(uri) not in _SCHEMES:
            return False
        if document.language_id:
            return bool(document.language_id == "python")
        return uri.endswith((".py", ".pyi"))

    def document_path(self, uri: str) -> str:
        path = uris.to_fs_path(uri)
        if path is None or uris.uri_scheme(uri) != "file":
            # A buffer never saved: linted as if it lay in the current folder.
            return os.path.join(os.getcwd(), "untitled.py")
        return path

    def schedule(self, uri: str, delay: float) -> None:
        """Lint `uri` after `delay` seconds, cancelling a lint of an older text still pending."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        if self.lintable(uri):
            self.pending[uri] = asyncio.get_running_loop().create_task(self.lint_and_publish(uri, delay))

    async def lint_and_publish(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            document = self.workspace.text_documents.get(uri)
            if document is None:
                return
            text, version = document.source, document.version or 0
            outcome = await asyncio.get_running_loop().run_in_executor(
                self.worker, lint_document, text, self.document_path(uri), uri, version, negotiated_encoding(self))
            current = self.workspace.text_documents.get(uri)
            if current is None or (current.version or 0) != version:
                return  # changed or closed meanwhile: a newer lint is on its way
            self.report(uri, version, outcome)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the server outlives any one buffer
            self.log(f"kast: linting {uri} failed: {describe_internal_error(exc)}")
            self.publish(uri, None, [])
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def report(self, uri: str, version: int, outcome: LintOutcome) -> None:
        if outcome.internal_error is not None:
            self.log(f"kast: internal error while checking {uri}: {outcome.internal_error}")
        if outcome.config_error is None:
            self.config_errors.pop(uri, None)
        else:
            if outcome.config_error not in self.config_errors.values():
                self.window_show_message(types.ShowMessageParams(
                    type=types.MessageType.Error, message=f"kast: bad configuration: {outcome.config_error}"))
            self.config_errors[uri] = outcome.config_error
        self.fixable[uri] = (version, outcome.has_safe_fix)
        self.published[uri] = (version, outcome.diagnostics)
        self.publish(uri, version, outcome.diagnostics)

    def publish(self, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def close(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.fixable.pop(uri, None)
        self.published.pop(uri, None)
        self.fixed.pop(uri, None)
        self.config_errors.pop(uri, None)
        self.publish(uri, None, [])

    def log(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        logger.error(message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    # -- code actions

    def workspace_edit(self, uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        supports_versions = bool(getattr(getattr(getattr(self.client_capabilities, "workspace", None),
                                                 "workspace_edit", None), "document_changes", False))
        if supports_versions:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, edits)])
        return types.WorkspaceEdit(changes={uri: edits})

    def resolves_edits(self) -> bool:
        """Whether the client fills in a code action's edit later (`codeAction/resolve`), so it may be left out."""
        text_document = getattr(self.client_capabilities, "text_document", None)
        code_action = getattr(text_document, "code_action", None)
        support = getattr(code_action, "resolve_support", None)
        return "edit" in (getattr(support, "properties", None) or [])

    def diagnostics_for(self, uri: str, version: int, where: types.Range,
                        sent: Sequence[types.Diagnostic]) -> list[types.Diagnostic]:
        """kast's diagnostics a code-action request is about: those it names, else the published ones in range."""
        named = [d for d in sent if d.source == SOURCE and isinstance(d.code, str)]
        if named:
            return named
        published = self.published.get(uri)
        if published is None or published[0] != version:
            return []
        return [d for d in published[1] if _overlaps(d.range, where)]

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        """The actions for a request: cheap on every request (the editor asks at each cursor move).

        Quick fixes come from the fixes published with the diagnostics; "Disable"
        and "Fix all" carry only what is needed to compute their edit when the
        client resolves them, if it can, and "Fix all" is computed here only
        when the request asks for it by kind.
        """
        uri = params.text_document.uri
        document = self.workspace.text_documents.get(uri)
        if document is None or not self.lintable(uri):
            return []
        text, version = document.source, document.version or 0
        only = params.context.only
        lazy = self.resolves_edits()
        actions: list[types.CodeAction] = []
        if wants(only, types.CodeActionKind.QuickFix):
            diagnostics = self.diagnostics_for(uri, version, params.range, params.context.diagnostics)
            actions.extend(self.quick_fixes(uri, text, version, diagnostics, lazy))
        if wants(only, FIX_ALL_KIND) and self.may_fix(uri, version, explicitly=only is not None):
            if lazy:
                actions.append(types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND,
                                                data={"kast": "fix-all", "uri": uri, "version": version}))
            elif only is not None:
                action = await self.fix_all(uri, text, version)
                if action is not None:
                    actions.append(action)
        return actions

    def quick_fixes(self, uri: str, text: str, version: int, diagnostics: Iterable[types.Diagnostic],
                    lazy: bool = False) -> list[types.CodeAction]:
        fixes: list[types.CodeAction] = []
        disables: list[types.CodeAction] = []
        disabled: set[tuple[str, int]] = set()
        for diagnostic in diagnostics:
            if diagnostic.source != SOURCE or not isinstance(diagnostic.code, str):
                continue
            code = diagnostic.code
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            fix = data.get("fix")
            if isinstance(fix, dict) and data.get("version") == version:
                safe = bool(fix.get("safe"))
                title = f"kast ({code}): {fix['description']}" + ("" if safe else " (unsafe)")
                edits = [_edit_from_data(edit) for edit in fix["edits"]]
                fixes.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix,
                                              diagnostics=[diagnostic], is_preferred=safe or None,
                                              edit=self.workspace_edit(uri, version, edits)))
            if code == "K000":
                continue  # a syntax error is fixed, not silenced
            lines = [diagnostic.range.start.line + 1, diagnostic.range.end.line + 1]
            if (code, lines[0]) in disabled:
                continue
            disabled.add((code, lines[0]))
            action = types.CodeAction(title=f"Disable {code} for this line", kind=types.CodeActionKind.QuickFix,
                                      diagnostics=[diagnostic],
                                      data={"kast": "disable", "uri": uri, "version": version, "code": code,
                                            "lines": lines})
            if lazy or self.resolve_disable(action, text):
                disables.append(action)
        return fixes + disables

    def resolve_disable(self, action: types.CodeAction, text: str) -> bool:
        """Give a "Disable" action its edit (a `# noqa` comment); False when no line can take one."""
        data: dict[str, Any] = action.data if isinstance(action.data, dict) else {}
        lines, code = data.get("lines"), data.get("code")
        if not isinstance(lines, list) or not isinstance(code, str):
            return False
        change = noqa_change(text, lines, code)
        if change is None:
            return False
        positions = PositionMap(text, negotiated_encoding(self))
        edit = types.TextEdit(types.Range(positions.offset_position(change.start),
                                          positions.offset_position(change.end)), change.text)
        action.edit = self.workspace_edit(data["uri"], data["version"], [edit])
        return True

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """`codeAction/resolve`: the edit of a "Disable" or "Fix all" action, for the text it was offered on."""
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        document = self.workspace.text_documents.get(uri) if isinstance(uri, str) else None
        if document is None or (document.version or 0) != data.get("version"):
            return action  # the buffer changed since: no edit rather than a wrong one
        if data.get("kast") == "disable":
            self.resolve_disable(action, document.source)
        elif data.get("kast") == "fix-all":
            resolved = await self.fix_all(document.uri, document.source, data["version"])
            if resolved is not None:
                action.edit = resolved.edit
        return action

    def may_fix(self, uri: str, version: int, explicitly: bool) -> bool:
        """Whether the fix-all action is worth offering: asked for by kind, or some safe fix is known."""
        if explicitly:
            return True
        known = self.fixable.get(uri)
        return known is not None and known[0] == version and known[1]

    async def fix_all(self, uri: str, text: str, version: int) -> types.CodeAction | None:
        path = self.document_path(uri)
        try:
            cached = self.fixed.get(uri)
            if cached is not None and cached[0] == version:
                fixed = cached[1]
            else:
                fixed = await asyncio.get_running_loop().run_in_executor(self.worker, fixed_text, text, path)
                self.fixed[uri] = (version, fixed)
        except ConfigError:
            return None  # already reported with the diagnostics
        except Exception as exc:  # noqa: BLE001 - a failed fix must not take the server down
            self.log(f"kast: fixing {uri} failed: {describe_internal_error(exc)}")
            return None
        if fixed == text:
            return None
        change = minimal_change(text, fixed)
        positions = PositionMap(text, negotiated_encoding(self))
        edit = types.TextEdit(types.Range(positions.offset_position(change.start),
                                          positions.offset_position(change.end)), change.text)
        return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND,
                                edit=self.workspace_edit(uri, version, [edit]))


def _overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges share a position (an empty range, the cursor, counts at its place)."""
    a_start, a_end = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b_start, b_end = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a_start <= b_end and b_start <= a_end


def fixed_text(text: str, path: str) -> str:
    """`text` with every safe fix applied, under the config of `path`."""
    from kast.fix import fix_text

    return fix_text(text, path, settings_for(path), unsafe=False).text


def build_server() -> KastLanguageServer:
    """The server with kast's features registered."""
    server = KastLanguageServer()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: KastLanguageServer, params: None) -> None:
        ls.shut_down = True

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KastLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KastLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KastLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri.rsplit("/", 1)[-1] in (".kast.toml", "kast.toml", "pyproject.toml"):
            for open_uri in list(ls.workspace.text_documents):  # the config changed: check every buffer again
                ls.schedule(open_uri, 0)
        else:
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KastLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
                                resolve_provider=True),
    )
    async def code_action(ls: KastLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        try:
            return await ls.code_actions(params)
        except Exception as exc:  # noqa: BLE001 - answer with nothing rather than an error popup
            ls.log(f"kast: code actions for {params.text_document.uri} failed: {describe_internal_error(exc)}")
            return []

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: KastLanguageServer, action: types.CodeAction) -> types.CodeAction:
        try:
            return await ls.resolve(action)
        except Exception as exc:  # noqa: BLE001 - the action stays without an edit
            ls.log(f"kast: resolving a code action failed: {describe_internal_error(exc)}")
            return action

    return server


def serve() -> int:
    """Run the language server over stdio until the client says exit; the exit status the protocol asks for.

    0 when the client sent `shutdown` before `exit` (or closed the connection
    after it), 1 when it exited without `shutdown`, as the LSP specification says.
    """
    server = build_server()
    server.start_io()
    server.worker.shutdown(wait=False, cancel_futures=True)
    return 0 if server.shut_down else 1
