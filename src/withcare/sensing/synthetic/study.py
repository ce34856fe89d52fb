"""Generate a whole synthetic Beiwe study: raw files in Beiwe's layout, plus the true daily values.

Deterministic: the same :class:`StudyPlan` always writes byte-identical files. Realism that matters
for the features: 1 Hz GPS in 60 s on / 600 s off bursts, 10 Hz accelerometer in 60 s on / 60 s off
windows, GPS noise with per-burst drift, inaccurate and wild fixes, whole missing days and multi-hour
gaps, iOS (g, irregular timing, no call or text logs) and Android (m/s^2, call and text logs).
With ``mess=True`` a few files also get duplicate rows, a malformed line, shuffled rows and an
unparseable value; the exact numbers injected are written to ``mess.json`` so tests can check that
every bad row is reported.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from withcare.sensing.geo import haversine_m
from withcare.sensing.localtime import day_bounds_ms
from withcare.sensing.synthetic.sampling import (
    accelerometer,
    cycle_times,
    gps_fixes,
    walking_cadence,
)
from withcare.sensing.synthetic.world import Life, add_walking_in_places, make_life, plan_day


@dataclass(frozen=True)
class StudyPlan:
    participants: int = 2
    days: int = 7
    seed: int = 7
    start: date = date(2024, 3, 27)  # crosses the 31 March 2024 UK clock change
    tz: str = "Europe/London"
    gps_on_s: float = 60.0
    gps_off_s: float = 600.0
    accelerometer: bool = True
    accel_on_s: float = 60.0
    accel_off_s: float = 60.0
    accel_hz: float = 10.0
    missing_day_rate: float = 0.08
    gap_rate: float = 0.35
    bad_fix_rate: float = 0.002
    mess: bool = True
    #: "sedentary": walking only on trips on foot (about 1,500 steps a day); "typical": also walking
    #: about inside places, for roughly 5,000-8,000 steps a day (see world.IN_PLACE_WALKING)
    activity: str = "sedentary"


@dataclass
class _Participant:
    pid: str
    platform: str
    life: Life
    missing_days: set[date]
    gaps: list[tuple[float, float]]


def generate_study(raw_dir: Path, plan: StudyPlan, truth_path: Path | None = None) -> pl.DataFrame:
    """Write the raw export under ``raw_dir`` and return (and optionally write) the truth table."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    truths: list[pl.DataFrame] = []
    mess: dict[str, dict[str, int]] = {}
    for index in range(plan.participants):
        rng = np.random.default_rng([plan.seed, index])
        person = _simulate(index, plan, rng)
        folder = raw_dir / person.pid
        gps = _record_gps(person, plan, rng)
        acc = _record_accelerometer(person, plan, rng) if plan.accelerometer else None
        social = _record_social(person, plan, rng) if person.platform == "android" else None
        _write_streams(folder, person, gps, acc, social, plan, rng)
        if plan.mess:
            mess[person.pid] = _make_mess(folder / "gps", rng)
        truths.append(_truth(person, plan, gps, acc, social))
    truth = pl.concat(truths, how="diagonal")
    if plan.mess:
        (raw_dir.parent / f"{raw_dir.name}.mess.json").write_text(
            json.dumps(mess, indent=1, sort_keys=True)
        )
    if truth_path is not None:
        truth_path.parent.mkdir(parents=True, exist_ok=True)
        truth.write_csv(truth_path)
        plan_record = {k: str(v) for k, v in asdict(plan).items()}
        truth_path.with_suffix(".plan.json").write_text(json.dumps(plan_record, indent=1))
    return truth


def study_days(plan: StudyPlan) -> list[date]:
    return [plan.start + timedelta(days=i) for i in range(plan.days)]


def _simulate(index: int, plan: StudyPlan, rng: np.random.Generator) -> _Participant:
    life = make_life(rng)
    for day in study_days(plan):
        plan_day(life, day, plan.tz, rng)
    if plan.activity == "typical":
        add_walking_in_places(life, plan.tz, np.random.default_rng([plan.seed, index, 1]))
    elif plan.activity != "sedentary":
        raise ValueError(f"activity must be 'sedentary' or 'typical', not {plan.activity!r}")
    missing = {d for d in study_days(plan)[1:] if rng.random() < plan.missing_day_rate}
    gaps = []
    for day in study_days(plan):
        if rng.random() < plan.gap_rate:
            lo, _ = day_bounds_ms(day, plan.tz)
            start = lo / 1000 + rng.uniform(0, 18 * 3600)
            gaps.append((start, start + rng.uniform(2, 6) * 3600))
    return _Participant(
        f"p{index:03d}{'abcdefgh'[index % 8]}",
        "ios" if index % 2 else "android",
        life,
        missing,
        gaps,
    )


def _recorded(person: _Participant, t: np.ndarray, plan: StudyPlan) -> np.ndarray:
    keep = np.ones(t.size, dtype=bool)
    for day in person.missing_days:
        lo, hi = day_bounds_ms(day, plan.tz)
        keep &= ~((t >= lo / 1000) & (t < hi / 1000))
    for lo_s, hi_s in person.gaps:
        keep &= ~((t >= lo_s) & (t < hi_s))
    return t[keep]


def _span(plan: StudyPlan) -> tuple[float, float]:
    lo, _ = day_bounds_ms(plan.start, plan.tz)
    _, hi = day_bounds_ms(study_days(plan)[-1], plan.tz)
    return lo / 1000, hi / 1000


def _record_gps(
    person: _Participant, plan: StudyPlan, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    lo, hi = _span(plan)
    period = plan.gps_on_s + plan.gps_off_s
    t = cycle_times(
        lo,
        hi,
        plan.gps_on_s,
        plan.gps_off_s,
        1.0,
        rng.uniform(0, period),
        rng,
        person.platform == "ios",
    )
    return gps_fixes(person.life, _recorded(person, t, plan), rng, plan.bad_fix_rate)


def _record_accelerometer(
    person: _Participant, plan: StudyPlan, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    lo, hi = _span(plan)
    period = plan.accel_on_s + plan.accel_off_s
    t = cycle_times(
        lo,
        hi,
        plan.accel_on_s,
        plan.accel_off_s,
        plan.accel_hz,
        rng.uniform(0, period),
        rng,
        person.platform == "ios",
    )
    t = _recorded(person, t, plan)
    data = accelerometer(t, walking_cadence(person.life, t), rng, person.platform == "android")
    data["cadence"] = walking_cadence(person.life, t)
    return data


def _record_social(
    person: _Participant, plan: StudyPlan, rng: np.random.Generator
) -> dict[str, pl.DataFrame]:
    lo, hi = _span(plan)
    contacts = [f"{h:040x}" for h in rng.integers(0, 2**62, 8)]
    n_calls, n_texts = int(rng.poisson(3 * plan.days)), int(rng.poisson(8 * plan.days))
    call_t = np.sort(rng.uniform(lo, hi, n_calls))
    call_t = _recorded(person, call_t, plan)
    kinds = rng.choice(
        ["Incoming Call", "Outgoing Call", "Missed Call"], call_t.size, p=[0.4, 0.4, 0.2]
    )
    calls = pl.DataFrame(
        {
            "t": call_t,
            "hashed phone number": rng.choice(contacts, call_t.size),
            "call type": kinds,
            "duration in seconds": np.where(
                kinds == "Missed Call", 0, rng.exponential(150, call_t.size).round()
            ),
        }
    )
    text_t = _recorded(person, np.sort(rng.uniform(lo, hi, n_texts)), plan)
    texts = pl.DataFrame(
        {
            "t": text_t,
            "hashed phone number": rng.choice(contacts, text_t.size),
            "sent vs received": rng.choice(["sent SMS", "received SMS"], text_t.size),
            "message length": rng.integers(1, 160, text_t.size),
            "time sent": np.round(text_t * 1000).astype(np.int64),
        }
    )
    return {"calls": calls, "texts": texts}


def _with_time_columns(frame: pl.DataFrame) -> pl.DataFrame:
    ms = pl.Series(np.round(frame["t"].to_numpy() * 1000).astype(np.int64))
    stamp = pl.from_epoch(ms, time_unit="ms").dt.strftime("%Y-%m-%dT%H:%M:%S%.3f")
    return (
        frame.drop("t")
        .insert_column(0, stamp.alias("UTC time"))
        .insert_column(0, ms.alias("timestamp"))
    )


def _write_hourly(folder: Path, frame: pl.DataFrame) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if frame.height == 0:
        return
    hours = (frame["timestamp"] // 3_600_000).to_numpy()
    cuts = np.flatnonzero(np.diff(hours)) + 1
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, hours.size], strict=True):
        stamp = pl.from_epoch(pl.Series([int(hours[lo]) * 3600]), time_unit="s").dt.strftime(
            "%Y-%m-%d %H_%M_%S"
        )[0]
        frame.slice(int(lo), int(hi - lo)).write_csv(folder / f"{stamp}.csv", float_precision=None)


def _write_streams(
    folder: Path,
    person: _Participant,
    gps: dict[str, np.ndarray],
    acc: dict[str, np.ndarray] | None,
    social: dict[str, pl.DataFrame] | None,
    plan: StudyPlan,
    rng: np.random.Generator,
) -> None:
    g = pl.DataFrame({k: gps[k] for k in ("t", "lat", "lon", "altitude", "accuracy")}).rename(
        {"lat": "latitude", "lon": "longitude"}
    )
    _write_hourly(
        folder / "gps",
        _with_time_columns(g).with_columns(
            pl.col("latitude", "longitude").round(7), pl.col("altitude", "accuracy").round(1)
        ),
    )
    if acc is not None:
        a = pl.DataFrame(
            {"t": acc["t"], "accuracy": "unknown", "x": acc["x"], "y": acc["y"], "z": acc["z"]}
        )
        _write_hourly(
            folder / "accelerometer",
            _with_time_columns(a).with_columns(pl.col("x", "y", "z").round(5)),
        )
    if social is not None:
        for stream, frame in social.items():
            _write_hourly(folder / stream, _with_time_columns(frame))
    lo, hi = _span(plan)
    on = np.sort(rng.uniform(lo, hi, 20 * plan.days))
    events = (
        ("Unlocked", "Locked")
        if person.platform == "ios"
        else ("Screen turned on", "Screen turned off")
    )
    power = pl.DataFrame({"t": _recorded(person, on, plan)}).with_columns(
        pl.Series("event", [events[i % 2] for i in range(len(_recorded(person, on, plan)))])
    )
    _write_hourly(folder / "power_state", _with_time_columns(power))
    ident = pl.DataFrame(
        {
            "t": [lo],
            "patient_id": [person.pid],
            "device_os": ["iOS" if person.platform == "ios" else "Android"],
        }
    )
    _write_hourly(folder / "identifiers", _with_time_columns(ident))


def _make_mess(gps_dir: Path, rng: np.random.Generator) -> dict[str, int]:
    """Damage a few GPS files the way real exports are damaged; return what was injected."""
    files = sorted(gps_dir.glob("*.csv"))
    if len(files) < 4:
        return {}
    dup, bad, shuffled = (files[i] for i in rng.choice(len(files), 3, replace=False))
    lines = dup.read_text().splitlines()
    dup.write_text("\n".join([*lines, *lines[1:4]]) + "\n")
    lines = bad.read_text().splitlines()
    fields = lines[1].split(",")
    fields[2] = "abc"
    bad.write_text("\n".join([*lines, "1711540000000,garbage", ",".join(fields)]) + "\n")
    lines = shuffled.read_text().splitlines()
    body = lines[1:]
    rng.shuffle(body)
    shuffled.write_text("\n".join([lines[0], *body]) + "\n")
    empty = gps_dir / "2000-01-01 00_00_00.csv"
    empty.write_text("")
    return {"duplicate row": min(3, len(lines) - 1), "unparseable rows": 2, "empty files": 1}


def _truth(
    person: _Participant,
    plan: StudyPlan,
    gps: dict[str, np.ndarray],
    acc: dict[str, np.ndarray] | None,
    social: dict[str, pl.DataFrame] | None,
) -> pl.DataFrame:
    life = person.life
    kt, klat, klon = (
        np.asarray(life.knots_t),
        np.asarray(life.knots_lat),
        np.asarray(life.knots_lon),
    )
    seg = haversine_m(klat[:-1], klon[:-1], klat[1:], klon[1:])
    home_d = haversine_m(
        klat, klon, np.full_like(klat, life.home.lat), np.full_like(klon, life.home.lon)
    )
    rows = []
    for day in study_days(plan):
        lo_ms, hi_ms = day_bounds_ms(day, plan.tz)
        lo, hi = lo_ms / 1000, hi_ms / 1000
        overlap = np.clip(np.minimum(kt[1:], hi) - np.maximum(kt[:-1], lo), 0, None)
        share = overlap / np.maximum(kt[1:] - kt[:-1], 1e-9)
        at: dict[str, float] = {}
        for start, end, name in life.stays:
            at[name] = at.get(name, 0.0) + max(0.0, min(end, hi) - max(start, lo))
        in_day = (kt >= lo) & (kt < hi)
        gps_in = (gps["t"] >= lo) & (gps["t"] < hi)
        row: dict[str, object] = {
            "participant": person.pid,
            "date": day,
            "platform": person.platform,
            "gps_recorded": bool(gps_in.any()),
            "missing_day": day in person.missing_days,
            "true_home_time": at.get("home", 0.0) / 3600,
            "true_dist_traveled": float((seg * share).sum()) / 1000,
            "true_num_sig_places": float(sum(1 for v in at.values() if v >= 900)),
            "true_max_dist_home": float(home_d[in_day].max()) / 1000 if in_day.any() else 0.0,
        }
        if acc is not None:
            a_in = (acc["t"] >= lo) & (acc["t"] < hi)
            cad = acc["cadence"][a_in]
            row["true_steps"] = float(cad.sum() / plan.accel_hz)
            row["true_walking_time"] = float((cad > 0).sum() / plan.accel_hz)
        if social is not None:
            calls, texts = social["calls"], social["texts"]
            c = calls.filter((pl.col("t") >= lo) & (pl.col("t") < hi))
            tx = texts.filter((pl.col("t") >= lo) & (pl.col("t") < hi))
            row["true_num_in_call"] = float((c["call type"] == "Incoming Call").sum())
            row["true_num_out_call"] = float((c["call type"] == "Outgoing Call").sum())
            row["true_num_mis_call"] = float((c["call type"] == "Missed Call").sum())
            row["true_num_s"] = float((tx["sent vs received"] == "sent SMS").sum())
            row["true_num_r"] = float((tx["sent vs received"] == "received SMS").sum())
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)
