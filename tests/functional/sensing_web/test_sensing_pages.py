"""Smartphone sensing pages: the clinician's daily features with completeness and the plain note,
the person's own view, enrolment with clear 400s, and the researcher's pseudonymised download."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from withcare.domain.consent import DataStream, Purpose
from withcare.sensing.synthetic import StudyPlan, generate_study
from withcare.services.sensing import CONSENT_STREAMS
from withcare_testing.web import csrf_from, log_in
from withcare_testing.world import World

PLAN = StudyPlan(
    participants=1,
    days=3,
    seed=9,
    accel_hz=1.0,
    accel_on_s=30.0,
    accel_off_s=270.0,
    missing_day_rate=0.0,
    mess=False,
)


@pytest.fixture(scope="session")
def raw_one(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("sensing_web") / "raw"
    generate_study(raw, PLAN)
    return raw


def choose(
    client: TestClient,
    person_id: str,
    purpose: Purpose,
    action: str,
    streams: tuple[DataStream, ...] = CONSENT_STREAMS,
) -> None:
    """Consent choices through the consent page's own form handler."""
    page = client.get(f"/people/{person_id}/consent")
    assert page.status_code == 200
    token = csrf_from(page.text)
    for stream in streams:
        response = client.post(
            f"/people/{person_id}/consent",
            data={
                "csrf_token": token,
                "purpose": purpose.value,
                "stream": stream.value,
                "action": action,
            },
            follow_redirects=False,
        )
        assert response.status_code in (200, 303), response.text[:1000]


def enrol(client: TestClient, person_id: str, **fields: str) -> object:
    form = client.get(f"/people/{person_id}/sensing/enrol")
    assert form.status_code == 200
    data = {"participant_id": "p000a", "timezone": "Europe/London", "platform": "android"}
    data.update(fields)
    return client.post(
        f"/people/{person_id}/sensing/enrol",
        data={"csrf_token": csrf_from(form.text), **data},
        follow_redirects=False,
    )


def test_clinician_sees_features_with_completeness_and_the_plain_note(
    web_world: World, client_factory: Callable[[], TestClient], raw_one: Path
) -> None:
    pid = web_world.person_id
    person = log_in(client_factory(), web_world, web_world["person"])
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    # without consent: enrolment is refused with a clear message and status 400
    refused = enrol(clinician, pid)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "yes first" in refused.text  # type: ignore[attr-defined]
    choose(person, pid, Purpose.DIRECT_CARE, "grant")
    bad = enrol(clinician, pid, participant_id="a b/c", timezone="Nowhere/Town", platform="x")
    assert bad.status_code == 400  # type: ignore[attr-defined]
    for message in ("participant id", "time zone", "Choose Android"):
        assert message in bad.text  # type: ignore[attr-defined]
    assert 'aria-invalid="true"' in bad.text  # type: ignore[attr-defined]
    done = enrol(clinician, pid)
    assert done.status_code == 303  # type: ignore[attr-defined]
    web_world.platform.sensing.process(None, raw_one, "beiwe")

    page = clinician.get(f"/people/{pid}/sensing")
    assert page.status_code == 200
    text = page.text
    assert "behavioural signals, not a diagnosis" in text
    assert "<svg" in text and "<script" not in text and "style=" not in text
    assert "Location data complete" in text and "%" in text
    assert "Time at home" in text and "Steps" in text
    assert text.count("<tr>") >= PLAN.days
    record = clinician.get(f"/people/{pid}")
    assert f"/people/{pid}/sensing" in record.text

    # the person sees what is collected and a link to their consent page
    own = person.get(f"/people/{pid}/sensing")
    assert own.status_code == 200
    assert "What is collected from your phone" in own.text
    assert f'href="/people/{pid}/consent"' in own.text

    # withdrawing location alone hides the location features and says which data is hidden
    choose(person, pid, Purpose.DIRECT_CARE, "withdraw", CONSENT_STREAMS[:1])
    partial = clinician.get(f"/people/{pid}/sensing")
    assert "are not shown: Phone location (GPS)" in partial.text
    assert "Time at home (" not in partial.text and "Steps (" in partial.text

    # withdrawal: stored features stop being shown, and the page says so honestly
    choose(person, pid, Purpose.DIRECT_CARE, "withdraw", CONSENT_STREAMS[1:])
    after = clinician.get(f"/people/{pid}/sensing")
    assert after.status_code == 200
    assert "before consent was withdrawn" in after.text
    assert "Time at home (" not in after.text


def test_outsider_is_refused(web_world: World, client_factory: Callable[[], TestClient]) -> None:
    for key in ("outsider", "researcher", "clinician_b"):
        client = log_in(client_factory(), web_world, web_world[key])
        assert client.get(f"/people/{web_world.person_id}/sensing").status_code == 403
        assert client.get(f"/people/{web_world.person_id}/sensing/enrol").status_code == 403
    clinician = log_in(client_factory(), web_world, web_world["clinician"])
    assert clinician.get("/research/sensing").status_code == 403
    assert clinician.get("/research/sensing/features.csv").status_code == 403


def test_research_page_empty_state_then_pseudonymised_download(
    web_world: World, client_factory: Callable[[], TestClient], raw_one: Path
) -> None:
    researcher = log_in(client_factory(), web_world, web_world["researcher"])
    assert 'href="/research/sensing"' in researcher.get("/").text
    empty = researcher.get("/research/sensing")
    assert empty.status_code == 200
    assert "Nobody has consented" in empty.text and "features.csv" not in empty.text

    pid = web_world.person_id
    person = log_in(client_factory(), web_world, web_world["person"])
    choose(person, pid, Purpose.DIRECT_CARE, "grant")
    choose(person, pid, Purpose.RESEARCH, "grant")
    enrol(log_in(client_factory(), web_world, web_world["clinician"]), pid)
    web_world.platform.sensing.process(None, raw_one, "beiwe")

    page = researcher.get("/research/sensing")
    assert "Participants who consented" in page.text and "features.csv" in page.text
    download = researcher.get("/research/sensing/features.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == PLAN.days and rows[0]["pseudonym"].startswith("s-")
    for value in (pid, "Testy", "Synthetic", "1990-01-02", "p000a", DataStream.MOVEMENT.value):
        assert value not in download.text
