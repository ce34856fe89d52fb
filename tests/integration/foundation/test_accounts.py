"""Log-in: lockout after repeated failures, second factor, sessions that end."""

from __future__ import annotations

from datetime import timedelta

import pytest

from withcare.clock import ControllableClock
from withcare.domain.roles import Role
from withcare.services.errors import InvalidInput, LoginFailed
from withcare_testing.world import PASSWORD, World


def test_person_in_care_logs_in_with_a_password_only(world: World) -> None:
    result = world.platform.accounts.authenticate(world["person"].email, PASSWORD)
    assert not result.needs_second_factor
    info = world.platform.accounts.resolve_session(result.token)
    assert info is not None and info.complete and info.actor.person_id == world.person_id


def test_staff_session_does_nothing_until_the_second_factor(world: World) -> None:
    accounts = world.platform.accounts
    result = accounts.authenticate(world["clinician"].email, PASSWORD)
    assert result.needs_second_factor
    info = accounts.resolve_session(result.token)
    assert info is not None and not info.complete
    with pytest.raises(LoginFailed):
        accounts.complete_second_factor(result.token, "000000")
    accounts.complete_second_factor(result.token, world["clinician"].code(world.platform))
    info = accounts.resolve_session(result.token)
    assert info is not None and info.complete


def test_repeated_failures_lock_the_account_then_it_unlocks(
    world: World, clock: ControllableClock
) -> None:
    accounts = world.platform.accounts
    email = world["person"].email
    for _ in range(world.platform.settings.max_failed_logins):
        with pytest.raises(LoginFailed, match="do not match"):
            accounts.authenticate(email, "wrong password!!")
    with pytest.raises(LoginFailed, match="locked"):
        accounts.authenticate(email, PASSWORD)  # even the right password
    clock.advance(timedelta(minutes=world.platform.settings.lockout_minutes + 1))
    assert accounts.authenticate(email, PASSWORD).token


def test_unknown_accounts_get_the_same_message(world: World) -> None:
    with pytest.raises(LoginFailed) as unknown:
        world.platform.accounts.authenticate("nobody@test.withcare.test", PASSWORD)
    with pytest.raises(LoginFailed) as wrong:
        world.platform.accounts.authenticate(world["person"].email, "not the password")
    assert unknown.value.message == wrong.value.message


def test_sessions_expire_and_end_at_logout(world: World, clock: ControllableClock) -> None:
    accounts = world.platform.accounts
    token = accounts.authenticate(world["person"].email, PASSWORD).token
    accounts.logout(token)
    assert accounts.resolve_session(token) is None
    token = accounts.authenticate(world["person"].email, PASSWORD).token
    clock.advance(timedelta(hours=world.platform.settings.session_hours, seconds=1))
    assert accounts.resolve_session(token) is None


def test_duplicate_and_invalid_accounts_are_refused_with_reasons(world: World) -> None:
    with pytest.raises(InvalidInput) as error, world.platform.unit_of_work(None) as uow:
        world.platform.accounts.create_user(
            uow,
            email=world["person"].email.upper(),
            display_name="",
            role=Role.CARER,
            password="short",
        )
    assert set(error.value.problems) == {"display_name", "password"} or set(
        error.value.problems
    ) == {"email", "display_name", "password"}
    with pytest.raises(InvalidInput) as duplicate, world.platform.unit_of_work(None) as uow:
        world.platform.accounts.create_user(
            uow,
            email=world["person"].email.upper(),
            display_name="Someone",
            role=Role.CARER,
            password="long enough password",
        )
    assert "already exists" in duplicate.value.problems["email"]
