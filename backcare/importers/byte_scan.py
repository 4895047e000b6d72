"""Finding elements in a byte buffer without parsing it: the Apple Health reader scans export.xml
for the few elements it needs and parses only those."""

from __future__ import annotations

import re

# A start tag whose quoted attribute values may hold '>' (legal XML: sourceName="Pain -> Health").
START_TAG_RE = re.compile(rb"""<[^\s>/"']+(?:[^>"']|"[^"]*"|'[^']*')*>""")


def start_tag_end(buffer: bytes, start: int) -> int:
    """Index of the '>' that ends the start tag at `start`, or -1 if it is not complete in the buffer.
    The first '>' is it unless a quoted attribute value is still open there (then the regex decides);
    Apple writes double quotes, so an apostrophe inside a value (Sam's Watch) keeps the fast path."""
    gt = buffer.find(b">", start)
    if gt == -1 or (buffer.count(b'"', start, gt) % 2 == 0 and buffer.find(b"='", start, gt) == -1):
        return gt
    match = START_TAG_RE.match(buffer, start)
    return match.end() - 1 if match else -1


class Finder:
    """The next occurrence of a pattern at or after a position, remembered so that each byte of the
    buffer is searched once per pattern (a dense export is scanned in linear time)."""

    def __init__(self, buffer: bytes, pattern: bytes) -> None:
        self.buffer, self.pattern, self.found = buffer, pattern, -2

    def at_or_after(self, pos: int) -> int:
        """Index of the next occurrence at or after pos, or -1."""
        if self.found == -2 or (self.found != -1 and self.found < pos):
            self.found = self.buffer.find(self.pattern, pos)
        return self.found
