"""Free text a person writes is read for risk: it opens work for a human and shows crisis support."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from withcare.db.models import EscalationRow
from withcare_testing.safety import add_safety_staff
from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World

Client = Callable[[], TestClient]


def escalations_for(world: World, person_id: str) -> int:
    with world.platform.database.transaction() as session:
        return len(
            list(
                session.execute(
                    select(EscalationRow.id).where(EscalationRow.person_id == person_id)
                ).scalars()
            )
        )


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ("My date of birth is wrong. Honestly I want to end my life.", True),
        ("My date of birth is wrong: it should be 2 January 1990.", False),
        ("The address is wrong, this commute is killing me though.", False),
    ],
)
def test_a_correction_request_is_read_for_risk(
    web_world: World, client_factory: Client, text: str, risky: bool
) -> None:
    world = add_safety_staff(web_world)
    person = log_in(client_factory(), world, world["person"])
    token = csrf_from(person.get(f"/people/{world.person_id}/my-data").text)
    before = escalations_for(world, world.person_id)
    response = person.post(
        f"/people/{world.person_id}/corrections",
        data={"csrf_token": token, "text": text},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (response.headers["location"] == "/crisis") is risky
    assert escalations_for(world, world.person_id) == before + (1 if risky else 0)
