"""Smartphone sensing in the platform (issue 7): enrolment, consent-gated processing, views, export.

The feature pipeline is the pure library :mod:`withcare.sensing`; this service decides *whose* data it
may touch and keeps what it produced.

Rules kept here:

* a person is enrolled (by themself or a clinician in their care team) only while they have said yes
  to at least one smartphone-sensing stream for direct care;
* processing asks the consent policy point at the moment of the run, per person and per raw stream
  (direct care x the stream's consent item, :data:`SENSING_STREAMS`): a withdrawn or never-given
  stream is never opened, so a withdrawal stops processing from that moment;
* stored features are shown and exported only for streams the person allows *now*; days computed
  before a withdrawal stay stored but hidden, and the page says so;
* researchers get a CSV of consenting participants only (research x stream), keyed by a pseudonym
  (HMAC of the person id with a key derived from the platform secret), never names, ids or dates of
  birth;
* every read, write and export is audited (ids and counts only) and recorded as a data flow.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select

from withcare.db.models import (
    ConsentDecisionRow,
    Person,
    SensingDailyFeature,
    SensingEnrolment,
    SensingRun,
)
from withcare.domain.consent import DataStream, Purpose, check, load_documents
from withcare.domain.consent.sensing_gate import SENSING_STREAMS
from withcare.domain.roles import Role
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.sensing.features.mobility import MOBILITY_FEATURES
from withcare.sensing.features.movement import MOVEMENT_FEATURES
from withcare.services.errors import N_, InvalidInput, NotFound
from withcare.services.unit_of_work import UnitOfWork, access_reason

if TYPE_CHECKING:
    from withcare.sensing.executors import RunSummary
    from withcare.sensing.features.quality import SamplingPlan
    from withcare.sensing.runner import ParticipantOutcome
    from withcare.services.consent import ConsentPolicy, ConsentService
    from withcare.services.platform import Platform

PIPELINE_VERSION = "withcare.sensing/1"
PLATFORMS = ("android", "ios", "unknown")
FORMATS = ("auto", "beiwe", "mindlamp")
_PARTICIPANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")

#: The consent items smartphone sensing asks for, in the order pages list them.
CONSENT_STREAMS: tuple[DataStream, ...] = (
    DataStream.SMARTPHONE_LOCATION,
    DataStream.MOVEMENT,
    DataStream.PHONE_USE_LOGS,
)

# Which consent item each output column comes from; unknown columns are never shown or exported.
_META = {"participant", "date", "timezone", "platform", "day_hours"}
# taken from the feature library itself, so a new feature is never silently hidden or exported
_GPS = frozenset(MOBILITY_FEATURES)
_MOVEMENT = frozenset(MOVEMENT_FEATURES)
_LOGS_PREFIXES = ("calls_", "texts_", "power_state_", "num_", "total_mins_", "total_char_")


def stream_of(column: str) -> DataStream | None:
    """The consent item a feature column is derived from (``None``: metadata or unknown)."""
    if column in _META:
        return None
    if column.startswith("gps_") or column in _GPS:
        return DataStream.SMARTPHONE_LOCATION
    if column.startswith("accelerometer_") or column in _MOVEMENT:
        return DataStream.MOVEMENT
    if column.startswith(_LOGS_PREFIXES):
        return DataStream.PHONE_USE_LOGS
    return None


@dataclass(frozen=True)
class KeyFeature:
    name: str
    label: str
    unit: str
    stream: DataStream


#: The features the clinician's page charts, with plain labels (definitions in docs/sensing).
KEY_FEATURES: tuple[KeyFeature, ...] = (
    KeyFeature("home_time", "Time at home", "hours", DataStream.SMARTPHONE_LOCATION),
    KeyFeature("dist_traveled", "Distance travelled", "km", DataStream.SMARTPHONE_LOCATION),
    KeyFeature("num_sig_places", "Places visited", "places", DataStream.SMARTPHONE_LOCATION),
    KeyFeature("steps", "Steps", "steps", DataStream.MOVEMENT),
    KeyFeature("active_minutes", "Active minutes", "minutes", DataStream.MOVEMENT),
    KeyFeature(
        "num_uniq_individuals_call_or_text",
        "People called or texted",
        "contacts",
        DataStream.PHONE_USE_LOGS,
    ),
)


@dataclass(frozen=True)
class EnrolmentView:
    participant_id: str
    timezone: str
    platform: str
    enrolled_at: datetime


@dataclass(frozen=True)
class DayView:
    day: date
    values: dict[str, float | None]
    gps_coverage: float | None
    accelerometer_coverage: float | None
    platform: str


@dataclass(frozen=True)
class StreamState:
    stream: DataStream
    allowed: bool


@dataclass(frozen=True)
class PersonSensing:
    """What the sensing page shows about one person, already filtered by consent now."""

    person_id: str
    enrolment: EnrolmentView | None
    streams: list[StreamState]
    days: list[DayView]
    features: list[KeyFeature]
    #: Days stored but hidden because the consent they came from has been withdrawn.
    hidden_days: int
    stored_days: int
    last_computed_at: datetime | None

    @property
    def any_allowed(self) -> bool:
        return any(s.allowed for s in self.streams)


@dataclass(frozen=True)
class ResearchSummary:
    participants: int
    days: int


@dataclass
class ProcessResult:
    run_id: str
    summary: RunSummary
    people_processed: int
    people_not_permitted: int
    days_stored: int
    unenrolled: list[str] = field(default_factory=list)


def pseudonym(secret: bytes, person_id: str) -> str:
    """A stable, keyed pseudonym: nobody without the platform secret can link it to a person."""
    key = hmac.new(secret, b"withcare.sensing.research-pseudonym.v1", hashlib.sha256).digest()
    return "s-" + hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()[:20]


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class SensingService:
    def __init__(self, platform: Platform) -> None:
        from withcare.services.privacy import PersonErased

        self._platform = platform
        platform.events.subscribe(PersonErased, self._on_person_erased)

    def _on_person_erased(self, uow: UnitOfWork, event: Any) -> None:
        """Erasure: delete the person's stored features and their enrolment (runs keep counts)."""
        for model in (SensingDailyFeature, SensingEnrolment):
            uow.session.execute(
                delete(model)
                .where(model.person_id == event.person_id)
                .execution_options(synchronize_session="fetch")
            )

    @property
    def _consent(self) -> ConsentService:
        return self._platform.consent

    def require_access(self, actor: Actor | None, person_id: str, permission: Permission) -> None:
        """Refuse early (before reading any input) when the actor may not act for this person."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(permission, person_id)

    # -- enrolment ------------------------------------------------------------------------------
    def enrol(
        self,
        actor: Actor | None,
        person_id: str,
        participant_id: str,
        timezone: str = "Europe/London",
        platform: str = "unknown",
    ) -> EnrolmentView:
        """Link a person to their participant id in the raw export; only with sensing consent."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SENSING_ENROL, person_id)
            return enrol_in(uow, self._consent, person_id, participant_id, timezone, platform)

    def enrolment(self, actor: Actor | None, person_id: str) -> EnrolmentView | None:
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SENSING_READ, person_id)
            row = _enrolment_row(uow, person_id)
            return _enrolment_view(row) if row else None

    # -- processing -----------------------------------------------------------------------------
    def process(
        self,
        actor: Actor | None,
        raw_dir: Path,
        fmt: str = "auto",
        *,
        source: str = "cli",
        on_start: Callable[[int], None] | None = None,
        on_done: Callable[[ParticipantOutcome], None] | None = None,
    ) -> ProcessResult:
        """Process a raw export for enrolled people, each only for the streams they allow now.

        ``actor`` is ``None`` for the command line (the system); a signed-in user must be an
        administrator.
        """
        if actor is not None and actor.role is not Role.ADMIN:
            raise NotFound(N_("That is not something you can do here."))
        with self._platform.unit_of_work(actor) as uow:
            return process_in(
                uow,
                self._consent,
                raw_dir,
                fmt,
                source=source,
                on_start=on_start,
                on_done=on_done,
            )

    # -- reading --------------------------------------------------------------------------------
    def person_view(self, actor: Actor | None, person_id: str) -> PersonSensing:
        """The person's daily features, only for streams they allow for direct care now."""
        with self._platform.unit_of_work(actor) as uow:
            uow.authorise_person(Permission.PERSON_SENSING_READ, person_id)
            now_allowed = allowed_streams(uow, self._consent, person_id, Purpose.DIRECT_CARE)
            states = [StreamState(s, s in now_allowed) for s in CONSENT_STREAMS]
            allowed = {s.stream for s in states if s.allowed}
            rows = list(
                uow.session.execute(
                    select(SensingDailyFeature)
                    .where(SensingDailyFeature.person_id == person_id)
                    .order_by(SensingDailyFeature.local_date)
                ).scalars()
            )
            days: list[DayView] = []
            hidden = 0
            for row in rows:
                values = {
                    k: v for k, v in json.loads(row.features).items() if stream_of(k) in allowed
                }
                if not values:
                    hidden += 1
                    continue
                days.append(
                    DayView(
                        row.local_date,
                        values,
                        row.gps_coverage if DataStream.SMARTPHONE_LOCATION in allowed else None,
                        row.accelerometer_coverage if DataStream.MOVEMENT in allowed else None,
                        row.platform,
                    )
                )
            for stream in sorted(allowed) if days else ():
                self._consent.require_flow(
                    uow,
                    person_id,
                    Purpose.DIRECT_CARE,
                    stream,
                    "Daily smartphone sensing features read",
                )
            enrolment = _enrolment_row(uow, person_id)
            uow.audit.record(
                actor,
                "sensing_features.read",
                subject_type="person",
                subject_id=person_id,
                person_id=person_id,
                reason=access_reason(actor, person_id),
                details={"days": len(days), "hidden_days": hidden},
            )
            return PersonSensing(
                person_id=person_id,
                enrolment=_enrolment_view(enrolment) if enrolment else None,
                streams=states,
                days=days,
                features=[f for f in KEY_FEATURES if f.stream in allowed],
                hidden_days=hidden,
                stored_days=len(rows),
                last_computed_at=max((r.computed_at for r in rows), default=None),
            )

    # -- research -------------------------------------------------------------------------------
    def _research_rows(
        self, uow: UnitOfWork
    ) -> tuple[dict[str, set[DataStream]], list[SensingDailyFeature]]:
        people = list(uow.session.execute(select(SensingEnrolment.person_id)).scalars())
        allowed: dict[str, set[DataStream]] = {}
        for person_id in people:
            streams = allowed_streams(uow, self._consent, person_id, Purpose.RESEARCH)
            if streams:
                allowed[person_id] = streams
        rows = (
            list(
                uow.session.execute(
                    select(SensingDailyFeature)
                    .where(SensingDailyFeature.person_id.in_(list(allowed)))
                    .order_by(SensingDailyFeature.person_id, SensingDailyFeature.local_date)
                ).scalars()
            )
            if allowed
            else []
        )
        return allowed, rows

    def research_summary(self, actor: Actor | None) -> ResearchSummary:
        """How many consenting participants and days an export would hold (counts only)."""
        with self._platform.unit_of_work(actor) as uow:
            authorise(actor, Permission.RESEARCH_SENSING_EXPORT)
            _allowed, rows = self._research_rows(uow)
            people_with_days = {r.person_id for r in rows}
            return ResearchSummary(len(people_with_days), len(rows))

    def research_export(self, actor: Actor | None) -> str:
        """CSV of daily features for participants who allow research use, pseudonymised."""
        with self._platform.unit_of_work(actor) as uow:
            authorise(actor, Permission.RESEARCH_SENSING_EXPORT)
            allowed, rows = self._research_rows(uow)
            secret = uow.settings.secret_key
            records: list[dict[str, Any]] = []
            columns: dict[str, None] = {}
            exported: set[str] = set()
            for row in rows:
                streams = allowed[row.person_id]
                values = {
                    k: v for k, v in json.loads(row.features).items() if stream_of(k) in streams
                }
                if not values:
                    continue
                exported.add(row.person_id)
                for key in values:
                    columns.setdefault(key, None)
                records.append(
                    {
                        "pseudonym": pseudonym(secret, row.person_id),
                        "date": row.local_date.isoformat(),
                        "platform": row.platform,
                        **values,
                    }
                )
            for person_id in sorted(exported):
                for stream in sorted(allowed[person_id]):
                    self._consent.require_flow(
                        uow,
                        person_id,
                        Purpose.RESEARCH,
                        stream,
                        "Pseudonymised daily sensing features exported for research",
                    )
            uow.audit.record(
                actor,
                "sensing_features.research_export",
                subject_type="research_export",
                subject_id="sensing",
                reason="research",
                details={"participants": len(exported), "days": len(records)},
            )
        header = ["pseudonym", "date", "platform", *sorted(columns)]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: "" if v is None else v for k, v in record.items()})
        return out.getvalue()


def allowed_streams(
    uow: UnitOfWork, consent: ConsentPolicy, person_id: str, purpose: Purpose
) -> set[DataStream]:
    """The sensing consent items ``person_id`` allows for ``purpose`` at this moment.

    A decision recorded in this very instant (nudged a microsecond past now so decisions keep a
    stable order) already applies, as in ``ConsentService.require_flow``.
    """
    history = consent.history(uow, person_id)
    at = uow.clock.now()
    if history.decisions and history.decisions[-1].at > at:
        at = history.decisions[-1].at
    return {s for s in CONSENT_STREAMS if check(history, purpose, s, at, consent.documents).allowed}


# -- work inside a caller's unit of work (also used by the demo loader) -------------------------
def _enrolment_row(uow: UnitOfWork, person_id: str) -> SensingEnrolment | None:
    return uow.session.execute(
        select(SensingEnrolment).where(SensingEnrolment.person_id == person_id)
    ).scalar_one_or_none()


def _enrolment_view(row: SensingEnrolment) -> EnrolmentView:
    return EnrolmentView(row.participant_id, row.timezone, row.platform, row.enrolled_at)


def enrol_in(
    uow: UnitOfWork,
    consent: ConsentPolicy,
    person_id: str,
    participant_id: str,
    timezone: str,
    platform: str,
) -> EnrolmentView:
    """Enrol inside an already authorised unit of work (validates, checks consent, audits)."""
    participant_id, timezone, platform = participant_id.strip(), timezone.strip(), platform.strip()
    problems: dict[str, str] = {}
    if not _PARTICIPANT.match(participant_id):
        problems["participant_id"] = N_(
            "Enter the participant id used in the phone app's export: letters, numbers, dots, "
            "dashes or underscores, up to 120 characters."
        )
    try:
        ZoneInfo(timezone) if timezone else None
        if not timezone:
            raise ZoneInfoNotFoundError(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems["timezone"] = N_("Enter a time zone name such as Europe/London.")
    if platform not in PLATFORMS:
        problems["platform"] = N_("Choose Android, iPhone or not known.")
    if not problems:
        taken = uow.session.execute(
            select(SensingEnrolment).where(SensingEnrolment.participant_id == participant_id)
        ).scalar_one_or_none()
        if taken is not None and taken.person_id != person_id:
            problems["participant_id"] = N_(
                "This participant id is already linked to someone else."
            )
    if problems:
        raise InvalidInput(
            N_("Smartphone sensing was not set up. Check the details marked below."), problems
        )
    now_allowed = allowed_streams(uow, consent, person_id, Purpose.DIRECT_CARE)
    allowed = [s for s in CONSENT_STREAMS if s in now_allowed]
    if not allowed:
        raise InvalidInput(
            N_(
                "Smartphone sensing needs the person's yes first: they have not agreed to any "
                "phone data being used for their care. They can choose on their consent page."
            )
        )
    consent.require_flow(
        uow, person_id, Purpose.DIRECT_CARE, allowed[0], "Enrolled in smartphone sensing"
    )
    now = uow.clock.now()
    row = _enrolment_row(uow, person_id)
    if row is None:
        row = SensingEnrolment(person_id=person_id, enrolled_at=now)
        uow.session.add(row)
    row.participant_id, row.timezone, row.platform = participant_id, timezone, platform
    row.enrolled_by_id = uow.actor.user_id if uow.actor is not None else None
    row.enrolled_at = now
    uow.session.flush()
    uow.audit.record(
        uow.actor,
        "sensing_enrolment.write",
        subject_type="person",
        subject_id=person_id,
        person_id=person_id,
        reason=access_reason(uow.actor, person_id),
        details={"platform": platform},
    )
    return _enrolment_view(row)


def process_in(
    uow: UnitOfWork,
    consent: ConsentPolicy,
    raw_dir: Path,
    fmt: str = "auto",
    *,
    source: str = "cli",
    work_dir: Path | None = None,
    sampling: Mapping[str, SamplingPlan] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[ParticipantOutcome], None] | None = None,
) -> ProcessResult:
    """Run the pipeline over ``raw_dir`` for enrolled people and store their daily features.

    ``sampling`` overrides the phones' expected sampling plan per stream (the study's settings),
    which data completeness is measured against.
    """
    from withcare.sensing.readers.detect import open_dataset

    if fmt not in FORMATS:
        raise InvalidInput(
            N_("Choose a format: %(formats)s."),
            {"format": N_("unknown")},
            params={"formats": ", ".join(FORMATS)},
        )
    if not raw_dir.is_dir():
        raise InvalidInput(
            N_("There is no folder at %(folder)s."),
            {"input": N_("missing")},
            params={"folder": str(raw_dir)},
        )
    started = uow.clock.now()
    enrolments = {
        e.participant_id: e for e in uow.session.execute(select(SensingEnrolment)).scalars()
    }
    # the policy point, per person and stream, at this moment (direct care)
    decisions: dict[tuple[str, str], bool] = {}
    for participant, enrolment in enrolments.items():
        allowed = allowed_streams(uow, consent, enrolment.person_id, Purpose.DIRECT_CARE)
        for raw_stream, item in SENSING_STREAMS.items():
            decisions[(participant, raw_stream)] = item in allowed

    try:
        _, sources = open_dataset(raw_dir, fmt)
        present = [s.participant for s in sources]
    except (OSError, ValueError) as error:
        raise InvalidInput(
            N_("The raw export could not be read: %(reason)s."), params={"reason": str(error)}
        ) from None
    unenrolled = sorted(p for p in present if p not in enrolments)
    wanted = [p for p in present if p in enrolments]
    # Without a work folder the run uses a scratch folder that is removed afterwards, so no
    # intermediate files (the library's per-day caches) outlive the run or a withdrawal.
    scratch = None
    if work_dir is None:
        uow.settings.data_dir.mkdir(parents=True, exist_ok=True)
        scratch = tempfile.TemporaryDirectory(prefix=".sensing-run-", dir=uow.settings.data_dir)
        work_dir = Path(scratch.name)
    try:
        return _run_and_store(
            uow,
            consent,
            raw_dir,
            fmt,
            source,
            work_dir,
            decisions,
            enrolments,
            wanted,
            unenrolled,
            started,
            sampling,
            on_start,
            on_done,
        )
    finally:
        if scratch is not None:
            scratch.cleanup()


def _run_and_store(
    uow: UnitOfWork,
    consent: ConsentPolicy,
    raw_dir: Path,
    fmt: str,
    source: str,
    out_dir: Path,
    decisions: dict[tuple[str, str], bool],
    enrolments: dict[str, SensingEnrolment],
    wanted: list[str],
    unenrolled: list[str],
    started: datetime,
    sampling: Mapping[str, SamplingPlan] | None,
    on_start: Callable[[int], None] | None,
    on_done: Callable[[ParticipantOutcome], None] | None,
) -> ProcessResult:
    from withcare.sensing import FeatureOptions, run_features
    from withcare.sensing.features.quality import DEFAULT_SAMPLING

    options = FeatureOptions(
        tz="UTC",
        timezones={p: enrolments[p].timezone for p in wanted},
        sampling={**DEFAULT_SAMPLING, **(sampling or {})},
    )
    summary = run_features(
        raw_dir,
        out_dir,
        fmt,
        options=options,
        gate=lambda participant, stream: decisions.get((participant, stream), False),
        participants=wanted,
        on_start=on_start,
        on_done=on_done,
    )
    run = SensingRun(
        started_at=started,
        finished_at=uow.clock.now(),
        run_by_id=uow.actor.user_id if uow.actor is not None else None,
        source=source,
        format=summary.format,
        participants=summary.participants,
        participants_not_permitted=sum(1 for o in summary.outcomes if o.status == "not permitted"),
        participants_failed=sum(1 for o in summary.outcomes if o.status == "failed"),
        participant_days=summary.participant_days,
        participant_days_computed=summary.participant_days_computed,
        rows_read=summary.rows_read,
        rows_rejected=sum(summary.rejected.values()),
        rejected_by_reason=json.dumps(dict(sorted(summary.rejected.items()))),
        pipeline_version=PIPELINE_VERSION,
    )
    uow.session.add(run)
    uow.session.flush()
    stored = processed = not_permitted = 0
    for outcome in summary.outcomes:
        enrolment = enrolments[outcome.participant]
        if outcome.status == "not permitted":
            not_permitted += 1
            continue
        if outcome.status not in ("computed", "updated", "unchanged"):
            continue
        streams = sorted(s for (p, s), ok in decisions.items() if ok and p == outcome.participant)
        items = sorted({SENSING_STREAMS[s] for s in streams})
        for item in items:
            consent.require_flow(
                uow,
                enrolment.person_id,
                Purpose.DIRECT_CARE,
                item,
                "Smartphone sensing data processed into daily features",
            )
        days = _store_days(
            uow, enrolment.person_id, out_dir / f"{outcome.participant}.csv", streams, run.id
        )
        stored += days
        processed += 1
        uow.audit.record(
            uow.actor,
            "sensing_features.write",
            subject_type="person",
            subject_id=enrolment.person_id,
            person_id=enrolment.person_id,
            reason="direct_care",
            details={"run": run.id, "days": days, "streams": ",".join(streams)},
        )
    uow.audit.record(
        uow.actor,
        "sensing_run.write",
        subject_type="sensing_run",
        subject_id=run.id,
        reason="direct_care",
        details={"people": processed, "not_permitted": not_permitted, "days": stored},
    )
    return ProcessResult(run.id, summary, processed, not_permitted, stored, unenrolled)


def _store_days(
    uow: UnitOfWork, person_id: str, path: Path, streams: list[str], run_id: str
) -> int:
    if not path.exists():
        return 0
    existing = {
        r.local_date: r
        for r in uow.session.execute(
            select(SensingDailyFeature).where(SensingDailyFeature.person_id == person_id)
        ).scalars()
    }
    now = uow.clock.now()
    count = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            day = date.fromisoformat(record["date"])
            values = {k: _number(v) for k, v in record.items() if stream_of(k) is not None}
            row = existing.get(day)
            if row is None:
                row = SensingDailyFeature(person_id=person_id, local_date=day)
                uow.session.add(row)
            row.features = json.dumps(values, sort_keys=True)
            row.platform = (record.get("platform") or "unknown")[:20]
            row.gps_coverage = _ratio(values, "gps_observed_samples", "gps_expected_samples")
            accel = values.get("accelerometer_minutes_with_data")
            row.accelerometer_coverage = _ratio(
                values, "accelerometer_observed_samples", "accelerometer_expected_samples"
            )
            row.gps_minutes_with_data = values.get("gps_minutes_with_data")
            row.accelerometer_minutes_with_data = accel
            row.streams = ",".join(streams)[:200]
            row.computed_at = now
            row.pipeline_version = PIPELINE_VERSION
            row.run_id = run_id
            count += 1
    uow.session.flush()
    return count


def _ratio(values: Mapping[str, float | None], top: str, bottom: str) -> float | None:
    numerator, denominator = values.get(top), values.get(bottom)
    if numerator is None or not denominator:
        return None
    return round(min(numerator / denominator, 1.0), 4)


# -- demo -----------------------------------------------------------------------------------------
DEMO_PARTICIPANTS = 3
DEMO_DAYS = 6


def seed_demo_sensing(uow: UnitOfWork, person_ids: Iterable[str]) -> None:
    """Enrol a few demo people with explicit sensing consent and process a small synthetic export.

    The raw export is generated (seeded, about 3 seconds) into the data directory once.
    """
    from datetime import timedelta

    from withcare.sensing.features.quality import SamplingPlan
    from withcare.sensing.synthetic.study import StudyPlan, generate_study
    from withcare.services.consent import ConsentPolicy

    people = list(person_ids)[:DEMO_PARTICIPANTS]
    if not people:
        return
    now = uow.clock.now()
    in_force = load_documents().in_force_at(now)
    if in_force is None:
        return
    raw = uow.settings.data_dir / "demo-sensing" / "raw"
    plan = StudyPlan(
        participants=len(people),
        days=DEMO_DAYS,
        seed=11,
        start=now.date() - timedelta(days=DEMO_DAYS + 1),
        tz="Europe/London",
        accel_hz=10.0,
        accel_on_s=30.0,
        accel_off_s=270.0,
        mess=False,
    )
    if not raw.is_dir() or not any(raw.iterdir()):
        generate_study(raw, plan)
    participants = sorted(p.name for p in raw.iterdir() if p.is_dir())
    for index, (person_id, participant) in enumerate(zip(people, participants, strict=False)):
        purposes = [Purpose.DIRECT_CARE] + ([Purpose.RESEARCH] if index < 2 else [])
        for purpose in purposes:
            for stream in CONSENT_STREAMS:
                uow.session.add(
                    ConsentDecisionRow(
                        person_id=person_id,
                        purpose=purpose.value,
                        stream=stream.value,
                        action="grant",
                        at=now,
                        document_version=in_force.number,
                        decided_by="self",
                        recorded_by="demo",
                    )
                )
        uow.session.flush()
        person = uow.session.get(Person, person_id)
        assert person is not None
        uow.session.add(
            SensingEnrolment(
                person_id=person_id,
                participant_id=participant,
                timezone="Europe/London",
                platform="unknown",
                enrolled_at=now,
            )
        )
    uow.session.flush()
    consent = ConsentPolicy()
    sampling = {"accelerometer": SamplingPlan(plan.accel_hz, plan.accel_on_s, plan.accel_off_s)}
    process_in(uow, consent, raw, "beiwe", source="demo", sampling=sampling)
    for enrolment in uow.session.execute(select(SensingEnrolment)).scalars():
        seen = uow.session.execute(
            select(SensingDailyFeature.platform).where(
                SensingDailyFeature.person_id == enrolment.person_id
            )
        ).scalar()
        enrolment.platform = seen if seen in PLATFORMS else "unknown"
