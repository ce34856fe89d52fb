"""Synthetic demo data: a service, two teams, ~40 people with varied histories, one account per role.

Everything here is invented. Names are drawn from short lists of common first and family names and
combined at random with a fixed seed, so every demo looks the same and nobody real is described.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from withcare.db.models import (
    CareTeam,
    Contact,
    Episode,
    Person,
    ProxyGrant,
    Service,
    TeamMembership,
)
from withcare.domain.care.modes import ContactMode, DischargeReason, ReferralSource
from withcare.domain.roles import Role
from withcare.services.unit_of_work import UnitOfWork

DEMO_PASSWORD = "withcare-demo"  # noqa: S105  (synthetic accounts, printed on purpose)
DEMO_DOMAIN = "demo.withcare.test"
SEED = 20221428

GIVEN = [
    "Alex",
    "Sam",
    "Jordan",
    "Rhys",
    "Cerys",
    "Priya",
    "Mohammed",
    "Aisha",
    "Tomasz",
    "Chloe",
    "Dylan",
    "Ffion",
    "Kwame",
    "Mei",
    "Oliver",
    "Amara",
    "Liam",
    "Seren",
    "Yusuf",
    "Hannah",
]
FAMILY = [
    "Jones",
    "Williams",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Hughes",
    "Lewis",
    "Khan",
    "Patel",
    "Nowak",
    "Okafor",
    "Chen",
    "Morgan",
    "Price",
    "Ahmed",
    "Griffiths",
    "Edwards",
]
ETHNICITY = [
    "white_british",
    "white_other",
    "asian_british",
    "black_british",
    "mixed",
    "other",
    "not_stated",
]
GENDER = ["woman", "man", "non_binary", "not_stated"]
DISABILITY = ["none", "yes", "not_stated"]
DIGITAL = ["smartphone_and_data", "smartphone_limited_data", "no_smartphone", "not_stated"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    totp_secret: str | None
    note: str = ""


def demo_present(uow: UnitOfWork) -> bool:
    return uow.session.execute(select(Service.id).limit(1)).first() is not None


def load_demo(
    uow: UnitOfWork,
    create_user: Callable[..., object],
    progress: Callable[[int, int], None] | None = None,
    people: int = 40,
) -> list[DemoLogin]:
    """Write the demo service into ``uow``. ``create_user`` is ``AccountService.create_user``."""
    rng = random.Random(SEED)
    now = uow.clock.now()
    today = now.date()
    service = Service(
        name="Cwm Taf Talking Therapies (demo)",
        contact_phone="0300 000 0000",
        contact_email=f"help@{DEMO_DOMAIN}",
        opening_hours="Monday to Friday, 8am to 8pm; Saturday 9am to 1pm",
        created_at=now,
    )
    uow.session.add(service)
    uow.session.flush()
    teams = [
        CareTeam(service_id=service.id, name=name, created_at=now)
        for name in ("North team", "South team")
    ]
    uow.session.add_all(teams)
    uow.session.flush()
    logins: list[DemoLogin] = []

    def account(role: Role, local: str, name: str, note: str = "", **extra: object) -> str:
        new = create_user(
            uow,
            email=f"{local}@{DEMO_DOMAIN}",
            display_name=name,
            role=role,
            password=DEMO_PASSWORD,
            service_id=service.id,
            enrol_totp=role.is_staff,
            is_demo=True,
            **extra,
        )
        logins.append(
            DemoLogin(str(role), new.email, DEMO_PASSWORD, new.totp_secret, note)  # type: ignore[attr-defined]
        )
        return new.user_id  # type: ignore[attr-defined,no-any-return]

    clinicians: dict[str, list[str]] = {}
    for index, team in enumerate(teams):
        ids = []
        for number, name in enumerate(
            (("Dr Nia Roberts", "Tom Hughes"), ("Dr Sara Khan", "Owen Price"))[index]
        ):
            local = f"clinician.{team.name.split()[0].lower()}{number + 1}"
            user_id = account(Role.CLINICIAN, local, name, f"{team.name}")
            uow.session.add(
                TeamMembership(user_id=user_id, team_id=team.id, is_duty_clinician=number == 0)
            )
            ids.append(user_id)
        clinicians[team.id] = ids
    account(Role.SERVICE_MANAGER, "manager", "Gwen Morgan")
    account(Role.RESEARCHER, "researcher", "Dr Ade Okafor")
    account(Role.TECHNOLOGY_EVALUATOR, "evaluator", "Lena Nowak")
    account(Role.ADMIN, "admin", "Sys Admin")
    account(Role.CLINICIAN, "outsider", "Olu Outsider", "in no care team: sees no one")

    person_ids: list[str] = []
    for index in range(people):
        team = teams[index % 2]
        person = Person(
            service_id=service.id,
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28)),
            email="",
            phone="",
            preferred_language="cy" if rng.random() < 0.2 else "en",
            gender=rng.choice(GENDER),
            ethnicity=rng.choice(ETHNICITY),
            deprivation_quintile=rng.randint(1, 5),
            disability=rng.choice(DISABILITY),
            digital_access=rng.choice(DIGITAL),
            created_at=now,
        )
        uow.session.add(person)
        uow.session.flush()
        person_ids.append(person.id)
        _history(uow, rng, person, team, clinicians[team.id], today)
        uow.audit.record(
            None,
            "person.create",
            subject_type="person",
            subject_id=person.id,
            person_id=person.id,
            reason="demo_data",
        )
        if progress:
            progress(index + 1, people)

    first = uow.session.get(Person, person_ids[0])
    assert first is not None
    account(
        Role.PERSON_IN_CARE,
        "person",
        first.full_name,
        "a person in care (North team)",
        person_id=first.id,
    )
    carer_id = account(
        Role.CARER, "carer", "Rhian Carer", "allowed by the demo person to view their record"
    )
    uow.session.add(
        ProxyGrant(person_id=first.id, carer_user_id=carer_id, scopes="view_record", granted_at=now)
    )
    from withcare.db.models import ConsentDecisionRow  # proxy access is a consent item (issue 5)
    from withcare.domain.consent import load_documents

    in_force = load_documents().in_force_at(now)
    if in_force is not None:
        uow.session.add(
            ConsentDecisionRow(
                person_id=first.id,
                purpose="direct_care",
                stream="proxy_access",
                action="grant",
                at=now,
                document_version=in_force.number,
                decided_by="self",
                recorded_by="demo",
            )
        )
    from withcare.services.registry import seed_registry  # the technology registry (issue 6)

    seed_registry(uow)
    from withcare.services.measures import seed_demo_measures  # questionnaires (issue 3)

    seed_demo_measures(uow)
    from withcare.services.sensing import seed_demo_sensing  # smartphone sensing (issue 7)

    seed_demo_sensing(uow, person_ids)
    return logins


def _history(
    uow: UnitOfWork,
    rng: random.Random,
    person: Person,
    team: CareTeam,
    clinician_ids: list[str],
    today: date,
) -> None:
    """One or two episodes, some closed, with a mix of human and digital contacts."""
    episodes = 2 if rng.random() < 0.25 else 1
    start = today - timedelta(days=rng.randint(20, 420))
    for number in range(episodes):
        last = number == episodes - 1
        referral = start
        begun = referral + timedelta(days=rng.randint(3, 28))
        closed = (not last) or rng.random() < 0.2
        end = begun + timedelta(days=rng.randint(42, 140)) if closed else None
        if end is not None and end >= today:
            end = None
        clinician = rng.choice(clinician_ids)
        episode = Episode(
            person_id=person.id,
            team_id=team.id,
            named_clinician_id=clinician,
            referral_source=rng.choice(list(ReferralSource)).value,
            referral_date=referral,
            start_date=begun if begun <= today else None,
            end_date=end,
            discharge_reason=rng.choice(list(DischargeReason)).value if end else None,
        )
        uow.session.add(episode)
        uow.session.flush()
        digital_only = rng.random() < 0.2
        day = begun
        stop = end or today
        while day < stop:
            if digital_only:
                mode = ContactMode.DIGITAL_SELF_HELP
            else:
                mode = rng.choices(list(ContactMode), weights=[4, 3, 2, 1, 3], k=1)[0]
            occurred = datetime.combine(
                day, time(rng.randint(9, 17), 0), tzinfo=uow.clock.now().tzinfo
            )
            if occurred < uow.clock.now():
                uow.session.add(
                    Contact(
                        person_id=person.id,
                        episode_id=episode.id,
                        clinician_id=None if mode is ContactMode.DIGITAL_SELF_HELP else clinician,
                        occurred_at=occurred,
                        mode=mode.value,
                        duration_minutes=0
                        if mode is ContactMode.DIGITAL_SELF_HELP
                        else rng.choice([20, 30, 45, 60]),
                        recorded_by_id=clinician,
                        recorded_at=occurred,
                    )
                )
            day += timedelta(days=rng.randint(5, 14))
        start = (end or today) + timedelta(days=rng.randint(30, 90))
        if start >= today:
            break
