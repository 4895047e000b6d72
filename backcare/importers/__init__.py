"""Importers: read other apps' exports into an ImportBatch (nothing written until applied)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.apple_health import read_apple_health
from backcare.importers.hevy import read_hevy
from backcare.importers.strong import read_strong
from backcare.records import ImportBatch, ImportSummary, SymptomRecord

KINDS = {
    "apple-health": "Apple Health (export.zip or export.xml)",
    "strong": "Strong (CSV)",
    "hevy": "Hevy (CSV)",
}
MAX_CSV_BYTES = 2 * 1024 * 1024 * 1024  # read as a stream; the bound only refuses what cannot be an export


def check_source(kind: str, path: Path, display_name: str | None = None) -> None:
    """Refuse a missing file or an unknown kind before anything (a diary file included) is opened."""
    name = display_name or path.name
    if kind not in KINDS:
        raise ImportFormatError(f"Unknown import kind '{kind}'; use one of: {', '.join(KINDS)}.")
    if not path.is_file():
        raise ImportFormatError(f"{name}: no such file.")


def read_export(
    kind: str,
    path: Path,
    *,
    display_name: str | None = None,
    unit: str | None = None,
    catalogue: Iterable[str] = (),
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> ImportBatch:
    """Read a file of the given kind ('apple-health', 'strong', 'hevy') into a batch, or raise ImportFormatError."""
    name = display_name or path.name
    check_source(kind, path, name)
    if kind == "apple-health":
        return read_apple_health(path, display_name=name, progress=progress)
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFormatError(f"{name}: the file is larger than 2 GB; this is not a workout CSV export.")
    if kind == "strong":
        return read_strong(path, name, unit=unit, catalogue=catalogue, progress=progress)
    return read_hevy(path, name, catalogue=catalogue, progress=progress)


__all__ = ["KINDS", "ImportBatch", "ImportSummary", "SymptomRecord", "check_source", "read_export"]
