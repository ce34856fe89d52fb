"""FHIR R4 resources for measures: Questionnaire, QuestionnaireResponse, Observation, Bundle.

``fhir.resources`` 8 defaults to R5; its ``R4B`` subpackage is the R4-compatible one (R4B changed
none of the four resources used here in ways that matter), so every builder validates against R4B
models. Builders take plain data (a pseudonymous subject reference string, datetimes, response
lists) and return validated resources; nothing here stores or sends anything.

Answer codes: LOINC answer codes where the instrument has them (PHQ/GAD frequency scale); otherwise
a Withcare code system per instrument whose codes are slugs of the printed answer, so the same
printed answer always has the same code. The score an answer carries is matched per item, which is
what makes reverse-keyed items round-trip correctly.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from withcare.domain.measures.loader import INSTRUMENT_IDS, load_instrument
from withcare.domain.measures.model import NOT_APPLICABLE, Encoding, Instrument, Item
from withcare.domain.measures.scoring import ScoreResult, decode_responses, score

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
DEFAULT_BASE_URL = "https://withcare.invalid/fhir"
"""Placeholder canonical base; a deployment passes its own public FHIR base URL."""

_NOT_APPLICABLE_CODE = "not-applicable"

Response = int | str | None


class FhirInputError(ValueError):
    """A FHIR resource that cannot be read as an administration of a library instrument."""


@dataclass(frozen=True)
class Administration:
    """One completed questionnaire, as plain data, for export."""

    instrument_id: str
    responses: Sequence[object]
    authored: datetime
    encoding: Encoding | str = Encoding.ITEM_SCORE


@dataclass(frozen=True)
class ParsedResponse:
    """Item scores read back from a QuestionnaireResponse (``None`` = unanswered)."""

    instrument_id: str
    responses: list[Response]
    subject: str | None
    authored: datetime | None


def fhir_id(instrument_id: str) -> str:
    """FHIR ids allow letters, digits, '-' and '.': ``audit_c`` becomes ``audit-c``."""
    return instrument_id.replace("_", "-")


def questionnaire_url(instrument_id: str, base_url: str = DEFAULT_BASE_URL) -> str:
    return f"{base_url}/Questionnaire/{fhir_id(instrument_id)}"


def _code_system(instrument: Instrument, base_url: str, part: str) -> str:
    return f"{base_url}/CodeSystem/{fhir_id(instrument.id)}-{part}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _answer_coding(
    instrument: Instrument, item: Item, position: int, base_url: str
) -> dict[str, Any]:
    option = item.options[position]
    if option.loinc_answer:
        return {"system": LOINC, "code": option.loinc_answer, "display": option.label}
    return {
        "system": _code_system(instrument, base_url, "answers"),
        "code": _slug(option.label),
        "display": option.label,
    }


def _not_applicable_coding(instrument: Instrument, base_url: str) -> dict[str, Any]:
    return {
        "system": _code_system(instrument, base_url, "answers"),
        "code": _NOT_APPLICABLE_CODE,
        "display": "Not applicable",
    }


def questionnaire(instrument_id: str, base_url: str = DEFAULT_BASE_URL) -> Questionnaire:
    """The instrument as a FHIR Questionnaire, with item scores as ordinal values."""
    instrument = load_instrument(instrument_id)
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        options: list[dict[str, Any]] = [
            {
                "valueCoding": {
                    **_answer_coding(instrument, item, position, base_url),
                    "extension": [{"url": ORDINAL_VALUE, "valueDecimal": option.score}],
                }
            }
            for position, option in enumerate(item.options)
        ]
        if item.allow_not_applicable:
            options.append({"valueCoding": _not_applicable_coding(instrument, base_url)})
        entry: dict[str, Any] = {
            "linkId": item.link_id,
            "prefix": str(item.number),
            "text": item.text,
            "type": "choice",
            "answerOption": options,
        }
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        items.append(entry)
    data: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": fhir_id(instrument.id),
        "url": questionnaire_url(instrument.id, base_url),
        "name": instrument.id.upper(),
        "title": f"{instrument.name} ({instrument.short_name})",
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.stem,
        "copyright": f"{instrument.licence.holder}. {instrument.licence.terms}",
        "item": items,
    }
    if instrument.loinc_panel:
        data["code"] = [
            {"system": LOINC, "code": instrument.loinc_panel, "display": instrument.name}
        ]
    return Questionnaire.model_validate(data)


def questionnaire_response(
    instrument_id: str,
    responses: Sequence[object],
    *,
    subject: str,
    authored: datetime,
    encoding: Encoding | str = Encoding.ITEM_SCORE,
    base_url: str = DEFAULT_BASE_URL,
    resource_id: str | None = None,
) -> QuestionnaireResponse:
    """An administration as a completed QuestionnaireResponse; unanswered items are left out.

    Responses must be valid for the instrument apart from missing items; anything else is a
    :class:`FhirInputError`, because an export must not carry values the instrument does not allow.
    """
    decoded = decode_responses(instrument_id, responses, encoding)
    if decoded.errors:
        raise FhirInputError("; ".join(decoded.errors))
    instrument = decoded.instrument
    items: list[dict[str, Any]] = []
    for item, not_applicable, item_score in zip(
        instrument.items, decoded.not_applicable, decoded.scores, strict=True
    ):
        if not_applicable:
            coding = _not_applicable_coding(instrument, base_url)
        elif item_score is None:
            continue
        else:
            position = next(i for i, o in enumerate(item.options) if o.score == item_score)
            coding = _answer_coding(instrument, item, position, base_url)
        items.append(
            {"linkId": item.link_id, "text": item.text, "answer": [{"valueCoding": coding}]}
        )
    data: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(instrument.id, base_url),
        "status": "completed",
        "subject": {"reference": subject},
        "authored": authored.isoformat(),
        "item": items,
    }
    if resource_id:
        data["id"] = resource_id
    return QuestionnaireResponse.model_validate(data)


def parse_questionnaire_response(
    resource: QuestionnaireResponse | Mapping[str, Any],
) -> ParsedResponse:
    """Read item scores back from a QuestionnaireResponse for one of the library's instruments.

    Answers may be a ``valueCoding`` matching one of the item's options (LOINC or Withcare codes) or
    a ``valueInteger`` item score. Unknown questionnaires, items or answers are a
    :class:`FhirInputError`; range checks are left to the scorer.
    """
    try:
        model = (
            resource
            if isinstance(resource, QuestionnaireResponse)
            else QuestionnaireResponse.model_validate(dict(resource))
        )
    except ValueError as error:
        raise FhirInputError(f"not a valid QuestionnaireResponse: {error}") from error
    canonical = str(model.questionnaire or "")
    key = canonical.split("|")[0].rstrip("/").rsplit("/", 1)[-1].replace("-", "_")
    if key not in INSTRUMENT_IDS:
        raise FhirInputError(
            f"questionnaire {canonical!r} is not one of: {', '.join(INSTRUMENT_IDS)}"
        )
    instrument = load_instrument(key)
    responses: list[Response] = [None] * instrument.item_count
    by_link = {item.link_id: item for item in instrument.items}
    for entry in model.item or []:
        item = by_link.get(str(entry.linkId))
        if item is None:
            raise FhirInputError(f"{instrument.short_name} has no item {entry.linkId!r}")
        answers = entry.answer or []
        if not answers:
            continue
        if len(answers) > 1:
            raise FhirInputError(f"{item.link_id}: more than one answer")
        responses[item.number - 1] = _answer_value(instrument, item, answers[0])
    subject = model.subject.reference if model.subject is not None else None
    authored = model.authored if isinstance(model.authored, datetime) else None
    return ParsedResponse(instrument.id, responses, subject, authored)


def _answer_value(instrument: Instrument, item: Item, answer: Any) -> Response:
    if answer.valueInteger is not None:
        return int(answer.valueInteger)
    coding = answer.valueCoding
    if coding is None:
        raise FhirInputError(f"{item.link_id}: answer must be valueCoding or valueInteger")
    if item.allow_not_applicable and coding.code == _NOT_APPLICABLE_CODE:
        return NOT_APPLICABLE
    for option in item.options:
        if coding.code in (option.loinc_answer, _slug(option.label)):
            return option.score
    raise FhirInputError(f"{item.link_id}: answer code {coding.code!r} is not one of the item's")


def score_observation(
    result: ScoreResult,
    *,
    subject: str,
    effective: datetime,
    derived_from: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    resource_id: str | None = None,
) -> Observation:
    """A valid score as an Observation.

    The code is the LOINC total code where one exists; severity is the interpretation; subscales,
    derived values and the risk flag are components.
    """
    if not result.valid:
        raise FhirInputError("an invalid administration has no score to export")
    instrument = load_instrument(result.instrument)
    local = _code_system(instrument, base_url, "scores")
    coding = [{"system": local, "code": "total", "display": f"{instrument.short_name} total score"}]
    if instrument.loinc_total:
        coding.insert(
            0,
            {
                "system": LOINC,
                "code": instrument.loinc_total,
                "display": f"{instrument.short_name} total score",
            },
        )
    data: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": coding, "text": f"{instrument.short_name} total score"},
        "subject": {"reference": subject},
        "effectiveDateTime": effective.isoformat(),
    }
    data.update(_value("value", result.total))
    if result.severity is not None:
        data["interpretation"] = [
            {
                "coding": [
                    {
                        "system": _code_system(instrument, base_url, "severity"),
                        "code": result.severity,
                    }
                ],
                "text": result.severity,
            }
        ]
        if result.total is None:
            data["valueCodeableConcept"] = data["interpretation"][0]
    components = [
        {
            "code": {"coding": [{"system": local, "code": "risk_flag"}]},
            **_value("value", result.risk_flag),
        }
    ]
    for name, value in {**result.subscales, **result.extras}.items():
        if value is not None:
            components.append(
                {"code": {"coding": [{"system": local, "code": name}]}, **_value("value", value)}
            )
    data["component"] = components
    if derived_from:
        data["derivedFrom"] = [{"reference": derived_from}]
    if resource_id:
        data["id"] = resource_id
    return Observation.model_validate(data)


def _value(prefix: str, value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, bool):
        return {f"{prefix}Boolean": value}
    if isinstance(value, int):
        return {f"{prefix}Integer": value}
    if isinstance(value, float):
        return {
            f"{prefix}Quantity": {
                "value": value,
                "unit": "{score}",
                "system": UCUM,
                "code": "{score}",
            }
        }
    raise TypeError(f"cannot export {value!r}")


def measures_bundle(
    subject: str,
    administrations: Sequence[Administration],
    base_url: str = DEFAULT_BASE_URL,
) -> Bundle:
    """A person's measures as a collection Bundle: each QuestionnaireResponse and, when the
    administration is valid, its score Observation derived from it.

    Entry ids are name-based UUIDs, so exporting the same data twice gives the same Bundle.
    """
    entries: list[dict[str, Any]] = []
    for index, administration in enumerate(administrations):
        authored = administration.authored.isoformat()
        seed = f"{subject}|{administration.instrument_id}|{authored}|{index}"
        response_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed + '|response')}"
        response = questionnaire_response(
            administration.instrument_id,
            administration.responses,
            subject=subject,
            authored=administration.authored,
            encoding=administration.encoding,
            base_url=base_url,
        )
        entries.append({"fullUrl": response_url, "resource": response})
        result = score(
            administration.instrument_id, administration.responses, administration.encoding
        )
        if result.valid:
            observation = score_observation(
                result,
                subject=subject,
                effective=administration.authored,
                derived_from=response_url,
                base_url=base_url,
            )
            observation_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed + '|score')}"
            entries.append({"fullUrl": observation_url, "resource": observation})
    return Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})
