"""Importers: read other apps' exports into an ImportBatch (nothing written until applied)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.apple_health import read_apple_health
from backcare.importers.bearable import read_bearable
from backcare.importers.daylio import read_daylio
from backcare.importers.flaredown import read_flaredown
from backcare.importers.hevy import read_hevy
from backcare.importers.manage_my_pain import read_manage_my_pain
from backcare.importers.strong import read_strong
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
    mapping: Mapping[str, str] | None = None,
) -> ImportBatch:
    """Read a file of the given kind (a key of KINDS) into a batch, or raise ImportFormatError.

    ``mapping`` (Daylio, Bearable, Flaredown): activity name -> exercise type key; activities left
    out (or mapped to "not exercise") are listed in the batch summary as not imported."""
    name = display_name or path.name
    check_source(kind, path, name)
    if kind == "apple-health":
        return read_apple_health(path, display_name=name, progress=progress)
    if kind in DIARY_READERS:
        return DIARY_READERS[kind](path, name, mapping=mapping, progress=progress)
    if kind == "manage-my-pain":
        return read_manage_my_pain(path, name, progress=progress)
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFormatError(f"{name}: the file is larger than 2 GB; this is not a workout CSV export.")
    if kind == "strong":
        return read_strong(path, name, unit=unit, catalogue=catalogue, progress=progress)
    return read_hevy(path, name, catalogue=catalogue, progress=progress)


__all__ = [
    "DIARY_READERS",
    "KINDS",
    "ImportBatch",
    "ImportSummary",
    "SymptomRecord",
    "check_source",
    "read_export",
]
