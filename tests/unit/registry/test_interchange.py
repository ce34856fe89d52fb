from __future__ import annotations

import json

from withcare.domain.registry.interchange import (
    Accepted,
    Rejected,
    bundle_to_json,
    import_csv,
    import_json,
    records_to_csv,
)
from withcare.domain.registry.seed import seed_bundle

KNOWN = {"organisations": ["org-pear"], "technologies": ["reset"]}


def test_csv_errors_are_reported_per_line_and_nothing_is_accepted() -> None:
    text = (
        "id,name,organisation_id,kind\n"
        "ok-1,Fine App,org-pear,app\n"
        "bad-1,,org-pear,app\n"
        "bad-2,Robot,org-pear,robot\n"
    )
    result = import_csv(text, "technologies", KNOWN)
    assert isinstance(result, Rejected)
    lines = {p.location for p in result.problems}
    assert lines == {"line 3", "line 4"}
    assert any("name" in p.reason for p in result.problems)


def test_csv_reference_and_duplicate_checks() -> None:
    text = "id,name,organisation_id,kind\nreset,Again,org-pear,app\nnew-1,New,org-nobody,app\n"
    result = import_csv(text, "technologies", KNOWN)
    assert isinstance(result, Rejected)
    reasons = {str(p) for p in result.problems}
    assert "line 2: duplicate id" in reasons
    assert any(r.startswith("line 3: organisation_id 'org-nobody'") for r in reasons)


def test_unknown_columns_are_refused_on_the_header_line() -> None:
    result = import_csv("id,name,colour\n", "organisations")
    assert isinstance(result, Rejected)
    assert result.problems[0].location == "line 1"


def test_fact_values_in_csv_are_read_by_their_catalogue_type() -> None:
    text = (
        "id,technology_id,key,value,provenance.supplied_by\n"
        "f1,reset,access.works_offline,yes,developer\n"
        "f2,reset,access.platforms,ios;android,developer\n"
        "f3,reset,clinical.efficacy_studies,2,developer\n"
    )
    result = import_csv(text, "facts", KNOWN)
    assert isinstance(result, Accepted)
    values = [f.value for f in result.bundle.facts]
    assert values == [True, ("ios", "android"), 2]


def test_bad_fact_value_is_rejected_with_its_line() -> None:
    text = (
        "id,technology_id,key,value,provenance.supplied_by\n"
        "f1,reset,access.cost_model,barter,developer\n"
    )
    result = import_csv(text, "facts", KNOWN)
    assert isinstance(result, Rejected)
    assert result.problems[0].location == "line 2"
    assert "one of" in result.problems[0].reason


def test_json_round_trip_of_the_seed() -> None:
    seed = seed_bundle()
    result = import_json(bundle_to_json(seed))
    assert isinstance(result, Accepted)
    assert result.bundle == seed


def test_json_errors_name_the_record() -> None:
    raw = json.loads(bundle_to_json(seed_bundle()))
    raw["regulatory_records"][0]["status"] = "approved-ish"
    raw["gadgets"] = []
    result = import_json(json.dumps(raw))
    assert isinstance(result, Rejected)
    locations = {p.location for p in result.problems}
    assert "gadgets" in locations
    assert any(loc.startswith("regulatory_records #1") for loc in locations)
    assert isinstance(import_json("{not json"), Rejected)


def test_csv_export_reimports_identically() -> None:
    seed = seed_bundle()
    known = {
        "organisations": [o.id for o in seed.organisations],
        "technologies": [t.id for t in seed.technologies],
    }
    for kind in ("intended_uses", "facts", "regulatory_records", "guidance_records", "studies"):
        result = import_csv(records_to_csv(seed, kind), kind, known)
        assert isinstance(result, Accepted), kind
        assert result.bundle.records(kind) == seed.records(kind)
