"""AppTest of the Data page with the diary importers: Daylio's activity mapping (read, choose,
re-read, preview, import), Manage My Pain records, and a hostile upload that changes nothing."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from backcare.store import Store
from tests.conftest import APP, FIXTURES

IMPORTS = FIXTURES / "imports"


def data_page(kind: str, file_name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.segmented_control(key="import_kind").set_value(kind).run()
    at.file_uploader(key=f"import_file_{kind}").set_value((file_name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def choice(at: AppTest, activity: str):
    return next(s for s in at.selectbox if s.label.split(" (")[0] == activity)


def preview_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if str(m.value).startswith("Found "))


def test_daylio_activities_are_mapped_in_the_preview_then_imported(db_path):
    at = data_page("daylio", "daylio_export.csv", (IMPORTS / "daylio_export.csv").read_bytes())
    labels = [s.label for s in at.selectbox]
    assert labels == [
        "walk (3 entries)", "🧘 stretching (2 entries)", "reading (1 entry)", "yoga (1 entry)",
        "friends (1 entry)", "gaming (1 entry)",
    ]  # fmt: skip
    # Suggested where the names match a type (walk -> walking by its start), otherwise not exercise.
    assert [s.value for s in at.selectbox] == [
        "walking",
        "not exercise",
        "not exercise",
        "yoga",
        "not exercise",
        "not exercise",
    ]
    assert "Found 4 exercise sessions" in preview_text(at)  # the file was re-read with the suggestions
    assert "not imported (🧘 stretching, reading, friends, gaming)" in preview_text(at)
    with Store(db_path) as store:
        assert store.value("SELECT count(*) FROM sessions") == 0  # a preview writes nothing

    choice(at, "🧘 stretching").set_value("stretching").run()
    assert "Found 6 exercise sessions" in preview_text(at)
    assert "not imported (reading, friends, gaming)" in preview_text(at)
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert any("Added 6 sessions." in s.value for s in at.success)
    with Store(db_path) as store:
        rows = store.rows(
            "SELECT exercise_type, count(*) AS n FROM sessions WHERE source = 'daylio' GROUP BY 1"
        )
    assert {r["exercise_type"]: r["n"] for r in rows} == {"walking": 3, "yoga": 1, "stretching": 2}


def test_manage_my_pain_records_are_previewed_and_imported_without_mapping(db_path):
    at = data_page("manage-my-pain", "mmp.csv", (IMPORTS / "manage_my_pain_export.csv").read_bytes())
    assert len(at.selectbox) == 0
    assert "3 back-pain records (kept on their own scale)" in preview_text(at)
    at.button(key="import_confirm").click().run()
    assert any("Back-pain records from other apps (3)" in e.label for e in at.expander)
    with Store(db_path) as store:
        assert store.value("SELECT group_concat(value, ' ') FROM symptom_records") == "6 4 7.5"


def test_a_binary_upload_shows_one_message_and_changes_nothing(db_path):
    at = data_page("daylio", "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert [e.value for e in at.error] == [
        "photo.csv: this is not a CSV text file (it contains binary data)."
    ]
    assert len(at.selectbox) == 0 and not any(b.key == "import_confirm" for b in at.button)
    with Store(db_path) as store:
        assert store.value("SELECT count(*) FROM sessions") == 0


def test_activity_names_are_shown_literally_never_as_links(db_path):
    content = (
        b"full_date,date,weekday,time,mood,activities,note_title,note\n"
        b'2024-06-24,June 24,Monday,08:10,good,"[click](http://evil.invalid) | **bold**","",""\n'
    )
    at = data_page("daylio", "daylio_export.csv", content)
    labels = sorted(s.label for s in at.selectbox)
    assert labels == ["\\*\\*bold\\*\\* (1 entry)", "\\[click\\](http\\://evil.invalid) (1 entry)"]
