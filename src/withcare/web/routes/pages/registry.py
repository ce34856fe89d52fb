"""Registry pages: search, a plain-language page per technology, compare, reviews (P7, P8),
the evaluator's desk (facts, verification, overrides, self-assessment, moderation, import) and a
clinician recommending a technology to a person in their care."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from withcare.domain.registry.assessment import assessment_to_html, assessment_to_json
from withcare.domain.registry.bundle import RECORD_KINDS
from withcare.domain.registry.classification import ALLOWED_VALUES, Scheme
from withcare.domain.registry.facts import AnswerType, FactDefinition, fact_catalogue
from withcare.domain.registry.report_pdf import assessment_to_pdf
from withcare.domain.registry.search import MAX_COMPARED, Filters
from withcare.domain.registry.vocabulary import EvidenceLevel
from withcare.security.authorisation import Actor, Permission
from withcare.services.errors import InvalidInput
from withcare.services.pagination import PageRequest
from withcare.services.registry import MAX_IMPORT_BYTES, ImportRefused, SavedAssessment
from withcare.web import i18n
from withcare.web.forms import message_of, problems_from, problems_of
from withcare.web.guard import guard, platform_of
from withcare.web.registry_labels import registry_label
from withcare.web.templating import env, render

router = APIRouter(include_in_schema=False)
_ = i18n.gettext
env.filters["registry_label"] = registry_label

PageNumber = Annotated[int, Query(ge=1, le=100_000)]
Text = Annotated[str, Query(max_length=200)]
PER_PAGE = 10


def _filters(values: dict[str, str]) -> tuple[Filters, dict[str, str]]:
    """Read the search form; unknown choices are named, never silently ignored."""
    problems: dict[str, str] = {}
    offline: bool | None = None
    if values["offline"] in ("yes", "no"):
        offline = values["offline"] == "yes"
    elif values["offline"]:
        problems["offline"] = _("Choose yes, no or either for working offline.")
    evidence: EvidenceLevel | None = None
    if values["evidence"]:
        try:
            evidence = EvidenceLevel(values["evidence"])
        except ValueError:
            problems["evidence"] = _("Choose an evidence level from the list.")
    if values["regulation"] not in ("", "authorised", "nice"):
        problems["regulation"] = _("Choose a regulatory status from the list.")
    if values["privacy"] not in ("", "no_selling", "no_advertising"):
        problems["privacy"] = _("Choose a privacy practice from the list.")
    filters = Filters(
        text=values["q"].strip() or None,
        condition=values["condition"].strip() or None,
        cost_models=frozenset({values["cost"]}) if values["cost"] else None,
        platform=values["platform"] or None,
        language=values["language"] or None,
        works_offline=offline,
        accessibility_feature=values["accessibility"] or None,
        min_evidence=evidence,
        authorised_only=values["regulation"] == "authorised",
        nice_recommended_only=values["regulation"] == "nice",
        no_data_selling=values["privacy"] == "no_selling",
        no_advertising_sharing=values["privacy"] == "no_advertising",
    )
    return filters, problems


@router.get("/technologies")
async def technologies(
    request: Request,
    q: Text = "",
    condition: Text = "",
    cost: Text = "",
    platform: Text = "",
    language: Text = "",
    offline: Text = "",
    accessibility: Text = "",
    evidence: Text = "",
    regulation: Text = "",
    privacy: Text = "",
    page: PageNumber = 1,
    actor: Actor | None = guard(Permission.PUBLIC),
) -> Response:
    values = {
        "q": q,
        "condition": condition,
        "cost": cost,
        "platform": platform,
        "language": language,
        "offline": offline,
        "accessibility": accessibility,
        "evidence": evidence,
        "regulation": regulation,
        "privacy": privacy,
    }
    filters, problems = _filters(values)
    service = platform_of(request).registry
    if problems:
        results, options = None, service.options()
    else:  # one build of the registry's profiles for both the results and the filters' choices
        found = service.search_with_options(actor, filters, PageRequest(page, PER_PAGE))
        results, options = found.results, found.options
    pairs = {
        name: [(value, registry_label(value)) for value in getattr(options, name)]
        for name in ("cost_models", "platforms", "languages", "accessibility_features")
    }
    evidence_options = [(level.value, registry_label(level.value)) for level in EvidenceLevel][1:]
    if problems:
        return render(
            request,
            "registry_search.html",
            400,
            results=None,
            values=values,
            problems=problems,
            options=options,
            pairs=pairs,
            evidence_options=evidence_options,
            query="",
            filtered=True,
        )
    query = urlencode({k: v for k, v in values.items() if v})
    return render(
        request,
        "registry_search.html",
        results=results,
        values=values,
        problems={},
        options=options,
        pairs=pairs,
        evidence_options=evidence_options,
        query=query,
        filtered=any(values.values()),
    )


@router.get("/technologies/compare")
async def compare(
    request: Request,
    ids: Annotated[list[str] | None, Query()] = None,
    actor: Actor | None = guard(Permission.PUBLIC),
) -> Response:
    chosen = [part for value in ids or [] for part in value.split(",") if part.strip()][:20]
    service = platform_of(request).registry
    if ids is None:  # first visit: only the chooser
        return render(
            request,
            "registry_compare.html",
            comparison=None,
            problems={},
            choices=service.technology_choices(),
            chosen=[],
            max_compared=MAX_COMPARED,
        )
    try:
        comparison = service.compare(actor, chosen)
    except InvalidInput as error:
        problems = {"ids": message_of(error)}
        return render(
            request,
            "registry_compare.html",
            400,
            comparison=None,
            problems=problems,
            choices=service.technology_choices(),
            chosen=chosen,
            max_compared=MAX_COMPARED,
        )
    return render(
        request,
        "registry_compare.html",
        comparison=comparison,
        problems={},
        choices=service.technology_choices(),
        chosen=chosen,
        max_compared=MAX_COMPARED,
    )


def _technology_page(
    request: Request,
    actor: Actor | None,
    technology_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
    review: dict[str, str] | None = None,
) -> Response:
    page = platform_of(request).registry.technology(actor, technology_id)
    return render(
        request,
        "registry_technology.html",
        status,
        t=page,
        problems=problems or {},
        review=review or {"rating": "", "text": ""},
        sent=request.query_params.get("review") == "sent",
    )


@router.get("/technologies/{technology_id}")
async def technology(
    request: Request, technology_id: str, actor: Actor | None = guard(Permission.PUBLIC)
) -> Response:
    return _technology_page(request, actor, technology_id)


@router.post("/technologies/{technology_id}/reviews")
async def submit_review(
    request: Request,
    technology_id: str,
    rating: Annotated[str, Form(max_length=1000)] = "",
    text: Annotated[str, Form(max_length=100_000)] = "",
    actor: Actor | None = guard(Permission.AUTHENTICATED),
) -> Response:
    problems: dict[str, str] = {}
    stars: int | None = None
    if rating.strip():
        if rating.strip().isdigit():
            stars = int(rating.strip())
        else:
            problems["rating"] = _("Choose a rating from 1 to 5, or leave it out.")
    if not problems:
        try:
            platform_of(request).registry.submit_review(
                actor, technology_id, rating=stars, text=text
            )
            return RedirectResponse(f"/technologies/{technology_id}?review=sent", status_code=303)
        except InvalidInput as error:
            problems = problems_from(error)
    return _technology_page(
        request, actor, technology_id, 400, problems, {"rating": rating, "text": text}
    )


@router.post("/technologies/{technology_id}/feedback-responses")
async def respond_to_reviews(
    request: Request,
    technology_id: str,
    what_changed: Annotated[str, Form(max_length=100_000)] = "",
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> Response:
    form = await request.form()
    review_ids = [v for v in form.getlist("review_ids") if isinstance(v, str)][:200]
    try:
        platform_of(request).registry.respond_to_reviews(
            actor, technology_id, review_ids=review_ids, what_changed=what_changed
        )
    except InvalidInput as error:
        problems = problems_from(error)
        return _technology_page(request, actor, technology_id, 400, problems)
    return RedirectResponse(f"/technologies/{technology_id}#feedback", status_code=303)


# ---------------------------------------------------------------------------------------------
# evaluators: facts, verification and overrides


def _facts_page(
    request: Request,
    actor: Actor | None,
    technology_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    sheet = platform_of(request).registry.fact_sheet(actor, technology_id)
    return render(
        request,
        "registry_facts.html",
        status,
        sheet=sheet,
        problems=problems or {},
        values=values or {"scheme": "", "value": "", "reason": ""},
        schemes=list(Scheme),
        allowed=ALLOWED_VALUES,
        done=request.query_params.get("done", ""),
    )


@router.get("/technologies/{technology_id}/facts")
async def facts(
    request: Request, technology_id: str, actor: Actor | None = guard(Permission.REGISTRY_EVALUATE)
) -> Response:
    return _facts_page(request, actor, technology_id)


@router.post("/technologies/{technology_id}/facts/verify")
async def verify_fact(
    request: Request,
    technology_id: str,
    key: Annotated[str, Form(max_length=1000)] = "",
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> Response:
    try:
        platform_of(request).registry.verify_fact(actor, technology_id, key)
    except InvalidInput as error:
        problems = {"key": problems_of(error).get("key", message_of(error))}
        return _facts_page(request, actor, technology_id, 400, problems)
    return RedirectResponse(f"/technologies/{technology_id}/facts?done=verified", status_code=303)


@router.post("/technologies/{technology_id}/overrides")
async def override(
    request: Request,
    technology_id: str,
    scheme: Annotated[str, Form(max_length=1000)] = "",
    value: Annotated[str, Form(max_length=1000)] = "",
    reason: Annotated[str, Form(max_length=100_000)] = "",
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> Response:
    try:
        platform_of(request).registry.override(
            actor, technology_id, scheme=scheme, value=value, reason=reason
        )
    except InvalidInput as error:
        problems = problems_from(error)
        values = {"scheme": scheme, "value": value, "reason": reason}
        return _facts_page(request, actor, technology_id, 400, problems, values)
    return RedirectResponse(f"/technologies/{technology_id}/facts?done=overridden", status_code=303)


# ---------------------------------------------------------------------------------------------
# self-assessment wizard


def _groups() -> list[tuple[str, list[FactDefinition]]]:
    grouped: dict[str, list[FactDefinition]] = {}
    for definition in fact_catalogue().values():
        grouped.setdefault(definition.group, []).append(definition)
    return list(grouped.items())


def _shown(value: object) -> str | list[str]:
    """A stored answer as the wizard shows it in its field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def _answer(definition: FactDefinition, raw: list[str]) -> object | None:
    """Turn the form's text back into an answer; None when the question was left blank.

    Anything that does not convert is passed on as typed so the service names the problem.
    """
    values = [v.strip() for v in raw if v.strip()]
    if not values:
        return None
    kind = definition.answer_type
    if kind is AnswerType.CHOICES:
        if definition.options:
            return values
        return [item.strip() for item in ";".join(values).split(";") if item.strip()]
    text = values[0]
    if kind is AnswerType.BOOL:
        return {"yes": True, "no": False}.get(text, text)
    if kind is AnswerType.INT:
        return int(text) if text.isdigit() else text
    return text


def _assessment_page(
    request: Request,
    technology_id: str,
    saved: SavedAssessment,
    status: int = 200,
    problems: dict[str, str] | None = None,
    answers: dict[str, object] | None = None,
) -> Response:
    shown = {k: _shown(v) for k, v in (answers if answers is not None else saved.answers).items()}
    return render(
        request,
        "registry_assessment.html",
        status,
        technology_id=technology_id,
        saved=saved,
        a=saved.assessment,
        groups=_groups(),
        answers=shown,
        problems=problems or {},
    )


@router.get("/technologies/{technology_id}/assessment")
async def assessment(
    request: Request, technology_id: str, actor: Actor | None = guard(Permission.REGISTRY_EVALUATE)
) -> Response:
    saved = platform_of(request).registry.self_assessment(actor, technology_id)
    return _assessment_page(request, technology_id, saved)


@router.post("/technologies/{technology_id}/assessment")
async def save_assessment(
    request: Request, technology_id: str, actor: Actor | None = guard(Permission.REGISTRY_EVALUATE)
) -> Response:
    form = await request.form()
    answers: dict[str, object] = {}
    for definition in fact_catalogue().values():
        raw = [v for v in form.getlist(definition.key) if isinstance(v, str)]
        answer = _answer(definition, raw)
        if answer is not None:
            answers[definition.key] = answer
    service = platform_of(request).registry
    try:
        service.save_self_assessment(actor, technology_id, answers)
    except InvalidInput as error:
        saved = service.self_assessment(actor, technology_id)
        problems = problems_from(error)
        return _assessment_page(request, technology_id, saved, 400, problems, answers)
    return RedirectResponse(
        f"/technologies/{technology_id}/assessment?saved=1#results", status_code=303
    )


@router.get("/technologies/{technology_id}/assessment/report.{fmt}")
async def assessment_report(
    request: Request,
    technology_id: str,
    fmt: str,
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> Response:
    if fmt not in ("html", "pdf", "json"):
        raise InvalidInput(_("The report comes as html, pdf or json."), {"fmt": "html, pdf, json"})
    saved = platform_of(request).registry.self_assessment(actor, technology_id)
    name = f"self-assessment-{technology_id}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "pdf":
        return Response(assessment_to_pdf(saved.assessment), 200, disposition, "application/pdf")
    if fmt == "json":
        return Response(assessment_to_json(saved.assessment), 200, disposition, "application/json")
    return Response(assessment_to_html(saved.assessment), 200, disposition, "text/html")


# ---------------------------------------------------------------------------------------------
# moderation and import


def _reviews_page(
    request: Request, actor: Actor | None, status: int = 200, problems: dict[str, str] | None = None
) -> Response:
    pending = platform_of(request).registry.pending_reviews(actor)
    return render(
        request,
        "registry_reviews.html",
        status,
        pending=pending,
        problems=problems or {},
        done=request.query_params.get("done", ""),
    )


@router.get("/registry/reviews")
async def reviews(
    request: Request, actor: Actor | None = guard(Permission.REGISTRY_EVALUATE)
) -> Response:
    return _reviews_page(request, actor)


@router.post("/registry/reviews/{review_id}")
async def moderate(
    request: Request,
    review_id: str,
    decision: Annotated[str, Form(max_length=1000)] = "",
    reason: Annotated[str, Form(max_length=100_000)] = "",
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> Response:
    try:
        platform_of(request).registry.moderate(actor, review_id, decision=decision, reason=reason)
    except InvalidInput as error:
        problems = problems_from(error)
        return _reviews_page(request, actor, 400, problems)
    return RedirectResponse(f"/registry/reviews?done={decision}", status_code=303)


def _import_page(
    request: Request,
    status: int = 200,
    problems: dict[str, str] | None = None,
    lines: tuple[str, ...] = (),
    counts: dict[str, int] | None = None,
    kind: str = "",
) -> Response:
    return render(
        request,
        "registry_import.html",
        status,
        problems=problems or {},
        lines=lines,
        counts=counts,
        kinds=list(RECORD_KINDS),
        kind=kind,
    )


@router.get("/registry/import")
async def import_form(
    request: Request, actor: Actor | None = guard(Permission.REGISTRY_EVALUATE)
) -> Response:
    return _import_page(request)


@router.post("/registry/import")
async def import_file(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[str, Form(max_length=1000)] = "",
    actor: Actor | None = guard(Permission.REGISTRY_EVALUATE),
) -> Response:
    if file is None or not file.filename:
        return _import_page(request, 400, {"file": _("Choose a .json or .csv file to import.")})
    name = file.filename.lower()
    file_format = "json" if name.endswith(".json") else "csv" if name.endswith(".csv") else ""
    if not file_format:
        return _import_page(request, 400, {"file": _("Only .json and .csv files can be imported.")})
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        return _import_page(request, 400, {"file": _("The file is too large (2 MB at most).")})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _import_page(request, 400, {"file": _("Save the file as UTF-8 text and try again.")})
    try:
        counts = platform_of(request).registry.import_text(
            actor, text, file_format=file_format, kind=kind or None
        )
    except ImportRefused as refused:
        problems = {"file": _("Nothing was imported. Fix these problems and upload again.")}
        return _import_page(request, 400, problems, refused.lines, kind=kind)
    except InvalidInput as error:
        problems = problems_from(error, fallback="file")
        return _import_page(request, 400, problems, kind=kind)
    return _import_page(request, counts={k: v for k, v in counts.items() if v}, kind=kind)


# ---------------------------------------------------------------------------------------------
# clinicians: recommend a technology to a person in their care


def _recommendations_page(
    request: Request,
    actor: Actor | None,
    person_id: str,
    status: int = 200,
    problems: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    service = platform_of(request).registry
    made = service.recommendations_for(actor, person_id)
    return render(
        request,
        "registry_recommendations.html",
        status,
        person_id=person_id,
        recommendations=made,
        choices=service.technology_choices(),
        problems=problems or {},
        values=values or {"technology_id": "", "note": ""},
        saved=request.query_params.get("saved") == "1",
    )


@router.get("/people/{person_id}/recommendations")
async def recommendations(
    request: Request,
    person_id: str,
    actor: Actor | None = guard(Permission.PERSON_RECOMMEND_TECHNOLOGY),
) -> Response:
    return _recommendations_page(request, actor, person_id)


@router.post("/people/{person_id}/recommendations")
async def recommend(
    request: Request,
    person_id: str,
    technology_id: Annotated[str, Form(max_length=1000)] = "",
    note: Annotated[str, Form(max_length=100_000)] = "",
    actor: Actor | None = guard(Permission.PERSON_RECOMMEND_TECHNOLOGY),
) -> Response:
    try:
        platform_of(request).registry.recommend(
            actor, person_id, technology_id=technology_id, note=note
        )
    except InvalidInput as error:
        problems = problems_from(error)
        values = {"technology_id": technology_id, "note": note}
        return _recommendations_page(request, actor, person_id, 400, problems, values)
    return RedirectResponse(f"/people/{person_id}/recommendations?saved=1", status_code=303)
