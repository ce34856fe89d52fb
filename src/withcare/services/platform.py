"""The platform object: settings, clock, database and every service, built once per process.

The web app and the CLI receive a :class:`Platform` and call its services; they never open database
sessions themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from withcare.clock import Clock, clock_from_environment
from withcare.config import Settings
from withcare.db import migrate as migrations
from withcare.db.engine import Database
from withcare.security.audit_chain import ChainReport
from withcare.security.authorisation import Actor
from withcare.services.audit import AuditWriter, verify
from withcare.services.events import EventBus
from withcare.services.unit_of_work import UnitOfWork


class Platform:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        from withcare.services.accounts import AccountService
        from withcare.services.admin import AdminService
        from withcare.services.care import CareService
        from withcare.services.consent import ConsentService
        from withcare.services.dashboard import DashboardService
        from withcare.services.measures import MeasuresService
        from withcare.services.registry import RegistryService

        self.settings = settings
        self.clock: Clock = clock or clock_from_environment()  # FileClock only in tests
        self.database = Database(settings.database_url)
        self.events = EventBus()
        self.accounts = AccountService(self)
        self.care = CareService(self)
        self.consent = ConsentService(self)
        from withcare.services.choice import ChoiceService  # consent, choice, privacy (issue 5)
        from withcare.services.crypto import CryptoService
        from withcare.services.human_contact import HumanContactService
        from withcare.services.privacy import PrivacyService

        self.crypto = CryptoService(self)
        self.choice = ChoiceService(self)
        self.human_contact = HumanContactService(self)
        self.privacy = PrivacyService(self)
        self.admin = AdminService(self)
        self.dashboard = DashboardService(self)
        self.registry = RegistryService(self)
        self.measures = MeasuresService(self)
        self.registry.outcome_source = self.measures.technology_outcomes  # issue 6 <- issue 3
        from withcare.services.safety import SafetyService  # safety (issue 4)

        self.safety = SafetyService(self)
        from withcare.services.sensing import SensingService  # smartphone sensing (issue 7)

        self.sensing = SensingService(self)
        from withcare.services.carers import CarerService  # carers and proxy access

        self.carers = CarerService(self)

    @contextmanager
    def unit_of_work(self, actor: Actor | None) -> Iterator[UnitOfWork]:
        with self.database.transaction() as session:
            yield UnitOfWork(
                session=session,
                audit=AuditWriter(session, self.clock),
                actor=actor,
                clock=self.clock,
                settings=self.settings,
            )

    def migrate(self) -> None:
        migrations.upgrade(self.database)

    def schema_is_current(self) -> bool:
        return migrations.is_current(self.database)

    def verify_audit(self) -> ChainReport:
        with self.database.transaction() as session:
            return verify(session)

    def close(self) -> None:
        self.database.dispose()
