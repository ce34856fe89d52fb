"""`withcare sensing ingest-platform`: consent-gated processing into the platform from the shell."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from withcare.cli import app
from withcare.domain.consent import Purpose
from withcare.services.sensing import CONSENT_STREAMS
from withcare_testing.world import World

from .test_sensing_service import actor, participants


def test_ingest_platform_processes_enrolled_people_and_prints_a_summary(
    web_world: World, raw_export: Path
) -> None:
    platform = web_world.platform
    for stream in CONSENT_STREAMS:
        platform.consent.decide(
            actor(web_world, "person"), web_world.person_id, Purpose.DIRECT_CARE, stream, "grant"
        )
    platform.sensing.enrol(
        actor(web_world, "clinician"), web_world.person_id, participants(raw_export)[0]
    )
    settings = platform.settings
    common = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["sensing", "ingest-platform", "--input", str(raw_export), "--format", "beiwe", *common],
    )
    assert result.exit_code == 0, result.output
    assert "People processed" in result.output and "Participant-days" in result.output
    assert "Days stored" in result.output
    view = platform.sensing.person_view(actor(web_world, "clinician"), web_world.person_id)
    assert view.days

    bad = runner.invoke(
        app, ["sensing", "ingest-platform", "--input", str(raw_export), "--format", "csv", *common]
    )
    assert bad.exit_code == 2 and "unknown format" in bad.output
    missing = runner.invoke(
        app, ["sensing", "ingest-platform", "--input", "/no/such/folder", *common]
    )
    assert missing.exit_code == 2 and "no folder" in missing.output
