"""One-time codes work once (RFC 6238 section 5.2), at log-in and at enrolment, on both databases."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from withcare.clock import ControllableClock
from withcare.db.models import User
from withcare.domain.roles import Role
from withcare.security import totp
from withcare.services.errors import InvalidInput, LoginFailed
from withcare.services.platform import Platform
from withcare_testing.world import PASSWORD, World, fresh_code


def _wrong_code_message(platform: Platform, email: str) -> str:
    token = platform.accounts.authenticate(email, PASSWORD).token
    with pytest.raises(LoginFailed) as wrong:
        platform.accounts.complete_second_factor(token, "000000")
    return wrong.value.message


def _failed_logins(platform: Platform, user_id: str) -> int:
    with platform.unit_of_work(None) as uow:
        user = uow.session.get(User, user_id)
        assert user is not None
        return user.failed_logins


def test_a_used_code_is_refused_like_a_wrong_one_and_counts_as_a_failure(
    world: World, clock: ControllableClock
) -> None:
    accounts, clinician = world.platform.accounts, world["clinician"]
    assert clinician.totp_secret
    step = totp.step_at(clock.now())
    code = totp.code_for_step(clinician.totp_secret, step)
    first = accounts.authenticate(clinician.email, PASSWORD).token
    accounts.complete_second_factor(first, code)

    wrong_message = _wrong_code_message(world.platform, clinician.email)  # 1 failure
    second = accounts.authenticate(clinician.email, PASSWORD).token  # does not reset the count
    with pytest.raises(LoginFailed) as replayed:
        accounts.complete_second_factor(second, code)
    assert replayed.value.message == wrong_message
    assert _failed_logins(world.platform, clinician.user_id) == 2
    info = accounts.resolve_session(second)
    assert info is not None and not info.complete
    # still spent when the step is over (the drift window would otherwise take it back)
    clock.advance(timedelta(seconds=totp.STEP_SECONDS))
    with pytest.raises(LoginFailed):
        accounts.complete_second_factor(second, code)
    assert _failed_logins(world.platform, clinician.user_id) == 3

    # the next step's code works, once
    following = totp.code_for_step(clinician.totp_secret, step + 1)
    accounts.complete_second_factor(second, following)
    info = accounts.resolve_session(second)
    assert info is not None and info.complete
    assert _failed_logins(world.platform, clinician.user_id) == 0
    third = accounts.authenticate(clinician.email, PASSWORD).token
    with pytest.raises(LoginFailed):
        accounts.complete_second_factor(third, following)


def test_replaying_a_code_locks_the_account_like_wrong_codes_do(world: World) -> None:
    accounts, clinician = world.platform.accounts, world["clinician"]
    code = clinician.code(world.platform)
    accounts.complete_second_factor(accounts.authenticate(clinician.email, PASSWORD).token, code)
    token = accounts.authenticate(clinician.email, PASSWORD).token
    for _ in range(world.platform.settings.max_failed_logins):
        with pytest.raises(LoginFailed, match="not right"):
            accounts.complete_second_factor(token, code)
    assert accounts.resolve_session(token) is None  # the session ended at the lock
    with pytest.raises(LoginFailed, match="locked"):
        accounts.authenticate(clinician.email, PASSWORD)


def _staff_without_a_factor(platform: Platform) -> tuple[str, str]:
    with platform.unit_of_work(None) as uow:
        new = platform.accounts.create_user(
            uow,
            email="new.clinician@test.withcare.test",
            display_name="New Clinician",
            role=Role.CLINICIAN,
            password=PASSWORD,
        )
    return new.user_id, new.email


def test_the_enrolment_code_cannot_be_replayed(world: World, clock: ControllableClock) -> None:
    platform, accounts = world.platform, world.platform.accounts
    user_id, email = _staff_without_a_factor(platform)
    first = accounts.authenticate(email, PASSWORD)
    assert first.needs_enrolment
    secret = accounts.begin_enrolment(first.token)
    step = totp.step_at(clock.now())
    code = totp.code_for_step(secret, step)
    accounts.confirm_enrolment(first.token, secret, code)

    # someone who watched the enrolment cannot log in with the code they saw
    wrong_message = _wrong_code_message(platform, email)
    second = accounts.authenticate(email, PASSWORD).token
    with pytest.raises(LoginFailed) as replayed:
        accounts.complete_second_factor(second, code)
    assert replayed.value.message == wrong_message
    accounts.complete_second_factor(second, totp.code_for_step(secret, step + 1))

    # the factor is reset (as erasure does) and set up again in the same minute: an app's code
    # for a step already used is refused exactly like a wrong code, and a later one is accepted
    with platform.unit_of_work(None) as uow:
        uow.session.execute(update(User).where(User.id == user_id).values(totp_secret=None))
    third = accounts.authenticate(email, PASSWORD).token
    again = accounts.begin_enrolment(third)
    with pytest.raises(InvalidInput) as wrong:
        accounts.confirm_enrolment(third, again, "000000")
    with pytest.raises(InvalidInput) as spent:
        accounts.confirm_enrolment(third, again, totp.code_for_step(again, step))
    assert (spent.value.message, spent.value.problems) == (
        wrong.value.message,
        wrong.value.problems,
    )
    accounts.confirm_enrolment(third, again, fresh_code(platform, user_id, again))
    assert clock.now() >= totp.step_start(step + 1)  # the helper had to wait for a fresh step


def _race(platform: Platform, tokens: list[str], code: str) -> list[str]:
    """Complete the second factor of every session at once with ``code``: each one's outcome.

    On PostgreSQL both transactions are made to read the user before either claims the step, so
    only the conditional UPDATE stands between them. SQLite's BEGIN IMMEDIATE runs them one after
    the other (the second reads the first's step), so there is nothing to line up there.
    """
    engine = platform.database.engine
    on_postgresql = platform.database.dialect == "postgresql"
    all_read = threading.Barrier(len(tokens))
    outcomes: list[str] = []

    def line_up(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE USERS SET TOTP_LAST_STEP"):
            all_read.wait(timeout=10)

    def attempt(token: str) -> None:
        try:
            platform.accounts.complete_second_factor(token, code)
            outcomes.append("in")
        except LoginFailed as refused:
            outcomes.append(refused.message)

    threads = [threading.Thread(target=attempt, args=(token,)) for token in tokens]
    if on_postgresql:
        event.listen(engine, "before_cursor_execute", line_up)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        if on_postgresql:
            event.remove(engine, "before_cursor_execute", line_up)
    return outcomes


def test_two_simultaneous_log_ins_with_one_code_let_one_in_at_most(
    world: World, clock: ControllableClock
) -> None:
    platform, accounts, clinician = world.platform, world.platform.accounts, world["clinician"]
    wrong_message = _wrong_code_message(platform, clinician.email)
    for _ in range(3):
        clock.advance(timedelta(seconds=totp.STEP_SECONDS))
        code = clinician.code(platform)
        tokens = [accounts.authenticate(clinician.email, PASSWORD).token for _ in range(2)]
        assert sorted(_race(platform, tokens, code)) == sorted(["in", wrong_message])
        done = [accounts.resolve_session(token) for token in tokens]
        assert sum(1 for info in done if info is not None and info.complete) == 1


def test_the_demo_code_command_gives_a_code_that_works(
    platform: Platform, clock: ControllableClock
) -> None:
    with platform.unit_of_work(None) as uow:
        new = platform.accounts.create_user(
            uow,
            email="demo.clinician@demo.withcare.test",
            display_name="Demo Clinician",
            role=Role.CLINICIAN,
            password=PASSWORD,
            enrol_totp=True,
            is_demo=True,
        )
    accounts = platform.accounts
    for expected_wait in (False, False, True):
        demo = accounts.demo_totp_code(new.email)
        if expected_wait:  # the current and the next step are both spent
            assert demo.valid_from is not None and demo.valid_from > clock.now()
            with pytest.raises(LoginFailed):
                accounts.complete_second_factor(
                    accounts.authenticate(new.email, PASSWORD).token, demo.code
                )
            clock.set(demo.valid_from)
        else:
            assert demo.valid_from is None
        token = accounts.authenticate(new.email, PASSWORD).token
        accounts.complete_second_factor(token, demo.code)
    clock.advance(timedelta(minutes=2))  # once the used steps are past, it is the current code
    demo = accounts.demo_totp_code(new.email)
    assert demo.valid_from is None and demo.code == totp.code_at(new.totp_secret or "", clock.now())


def test_logging_in_again_with_the_password_does_not_dodge_the_lock_on_wrong_codes(
    world: World,
) -> None:
    """Someone who knows a clinician's password cannot guess codes for ever by starting again."""
    accounts, clinician = world.platform.accounts, world["clinician"]
    for _ in range(world.platform.settings.max_failed_logins):
        token = accounts.authenticate(clinician.email, PASSWORD).token
        with pytest.raises(LoginFailed, match="not right"):
            accounts.complete_second_factor(token, "000000")
    with pytest.raises(LoginFailed, match="locked"):
        accounts.authenticate(clinician.email, PASSWORD)
