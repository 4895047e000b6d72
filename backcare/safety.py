"""Red-flag checklist (NHS/NICE wording adapted; design notes section 3): which answers need care now.

Pure: answers in, a level and plain-words advice out. The store keeps the answers; pages and the
report show them. Emergency items are possible cauda equina symptoms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RedFlag:
    """One checklist item."""

    key: str
    question: str
    level: str  # "emergency" or "urgent"


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("bladder", "New difficulty passing urine, or leaking urine without meaning to", "emergency"),
    RedFlag("bowel", "New loss of control of your bowels", "emergency"),
    RedFlag(
        "saddle_numbness", "Numbness or tingling around your genitals, buttocks or back passage", "emergency"
    ),
    RedFlag(
        "leg_weakness", "Weakness in your legs that is getting worse, or new trouble walking", "emergency"
    ),
    RedFlag("both_legs", "Pain, numbness or weakness spreading into both legs", "emergency"),
    RedFlag("fever", "Fever, chills or feeling very unwell together with the back pain", "urgent"),
    RedFlag("weight_loss", "Weight loss you cannot explain", "urgent"),
    RedFlag("cancer_history", "A history of cancer", "urgent"),
    RedFlag(
        "night_pain",
        "Pain that is constant and worse at night, not eased by rest or changing position",
        "urgent",
    ),
    RedFlag("trauma", "The pain started after a fall, accident or injury", "urgent"),
    RedFlag(
        "steroids_osteoporosis",
        "Osteoporosis or long-term steroid use with new pain after a minor strain",
        "urgent",
    ),
    RedFlag("immune", "A weakened immune system, injecting drugs, or a recent serious infection", "urgent"),
)
BY_KEY = {flag.key: flag for flag in RED_FLAGS}

EMERGENCY_MESSAGE = (
    "Seek emergency care now: go to A&E or call 999 (UK), 911 (US) or 112 (EU). These symptoms can "
    "mean pressure on the nerves at the base of the spine (cauda equina syndrome), which needs treatment "
    "within hours. Do not wait to see if it passes, and do not exercise."
)
URGENT_MESSAGE = (
    "Contact your doctor promptly (today or tomorrow), or call 111 (UK) for advice. Back pain with "
    "this symptom should be checked by a clinician before you continue an exercise programme."
)
NUMBERS_NOT_FOR_DECISIONS = (
    "You recorded a red-flag symptom that has not been marked as checked by a clinician. The numbers "
    "on this page are not a basis for decisions about exercise until it has been checked."
)


def assess(answers: list[str]) -> str:
    """'emergency' if any cauda-equina item is ticked, 'urgent' for any other flag, else 'none'."""
    levels = {BY_KEY[key].level for key in answers if key in BY_KEY}
    if "emergency" in levels:
        return "emergency"
    return "urgent" if levels else "none"


def labels(answers: list[str]) -> list[str]:
    """The questions behind the stored answer keys (unknown keys shown as they are)."""
    return [BY_KEY[key].question if key in BY_KEY else key for key in answers]
