"""The simulated lives: places, daily schedules, and the exact trajectory that results.

A trajectory is a list of knots (time, lat, lon); between knots the person moves in a straight line at
constant speed, and two knots at the same place are a stay. Trips between places bend through a
waypoint, as roads do, so straight-line gap filling cannot be exact. Walking intervals (with cadence)
drive the accelerometer and the true step counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from withcare.sensing.geo import EARTH_RADIUS_M, haversine_m

WALK_SPEED = 1.3  # m/s
DRIVE_SPEED = 9.0  # m/s, urban driving


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float


@dataclass
class Life:
    """One participant's world and the trajectory knots of the whole study."""

    home: Place
    work: Place
    near: list[Place]
    far: list[Place]
    knots_t: list[float] = field(default_factory=list)
    knots_lat: list[float] = field(default_factory=list)
    knots_lon: list[float] = field(default_factory=list)
    stays: list[tuple[float, float, str]] = field(default_factory=list)  # (start, end, place name)
    walks: list[tuple[float, float, float]] = field(
        default_factory=list
    )  # (start, end, cadence Hz)


def offset(place: Place, rng: np.random.Generator, lo_m: float, hi_m: float, name: str) -> Place:
    dist = rng.uniform(lo_m, hi_m)
    bearing = rng.uniform(0, 2 * np.pi)
    dlat = np.degrees(dist * np.cos(bearing) / EARTH_RADIUS_M)
    dlon = np.degrees(dist * np.sin(bearing) / (EARTH_RADIUS_M * np.cos(np.radians(place.lat))))
    return Place(name, place.lat + float(dlat), place.lon + float(dlon))


def make_life(rng: np.random.Generator) -> Life:
    home = Place("home", 51.45 + rng.uniform(0, 0.1), -0.25 + rng.uniform(0, 0.2))
    return Life(
        home=home,
        work=offset(home, rng, 3000, 12000, "work"),
        near=[offset(home, rng, 500, 1400, "shop"), offset(home, rng, 600, 1400, "park")],
        far=[offset(home, rng, 4000, 8000, "friend")],
    )


def local_seconds_to_utc(day: date, seconds: float, tz: str) -> float:
    naive = datetime.combine(day, time(0)) + timedelta(seconds=seconds)
    return naive.replace(tzinfo=ZoneInfo(tz)).timestamp()


class DayBuilder:
    """Appends stays and trips to a life, in local clock time of one day."""

    def __init__(self, life: Life, day: date, tz: str, rng: np.random.Generator) -> None:
        self.life, self.day, self.tz, self.rng = life, day, tz, rng
        self.at = life.home
        self.clock = 0.0  # local seconds since midnight

    def _knot(self, seconds: float, lat: float, lon: float) -> None:
        t = local_seconds_to_utc(self.day, seconds, self.tz)
        if self.life.knots_t and t <= self.life.knots_t[-1]:
            t = self.life.knots_t[-1] + 1.0
        self.life.knots_t.append(t)
        self.life.knots_lat.append(lat)
        self.life.knots_lon.append(lon)

    def stay_until(self, seconds: float) -> None:
        seconds = max(seconds, self.clock)
        start = local_seconds_to_utc(self.day, self.clock, self.tz)
        self._knot(self.clock, self.at.lat, self.at.lon)
        self._knot(seconds, self.at.lat, self.at.lon)
        self.life.stays.append(
            (start, local_seconds_to_utc(self.day, seconds, self.tz), self.at.name)
        )
        self.clock = seconds

    def go(self, dest: Place) -> None:
        direct = float(
            haversine_m(
                np.array([self.at.lat]),
                np.array([self.at.lon]),
                np.array([dest.lat]),
                np.array([dest.lon]),
            )[0]
        )
        walking = direct < 1500
        speed = WALK_SPEED if walking else DRIVE_SPEED
        mid_lat = (self.at.lat + dest.lat) / 2 + (dest.lon - self.at.lon) * 0.2 * self.rng.choice(
            [-1, 1]
        )
        mid_lon = (self.at.lon + dest.lon) / 2 - (dest.lat - self.at.lat) * 0.2 * self.rng.choice(
            [-1, 1]
        )
        lats = np.array([self.at.lat, mid_lat, dest.lat])
        lons = np.array([self.at.lon, mid_lon, dest.lon])
        legs = haversine_m(lats[:-1], lons[:-1], lats[1:], lons[1:])
        start = self.clock
        self._knot(self.clock, self.at.lat, self.at.lon)
        for leg, lat, lon in zip(legs, lats[1:], lons[1:], strict=True):
            self.clock += float(leg) / speed
            self._knot(self.clock, float(lat), float(lon))
        if walking:
            cadence = float(self.rng.uniform(1.6, 2.0))
            self.life.walks.append(
                (
                    local_seconds_to_utc(self.day, start, self.tz),
                    local_seconds_to_utc(self.day, self.clock, self.tz),
                    cadence,
                )
            )
        self.at = dest


def plan_day(life: Life, day: date, tz: str, rng: np.random.Generator) -> None:
    """A weekday at work, or a day off; every day starts and ends at home."""
    b = DayBuilder(life, day, tz, rng)
    hour = 3600.0
    working = day.weekday() < 5 and rng.random() < 0.85
    if working:
        b.stay_until(8 * hour + rng.normal(0, 1200))
        b.go(life.work)
        b.stay_until(17 * hour + rng.normal(0, 1800))
        if rng.random() < 0.4:
            b.go(life.far[0])
            b.stay_until(b.clock + rng.uniform(3600, 7200))
        b.go(life.home)
        if rng.random() < 0.5:
            b.stay_until(b.clock + rng.uniform(1800, 3600))
            b.go(life.near[1])
            b.stay_until(b.clock + rng.uniform(1200, 2400))
            b.go(life.home)
    else:
        b.stay_until(10 * hour + rng.uniform(0, 3600))
        if rng.random() < 0.7:
            b.go(life.near[0])
            b.stay_until(b.clock + rng.uniform(1200, 2400))
            b.go(life.home)
        if rng.random() < 0.5:
            b.stay_until(b.clock + rng.uniform(600, 3600))
            b.go(life.far[0])
            b.stay_until(b.clock + rng.uniform(2 * hour, 4 * hour))
            b.go(life.home)
    b.stay_until(24 * hour - 1)


#: Share of a stay spent walking about in the place, and the length of one bout (s), by place, for
#: the "typical" activity profile. Chosen so that a day totals roughly 5,000-8,000 steps, the usual
#: range for adults (Tudor-Locke & Bassett 2004: below 5,000 "sedentary", 5,000-7,499 "low active",
#: 7,500-9,999 "somewhat active"); trips on foot come on top.
IN_PLACE_WALKING = {
    "home": (0.03, (40.0, 180.0)),
    "work": (0.07, (40.0, 240.0)),
    "shop": (0.35, (60.0, 300.0)),
    "park": (0.55, (120.0, 900.0)),
    "friend": (0.04, (40.0, 180.0)),
}
#: No walking about at home at night (local hours).
AWAKE_HOURS = (7, 22)


def add_walking_in_places(life: Life, tz: str, rng: np.random.Generator) -> None:
    """Add short walks inside stays (about the office, round the shop, in the park, at home by day).

    The person stays at the place's coordinates (a few metres of walking is below GPS noise), so the
    GPS truth is unchanged; the accelerometer and the true step counts gain everyday walking. Uses
    its own random stream, so a plan without it writes exactly what it always wrote.
    """
    zone = ZoneInfo(tz)
    extra: list[tuple[float, float, float]] = []
    for start, end, name in life.stays:
        share, (short, long) = IN_PLACE_WALKING.get(name, (0.0, (0.0, 0.0)))
        if share <= 0 or end - start < short:
            continue
        mean_bout = (short + long) / 2
        mean_gap = mean_bout * (1 - share) / share
        t = start + float(rng.exponential(mean_gap))
        while True:
            length = float(rng.uniform(short, long))
            if t + length >= end:
                break
            hour = datetime.fromtimestamp(t, zone).hour
            if name != "home" or AWAKE_HOURS[0] <= hour < AWAKE_HOURS[1]:
                extra.append((t, t + length, float(rng.uniform(1.6, 2.0))))
            t += length + float(rng.exponential(mean_gap))
    life.walks = sorted(life.walks + extra)
