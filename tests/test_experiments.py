"""Experiments: schedule properties, plan lock, stop rules, analysis on planted data, .ics validity, CLI."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from backcare.errors import StoreError, ValidationError
from backcare.experiments import runs
from backcare.experiments.plan import (
    ExperimentPlan,
    arm_orders,
    day_status,
    plan_hash,
    schedule,
    schedule_ics,
    sustained_flare,
    validate_plan,
)
from backcare.experiments.verdict import experiment_result, judge
from backcare.models import checkin_from_input
from backcare.store import (
    running_experiment,
    save_checkin,
    save_red_flag_check,
    set_experiment_status,
    start_experiment,
)
from tests.conftest import ROOT

START = date(2026, 1, 5)
NAMES = {"yoga": "Yoga", "walking": "Walking"}


def plan(**kw) -> ExperimentPlan:
    return ExperimentPlan("yoga", kw.pop("start", START), seed=kw.pop("seed", 11), **kw)


def test_schedule_is_balanced_contiguous_and_randomized_within_pairs():
    p = plan(pairs=5, period_days=10, washout_days=2)
    periods = schedule(p)
    assert len(periods) == 10 and periods[0].start == START and periods[-1].end == p.end
    for a, b in itertools.pairwise(periods):
        assert b.start == a.end + timedelta(days=1)
    for pair in range(1, 6):
        assert sorted(q.arm for q in periods if q.pair == pair) == ["A", "B"]
    assert all((q.end - q.start).days + 1 == 10 and (q.washout_end - q.start).days + 1 == 2 for q in periods)


def test_order_is_deterministic_per_seed_and_fair_over_seeds():
    assert arm_orders(plan(seed=3)) == arm_orders(plan(seed=3))
    firsts = [arm_orders(plan(seed=s))[0][0] for s in range(1, 401)]
    share = firsts.count("A") / len(firsts)
    assert 0.4 < share < 0.6  # a fixed order (always A first) would give 1.0
    assert len({tuple(arm_orders(plan(seed=s))) for s in range(1, 60)}) > 8


def test_plan_hash_changes_with_every_field_and_round_trips():
    base = plan()
    assert ExperimentPlan.from_json(base.to_json()) == base
    variants = [replace(base, **{k: v}) for k, v in [
        ("exercise_type", "walking"), ("comparison", "walking"), ("min_days_per_week", 4), ("period_days", 15),
        ("pairs", 5), ("washout_days", 2), ("seed", 12), ("start", START + timedelta(days=1)),
    ]]  # fmt: skip
    hashes = {plan_hash(v) for v in variants} | {plan_hash(base)}
    assert len(hashes) == len(variants) + 1 and plan_hash(base) == plan_hash(plan())


def test_validation_lists_every_problem():
    with pytest.raises(ValidationError) as err:
        validate_plan(plan(period_days=5, pairs=2, comparison="yoga"), {"yoga"})
    text = str(err.value)
    assert "7 to 56 days" in text and "3 to 12 pairs" in text and "not with itself" in text


def test_day_status_knows_period_and_washout():
    p = plan()
    first = schedule(p)[0]
    assert day_status(p, START - timedelta(days=1)).day_number == 0
    s = day_status(p, START)
    assert s.day_number == 1 and s.period == first and s.in_washout
    assert not day_status(p, START + timedelta(days=3)).in_washout
    assert day_status(p, p.end + timedelta(days=1)).period is None


def _diary(p: ExperimentPlan, effect: float, rng: np.random.Generator, noise: float = 0.3):
    rows, sessions = [], []
    for q in schedule(p):
        for d in pd.date_range(q.start, q.end):
            rows.append(
                {
                    "date": d,
                    "pain": int(
                        np.clip(round(5 + (effect if q.arm == "A" else 0) + rng.normal(0, noise)), 0, 10)
                    ),
                    "flare": False,
                }
            )
            if q.arm == "A" and d.day_of_week in (0, 2, 4):
                sessions.append({"date": d, "exercise_type": "yoga", "duration_min": 30})
    return pd.DataFrame(rows), pd.DataFrame(sessions)


def test_result_finds_a_planted_effect_and_reports_adherence():
    p = plan()
    checkins, sessions = _diary(p, -2.0, np.random.default_rng(1))
    r = experiment_result(p, checkins, sessions, today=p.end + timedelta(days=1))
    assert r.completed_pairs == 4 and r.verdict == "X clearly better"
    assert -2.3 < r.estimate < -1.7 and r.ci_high < 0
    a_periods = r.periods[r.periods["arm"] == "A"]
    assert (a_periods["adherence"] == 1.0).all()  # 6 sessions in 14 days >= 3 a week
    assert (r.periods.loc[r.periods["arm"] == "B", "adherence"] == 1.0).all()
    assert (r.periods["days_logged"] == 11).all()  # 14 days minus 3 washout


def test_no_effect_gives_no_meaningful_difference_and_partial_gives_not_enough():
    p = plan()
    checkins, sessions = _diary(p, 0.0, np.random.default_rng(2), noise=0.2)
    done = experiment_result(p, checkins, sessions, today=p.end + timedelta(days=1))
    assert done.verdict == "no meaningful difference"
    midway = experiment_result(p, checkins, sessions, today=START + timedelta(days=50))
    assert midway.completed_pairs == 1 and midway.verdict == "not enough completed pairs"


def test_washout_days_are_not_compared():
    p = plan()
    checkins, sessions = _diary(p, 0.0, np.random.default_rng(3), noise=0.0)
    washout = {d for q in schedule(p) for d in pd.date_range(q.start, q.washout_end)}
    checkins.loc[checkins["date"].isin(washout), "pain"] = 10  # huge values only on washout days
    r = experiment_result(p, checkins, sessions, today=p.end + timedelta(days=1))
    assert (r.periods["mean_pain"] == 5.0).all()


def test_judge_needs_adherence_and_no_carry_over_for_reassurance():
    assert judge(-0.1, -0.6, 0.5, 4, adherence=0.6) == "plan not followed enough"
    assert judge(-2.0, -3.0, -1.0, 4, adherence=0.79) == "plan not followed enough"
    assert judge(-0.1, -0.6, 0.5, 4, adherence=0.8, equivalent=True) == "no meaningful difference"
    assert judge(-0.1, -0.6, 0.5, 4, carry_over_found=True, equivalent=True) == "inconclusive"


def test_poor_adherence_is_said_with_its_threshold():
    p = plan()
    checkins, sessions = _diary(p, -2.0, np.random.default_rng(1))
    sessions = sessions.iloc[::3]  # one session in three: about 1 a week instead of 3
    r = experiment_result(p, checkins, sessions, today=p.end + timedelta(days=1))
    assert r.verdict == "plan not followed enough" and r.adherence < 0.8
    lines = runs.result_checks(p, r)
    assert any("needs at least 80%" in line and "not enough for a verdict" in line for line in lines)
    sentence = runs.result_sentence(p, r, NAMES)
    assert sentence.startswith("No verdict: the plan was followed less than 80%")


def test_carry_over_longer_than_the_washout_is_found_and_said():
    p = plan(washout_days=1)
    rng = np.random.default_rng(4)
    rows, level = [], 0.0
    sessions = []
    for q in schedule(p):
        for d in pd.date_range(q.start, q.end):
            level += 0.15 * ((-2.0 if q.arm == "A" else 0.0) - level)  # builds up and wears off over ~2 weeks
            rows.append(
                {
                    "date": d,
                    "pain": int(np.clip(round(5 + level + rng.normal(0, 0.3)), 0, 10)),
                    "flare": False,
                }
            )
            if q.arm == "A" and d.day_of_week in (0, 2, 4):
                sessions.append({"date": d, "exercise_type": "yoga", "duration_min": 30})
    r = experiment_result(p, pd.DataFrame(rows), pd.DataFrame(sessions), today=p.end + timedelta(days=1))
    assert r.carry_over_found and r.carry_over < 0
    assert any(
        line.startswith("Carry-over: the first 3") and "longer" in line for line in runs.result_checks(p, r)
    )
    clean = experiment_result(p, *_diary(p, -2.0, np.random.default_rng(5)), today=p.end + timedelta(days=1))
    assert not clean.carry_over_found


def test_planning_advice_uses_the_persons_own_variability():
    p = plan(start=START + timedelta(days=60))
    rng = np.random.default_rng(6)
    days = pd.date_range(START, p.start - timedelta(days=1))
    calm = pd.DataFrame({"date": days, "pain": np.clip(np.rint(5 + rng.normal(0, 0.6, len(days))), 0, 10)})
    wild = pd.DataFrame({"date": days, "pain": np.clip(np.rint(5 + rng.normal(0, 2.5, len(days))), 0, 10)})
    from backcare.experiments.verdict import pairs_needed

    few, many = pairs_needed(calm, p), pairs_needed(wild, p)
    assert few.pairs == 3 and (many.pairs is None or many.pairs > few.pairs)
    assert few.power >= 0.8
    text = runs.planning_advice(p, wild)
    assert "1.5-point difference" in text and f"{many.sd:.1f} points" in text
    assert "two weeks" in runs.planning_advice(p, calm.iloc[:5])


def test_judge_rules_against_meaningful_difference():
    assert judge(-1.2, -2.0, -0.1, 4) == "X clearly better"
    assert judge(-0.8, -1.5, -0.1, 4) == "inconclusive"  # below 0 but under 1 point
    assert judge(1.5, 0.5, 2.5, 4) == "X clearly worse"
    assert judge(0.1, -0.6, 0.8, 4, equivalent=True) == "no meaningful difference"
    assert judge(0.1, -0.6, 0.8, 4, equivalent=False) == "inconclusive"  # the equivalence test failed
    assert judge(-1.5, -2.0, -1.0, 2) == "not enough completed pairs"


def test_plan_lock_one_running_and_tamper_detection(store):
    p = plan()
    number = start_experiment(store, p)
    with pytest.raises(StoreError, match="already running"):
        start_experiment(store, plan(seed=99))
    assert running_experiment(store)["plan"] == p
    store.conn.execute("UPDATE experiments SET plan_json = replace(plan_json, '\"pairs\":4', '\"pairs\":3')")
    with pytest.raises(StoreError, match="no longer matches"):
        running_experiment(store)
    store.conn.execute("UPDATE experiments SET plan_json = ?", [p.to_json()])
    set_experiment_status(store, number, "stopped", "test")
    assert running_experiment(store) is None
    start_experiment(store, plan(seed=99))  # a new one may start once the old one stopped


def test_sustained_flare_pauses_and_resume_needs_new_flare(store):
    today = date.today()
    p = plan(start=today - timedelta(days=10))
    for i in range(14, 0, -1):  # baseline 3
        save_checkin(store, checkin_from_input(date=p.start - timedelta(days=i), pain=3))
    for i, pain in enumerate([3, 5, 5, 4, 5, 5, 5, 3]):  # two high days, then three in a row
        save_checkin(store, checkin_from_input(date=p.start + timedelta(days=i), pain=pain))
    assert sustained_flare(
        p, pd.DataFrame(store.rows("SELECT date, pain FROM checkins"))
    ) == p.start + timedelta(days=6)
    number = start_experiment(store, p)
    seen = runs.load_running(store, today)  # what a page renders: reads only
    assert seen.status == "active" and "3 days" in seen.pending_stop
    assert running_experiment(store)["status"] == "active"
    running = runs.pause_for_stop_rule(store, seen)  # the person's click
    assert running.status == "paused" and "3 days" in running.status_reason
    assert running_experiment(store)["status"] == "paused"
    set_experiment_status(store, number, "active", None)
    resumed = runs.check_stop_rules(store, today)
    assert resumed.status == "active" and resumed.pending_stop is None  # old flare does not re-fire


def test_red_flag_pauses_running_experiment(store):
    p = plan(start=date.today() - timedelta(days=2))
    start_experiment(store, p)
    save_red_flag_check(store, date.today(), ["fever"], "urgent")
    running = runs.check_stop_rules(store)
    assert running.status == "paused" and "red-flag" in running.status_reason


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    raw = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def test_ics_parses_with_one_all_day_event_per_period():
    p = plan(pairs=3)
    lines = _unfold(schedule_ics(p, NAMES))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 6
    starts = [line.split(":")[1] for line in lines if line.startswith("DTSTART;VALUE=DATE:")]
    assert starts == [q.start.strftime("%Y%m%d") for q in schedule(p)]
    ends = [line.split(":")[1] for line in lines if line.startswith("DTEND;VALUE=DATE:")]
    assert ends[-1] == (p.end + timedelta(days=1)).strftime("%Y%m%d")  # DTEND is exclusive
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 6
    assert any("Yoga period" in line for line in lines) and any("no Yoga period" in line for line in lines)


def run_cli(db, *args):
    return subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(db), *args], capture_output=True, text=True, cwd=ROOT
    )


def test_cli_plan_start_status_result(tmp_path):
    db = tmp_path / "x.db"
    ics = tmp_path / "plan.ics"
    out = run_cli(
        db,
        "experiment",
        "plan",
        "yoga",
        "--start",
        str(date.today()),
        "--seed",
        "4",
        "--ics",
        str(ics),
        "--start-now",
    )
    assert out.returncode == 0, out.stderr
    assert "started; the plan is locked" in out.stdout and ics.read_text().startswith("BEGIN:VCALENDAR")
    status = run_cli(db, "experiment", "status")
    assert "Experiment day 1 of 112" in status.stdout
    result = run_cli(db, "experiment", "result", "--json")
    assert json.loads(result.stdout)["verdict"] == "not enough completed pairs"
    again = run_cli(db, "experiment", "plan", "yoga", "--start-now")
    assert again.returncode == 2 and "already running" in again.stderr and "Traceback" not in again.stderr
    bad = run_cli(db, "experiment", "plan", "yoga", "--pairs", "2")
    assert bad.returncode == 2 and "3 to 12 pairs" in bad.stderr


def test_an_effect_that_builds_up_slowly_is_not_called_no_difference():
    p = plan()
    rng = np.random.default_rng(7)
    rows, sessions, level = [], [], 0.0
    for q in schedule(p):
        for d in pd.date_range(q.start, q.end):
            level += 0.1 * ((-2.0 if q.arm == "A" else 0.0) - level)  # far from full size after 3 days
            pain = int(np.clip(round(5 + level + rng.normal(0, 0.6)), 0, 10))
            rows.append({"date": d, "pain": pain, "flare": False})
            if q.arm == "A" and d.day_of_week in (0, 2, 4):
                sessions.append({"date": d, "exercise_type": "yoga", "duration_min": 30})
    r = experiment_result(p, pd.DataFrame(rows), pd.DataFrame(sessions), today=p.end + timedelta(days=1))
    assert r.ci_low > -1 and r.ci_high < 1  # the 80% range alone would have said "no meaningful difference"
    assert r.later_half <= -1 < r.estimate and not r.equivalent  # the later days show the bigger effect
    assert r.verdict == "inconclusive"
    assert any(line.startswith("Later days: ") and "-1.1 points" in line for line in runs.result_checks(p, r))
