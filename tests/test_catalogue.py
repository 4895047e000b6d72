"""Exercise types and the movement catalogue (backcare/store/catalogue.py, backcare/catalogue.py):
stable keys, no duplicates by key or name, movements found case-insensitively, added only when
asked, and unknown types refused with the list of known ones."""

from __future__ import annotations

import pytest

from backcare.catalogue import BUILTIN_MOVEMENTS, BUILTIN_TYPES
from backcare.errors import ValidationError
from backcare.store import add_exercise_type, movement_names, type_names
from backcare.store.catalogue import movement_id, movements, require_type


def test_the_built_in_types_are_in_the_diary_in_their_order(store):
    names = type_names(store)
    built_in = [t.key for t in sorted(BUILTIN_TYPES, key=lambda t: t.order)]
    assert [k for k in names if k in built_in] == built_in
    assert names["stretching"] == "Stretching & mobility"
    assert {"running", "rowing"} <= set(names)  # added by migration m004


def test_an_own_type_gets_a_stable_key_and_comes_after_the_built_in_ones(store):
    assert add_exercise_type(store, "  Tai chi ") == "tai_chi"
    assert add_exercise_type(store, "Aqua-jogging 2") == "aqua_jogging_2"
    assert add_exercise_type(store, "5x5 routine") == "t_5x5_routine"
    names = type_names(store)
    assert names["tai_chi"] == "Tai chi"
    assert list(names)[-3:] == ["t_5x5_routine", "aqua_jogging_2", "tai_chi"]  # own types by name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Give the new exercise type a name."),
        ("", "Give the new exercise type a name."),
        ("Yoga", "There is already an exercise type called 'Yoga'."),
        ("STRENGTH TRAINING", "There is already an exercise type called 'STRENGTH TRAINING'."),
        ("walking", "There is already an exercise type called 'walking'."),
        ("!!!", "'!!!' cannot be used as an exercise type name; use letters and numbers."),
    ],
)
def test_a_type_without_a_name_or_one_already_there_is_refused(store, name, message):
    before = type_names(store)
    revision = store.revision()
    with pytest.raises(ValidationError) as caught:
        add_exercise_type(store, name)
    assert str(caught.value) == message
    assert type_names(store) == before and store.revision() == revision


def test_a_type_name_longer_than_60_characters_is_refused(store):
    with pytest.raises(ValidationError, match="60"):
        add_exercise_type(store, "x" * 61)


def test_the_catalogue_holds_the_built_in_movements_per_type(store):
    yoga = movements(store, "yoga")
    assert set(yoga["exercise_type"]) == {"yoga"}
    assert set(yoga["name"]) == {name for name, _ in BUILTIN_MOVEMENTS["yoga"]}
    assert yoga["builtin"].eq(1).all()
    every = movements(store)
    assert len(every) == sum(len(v) for v in BUILTIN_MOVEMENTS.values())
    assert movement_names(store) == sorted(every["name"])


def test_a_movement_is_found_whatever_its_case_and_added_only_when_asked(store):
    with store.transaction() as conn:
        squat = movement_id(conn, "strength", "  sQuAt ", create=False)
        assert movements(store, "strength").set_index("name").loc["Squat", "id"] == squat
        with pytest.raises(ValidationError) as caught:
            movement_id(conn, "strength", "Jefferson curl", create=False)
        assert str(caught.value) == "'Jefferson curl' is not in the movement list for this exercise type."
        added = movement_id(conn, "strength", "Jefferson curl", "Slow roll down", create=True)
        assert movement_id(conn, "strength", "JEFFERSON CURL", create=False) == added
        # the same name under another type is another movement
        assert movement_id(conn, "yoga", "Jefferson curl", create=True) != added
    own = movements(store, "strength").set_index("name").loc["Jefferson curl"]
    assert own["description"] == "Slow roll down" and own["builtin"] == 0


def test_a_movement_needs_a_name(store):
    with store.transaction() as conn, pytest.raises(ValidationError, match=r"A movement needs a name\."):
        movement_id(conn, "yoga", "   ", create=True)


def test_an_unknown_type_is_refused_with_the_known_keys_in_order(store):
    with store.transaction() as conn:
        require_type(conn, "pilates")  # known: nothing raised
        with pytest.raises(ValidationError) as caught:
            require_type(conn, "tai_chi")
    message = str(caught.value)
    assert message.startswith(
        "Unknown exercise type 'tai_chi'. Known types: pilates, yoga, strength, walking,"
    )
    assert "running" in message and "tai_chi" not in message.split("Known types:")[1]
