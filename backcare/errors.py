"""Errors with messages a person can act on."""

from __future__ import annotations


class BackcareError(Exception):
    """Base class: the message is shown to the person as-is, so it says what to fix."""


class ValidationError(BackcareError):
    """One or more values are out of range or malformed."""

    def __init__(self, problems: list[str] | str, field: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.field = field
        super().__init__(" ".join(self.problems))


class ImportFormatError(BackcareError):
    """A file to import is not in the expected format; the message names the file and line."""


class StoreError(BackcareError):
    """The database refused an operation (locked, not a backcare database, newer schema...)."""
