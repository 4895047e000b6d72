"""Data: bring history in from other apps (preview first, then all or nothing)."""

import hashlib
import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from backcare import exports, ui
from backcare.importers import DIARY_READERS, KINDS, ImportBatch, read_export
from backcare.store import (
    already_imported,
    apply_batch,
    backup_bytes,
    diary_tables,
    load_diary,
    restore_bytes,
    symptom_records_frame,
)

st.title("Your data")
st.caption(
    "Everything stays on this computer. Imports are previewed first and never add the same entry twice."
)
ui.show_flash()
store = ui.get_store()

st.subheader("Take your data with you")
st.caption("Exports are made on this computer and downloaded straight from it.")
left, right = st.columns(2)
left.download_button(
    "Spreadsheet files (CSV, zip)", data=lambda: exports.export_zip(diary_tables(store)),
    file_name=f"backcare-export-{date.today().isoformat()}.zip", mime="application/zip", icon="📊",
    key="export_csv", on_click="ignore", width="stretch",
    help="Check-ins, sessions, movements, questionnaires; opens in Excel, Numbers or LibreOffice.",
)  # fmt: skip
right.download_button(
    "Health-record file for a clinic (JSON)", data=lambda: exports.bundle_json(exports.build_bundle(diary_tables(store))).encode(),
    file_name=f"backcare-fhir-{date.today().isoformat()}.json", mime="application/fhir+json", icon="🏥",
    key="export_fhir", on_click="ignore", width="stretch",
    help="For a clinic's computer system; see the details below.",
)  # fmt: skip
with st.expander("Details for your clinician"):
    st.caption(
        "The health-record file is a FHIR R4 bundle: pain as LOINC 72514-3, exercise as 73985-4 and "
        "55411-3, PEG-3 as 91147-9."
    )

st.subheader("Backups")
st.caption(
    "backcare keeps one automatic backup per day you use it (the last 14) next to your diary, in a "
    "backups folder. Download one to keep elsewhere, or restore one if something went wrong."
)
b1, b2 = st.columns(2)
b1.download_button(
    "Download a backup now", data=lambda: backup_bytes(store), file_name=f"backcare-backup-{date.today().isoformat()}.db",
    mime="application/vnd.sqlite3", icon="🛟", key="backup_download", on_click="ignore", width="stretch",
)  # fmt: skip
with b2.popover("Restore a backup", icon="↩️", width="stretch"):
    st.caption("Your current diary is saved as a backup first. The file is checked before anything changes.")
    restore_upload = st.file_uploader("Backup file (.db)", type=["db", "sqlite", "sqlite3"], key="restore_db")
    sure = st.checkbox("Replace my diary with this backup", key="restore_db_sure")
    if restore_upload is not None and st.button("Restore", key="restore_db_go", disabled=not sure):

        def restore() -> object:
            return restore_bytes(store, restore_upload.getvalue(), name=restore_upload.name)

        saved = ui.attempt(restore)
        if saved is not None:
            ui.flash(
                f"Restored {restore_upload.name}. Your previous diary was kept as {Path(str(saved)).name}."
            )
            st.rerun()

st.subheader("Import history from another app")
kind = st.segmented_control(
    "From", list(KINDS), format_func=KINDS.get, default="apple-health", key="import_kind", required=True
)
help_text = {
    "apple-health": "On your iPhone: Health app > your picture > Export All Health Data. Choose export.zip "
    "(or the export.xml inside it). Workouts and lower-back-pain records are imported; nothing else.",
    "strong": "In Strong: Settings > Export Strong Data. Newer exports state their weight unit; older ones do "
    "not, so choose the unit you use in Strong below (the file's own unit is always used when it has one).",
    "hevy": "In Hevy: Settings > Export & Import Data > Export workouts.",
    "bearable": "In Bearable: Settings > Export data. Lower-back and other pain symptoms are kept on Bearable's "
    "own 0-4 scale; factors you mark as exercise become sessions.",
    "flaredown": "In Flaredown: Account > Download your data (sent by e-mail). Pain conditions and symptoms are "
    "kept on Flaredown's own 0-4 scale; tags and treatments you mark as exercise become sessions.",
    "daylio": "In Daylio: More > Export entries > CSV. Daylio's moods are not pain and are not imported; "
    "activities you mark as exercise become sessions.",
    "manage-my-pain": "In Manage My Pain: export your records as a spreadsheet (CSV). Each pain record is kept "
    "with its time on Manage My Pain's own 0-10 severity scale; nothing else is imported.",
}
NOT_EXERCISE = "not exercise"
MAX_ACTIVITIES = 100  # choices shown; rarer activities stay "not exercise"


def activity_key(name: str) -> str:
    """Widget key of the exercise-type choice for one activity name."""
    return f"import_map_{kind}_{hashlib.sha256(name.encode()).hexdigest()[:12]}"


def suggested(name: str) -> str:
    """An exercise type whose key or name is (or starts with) the activity's name, else "not exercise"."""
    folded = name.strip().casefold()
    for key, label in ui.type_names().items():
        if folded in (key, label.casefold()) or (len(folded) >= 4 and key.startswith(folded)):
            return key
    return NOT_EXERCISE


def chosen_mapping(names: list[str]) -> dict[str, str]:
    """The person's choices (or the suggestion) for each activity: activity -> type key or 'not exercise'."""
    return {name: st.session_state.get(activity_key(name), suggested(name)) for name in names}


def shown_activities(batch: ImportBatch) -> list[str]:
    """The activities offered a choice (the most frequent ones), sorted."""
    return sorted(name for name, _ in batch.activities.most_common(MAX_ACTIVITIES))


def mapping_choices(batch: ImportBatch) -> None:
    """A choice per activity found in the file: which exercise type it was, or not exercise."""
    found = batch.activities
    if not found:
        return
    st.markdown("**Which of these activities were exercise?**")
    st.caption(
        "This app records no minutes, so each session is stored with an estimated duration, marked as "
        "estimated. Activities left as “not exercise” are not imported."
    )
    names = ui.type_names()
    options = [NOT_EXERCISE, *names]
    for name, count in found.most_common(MAX_ACTIVITIES):
        st.selectbox(
            f"{ui.md(name[:80])} ({count} entr{'ies' if count != 1 else 'y'})", options,
            index=options.index(suggested(name)), key=activity_key(name),
            format_func=lambda key: "Not exercise" if key == NOT_EXERCISE else names[key],
        )  # fmt: skip
    if len(found) > MAX_ACTIVITIES:
        st.caption(f"{len(found) - MAX_ACTIVITIES} rarer activities are not shown and are not imported.")


st.caption(help_text[kind])
unit = None
if kind == "strong":
    unit = st.radio("Weights in Strong are in", ["kg", "lb"], horizontal=True, key="import_unit", index=None)
upload = st.file_uploader(
    "Export file", type=["zip", "xml"] if kind == "apple-health" else ["csv"], key=f"import_file_{kind}"
)

if upload is not None:
    diary = kind in DIARY_READERS
    known = st.session_state.get("_import_activities", (None, []))
    mapping = chosen_mapping(known[1] if known[0] == upload.file_id else []) if diary else None
    cache_key = ("import_preview", kind, upload.file_id, unit, tuple(sorted((mapping or {}).items())))
    if st.session_state.get("_import_key") != cache_key:
        bar = st.progress(0.0, text=f"Reading {upload.name}...")

        def reading(done: int, total: int) -> None:
            bar.progress(min(done / total, 1.0) if total else 1.0, text=f"Reading {upload.name}...")

        def read() -> ImportBatch:
            with tempfile.TemporaryDirectory(prefix="backcare-import-") as folder:
                target = Path(folder) / "upload"
                target.write_bytes(upload.getvalue())
                catalogue = ui.movement_catalogue()["name"].tolist()
                return read_export(
                    kind, target, display_name=upload.name, unit=unit, catalogue=catalogue, progress=reading,
                    mapping=mapping,
                )  # fmt: skip

        batch = ui.attempt(read)
        if diary and batch is not None and known != (upload.file_id, shown_activities(batch)):
            # A new file: read it again with the suggested choices for the activities just found.
            st.session_state["_import_activities"] = (upload.file_id, shown_activities(batch))
            mapping = chosen_mapping(shown_activities(batch))
            cache_key = (*cache_key[:4], tuple(sorted(mapping.items())))
            batch = ui.attempt(read)
        st.session_state["_import_batch"] = batch
        st.session_state["_import_key"] = cache_key
        bar.empty()
    batch = st.session_state.get("_import_batch")
    if batch is not None:
        with st.container(border=True):
            if diary:
                mapping_choices(batch)
            st.markdown("**Preview (nothing saved yet)**")
            st.write(ui.md(batch.describe(already_imported(store, batch))))
            preview = batch.preview(ui.type_names())
            if len(preview):
                st.dataframe(preview, hide_index=True, width="stretch")
            if batch.sessions or batch.symptoms:
                replace = st.checkbox(
                    "Replace the earlier import of this file (for example after choosing the wrong unit)",
                    key="import_replace",
                    help="Entries this file added before are deleted and written again from it, in one step.",
                )
                if st.button("Import", type="primary", key="import_confirm"):
                    bar = st.progress(0.0, text="Saving...")
                    summary = ui.attempt(
                        lambda: apply_batch(
                            store,
                            batch,
                            lambda d, t: bar.progress(min(d / t, 1.0) if t else 1.0, text="Saving..."),
                            replace=replace,
                        )
                    )
                    bar.empty()
                    if summary is not None:
                        st.session_state.pop("_import_key", None)
                        st.session_state.pop("_import_batch", None)
                        ui.flash(summary.describe())
                        st.rerun()
            else:
                st.info("There is nothing to import from this file.", icon="ℹ️")

with st.expander("Restore a backcare CSV export into an empty diary"):
    st.caption("For moving to a new computer: reads the zip made above. Your diary must be empty.")
    restore_file = st.file_uploader("backcare CSV zip", type=["zip"], key="restore_csv")
    if restore_file is not None and st.button("Restore from this file", key="restore_csv_go"):
        diary = ui.attempt(lambda: exports.read_csv_zip(restore_file.getvalue(), restore_file.name))
        if diary is not None and ui.attempt(lambda: load_diary(store, diary) or True):
            ui.flash(f"Restored {diary.describe()}.")
            st.rerun()

symptoms = symptom_records_frame(store)
if len(symptoms):
    with st.expander(f"Back-pain records from other apps ({len(symptoms)})"):
        st.caption(
            "Kept on the other app's own scale (for Apple Health: not present, mild, moderate, severe). "
            "They are never turned into 0-10 scores and do not enter your charts or insights."
        )
        st.dataframe(symptoms, hide_index=True, width="stretch")
