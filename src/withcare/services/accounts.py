"""Accounts and log-in: passwords, lockout after repeated failures, second factor, sessions.

Log-in is a two-step dance for staff: a correct password opens a session that can do nothing but
complete the second factor (or enrol one); only then does the session act as the user.

A one-time code works once (RFC 6238 section 5.2): the time step of the last accepted code is kept
on the user (``totp_last_step``) and only a later step is accepted. The step is claimed with one
conditional UPDATE, so two log-ins racing with the same code cannot both succeed, on SQLite or
PostgreSQL. A spent code gets exactly the answer a wrong code gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select, update

from withcare.db.models import LoginSession, User
from withcare.domain.roles import Role
from withcare.security import passwords, totp
from withcare.security.authorisation import Actor
from withcare.security.tokens import new_token, token_hash
from withcare.services.errors import N_, InvalidInput, LoginFailed, NotFound
from withcare.services.unit_of_work import UnitOfWork, actor_for
from withcare.services.validation import clean_email, clean_name

if TYPE_CHECKING:
    from withcare.services.platform import Platform

LOGIN_FAILED = N_("That e-mail address and password do not match. Check them and try again.")
WRONG_CODE = N_("That code is not right. Enter the 6-digit code your authenticator app shows now.")


@dataclass(frozen=True)
class LoginResult:
    token: str
    needs_second_factor: bool
    needs_enrolment: bool


@dataclass(frozen=True)
class SessionInfo:
    actor: Actor
    second_factor_done: bool
    needs_enrolment: bool
    email: str
    preferred_language: str

    @property
    def complete(self) -> bool:
        return self.second_factor_done


@dataclass(frozen=True)
class DemoCode:
    code: str
    valid_from: datetime | None  # None: it works now


@dataclass(frozen=True)
class NewUser:
    user_id: str
    email: str
    totp_secret: str | None


class AccountService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    # -- creating accounts -------------------------------------------------------------------
    def create_user(
        self,
        uow: UnitOfWork,
        *,
        email: str,
        display_name: str,
        role: Role,
        password: str,
        person_id: str | None = None,
        service_id: str | None = None,
        enrol_totp: bool = False,
        is_demo: bool = False,
        preferred_language: str = "en",
    ) -> NewUser:
        """Create an account inside ``uow`` (callers authorise; the CLI runs as the system)."""
        problems: dict[str, str] = {}
        params: dict[str, object] = {}
        try:
            email = clean_email(email)
        except InvalidInput as error:
            problems["email"] = error.msgid
            params.update(error.params)
        try:
            display_name = clean_name(display_name)
        except InvalidInput as error:
            problems["display_name"] = error.msgid
            params.update(error.params)
        try:
            password_hash = passwords.hash_password(password)
        except passwords.WeakPassword as weak:
            problems["password"] = weak.msgid
            params.update(weak.params)
        if not problems:
            existing = uow.session.execute(
                select(User.id).where(func.lower(User.email) == email)
            ).scalar_one_or_none()
            if existing:
                problems["email"] = N_("An account with this e-mail address already exists.")
        if problems:
            raise InvalidInput(N_("The account could not be created."), problems, params=params)
        secret = totp.new_secret() if enrol_totp else None
        user = User(
            email=email,
            display_name=display_name,
            role=str(role),
            password_hash=password_hash,
            totp_secret=secret,
            person_id=person_id,
            service_id=service_id,
            is_demo=is_demo,
            preferred_language=preferred_language,
            created_at=uow.clock.now(),
        )
        uow.session.add(user)
        uow.session.flush()
        uow.audit.record(
            uow.actor,
            "account.create",
            subject_type="user",
            subject_id=user.id,
            person_id=person_id,
            reason="administration",
            details={"role": str(role)},
        )
        return NewUser(user.id, email, secret)

    # -- log-in --------------------------------------------------------------------------------
    def authenticate(self, email: str, password: str) -> LoginResult:
        settings = self._platform.settings
        with self._platform.unit_of_work(None) as uow:
            now = uow.clock.now()
            user = uow.session.execute(
                select(User).where(func.lower(User.email) == email.strip().lower())
            ).scalar_one_or_none()
            if user is not None and user.locked_until is not None and user.locked_until > now:
                minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
                raise LoginFailed(
                    N_(
                        "Too many attempts to log in to this account. For your safety it is "
                        "locked for %(minutes)d more minute(s). If you need help now, use the "
                        "crisis contacts."
                    ),
                    params={"minutes": minutes},
                )
            ok = passwords.verify_password(user.password_hash if user else None, password)
            if user is None or not ok or not user.is_active:
                if user is not None:
                    self._count_failure(uow, user)
                failed = True
            else:
                failed = False
                staff = Role(user.role).is_staff
                if not staff:
                    # staff are not in until the second factor: a right password must not wipe
                    # the count of wrong codes, or the lock-out could be dodged by logging in again
                    user.failed_logins = 0
                user.locked_until = None
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(password)
                token = new_token()
                uow.session.add(
                    LoginSession(
                        token_hash=token_hash(token),
                        user_id=user.id,
                        second_factor_done=not staff,
                        created_at=now,
                        expires_at=now + timedelta(hours=settings.session_hours),
                    )
                )
                if not staff:
                    user.last_login_at = now
                uow.audit.record(
                    None,
                    "session.password_ok",
                    subject_type="user",
                    subject_id=user.id,
                    reason="security",
                )
                result = LoginResult(
                    token=token,
                    needs_second_factor=staff,
                    needs_enrolment=staff and user.totp_secret is None,
                )
        if failed:
            raise LoginFailed(LOGIN_FAILED)
        return result

    def _session_and_user(self, uow: UnitOfWork, token: str) -> tuple[LoginSession, User] | None:
        row = uow.session.get(LoginSession, token_hash(token))
        if row is None or row.ended_at is not None or row.expires_at <= uow.clock.now():
            return None
        user = uow.session.get(User, row.user_id)
        if user is None or not user.is_active:
            return None
        return row, user

    def _live_session(self, uow: UnitOfWork, token: str) -> tuple[LoginSession, User]:
        found = self._session_and_user(uow, token)
        if found is None:
            raise LoginFailed(N_("Your log-in has expired. Please log in again."))
        return found

    def _count_failure(self, uow: UnitOfWork, user: User) -> bool:
        """Count a failed password or code; lock the account at the limit. True if now locked."""
        settings = self._platform.settings
        user.failed_logins += 1
        if user.failed_logins < settings.max_failed_logins:
            return False
        user.locked_until = uow.clock.now() + timedelta(minutes=settings.lockout_minutes)
        user.failed_logins = 0
        uow.audit.record(
            None, "account.locked", subject_type="user", subject_id=user.id, reason="security"
        )
        return True

    def resolve_session(self, token: str | None) -> SessionInfo | None:
        """The session behind a cookie, or None when it is unknown, ended or expired."""
        if not token:
            return None
        with self._platform.unit_of_work(None) as uow:
            found = self._session_and_user(uow, token)
            if found is None:
                return None
            row, user = found
            return SessionInfo(
                actor=actor_for(uow.session, user),
                second_factor_done=row.second_factor_done,
                needs_enrolment=user.totp_secret is None,
                email=user.email,
                preferred_language=user.preferred_language,
            )

    def complete_second_factor(self, token: str, code: str) -> None:
        with self._platform.unit_of_work(None) as uow:
            row, user = self._live_session(uow, token)
            if user.totp_secret is None:
                raise LoginFailed(N_("Set up your authenticator app first."))
            step = totp.matched_step(
                user.totp_secret, code, uow.clock.now(), after=user.totp_last_step
            )
            if step is None or not self._claim_step(uow, user, step):
                # wrong, or right but already used: the same answer and the same count
                if self._count_failure(uow, user):
                    row.ended_at = uow.clock.now()
                failed = True
            else:
                failed = False
                user.failed_logins = 0
                row.second_factor_done = True
                user.last_login_at = uow.clock.now()
                uow.audit.record(
                    None,
                    "session.second_factor_ok",
                    subject_type="user",
                    subject_id=user.id,
                    reason="security",
                )
        if failed:
            raise LoginFailed(WRONG_CODE)

    def _claim_step(self, uow: UnitOfWork, user: User, step: int) -> bool:
        """Record ``step`` as the user's last accepted one only if it is later than the one stored.

        One conditional UPDATE, not read-then-write: of two transactions claiming the same step,
        the second waits for the first's row lock (PostgreSQL) or write lock (SQLite's BEGIN
        IMMEDIATE) and then matches no row. False means the code was already used.
        """
        result = uow.session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        uow.session.expire(user, ["totp_last_step"])
        return getattr(result, "rowcount", 0) == 1

    def begin_enrolment(self, token: str) -> str:
        """A new secret for a staff member who has none yet (shown once, confirmed by a code)."""
        with self._platform.unit_of_work(None) as uow:
            _row, user = self._live_session(uow, token)
            if user.totp_secret is not None:
                raise InvalidInput(N_("An authenticator app is already set up for this account."))
            return totp.new_secret()

    def confirm_enrolment(self, token: str, secret: str, code: str) -> None:
        with self._platform.unit_of_work(None) as uow:
            row, user = self._live_session(uow, token)
            if user.totp_secret is not None:
                raise InvalidInput(N_("An authenticator app is already set up for this account."))
            step = totp.matched_step(secret, code, uow.clock.now(), after=user.totp_last_step)
            if step is None or not self._claim_step(uow, user, step):
                raise InvalidInput(
                    N_("That code is not right."),
                    {"code": N_("Enter the 6-digit code your app shows for the key above.")},
                )
            user.totp_secret = secret
            row.second_factor_done = True
            uow.audit.record(
                None,
                "account.totp_enrolled",
                subject_type="user",
                subject_id=user.id,
                reason="security",
            )

    def logout(self, token: str | None) -> None:
        if not token:
            return
        with self._platform.unit_of_work(None) as uow:
            row = uow.session.get(LoginSession, token_hash(token))
            if row is not None and row.ended_at is None:
                row.ended_at = uow.clock.now()

    def set_language(self, actor: Actor, language: str) -> None:
        with self._platform.unit_of_work(actor) as uow:
            user = uow.session.get(User, actor.user_id)
            if user is None:
                raise NotFound(N_("Account not found."))
            user.preferred_language = language

    def demo_totp_code(self, email: str) -> DemoCode:
        """A code that will work for a *demo* account, so the demo can be tried without a phone.

        Codes work once: when this step's code has been used, the next unused step's code is
        given instead (the drift window accepts the next step's code already; a later one says
        from when it works).
        """
        with self._platform.unit_of_work(None) as uow:
            user = uow.session.execute(
                select(User).where(func.lower(User.email) == email.strip().lower())
            ).scalar_one_or_none()
            if user is None or not user.is_demo or user.totp_secret is None:
                raise NotFound(N_("No demo account with a second factor has that e-mail address."))
            current = totp.step_at(uow.clock.now())
            step = current if user.totp_last_step is None else max(current, user.totp_last_step + 1)
            later = step > current + totp.DRIFT_STEPS
            valid_from = totp.step_start(step - totp.DRIFT_STEPS) if later else None
            return DemoCode(totp.code_for_step(user.totp_secret, step), valid_from)
