"""Built-in exercise types and the movement catalogue (shared by the session form and the guide)."""

from __future__ import annotations

from typing import NamedTuple


class ExerciseType(NamedTuple):
    """A built-in exercise type: stable key, display name and sort order."""

    key: str
    name: str
    order: int


BUILTIN_TYPES: tuple[ExerciseType, ...] = (
    ExerciseType("pilates", "Pilates", 10),
    ExerciseType("yoga", "Yoga", 20),
    ExerciseType("strength", "Strength training", 30),
    ExerciseType("walking", "Walking", 40),
    ExerciseType("stretching", "Stretching & mobility", 50),
    ExerciseType("swimming", "Swimming", 60),
    ExerciseType("cycling", "Cycling", 70),
    ExerciseType("other", "Other", 90),
)

# Movement catalogue seeded into the database (the person can add their own).
BUILTIN_MOVEMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "pilates": (
        ("The hundred", "Lying on your back, knees bent or legs raised, pumping the arms while breathing."),
        ("Bridge", "Lift the hips from the floor one vertebra at a time, then roll down."),
        ("Leg circles", "Lying on your back, draw small circles with one raised leg, pelvis still."),
        ("Dead bug", "On your back, lower opposite arm and leg while keeping the lower back steady."),
        ("Swimming", "Face down, lift and flutter opposite arm and leg."),
        ("Side-lying leg lift", "On your side, lift the top leg without rolling the pelvis."),
        ("Spine stretch forward", "Seated, reach forward while rounding the spine gently."),
    ),
    "yoga": (
        ("Downward-facing dog", "Hands and feet on the floor, hips lifted into an upside-down V."),
        ("Child's pose", "Kneeling, sit back towards the heels with the arms forward and the forehead down."),
        ("Cat-cow", "On hands and knees, alternate between rounding and gently arching the back."),
        ("Cobra", "Face down, press the hands to lift the chest a little."),
        ("Supine twist", "On your back, knees dropped to one side, shoulders on the floor."),
        ("Pigeon pose", "A hip opener with one shin forward and the other leg extended behind."),
        ("Bridge pose", "On your back, feet planted, lift the hips."),
    ),
    "strength": (
        ("Deadlift", "Lift a weight from the floor by hinging at the hips with a neutral spine."),
        ("Romanian deadlift", "Hinge from standing with soft knees, weight close to the legs."),
        ("Squat", "Bend hips and knees as if sitting down, then stand up."),
        ("Row", "Pull a weight or band towards the body, squeezing the shoulder blades."),
        ("Glute bridge", "On your back, drive through the heels to lift the hips."),
        ("Bird dog", "On hands and knees, extend opposite arm and leg while keeping the back level."),
        ("Plank", "Hold a straight line from head to heels on forearms and toes."),
        ("Side plank", "Hold a straight line on one forearm and the side of the feet or knees."),
        ("Farmer's carry", "Walk tall holding a weight in each hand."),
    ),
    "stretching": (
        ("Knee-to-chest", "On your back, hug one or both knees towards the chest."),
        ("Hamstring stretch", "Straighten one leg and lean forward from the hips."),
        ("Hip flexor stretch", "Half-kneeling, shift forward to stretch the front of the back hip."),
        ("Pelvic tilt", "On your back, gently flatten and release the lower back."),
    ),
}
