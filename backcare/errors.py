"""Errors with messages a person can act on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


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


class Problems:
    """Collect every validation problem, then raise them together once (``raise_if_any``).

    ``attempt`` runs a parser or builder and keeps its ValidationError's problems instead of stopping;
    ``under(label)`` collects into the same list with each problem prefixed by ``label: ``.
    """

    def __init__(self, label: str = "", items: list[str] | None = None):
        self.items: list[str] = [] if items is None else items
        self._prefix = f"{label}: " if label else ""

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, problem: str) -> None:
        """Note one problem."""
        self.items.append(self._prefix + problem)

    def attempt(self, build: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
        """``build(*args, **kwargs)``, or None with its problems noted when it raises ValidationError."""
        try:
            return build(*args, **kwargs)
        except ValidationError as exc:
            for problem in exc.problems:
                self.add(problem)
            return None

    def under(self, label: str) -> Problems:
        """A collector writing into the same list, each problem prefixed with ``label: ``."""
        return Problems(label, self.items)

    def raise_if_any(self) -> None:
        """Raise one ValidationError listing every problem noted, if there are any."""
        if self.items:
            raise ValidationError(self.items)
