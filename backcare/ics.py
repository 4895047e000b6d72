"""iCalendar (.ics) files without a server: experiment schedules and reminders (RFC 5545)."""

from __future__ import annotations

from datetime import datetime, time

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def ics_escape(text: str) -> str:
    """Escape text for an iCalendar property value."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 line folding at 75 octets."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    chunk = b""
    for ch in line:
        b = ch.encode()
        if len(chunk) + len(b) > (75 if not parts else 74):
            parts.append(chunk.decode())
            chunk = b""
        chunk += b
    parts.append(chunk.decode())
    return "\r\n ".join(parts)


def ics_calendar(events: list[tuple[str, str, list[str]]], name: str) -> str:
    """An iCalendar file from (uid, summary, extra property lines) triples; CRLF line endings."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//backcare//backcare//EN", "CALSCALE:GREGORIAN"]
    lines.append(f"X-WR-CALNAME:{ics_escape(name)}")
    for uid, summary, extra in events:
        lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}", f"SUMMARY:{ics_escape(summary)}", *extra]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def reminders_ics(checkin_at: time, weekly_day: int, weekly_at: time, start: datetime | None = None) -> str:
    """Daily check-in reminder and weekly PEG reminder as repeating events with an alarm each."""
    start = start or datetime.now()
    day0 = start.strftime("%Y%m%d")

    def event(uid: str, summary: str, at: time, rule: str, text: str) -> tuple[str, str, list[str]]:
        return (
            uid,
            summary,
            [
                f"DTSTART:{day0}T{at:%H%M}00",
                "DURATION:PT5M",
                f"RRULE:{rule}",
                f"DESCRIPTION:{ics_escape(text)}",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{ics_escape(summary)}",
                "TRIGGER:PT0M",
                "END:VALARM",
            ],
        )

    return ics_calendar(
        [
            event(
                "backcare-daily-checkin@backcare.local",
                "backcare: log today's back pain",
                checkin_at,
                "FREQ=DAILY",
                "Open backcare and log your pain (a few seconds). Consistent daily entries make the insights fairer.",
            ),
            event(
                "backcare-weekly-peg@backcare.local",
                "backcare: weekly check-in (PEG-3)",
                weekly_at,
                f"FREQ=WEEKLY;BYDAY={WEEKDAY_CODES[weekly_day]}",
                "Answer the three weekly questions and the safety checklist in backcare.",
            ),
        ],
        "backcare reminders",
    )
