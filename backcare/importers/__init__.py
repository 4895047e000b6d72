"""Importers: read other apps' exports into an ImportBatch (nothing written until applied)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.apple_health import read_apple_health
from backcare.importers.bearable import read_bearable
from backcare.importers.daylio import read_daylio
from backcare.importers.flaredown import read_flaredown
from backcare.importers.manage_my_pain import read_manage_my_pain
from backcare.importers.strength_csv import read_hevy, read_strong
from backcare.records import ImportBatch, ImportSummary, SymptomRecord

KINDS = {
    "apple-health": "Apple Health (export.zip or export.xml)",
    "strong": "Strong (CSV)",
    "hevy": "Hevy (CSV)",
    "bearable": "Bearable (CSV)",
    "flaredown": "Flaredown (CSV)",
    "daylio": "Daylio (CSV)",
    "manage-my-pain": "Manage My Pain (CSV)",
}
DIARY_READERS = {"bearable": read_bearable, "flaredown": read_flaredown, "daylio": read_daylio}
"""Kinds whose activities the person maps to exercise types (``mapping``) before importing."""
MAX_CSV_BYTES = 200 * 1024 * 1024


def read_export(
    kind: str,
    path: Path,
    *,
    display_name: str | None = None,
    unit: str | None = None,
    catalogue: Iterable[str] = (),
    progress: Callable[[int, int], None] = lambda done, total: None,
    mapping: Mapping[str, str] | None = None,
) -> ImportBatch:
    """Read a file of the given kind (a key of KINDS) into a batch, or raise ImportFormatError.

    ``mapping`` (Daylio, Bearable, Flaredown): activity name -> exercise type key; activities left
    out (or mapped to "not exercise") are listed in the batch summary as not imported."""
    name = display_name or path.name
    if not path.is_file():
        raise ImportFormatError(f"{name}: no such file.")
    if kind == "apple-health":
        return read_apple_health(path, display_name=name, progress=progress)
    if kind in DIARY_READERS:
        return DIARY_READERS[kind](path, name, mapping=mapping, progress=progress)
    if kind == "manage-my-pain":
        return read_manage_my_pain(path, name, progress=progress)
    if kind not in ("strong", "hevy"):
        raise ImportFormatError(f"Unknown import kind '{kind}'; use one of: {', '.join(KINDS)}.")
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFormatError(f"{name}: the file is larger than 200 MB; this is not a workout CSV export.")
    data = path.read_bytes()
    if kind == "strong":
        return read_strong(data, name, unit=unit, catalogue=catalogue, progress=progress)
    return read_hevy(data, name, catalogue=catalogue, progress=progress)


__all__ = ["DIARY_READERS", "KINDS", "ImportBatch", "ImportSummary", "SymptomRecord", "read_export"]
