"""Emitters: one per output format, each turning diagnostics into text."""

from __future__ import annotations

FORMATS = ("full", "concise", "json")
