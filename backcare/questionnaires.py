"""Weekly PEG-3 and the monthly global impression of change: wording, scoring, validation, when due.

PEG-3: Krebs EE et al., "Development and initial validation of the PEG, a three-item scale
assessing pain intensity and interference", J Gen Intern Med 2009;24:733-8. Score = mean of the
three 0-10 items; a change of about 1 point is meaningful (Reed et al. 2024).
The global-impression question is backcare's own wording (not the licensed PGIC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from backcare.errors import Problems
from backcare.models import parse_date, parse_int

PEG_CITATION = "PEG-3: Krebs et al., J Gen Intern Med 2009;24:733-8."
PEG_ITEMS = {
    "pain": ("What number best describes your pain on average in the past week?", "No pain", "Pain as bad as you can imagine"),
    "enjoyment": ("What number best describes how, during the past week, pain has interfered with your enjoyment of life?",
                  "Does not interfere", "Completely interferes"),
    "activity": ("What number best describes how, during the past week, pain has interfered with your general activity?",
                 "Does not interfere", "Completely interferes"),
}  # fmt: skip
PEG_MEANINGFUL_CHANGE = 1.0
PEG_EVERY_DAYS = 7
IMPRESSION_QUESTION = "Compared with when you started using backcare, how is your back overall?"
IMPRESSION_CHOICES = {
    3: "Much better", 2: "Better", 1: "A little better", 0: "About the same",
    -1: "A little worse", -2: "Worse", -3: "Much worse",
}  # fmt: skip
IMPRESSION_EVERY_DAYS = 28


@dataclass(frozen=True)
class PegAnswer:
    """One week's PEG-3 answers."""

    date: date
    pain: int
    enjoyment: int
    activity: int

    @property
    def score(self) -> float:
        """Mean of the three items (0-10)."""
        return round((self.pain + self.enjoyment + self.activity) / 3, 2)


def peg_from_input(day: object, pain: object, enjoyment: object, activity: object) -> PegAnswer:
    """Validate PEG answers (each a whole number 0-10); raise ValidationError listing every problem."""
    problems = Problems()
    values: dict[str, int | None] = {}
    for key, raw, label in (("pain", pain, "Pain"), ("enjoyment", enjoyment, "Enjoyment of life"),
                            ("activity", activity, "General activity")):  # fmt: skip
        values[key] = problems.attempt(parse_int, raw, label, 0, 10, required=True)
    when = problems.attempt(parse_date, day, "Date")
    problems.raise_if_any()
    assert when is not None
    return PegAnswer(
        when, int(values["pain"] or 0), int(values["enjoyment"] or 0), int(values["activity"] or 0)
    )


def impression_from_input(day: object, rating: object) -> tuple[date, int]:
    """Validate a global impression (-3 much worse ... +3 much better)."""
    problems = Problems()
    when = problems.attempt(parse_date, day, "Date")
    value = problems.attempt(parse_int, rating, "Global impression", -3, 3, required=True)
    problems.raise_if_any()
    assert when is not None
    return when, int(value or 0)


def peg_due(last_answer: date | None, today: date) -> bool:
    """The weekly check-in is offered when it was never answered or a week has passed."""
    return last_answer is None or (today - last_answer).days >= PEG_EVERY_DAYS


def impression_due(first_entry: date | None, last_answer: date | None, today: date) -> bool:
    """The monthly question is offered after four weeks of use, then every four weeks."""
    if first_entry is None or (today - first_entry) < timedelta(days=IMPRESSION_EVERY_DAYS):
        return False
    return last_answer is None or (today - last_answer).days >= IMPRESSION_EVERY_DAYS
