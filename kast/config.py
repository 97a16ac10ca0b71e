"""Settings that decide what kast reports: rule selection and the failing severity."""

from __future__ import annotations

from dataclasses import dataclass

from kast.diagnostics import Severity


@dataclass(frozen=True, slots=True)
class Settings:
    """Effective settings for one run.

    `select` / `ignore` hold codes or code prefixes (`K1`, `K10`, `K101`); an empty
    `select` means the default selection (every error and warning).
    `extend_select` adds to whatever `select` gives.
    """

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def is_selected(self, code: str, severity: Severity) -> bool:
        if code == "K000":
            return not _matches(code, self.ignore, exact_only=True)
        if self.select:
            chosen = _matches(code, self.select)
        else:
            chosen = severity is not Severity.INFO
        chosen = chosen or _matches(code, self.extend_select)
        return chosen and not _matches(code, self.ignore)


def _matches(code: str, prefixes: tuple[str, ...], exact_only: bool = False) -> bool:
    for prefix in prefixes:
        if prefix == "ALL" and not exact_only:
            return True
        if code == prefix or (not exact_only and code.startswith(prefix)):
            return True
    return False
