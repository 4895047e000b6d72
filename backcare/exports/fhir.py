"""FHIR R4 Bundle (type collection) built from plain dicts: pain, sessions and PEG as Observations.

Codes: pain LOINC 72514-3 (0-10 numeric rating, self-reported, category
survey); exercise activity 73985-4 with a valueCodeableConcept (LOINC answer codes where one
exists, plus backcare's own CodeSystem for every type, e.g. Pilates and yoga, which LOINC lacks);
exercise duration 55411-3 in UCUM minutes; PEG mean score 91147-9 with the three items as text
components (the item codes' mapping is not verified, so none are claimed); the monthly global
impression under backcare's own code (it is backcare's own question).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from functools import partial
from typing import Any

from backcare.records import DiaryTables

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
BACKCARE_TYPES = "urn:backcare:fhir:CodeSystem:exercise-type"
NAMESPACE = uuid.UUID("6f1c3f59-3b0e-4c55-9a51-2a9f1e0b7c42")  # stable ids across exports
PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
ACTIVITY_CODE = {"system": LOINC, "code": "73985-4", "display": "Exercise activity"}
DURATION_CODE = {"system": LOINC, "code": "55411-3", "display": "Exercise duration"}
PEG_CODE = {"system": LOINC, "code": "91147-9", "display": "Mean score [PEG]"}
# backcare's own question (not the licensed PGIC), so its own code system rather than a LOINC code.
IMPRESSION_CODE = {
    "system": "urn:backcare:fhir:CodeSystem:questionnaire",
    "code": "global-impression",
    "display": "Global impression of change",
}
# Other apps' symptom entries (Apple Health lower back pain) on their own scale: backcare's own code,
# never LOINC 72514-3, which is the 0-10 numeric rating.
SYMPTOM_SYSTEM = "urn:backcare:fhir:CodeSystem:imported-symptom"
LOINC_ACTIVITY_ANSWERS = {
    "walking": ("LA11834-1", "Walking"), "cycling": ("LA11837-4", "Bicycling"),
    "swimming": ("LA11838-2", "Swimming"), "strength": ("LA11839-0", "Weights"), "running": ("LA11836-6", "Running"),
}  # fmt: skip


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '|'.join(str(p) for p in parts))}"


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY, "code": code, "display": display}]}]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "symptom"


def _day(value: Any) -> str:
    return (value.date() if hasattr(value, "to_pydatetime") else value).isoformat()


def _instant(day: str, start_time: Any, utc_offset: Any = None) -> str:
    """FHIR dateTime: with a time it must carry a zone. The entry's own UTC offset (kept since it was
    recorded) names the true instant whatever this computer's zone; only entries saved before
    offsets were kept fall back to this computer's offset on that day."""
    if not isinstance(start_time, str) or not start_time:
        return day
    if isinstance(utc_offset, str) and utc_offset:
        return f"{day}T{start_time}:00{utc_offset}"
    moment = datetime.fromisoformat(f"{day}T{start_time}:00").astimezone()
    return moment.isoformat(timespec="seconds")


def _duration_note(r: dict[Any, Any]) -> list[dict[str, str]]:
    quality = r.get("duration_quality") or "recorded"
    if quality == "estimated":
        return [{"text": "Duration estimated by backcare: the source app recorded none."}]
    if quality == "unreliable":
        recorded = r.get("recorded_duration_min")
        said = (
            f" (its timer said {int(recorded)} min)"
            if isinstance(recorded, int | float) and recorded == recorded
            else ""
        )
        return [{"text": f"Duration unreliable: the source's timer ran over 10 hours{said}; value capped."}]
    return []


def _minutes(value: int) -> dict[str, Any]:
    return {"value": int(value), "unit": "min", "system": UCUM, "code": "min"}


def build_bundle(
    tables: DiaryTables,
    *,
    start: date | None = None,
    end: date | None = None,
    name: str = "",
    now: datetime | None = None,
) -> dict[str, Any]:
    """The diary (optionally one date range) as a FHIR R4 Bundle of type collection."""
    now = now or datetime.now().astimezone()
    patient_url = _urn("patient")
    subject = {"reference": patient_url}
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "self"}
    if name.strip():
        patient["name"] = [{"text": name.strip()}]
    entries: list[dict[str, Any]] = [{"fullUrl": patient_url, "resource": patient}]

    from backcare.analysis.trends import in_range

    within = partial(in_range, start=start, end=end)

    for r in within(tables.checkins).to_dict("records"):
        day = _day(r["date"])
        obs: dict[str, Any] = {
            "resourceType": "Observation", "status": "final", "category": _category("survey", "Survey"),
            "code": {"coding": [PAIN_CODE], "text": "Back pain, average over the day (0-10)"},
            "subject": subject, "performer": [subject], "valueInteger": int(r["pain"]),
            "effectiveDateTime": _instant(day, r.get("time"), r.get("utc_offset")),
        }  # fmt: skip
        if isinstance(r["notes"], str) and r["notes"]:
            obs["note"] = [{"text": r["notes"]}]
        entries.append({"fullUrl": _urn("pain", day), "resource": obs})

    for r in within(tables.sessions).to_dict("records"):
        day, key = _day(r["date"]), r["exercise_type"]
        when = _instant(day, r["start_time"], r.get("utc_offset"))
        note = _duration_note(r)
        type_name = tables.type_names.get(key, key)
        coding = [{"system": BACKCARE_TYPES, "code": key, "display": type_name}]
        if key in LOINC_ACTIVITY_ANSWERS:
            code, display = LOINC_ACTIVITY_ANSWERS[key]
            coding.insert(0, {"system": LOINC, "code": code, "display": display})
        activity_url = _urn("session", r["id"], day, key)
        entries.append({"fullUrl": activity_url, "resource": {
            "resourceType": "Observation", "status": "final", "category": _category("activity", "Activity"),
            "code": {"coding": [ACTIVITY_CODE]}, "subject": subject, "performer": [subject], "effectiveDateTime": when,
            "valueCodeableConcept": {"coding": coding, "text": type_name},
            "component": [{"code": {"coding": [DURATION_CODE]}, "valueQuantity": _minutes(r["duration_min"])}],
            **({"note": note} if note else {}),
        }})  # fmt: skip
        if note:  # an estimated or unreliable duration is not sent as a measured duration
            continue
        entries.append({"fullUrl": _urn("duration", r["id"], day, key), "resource": {
            "resourceType": "Observation", "status": "final", "category": _category("activity", "Activity"),
            "code": {"coding": [DURATION_CODE]}, "subject": subject, "performer": [subject], "effectiveDateTime": when,
            "valueQuantity": _minutes(r["duration_min"]), "derivedFrom": [{"reference": activity_url}],
        }})  # fmt: skip

    for r in within(tables.symptoms).to_dict("records"):
        day = _day(r["date"])
        entries.append({"fullUrl": _urn("symptom", r["source"], r["source_id"]), "resource": {
            "resourceType": "Observation", "status": "final", "category": _category("survey", "Survey"),
            "code": {"coding": [{"system": SYMPTOM_SYSTEM, "code": _slug(r["symptom"]), "display": r["symptom"]}],
                     "text": f"{r['symptom']} ({r['scale']})"},
            "subject": subject, "effectiveDateTime": _instant(day, r["time"], r["utc_offset"]),
            "valueCodeableConcept": {"text": r["value"]},
            "note": [{"text": f"Recorded in {r['source']} on its own scale ({r['scale']}); not a 0-10 pain score."}],
        }})  # fmt: skip

    for r in within(tables.peg).to_dict("records"):
        day = _day(r["date"])
        items = [("Pain on average in the past week", r["pain"]),
                 ("Interference with enjoyment of life", r["enjoyment"]),
                 ("Interference with general activity", r["activity"])]  # fmt: skip
        entries.append({"fullUrl": _urn("peg", day), "resource": {
            "resourceType": "Observation", "status": "final", "category": _category("survey", "Survey"),
            "code": {"coding": [PEG_CODE], "text": "PEG-3 mean score (0-10)"}, "subject": subject,
            "effectiveDateTime": day, "valueQuantity": {"value": float(r["score"]), "unit": "{score}", "system": UCUM, "code": "{score}"},
            "component": [{"code": {"text": text}, "valueInteger": int(v)} for text, v in items],
        }})  # fmt: skip

    for r in within(tables.impressions).to_dict("records"):
        day = _day(r["date"])
        entries.append({"fullUrl": _urn("impression", day), "resource": {
            "resourceType": "Observation", "status": "final", "category": _category("survey", "Survey"),
            "code": {"coding": [IMPRESSION_CODE], "text": "Overall change since starting the diary (-3 much worse to +3 much better)"},
            "subject": subject, "performer": [subject], "effectiveDateTime": day, "valueInteger": int(r["rating"]),
        }})  # fmt: skip

    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "collection",
        "timestamp": now.isoformat(timespec="seconds"),
        "entry": entries,
    }


def bundle_json(bundle: dict[str, Any]) -> str:
    """Pretty JSON text of a bundle (UTF-8, non-ASCII kept)."""
    return json.dumps(bundle, indent=2, ensure_ascii=False)
