"""Importers: read other apps' exports into an ImportBatch (nothing written until applied)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.apple_health import read_apple_health
from backcare.importers.strength_csv import read_hevy, read_strong
from backcare.records import ImportBatch, ImportSummary, SymptomRecord

KINDS = {
    "apple-health": "Apple Health (export.zip or export.xml)",
    "strong": "Strong (CSV)",
    "hevy": "Hevy (CSV)",
}
MAX_CSV_BYTES = 200 * 1024 * 1024


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
    if not path.is_file():
        raise ImportFormatError(f"{name}: no such file.")
    if kind == "apple-health":
        return read_apple_health(path, display_name=name, progress=progress)
    if kind not in ("strong", "hevy"):
        raise ImportFormatError(f"Unknown import kind '{kind}'; use one of: {', '.join(KINDS)}.")
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFormatError(f"{name}: the file is larger than 200 MB; this is not a workout CSV export.")
    data = path.read_bytes()
    if kind == "strong":
        return read_strong(data, name, unit=unit, catalogue=catalogue, progress=progress)
    return read_hevy(data, name, catalogue=catalogue, progress=progress)


__all__ = ["KINDS", "ImportBatch", "ImportSummary", "SymptomRecord", "read_export"]
