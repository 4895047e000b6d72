"""Apple Health export, the byte level: open export.xml directly or inside a zip, and find the
few elements backcare reads (``<Workout>`` and lower-back-pain ``<Record>``) by byte search, each
parsed on its own by the standard XML parser (see ``apple_health`` for why and what is read).

* The file is read in 1 MB chunks straight out of the zip (never extracted, never loaded whole);
  one element may be at most 16 MB, so a file whose ``<Workout`` never closes is refused, not buffered.
* Each pattern's next position is remembered, so every byte is searched once per pattern.
* XML comments are skipped whole; stray control characters are removed before parsing an element.
* The export must end with ``</HealthData>``: a cut-off file is refused as a whole.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from backcare.errors import ImportFormatError
from backcare.importers.byte_scan import Finder, start_tag_end
from backcare.importers.zips import open_member

CHUNK = 1024 * 1024
MAX_ELEMENT = 16 * 1024 * 1024
WORKOUT_OPEN = b"<Workout "
WORKOUT_CLOSE = b"</Workout>"
BACK_PAIN = b'"HKCategoryTypeIdentifierLowerBackPain"'
RECORD_OPEN = b"<Record "
RECORD_CLOSE = b"</Record>"
COMMENT_CLOSE = b"-->"
PATTERNS = {"workout": WORKOUT_OPEN, "pain": BACK_PAIN, "comment": b"<!--"}
NEWLINE = b"\n"
_CONTROL = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # removed with bytes.translate


def _is_health_xml(head: bytes) -> bool:
    return b"<!DOCTYPE HealthData" in head or b"<HealthData" in head


def open_export(path: Path, name: str) -> tuple[IO[bytes], int, zipfile.ZipFile | None]:
    """Open export.xml directly or inside a zip (found by content, not by its localized name)."""
    try:
        if zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            for info in archive.infolist():
                if info.filename.lower().endswith(".xml") and not info.is_dir():
                    with open_member(archive, info, name) as probe:
                        if _is_health_xml(probe.read(4096)):
                            return open_member(archive, info, name), info.file_size, archive
            archive.close()
            raise ImportFormatError(
                f"{name}: this zip does not contain an Apple Health export (no export.xml with HealthData inside)."
            )
        with path.open("rb") as probe:
            head = probe.read(4096)
        if head.startswith(b"PK\x03\x04"):
            raise ImportFormatError(
                f"{name}: this zip file is damaged or incomplete (perhaps cut off while copying). "
                "Copy or export it again; nothing was imported."
            )
        if not _is_health_xml(head):
            raise ImportFormatError(
                f"{name}: this is not an Apple Health export. Choose export.zip (or the export.xml inside it) "
                "from Health > your profile > Export All Health Data."
            )
        return path.open("rb"), path.stat().st_size, None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error) as exc:
        raise ImportFormatError(f"{name}: the file cannot be read as a zip or XML file ({exc}).") from exc


def _element_end(buffer: bytes, start: int, kind: str) -> int:
    """Index just past the element starting at `start`, or -1 if it is not complete in the buffer."""
    if kind == "comment":
        end = buffer.find(COMMENT_CLOSE, start + 4)
        return end + len(COMMENT_CLOSE) if end != -1 else -1
    gt = start_tag_end(buffer, start)
    if gt == -1:
        return -1
    if buffer[gt - 1 : gt] == b"/":  # self-closing: <Workout .../> or <Record .../>
        return gt + 1
    close = WORKOUT_CLOSE if kind == "workout" else RECORD_CLOSE
    end = buffer.find(close, gt)
    return end + len(close) if end != -1 else -1


def _next_element(buffer: bytes, finders: dict[str, Finder], pos: int, floor: int) -> tuple[int, str]:
    """Start and kind ('workout', 'pain', 'comment') of the next element of interest (-1 if none)."""
    w = finders["workout"].at_or_after(pos)
    c = finders["comment"].at_or_after(pos)
    p = finders["pain"].at_or_after(pos)
    record = -1
    while p != -1:
        record = buffer.rfind(RECORD_OPEN, floor, p)
        if record != -1:
            break
        p = finders["pain"].at_or_after(p + 1)  # the marker outside a <Record: not ours
    found = [(i, kind) for i, kind in ((w, "workout"), (record, "pain"), (c, "comment")) if i != -1]
    return min(found) if found else (-1, "workout")


def elements(
    stream: IO[bytes], total: int, name: str, progress: Callable[[int, int], None]
) -> Iterator[tuple[str, bytes, int]]:
    """Yield ('workout' | 'pain', element bytes, line number) for every element of interest; comments
    are skipped whole; an element longer than MAX_ELEMENT is refused (memory stays bounded)."""
    buffer = b""
    done = 0
    line = 1  # line number at buffer[mark]
    mark = 0
    while True:
        try:
            chunk = stream.read(CHUNK)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
            raise ImportFormatError(f"{name}: the export is damaged or cut off ({exc}).") from exc
        done += len(chunk)
        progress(min(done, total), total)
        at_end = not chunk
        buffer += chunk
        finders = {k: Finder(buffer, pattern) for k, pattern in PATTERNS.items()}
        pos = floor = 0  # search from pos; a record's start tag may begin at or after floor
        while True:
            start, kind = _next_element(buffer, finders, pos, floor)
            if start == -1:
                break
            stop = _element_end(buffer, start, kind)
            if stop == -1:
                where = line + buffer.count(NEWLINE, mark, start)
                if at_end:
                    raise ImportFormatError(
                        f"{name}, line {where}: the export is cut off in the middle of an entry. "
                        "Export again from the Health app; nothing was imported."
                    )
                if len(buffer) - start > MAX_ELEMENT:
                    raise ImportFormatError(
                        f"{name}, line {where}: an entry never ends (over {MAX_ELEMENT // 2**20} MB); "
                        "this is not a readable Apple Health export. Nothing was imported."
                    )
                break
            line += buffer.count(NEWLINE, mark, start)
            mark = start
            if kind != "comment":
                yield kind, buffer[start:stop], line
            pos = floor = stop
        if at_end:
            break
        # Keep what may hold an unfinished element: from the unfinished start, else the last 16 KB.
        keep = start if start != -1 else max(floor, len(buffer) - 16384)
        line += buffer.count(NEWLINE, mark, keep)
        mark = 0
        buffer = buffer[keep:]
    if b"</HealthData>" not in buffer[-4096:]:
        raise ImportFormatError(
            f"{name}: the export is cut off (it does not end with </HealthData>). "
            "Export again from the Health app; nothing was imported."
        )


def parsed(group: list[tuple[str, bytes, int]], name: str) -> list[tuple[str, ET.Element, int]]:
    """Parse a group of elements with one parser (much faster than one parser each); when the group
    does not parse, parse them one by one to name the line of the entry at fault."""
    try:
        root = ET.fromstring(
            b"<group>" + b"".join(raw for _, raw, _ in group).translate(None, _CONTROL) + b"</group>"
        )
        if len(root) == len(group):
            return [(kind, el, line) for (kind, _, line), el in zip(group, root, strict=True)]
    except ET.ParseError:
        pass
    parsed = []
    for kind, raw, line in group:
        try:
            parsed.append((kind, ET.fromstring(raw.translate(None, _CONTROL)), line))
        except ET.ParseError as exc:
            raise ImportFormatError(
                f"{name}, line {line}: an entry cannot be read ({exc}). Nothing was imported."
            ) from exc
    return parsed
