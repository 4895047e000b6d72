"""Red-flag checklist (NHS/NICE wording adapted): which answers need care now.

Pure: answers in, a level and plain-words advice out. The store keeps the answers; pages and the
report show them. Emergency items are possible cauda equina symptoms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RedFlag:
    """One checklist item: a new symptom of the past week, or lifelong history asked once."""

    key: str
    question: str
    level: str  # "emergency" or "urgent"
    kind: str = "new"  # "new" (asked every week) or "history" (asked once, at the start)
    reported: str = ""  # how a ticked history question reads afterwards ("A history of cancer")


# Worded like clinical red-flag screening (NICE CKS / NHS pathway): symptoms carry "new" or
# "getting worse", history items are asked once. Keys are stored with answers: never rename them.
RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        "bladder", "New difficulty passing urine, or new leaking of urine without meaning to", "emergency"
    ),
    RedFlag("bowel", "New loss of control of your bowels", "emergency"),
    RedFlag(
        "saddle_numbness",
        "New numbness or tingling around your genitals, buttocks or back passage",
        "emergency",
    ),
    RedFlag("leg_weakness", "New or worsening weakness in your legs, or new trouble walking", "emergency"),
    RedFlag("both_legs", "New pain, numbness or weakness spreading into both legs", "emergency"),
    RedFlag("fever", "Fever, chills or feeling very unwell together with the back pain", "urgent"),
    RedFlag("weight_loss", "Weight loss you cannot explain, in recent weeks", "urgent"),
    RedFlag(
        "night_pain",
        "New pain that is constant and worse at night, not eased by rest or changing position",
        "urgent",
    ),
    RedFlag("trauma", "The pain started after a recent fall, accident or injury", "urgent"),
    RedFlag("cancer_history", "Have you ever had cancer?", "urgent", "history", "A history of cancer"),
    RedFlag(
        "steroids_osteoporosis",
        "Do you have osteoporosis, or have you taken steroid tablets for a long time?",
        "urgent",
        "history",
        "Osteoporosis or long-term steroid use",
    ),
    RedFlag(
        "immune",
        "Do you have a weakened immune system (for example from treatment), or have you injected drugs?",
        "urgent",
        "history",
        "A weakened immune system or injecting drugs",
    ),
)
NEW_SYMPTOMS = tuple(flag for flag in RED_FLAGS if flag.kind == "new")
HISTORY = tuple(flag for flag in RED_FLAGS if flag.kind == "history")
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
    """What the stored answer keys mean (unknown keys, e.g. from an imported file, shown as they are:
    callers render them as plain text)."""
    return [(BY_KEY[key].reported or BY_KEY[key].question) if key in BY_KEY else key for key in answers]
