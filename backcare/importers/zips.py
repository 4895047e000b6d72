"""Zip entries opened safely: encrypted and unsupported compression (Deflate64, ...) are explained."""

from __future__ import annotations

import zipfile
from typing import IO

from backcare.errors import ImportFormatError

SUPPORTED = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_METHODS = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 99: "AES encryption"}


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> IO[bytes]:
    """Open one entry for streaming, or raise ImportFormatError saying plainly why it cannot be read."""
    if info.flag_bits & 0x1:
        raise ImportFormatError(
            f"{name}: {info.filename} inside the zip is protected with a password; "
            "unzip it yourself and choose the file inside, or zip it again without a password."
        )
    if info.compress_type not in SUPPORTED:
        method = _METHODS.get(info.compress_type, f"method {info.compress_type}")
        raise ImportFormatError(
            f"{name}: {info.filename} inside the zip is compressed with {method}, which backcare cannot "
            "read; unzip it yourself and choose the file inside, or zip it again with normal compression."
        )
    try:
        return archive.open(info)
    except (NotImplementedError, RuntimeError) as exc:  # defensive: what zipfile itself refuses
        raise ImportFormatError(f"{name}: {info.filename} inside the zip cannot be read ({exc}).") from exc
    except (ValueError, OSError, zipfile.BadZipFile) as exc:  # a damaged directory points outside the file
        raise ImportFormatError(
            f"{name}: this zip file is damaged ({info.filename} cannot be found in it); export or copy it again."
        ) from exc
