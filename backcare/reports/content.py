"""What goes into the doctor report: plain values assembled from the diary for one date range.

Pure: frames in, a ReportContent out (the page previews it, the PDF renders it, tests read it).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

import pandas as pd

from backcare import analysis, insights_text
from backcare.analysis import PainChange
from backcare.experiments.plan import arm_label, verdict_words
from backcare.experiments.verdict import ExperimentResult
from backcare.records import ExperimentPlan

SECTIONS = {
    "associations": "Associations (observational)",  # short enough for a phone's chip
    "experiments": "Completed experiments",
    "notes": "Medication and notes",
    "daily": "Day-by-day table",
}


DETAIL_DAYS = 366


@dataclass(frozen=True)
class ReportOptions:
    """The person's choices on the Report page."""

    start: date
    end: date
    name: str = ""
    sections: frozenset[str] = frozenset(SECTIONS)


@dataclass
class ReportInputs:
    """Everything read from the database that a report may use."""

    checkins: pd.DataFrame
    sessions: pd.DataFrame
    type_names: dict[str, str]
    peg: pd.DataFrame
    red_flags: list[dict[str, Any]]
    experiments: list[tuple[ExperimentPlan, ExperimentResult, str]] = field(default_factory=list)
    symptoms: pd.DataFrame | None = None  # other apps' symptom records (date, time, symptom, value, scale)
    diary_span: tuple[date, date] | None = (
        None  # the whole diary's first and last check-in (default: of checkins)
    )


@dataclass
class ReportContent:
    """Values shown in the report, already in plain words where that matters."""

    options: ReportOptions
    days_in_range: int
    days_logged: int
    change: PainChange | None
    mean_pain: float | None
    flare_days: int
    exposure: list[dict[str, Any]]
    before_after: list[dict[str, Any]]
    red_flags: list[dict[str, Any]]
    peg: list[dict[str, Any]]
    associations: list[dict[str, Any]]
    experiments: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    daily: list[dict[str, Any]]
    type_names: dict[str, str]
    detail_from: date | None = None  # notes and day grid start here when the range is longer
    symptoms: list[dict[str, Any]] = field(default_factory=list)
    estimated_sessions: int = 0
    glance: list[tuple[str, str]] = field(default_factory=list)
    diary_span: tuple[date, date] | None = None

    @property
    def differs_from_app(self) -> bool:
        """True when the app's Insights (whole diary) use more days than this report's range."""
        return self.diary_span is not None and (
            self.diary_span[0] < self.options.start or self.diary_span[1] > self.options.end
        )

    @property
    def code_legend(self) -> str:
        """'Yo = Yoga, Wa = Walking, ...' for the types in the day-by-day grid."""
        used = {
            code for row in self.daily for cell in row["exercise"] for code in re.findall(r"[A-Za-z]+", cell)
        }
        return ", ".join(
            f"{short_code(k, self.type_names)} = {n}"
            for k, n in self.type_names.items()
            if short_code(k, self.type_names) in used
        )

    @property
    def logged_percent(self) -> float:
        """Share of days in the range with a pain entry, in %."""
        return 100 * self.days_logged / self.days_in_range if self.days_in_range else 0.0

    def summary_lines(self) -> list[str]:
        """The headline facts as sentences (page preview and PDF)."""
        lines = [
            f"{self.days_logged} of {_days(self.days_in_range)} logged ({self.logged_percent:.0f}%)"
            + (f"; mean pain {self.mean_pain:.1f}/10" if self.mean_pain is not None else "")
            + f"; {self.flare_days} flare day{'s' if self.flare_days != 1 else ''}."
        ]
        if self.change is not None:
            lines.append(self.change.sentence())
        else:
            lines.append("Not enough days at the start and end of this period to compare them.")
        return lines


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _at_a_glance(checkins: pd.DataFrame, peg: pd.DataFrame) -> list[tuple[str, str]]:
    """Page-1 facts a clinician looks for first: worst pain, function (PEG-3), sleep, medication use."""

    def scale(column: str) -> str:
        values = checkins[column].dropna() if column in checkins else pd.Series(dtype=float)
        if values.empty:
            return "not recorded in this period"
        return (
            f"mean {values.mean():.1f}/10 (range {values.min():.0f}-{values.max():.0f}), "
            f"recorded on {_days(len(values))}"
        )

    if len(peg):
        first, last = peg.iloc[0], peg.iloc[-1]
        function = f"latest PEG-3 score {last['score']:.1f}/10 ({last['date']:%d %b %Y})"
        if len(peg) > 1:
            function += (
                f"; first in period {first['score']:.1f} ({first['date']:%d %b %Y}); 1 point is meaningful"
            )
    else:
        function = "no weekly PEG-3 answers in this period"
    medication = checkins["medication"].dropna().astype(str).str.strip() if len(checkins) else pd.Series()
    medication = medication[medication != ""]
    if medication.empty:
        meds = "none recorded"
    else:
        common = medication.value_counts().head(3)
        meds = f"recorded on {_days(len(medication))} of {_days(len(checkins))} logged: " + ", ".join(
            f"{name} ({_days(int(n))})" for name, n in common.items()
        )
    return [
        ("Worst pain", scale("worst_pain")),
        ("Function (PEG-3)", function),
        ("Sleep quality", scale("sleep_quality")),
        ("Medication", meds),
    ]


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


def _exposure(sessions: pd.DataFrame, options: ReportOptions, names: dict[str, str]) -> list[dict[str, Any]]:
    weeks = max(1.0, ((options.end - options.start).days + 1) / 7)
    if sessions.empty:
        return []
    grouped = (
        sessions.assign(counted=analysis.recorded_minutes(sessions))
        .groupby("exercise_type")
        .agg(n=("duration_min", "size"), minutes=("counted", "sum"))
    )
    return [
        {
            "type": names.get(str(key), str(key)),
            "sessions": int(row["n"]),
            "minutes": int(row["minutes"]),
            "per_week": f"{row['n'] / weeks:.1f}",
            "minutes_per_week": f"{row['minutes'] / weeks:.0f}",
        }
        for key, row in grouped.sort_values("minutes", ascending=False).iterrows()
    ]


SHORT_CODES = {
    "pilates": "Pi", "yoga": "Yo", "strength": "ST", "walking": "Wa", "stretching": "Mo",
    "swimming": "Sw", "cycling": "Cy", "other": "Ot",
}  # fmt: skip


def short_code(key: str, names: dict[str, str]) -> str:
    """Two-letter code for an exercise type in the day-by-day grid (custom types: first letters)."""
    return SHORT_CODES.get(key) or names.get(key, key)[:2].title()


def _day_grid(checkins: pd.DataFrame, sessions: pd.DataFrame, names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per week (Monday first): per day the pain ('6 F' on a flare day) and exercise codes
    with minutes ('Yo30 Wa20'). Short single-line cells keep a year's grid fast to typeset."""
    pain = {
        d.date(): f"{int(p)}{' F' if f else ''}"
        for d, p, f in zip(checkins["date"], checkins["pain"], checkins["flare"], strict=True)
    }
    done: dict[date, list[str]] = {}
    for d, t, m in zip(sessions["date"], sessions["exercise_type"], sessions["duration_min"], strict=True):
        done.setdefault(d.date(), []).append(f"{short_code(t, names)}{int(m)}")
    first, last = min(pain), max(pain)
    monday = first - timedelta(days=first.weekday())
    rows = []
    while monday <= last:
        week = [monday + timedelta(days=offset) for offset in range(7)]
        rows.append(
            {"week": f"{monday:%d %b %y}", "pain": [pain.get(d, "") for d in week],
             "exercise": [" ".join(done.get(d, [])) for d in week]}
        )  # fmt: skip
        monday += timedelta(days=7)
    return rows


def build_content(inputs: ReportInputs, options: ReportOptions) -> ReportContent:
    """Assemble the report's values for the chosen range and sections."""
    names = inputs.type_names
    checkins = analysis.in_range(inputs.checkins, options.start, options.end)
    sessions = analysis.in_range(inputs.sessions, options.start, options.end)
    days = (options.end - options.start).days + 1
    ba = analysis.before_after(sessions)
    before_after = [
        {"type": names.get(r["exercise_type"], r["exercise_type"]), "before": _fmt(r["before"]),
         "after": _fmt(r["after"]), "change": f"{r['change']:+.1f}", "n": int(r["n"])}
        for r in ba.to_dict("records")
    ]  # fmt: skip
    peg = analysis.in_range(inputs.peg, options.start, options.end) if len(inputs.peg) else inputs.peg
    peg_rows = [
        {"date": f"{r['date']:%d %b %Y}", "pain": r["pain"], "enjoyment": r["enjoyment"], "activity": r["activity"],
         "score": f"{r['score']:.1f}"}
        for r in peg.to_dict("records")
    ]  # fmt: skip
    associations: list[dict[str, Any]] = []
    if "associations" in options.sections and len(checkins) and len(sessions):
        details = analysis.effect_details(checkins, sessions)
        for r in details.to_dict("records"):
            name = names.get(r["exercise_type"], r["exercise_type"])
            associations.append(
                {"type": name, "verdict": insights_text.VERDICT_WORDS[r["verdict"]],
                 "estimate": _fmt(r["estimate"], 2), "range": "-" if r["verdict"] == "not enough data"
                 else f"{r['ci_low']:+.2f} to {r['ci_high']:+.2f}", "with": int(r["n_days_with"]),
                 "without": int(r["n_days_without"]), "sentence": insights_text.effect_sentence(cast(dict[str, Any], r), name)}
            )  # fmt: skip
    experiments = []
    if "experiments" in options.sections:
        for plan, result, status in inputs.experiments:
            experiments.append(
                {"question": f"{arm_label(plan, 'A', names)} vs {arm_label(plan, 'B', names)}",
                 "dates": f"{plan.start:%d %b %Y} to {plan.end:%d %b %Y}", "status": status,
                 "pairs": f"{result.completed_pairs} of {plan.pairs}", "verdict": verdict_words(plan, result.verdict, names),
                 "estimate": _fmt(result.estimate, 2),
                 "range": "-" if math.isnan(result.ci_low) else f"{result.ci_low:+.2f} to {result.ci_high:+.2f}",
                 "adherence": "-" if math.isnan(result.adherence) else f"{result.adherence:.0%}",
                 "periods": [{"number": int(p["number"]), "arm": p["arm"], "mean": _fmt(p["mean_pain"]),
                              "days": int(p["days_logged"])} for p in result.periods.to_dict("records")]}
            )  # fmt: skip
    # Notes and the day grid cover at most the last DETAIL_DAYS of the range: ten years of them
    # would be 35 pages that take WeasyPrint 10 s to typeset; the summary and charts cover it all.
    detail_from = options.end - timedelta(days=DETAIL_DAYS - 1) if days > DETAIL_DAYS else None
    recent = analysis.in_range(checkins, detail_from, None) if detail_from else checkins
    notes = []
    if "notes" in options.sections and len(recent):
        with_text = recent[recent["medication"].notna() | recent["notes"].notna()]
        notes = [
            {
                "date": f"{r['date']:%d %b %Y}",
                "medication": _text(r["medication"]),
                "notes": _text(r["notes"]),
            }
            for r in with_text.to_dict("records")
        ]
    recent_sessions = analysis.in_range(sessions, detail_from, None) if detail_from else sessions
    daily = _day_grid(recent, recent_sessions, names) if "daily" in options.sections and len(recent) else []
    flags = [
        f
        for f in inputs.red_flags
        if f["level"] != "none" and options.start.isoformat() <= f["date"] <= options.end.isoformat()
    ]
    return ReportContent(
        options=options,
        days_in_range=days,
        days_logged=int(checkins["date"].nunique()) if len(checkins) else 0,
        change=analysis.pain_change(inputs.checkins, options.start, options.end),
        mean_pain=float(checkins["pain"].mean()) if len(checkins) else None,
        flare_days=int(checkins["flare"].sum()) if len(checkins) else 0,
        exposure=_exposure(sessions, options, names),
        before_after=before_after,
        red_flags=flags,
        peg=peg_rows,
        associations=associations,
        experiments=experiments,
        notes=notes,
        daily=daily,
        type_names=names,
        detail_from=detail_from,
        symptoms=_symptoms(inputs.symptoms, options),
        estimated_sessions=int((sessions.get("duration_quality", pd.Series(dtype=str)) != "recorded").sum())
        if len(sessions) and "duration_quality" in sessions
        else 0,
        glance=_at_a_glance(checkins, peg),
        diary_span=inputs.diary_span
        or (
            (inputs.checkins["date"].min().date(), inputs.checkins["date"].max().date())
            if len(inputs.checkins)
            else None
        ),
    )


def _symptoms(frame: pd.DataFrame | None, options: ReportOptions) -> list[dict[str, Any]]:
    """Other apps' symptom records in the range, oldest first, on their own scale."""
    if frame is None or frame.empty:
        return []
    rows = analysis.in_range(frame, options.start, options.end).sort_values(
        ["date", "time"], na_position="first"
    )
    return [
        {"date": f"{pd.Timestamp(r['date']):%d %b %Y}", "time": _text(r["time"]), "symptom": r["symptom"],
         "value": r["value"], "scale": r["scale"]}
        for r in rows.to_dict("records")
    ]  # fmt: skip
