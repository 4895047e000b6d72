"""AppTest of the Report and Data pages: empty states, preview, downloads present, restore, imported records."""

from datetime import date

from streamlit.testing.v1 import AppTest

from backcare import demo
from backcare.importers import read_export
from backcare.models import checkin_from_input
from backcare.store import Store, apply_batch, save_checkin
from tests.conftest import APP, FIXTURES


def page(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(name).run()
    assert not at.exception, at.exception
    return at


def test_report_empty_state(db_path):
    at = page("views/report.py")
    assert any("Log your pain for a few days first" in i.value for i in at.info)


def test_report_preview_and_sections(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 120, 5)
    at = page("views/report.py")
    text = " ".join(m.value for m in at.markdown)
    assert "Summary preview" in text
    assert any("days logged" in str(m.value) for m in at.markdown)
    assert at.multiselect(key="report_sections").value == ["associations", "experiments", "notes", "daily"]
    at.selectbox(key="range_preset").set_value("Last 4 weeks").run()
    assert not at.exception
    assert "Summary preview" in " ".join(m.value for m in at.markdown)


def test_data_page_lists_exports_and_imported_back_pain_records(db_path):
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=date.today(), pain=3))
        apply_batch(store, read_export("apple-health", FIXTURES / "imports" / "apple_health_export.xml"))
    at = page("views/data.py")
    assert any("Back-pain records from other apps (2)" in e.label for e in at.expander)
    assert any("Restore a backcare CSV export" in e.label for e in at.expander)
    assert at.segmented_control(key="import_kind").value == "apple-health"
    at.segmented_control(key="import_kind").set_value("strong").run()
    assert any(r.key == "import_unit" for r in at.radio)
