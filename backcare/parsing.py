"""Small parsers shared by every entry point (CLI, app forms, importers): each returns a clean value
or raises ValidationError naming the field.

One rule for text, everywhere: surrounding whitespace is ignored, and what remains must be exactly
the value's canonical text, the form backcare itself writes. Whole numbers: ASCII digits with a
minus sign when negative, no '+', no leading zeros, no '.0', underscores, exponents or other
scripts' digits ('5', '-3'; not '05', '+5', '5.0', '１'). Dates: YYYY-MM-DD with nothing after
it (no time of day). Times: HH:MM on the 24-hour clock, 00:00 to 23:59 ('07:05'; not '7:5',
'7:05', '24:00', '07:05:00'). So anything that parses round-trips to the text it came from
(tests/test_fuzz_parsing.py). Values that are already numbers, dates or times (a form's widgets,
a spreadsheet's cells) are taken as they are, within the same limits. Importers whose source
writes another form (a timestamp with seconds, a zone) convert it themselves before calling these.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any, Literal, overload

from backcare.errors import ValidationError

NOTE_MAX_CHARS = 2000
EARLIEST_DATE = date(1900, 1, 1)
TYPE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TIME_RE = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]\Z")  # ASCII digits; \Z: no trailing newline
SHORT_HOUR_TIME_RE = re.compile(r"^[0-9]:[0-5][0-9]\Z")  # 7:05, as people write it: stored as 07:05
WHOLE_NUMBER_RE = re.compile(r"0|-?[1-9][0-9]*")  # canonical: str(int(text)) == text
ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:  # pandas NA / NaT without importing pandas here
        return bool(value != value)
    except (TypeError, ValueError):
        return False


@overload
def parse_int(
    value: Any, label: str, lo: int, hi: int, *, required: Literal[True], hint: str = ""
) -> int: ...
@overload
def parse_int(
    value: Any, label: str, lo: int, hi: int, *, required: bool = False, hint: str = ""
) -> int | None: ...
def parse_int(
    value: Any, label: str, lo: int, hi: int, *, required: bool = False, hint: str = ""
) -> int | None:
    """Parse a whole number in [lo, hi]; blank gives None unless required."""
    if _is_blank(value):
        if required:
            raise ValidationError(f"{label} is required: enter a whole number from {lo} to {hi}{hint}.")
        return None
    number: float
    try:
        if isinstance(value, bool) or (
            isinstance(value, str) and not WHOLE_NUMBER_RE.fullmatch(value.strip())
        ):
            raise ValueError
        number = float(value)
    except OverflowError:  # a whole number beyond any float: certainly out of range
        raise ValidationError(
            f"{label} must be from {lo} to {hi}{hint}; you entered a number too large."
        ) from None
    except (TypeError, ValueError):
        raise ValidationError(
            f"{label} must be a whole number from {lo} to {hi}{hint}; '{value}' is not a number."
        ) from None
    if not math.isfinite(number) or number != int(number):
        raise ValidationError(f"{label} must be a whole number from {lo} to {hi}{hint}; you entered {value}.")
    if not lo <= number <= hi:
        raise ValidationError(f"{label} must be from {lo} to {hi}{hint}; you entered {int(number)}.")
    return int(number)


def parse_float(value: Any, label: str, lo: float, hi: float) -> float | None:
    """Parse an optional number in [lo, hi]."""
    if _is_blank(value):
        return None
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} must be a number; '{value}' is not a number.") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise ValidationError(f"{label} must be between {lo:g} and {hi:g}; you entered {value}.")
    return number


def parse_date(value: Any, label: str = "Date", *, allow_future: bool = False) -> date:
    """Parse a date (date, datetime, Timestamp or exactly YYYY-MM-DD text); the future is refused by default."""
    if _is_blank(value):
        raise ValidationError(f"{label} is required (YYYY-MM-DD).")
    parsed: date
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif hasattr(value, "to_pydatetime"):
        parsed = value.to_pydatetime().date()
    else:
        text = str(value).strip()
        try:
            if not ISO_DATE_RE.fullmatch(text):
                raise ValueError
            parsed = date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                f"{label} '{text}' is not a date; write it as YYYY-MM-DD, for example 2026-03-01."
            ) from None
    if parsed < EARLIEST_DATE:
        raise ValidationError(f"{label} {parsed.isoformat()} is too far in the past.")
    if not allow_future and parsed > date.today():
        raise ValidationError(
            f"{label} {parsed.isoformat()} is in the future; you can only log days that have begun."
        )
    return parsed


def parse_time(value: Any, label: str = "Start time") -> str | None:
    """Parse an optional time of day: a time value, or HH:MM text (24-hour, 00:00-23:59; a one-digit
    hour such as 7:05 is written 07:05). Minutes always have two digits."""
    if _is_blank(value):
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = str(value).strip()
    if SHORT_HOUR_TIME_RE.match(text):
        text = "0" + text
    if not TIME_RE.match(text):
        raise ValidationError(f"{label} '{value}' is not a time; use 24-hour HH:MM, for example 07:30.")
    return text


def clean_text(value: Any, label: str = "Notes", max_chars: int = NOTE_MAX_CHARS) -> str | None:
    """Trim text, drop control characters (keeping newlines and tabs) and enforce a length limit."""
    if _is_blank(value):
        return None
    text = str(value)
    if not text.isprintable():  # printable text has no control characters: nothing to drop
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    text = text.strip()
    if not text:
        return None
    if len(text) > max_chars:
        raise ValidationError(f"{label} is too long ({len(text)} characters); keep it under {max_chars}.")
    return text


def parse_bool(value: Any) -> bool:
    """Interpret checkboxes, 0/1, yes/no and true/false text."""
    if _is_blank(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "on", "x"}
    return bool(value)


def parse_choices(value: Any, allowed: Mapping[str, str], label: str) -> tuple[str, ...]:
    """Parse a list (or ';'/','-separated text) of keys or display names into allowed keys."""
    if _is_blank(value):
        return ()
    items: Iterable[Any]
    if isinstance(value, str):
        items = re.split(r"[;,]", value)
    elif isinstance(value, Iterable):
        items = value
    else:
        items = [value]
    by_name = {name.lower(): key for key, name in allowed.items()}
    keys: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        key = text if text in allowed else by_name.get(text.lower())
        if key is None:
            options = ", ".join(allowed.values())
            raise ValidationError(f"{label}: '{text}' is not one of: {options}.")
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def type_key_from_name(name: str) -> str:
    """Make a stable lowercase key ('Tai chi' -> 'tai_chi') for a new exercise type."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if key and not key[0].isalpha():
        key = "t_" + key
    key = key[:40]
    if not TYPE_KEY_RE.match(key):
        raise ValidationError(f"'{name}' cannot be used as an exercise type name; use letters and numbers.")
    return key


def parse_type_key(value: Any) -> str:
    """Validate an exercise type key such as 'yoga'."""
    if _is_blank(value):
        raise ValidationError("Exercise type is required.")
    key = str(value).strip().lower()
    if not TYPE_KEY_RE.match(key):
        raise ValidationError(f"Exercise type '{value}' is not valid; pick one from the list.")
    return key
