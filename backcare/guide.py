"""The exercise guide's words: three approaches people with back pain are told to try.

backcare's own summary of the published evidence. It deliberately
does not rank the approaches: guidelines support exercise in general and favour no single type.
"""

from __future__ import annotations

from dataclasses import dataclass

GENERAL_EVIDENCE = (
    "Guidelines (NICE NG59, the American College of Physicians) recommend exercise for low back pain, "
    "and a large Cochrane review of 249 trials found exercise reduces pain modestly compared with no "
    "exercise. They do not favour one type: the best one is the one that suits you and that you keep "
    "doing. That is why backcare helps you see what goes with better days in your own diary."
)
START_SLOWLY = (
    "Talk to a qualified professional (your doctor or a physiotherapist) before starting a new "
    "programme, especially after an injury or with pain that spreads down a leg. Start with short, "
    "easy sessions, increase gradually, and expect some discomfort but not sharp or worsening pain. "
    "Not medical advice."
)


@dataclass(frozen=True)
class Approach:
    """One approach on the guide page."""

    type_key: str
    title: str
    targets: str
    how_to_start: str
    evidence: str
    examples: tuple[str, ...]


APPROACHES: tuple[Approach, ...] = (
    Approach(
        "pilates",
        "Pilates: core strength and control",
        "Slow, controlled movements that train the deep muscles around the trunk and pelvis, with "
        "attention to breathing and posture.",
        "A beginners' or back-care class with a qualified instructor is a good start, two or three "
        "times a week for 20-45 minutes. Keep movements small and smooth; stop a movement that causes "
        "sharp pain.",
        "A Cochrane review (10 small trials) found low-quality evidence that Pilates reduces pain in the "
        "short term compared with minimal treatment, and no clear difference from other exercise.",
        ("The hundred", "Bridge", "Dead bug", "Swimming"),
    ),
    Approach(
        "yoga",
        "Yoga: flexibility and relaxation",
        "Postures that gently stretch and strengthen the back, hips and legs, combined with breathing "
        "and relaxation.",
        "Choose gentle or back-care yoga, 15-30 minutes, a few times a week. Move into stretches slowly "
        "and only as far as is comfortable; skip deep twists and backbends at first.",
        "A Cochrane review (21 trials) found yoga probably helps function about as much as other "
        "exercise; its effect on pain is small, and some people have temporary increases in pain.",
        ("Downward-facing dog", "Child's pose", "Cat-cow"),
    ),
    Approach(
        "strength",
        "Strength training: muscle tone and capacity",
        "Lifting weights, bands or your own body weight to strengthen the back, hips and legs, so "
        "everyday loads feel easier.",
        "Learn the movements with light weights first, ideally with a physiotherapist or coach; keep the "
        "spine in a comfortable, neutral position; add weight in small steps over weeks.",
        "Comparisons of many trials suggest resistance and motor-control exercise are among the better "
        "options for function, but the certainty is low for any single type.",
        ("Deadlift", "Squat", "Row"),
    ),
)
