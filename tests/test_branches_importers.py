"""Import paths the fixture exports never take: older Apple Health layouts, refused files, and
Manage My Pain dates and times that cannot be read. Each test checks what is imported or the exact
message the person gets, on inputs shaped like the real exports."""

from __future__ import annotations

import gc
import zipfile
from datetime import date
from pathlib import Path

import pytest

from backcare.errors import ImportFormatError
from backcare.importers import MAX_CSV_BYTES, read_export
from backcare.importers.apple_health import read_apple_health
from backcare.importers.apple_health_stream import MAX_ELEMENT

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2024-07-01 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"""
TAIL = "</HealthData>\n"
WATCH = 'sourceName="Anna’s Apple Watch" sourceVersion="10.5" creationDate="2024-06-20 08:41:02 +0100"'
PAIN = (
    '<Record type="HKCategoryTypeIdentifierLowerBackPain" sourceName="Health" sourceVersion="17.5" '
    'creationDate="2024-06-20 21:00:12 +0100" startDate="{start}" endDate="{start}" '
    'value="HKCategoryValueSeverityModerate"/>\n'
)


def export(tmp_path: Path, body: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body + TAIL, encoding="utf-8")
    return path


def test_pre_ios16_workout_totals_in_attributes_and_unpadded_days(tmp_path):
    """Older exports give distance and energy as Workout attributes (no WorkoutStatistics) and
    some write a day without its leading zero: both are read, in the zone recorded."""
    path = export(
        tmp_path,
        f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" totalDistance="2" totalDistanceUnit="mi" '
        f'totalEnergyBurned="502" totalEnergyBurnedUnit="kJ" {WATCH} '
        'startDate="2018-10-2 07:30:00 +0200" endDate="2018-10-2 08:15:00 +0200">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n </Workout>\n',
    )
    batch = read_apple_health(path)
    (session,) = batch.sessions
    assert (session.date, session.start_time, session.utc_offset) == (date(2018, 10, 2), "07:30", "+02:00")
    assert session.exercise_type == "walking" and session.duration_min == 45
    assert session.notes == "Apple Health: 120 kcal · 3.22 km · Anna’s Apple Watch"


def test_workout_under_a_minute_is_left_out_and_counted(tmp_path):
    path = export(
        tmp_path,
        f' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="20" durationUnit="s" {WATCH} '
        'startDate="2024-06-20 08:00:00 +0100" endDate="2024-06-20 08:00:20 +0100"/>\n'
        f' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="20" durationUnit="min" {WATCH} '
        'startDate="2024-06-21 08:00:00 +0100" endDate="2024-06-21 08:20:00 +0100"/>\n',
    )
    batch = read_apple_health(path)
    assert [(s.date, s.duration_min) for s in batch.sessions] == [(date(2024, 6, 21), 20)]
    assert batch.skipped == {"workouts shorter than a minute": 1}


def test_workout_without_a_start_names_its_line_and_imports_nothing(tmp_path):
    path = export(
        tmp_path,
        f' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="20" durationUnit="min" {WATCH} '
        'startDate="2024-06-21 08:00:00 +0100" endDate="2024-06-21 08:20:00 +0100"/>\n'
        f' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="20" durationUnit="min" {WATCH} '
        'endDate="2024-06-22 08:20:00 +0100"/>\n',
    )
    with pytest.raises(ImportFormatError) as refused:
        read_apple_health(path)
    assert (
        str(refused.value)
        == "export.xml, line 13: an entry cannot be read (startDate is missing). Nothing was imported."
    )


def test_back_pain_before_1900_is_refused_as_in_the_forms(tmp_path):
    path = export(
        tmp_path,
        PAIN.format(start="1899-12-31 08:00:00 +0000") + PAIN.format(start="2024-06-20 21:00:00 +0100"),
    )
    batch = read_apple_health(path)
    assert [(r.date, r.time, r.value) for r in batch.symptoms] == [(date(2024, 6, 20), "21:00", "moderate")]
    reason = "back-pain records dated in the future or before 1900 (refused, as in the forms)"
    assert batch.skipped == {reason: 1} and batch.examples[reason] == "1899-12-31"


def test_type_identifier_outside_a_record_is_not_read_as_back_pain(tmp_path):
    """The identifier in a comment before any Record is not an entry; the real record after it is."""
    path = export(
        tmp_path,
        ' <!-- exported "HKCategoryTypeIdentifierLowerBackPain" samples follow -->\n'
        + PAIN.format(start="2024-06-20 21:00:00 +0100"),
    )
    batch = read_apple_health(path)
    assert [(r.date, r.symptom, r.value) for r in batch.symptoms] == [
        (date(2024, 6, 20), "Lower back pain", "moderate")
    ]


def test_zip_with_routes_and_clinical_records_but_no_export_xml_is_refused(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("apple_health_export/", "")
        z.writestr(
            "apple_health_export/workout-routes/route_2024-06-20_8.41am.gpx", "<?xml version='1.0'?><gpx/>"
        )
        z.writestr("apple_health_export/export_cda.xml", "<?xml version='1.0'?><ClinicalDocument/>")
    with pytest.raises(ImportFormatError) as refused:
        read_export("apple-health", path, display_name="Health.zip")
    assert str(refused.value) == (
        "Health.zip: this zip does not contain an Apple Health export (no export.xml with HealthData inside)."
    )


def test_export_xml_found_after_the_route_files(tmp_path):
    xml = export(tmp_path, PAIN.format(start="2024-06-20 21:00:00 +0100"))
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "apple_health_export/workout-routes/route_2024-06-20_8.41am.gpx", "<?xml version='1.0'?><gpx/>"
        )
        z.write(xml, "apple_health_export/export.xml")
    assert [r.value for r in read_export("apple-health", path).symptoms] == ["moderate"]


def test_entry_that_never_ends_is_refused_without_reading_on(tmp_path):
    """A <Workout> whose closing tag never comes is refused once it passes 16 MB (memory stays bounded)."""
    entry = '  <MetadataEntry key="HKMetadataKeyHeartRateEventThreshold" value="120 count/min"/>\n'
    path = tmp_path / "export.xml"
    with path.open("w", encoding="utf-8") as f:
        f.write(HEAD + f' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" {WATCH} ')
        f.write('startDate="2024-06-21 08:00:00 +0100" endDate="2024-06-21 08:20:00 +0100">\n')
        f.write(entry * (MAX_ELEMENT // len(entry) + 2 * 1024 * 1024 // len(entry)))
        f.write(TAIL)
    with pytest.raises(ImportFormatError) as refused:
        read_apple_health(path)
    assert str(refused.value) == (
        "export.xml, line 12: an entry never ends (over 16 MB); this is not a readable Apple Health export. "
        "Nothing was imported."
    )


def test_reading_leaves_a_paused_garbage_collector_paused(tmp_path):
    """The reader pauses the collector while it reads and gives back the caller's setting, even off."""
    path = export(tmp_path, PAIN.format(start="2024-06-20 21:00:00 +0100"))
    gc.disable()
    try:
        assert len(read_apple_health(path).symptoms) == 1
        assert not gc.isenabled()
    finally:
        gc.enable()
    read_apple_health(path)
    assert gc.isenabled()


def test_unknown_kind_is_refused_before_the_file_is_looked_at(tmp_path):
    with pytest.raises(ImportFormatError) as refused:
        read_export("fitbit", tmp_path / "missing.csv")
    assert str(refused.value) == (
        "Unknown import kind 'fitbit'; use one of: apple-health, strong, hevy, bearable, flaredown, daylio, "
        "manage-my-pain."
    )


@pytest.mark.parametrize("kind", ["strong", "daylio", "apple-health"])
def test_missing_file_is_named_as_the_person_knows_it(tmp_path, kind):
    with pytest.raises(ImportFormatError) as refused:
        read_export(kind, tmp_path / "upload-3f9a.tmp", display_name="My export.csv")
    assert str(refused.value) == "My export.csv: no such file."


def test_workout_csv_over_2_gb_is_refused_before_reading(tmp_path):
    path = tmp_path / "strong.csv"
    with path.open("wb") as f:  # sparse: takes no space on disk
        f.write(b"Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n")
        f.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(ImportFormatError) as refused:
        read_export("strong", path, unit="kg")
    assert str(refused.value) == "strong.csv: the file is larger than 2 GB; this is not a workout CSV export."


MMP_HEADER = "Date,Time,Severity,Duration,Location,Characteristics,Aggravating Factors,Alleviating Factors,Description\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "06/07/2024,08:30,6,2 hours,Lower back,Aching,Sitting,Walking,\n",
            "mmp.csv, line 3: the date '06/07/2024' is not like 2024-06-24 or 'Jun 24, 2024' "
            "(day/month order must be clear).",
        ),
        (
            "Jun 25 2024 8:30,,6,,Lower back,,,,\n",
            "mmp.csv, line 3: the date 'Jun 25 2024 8:30' is not like 2024-06-24 or 'Jun 24, 2024' "
            "(day/month order must be clear).",
        ),
        (
            "2024-06-25,25:99,6,,Lower back,,,,\n",
            "mmp.csv, line 3: the time '25:99' is not like 08:30 or 8:30 AM.",
        ),
    ],
    ids=["ambiguous day/month", "month name without comma", "impossible time"],
)
def test_manage_my_pain_unreadable_date_or_time_names_the_line(tmp_path, row, message):
    path = tmp_path / "mmp.csv"
    path.write_text(MMP_HEADER + "2024-06-24,08:30,6,2 hours,Lower back,Aching,Sitting,Walking,\n" + row)
    with pytest.raises(ImportFormatError) as refused:
        read_export("manage-my-pain", path)
    assert str(refused.value) == message


def test_greater_than_sign_in_a_self_closing_entry_is_read(tmp_path):
    """Was: the entry was taken to end at the first '>' (inside sourceName), swallowed the next one,
    and the whole export was refused."""
    path = export(
        tmp_path,
        ' <Record type="HKCategoryTypeIdentifierLowerBackPain" sourceName="Pain -> Health" sourceVersion="3.1" '
        'startDate="2024-06-20 21:00:00 +0100" endDate="2024-06-20 21:00:00 +0100" '
        'value="HKCategoryValueSeverityMild"/>\n'
        ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" value="70" '
        'startDate="2024-06-20 21:00:00 +0100" endDate="2024-06-20 21:00:00 +0100">\n'
        '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n',
    )
    assert [(r.date, r.value) for r in read_apple_health(path).symptoms] == [(date(2024, 6, 20), "mild")]


def test_greater_than_sign_beside_an_apostrophe_in_a_self_closing_workout_is_read(tmp_path):
    """A '>' inside a double-quoted value that also holds an apostrophe: the next workout, which
    has children, is still its own entry."""
    path = export(
        tmp_path,
        ' <Workout workoutActivityType="HKWorkoutActivityTypeYoga" duration="30" durationUnit="min" '
        'sourceName="Sam\'s yoga -> Health" '
        'startDate="2024-06-20 08:00:00 +0100" endDate="2024-06-20 08:30:00 +0100"/>\n'
        f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="45" durationUnit="min" {WATCH} '
        'startDate="2024-06-21 18:00:00 +0100" endDate="2024-06-21 18:45:00 +0100">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n </Workout>\n',
    )
    sessions = read_apple_health(path).sessions
    assert [(s.date, s.exercise_type, s.duration_min) for s in sessions] == [
        (date(2024, 6, 20), "yoga", 30),
        (date(2024, 6, 21), "walking", 45),
    ]
