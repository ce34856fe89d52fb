"""Refusals that come from the care rules reach a Welsh reader in Welsh: the domain gives a
catalogue message, never its own English or a code. (The discharge guard's message, with its number
of days, is checked in Welsh in ``test_consent_privacy_pages.py``.)"""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient

from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World


def test_declining_a_part_twice_is_explained_in_english_and_welsh(
    web_world: World, client_factory: Callable[[], TestClient]
) -> None:
    """A second decline from a page opened before the first (say, another tab) is refused."""
    person = log_in(client_factory(), web_world, web_world["person"])
    url = f"/people/{web_world.person_id}/care-choices"
    data = {"csrf_token": csrf_from(person.get(url).text), "part": "daily_check_ins"}
    first = person.post(url + "/decline", data=data, follow_redirects=False)
    assert first.status_code == 303
    again = person.post(url + "/decline", data=data)
    page = html.unescape(again.text)
    assert again.status_code == 400
    assert "This part of care is already declined." in page
    assert "daily_check_ins is already declined" not in page  # no code shown
    person.cookies.set("wc_lang", "cy")
    welsh = person.post(url + "/decline", data=data)
    page = html.unescape(welsh.text)
    assert welsh.status_code == 400
    assert "Mae'r rhan hon o ofal eisoes wedi'i gwrthod." in page
    assert "already declined" not in page
