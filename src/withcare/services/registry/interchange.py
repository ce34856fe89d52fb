"""Importing and exporting the registry as JSON or CSV, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from withcare.domain.registry.bundle import RECORD_KINDS, RegistryBundle
from withcare.domain.registry.interchange import (
    Accepted,
    ImportResult,
    bundle_to_json,
    import_csv,
    import_json,
    records_to_csv,
)
from withcare.security.authorisation import Actor, Permission, authorise
from withcare.services.errors import N_, InvalidInput
from withcare.services.registry.base import RegistryBase
from withcare.services.registry.storage import _write


class ImportRefused(InvalidInput):
    """An import with problems: nothing was written; ``lines`` says what to fix, line by line."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__(
            N_("Nothing was imported: %(count)d problem(s) to fix."),
            # the lines are the file's own details, shown as they are (a %% keeps a % literal)
            {"file": "; ".join(lines).replace("%", "%%")},
            params={"count": len(lines)},
        )
        self.lines = tuple(lines)


class InterchangeMixin(RegistryBase):
    """Import and export; both need ``REGISTRY_EVALUATE``."""

    def import_text(
        self, actor: Actor | None, text: str, *, file_format: str, kind: str | None = None
    ) -> dict[str, int]:
        """All or nothing: a refused import raises :class:`ImportRefused` and writes nothing."""
        authorise(actor, Permission.REGISTRY_EVALUATE)
        assert actor is not None
        if file_format not in ("json", "csv"):
            raise InvalidInput(
                N_("Only JSON and CSV files can be imported."), {"file": N_("Use .json or .csv.")}
            )
        if file_format == "csv" and kind not in RECORD_KINDS:
            raise InvalidInput(
                N_("Say which records the CSV file holds."),
                {"kind": N_("Choose a record kind from the list.")},
            )
        with self._platform.unit_of_work(actor) as uow:
            known = self._known_ids(uow.session)
            result: ImportResult = (
                import_json(text, known)
                if file_format == "json"
                else import_csv(text, str(kind), known)
            )
            if not isinstance(result, Accepted):
                raise ImportRefused([str(p) for p in result.problems])
            counts = _write(uow, result.bundle, actor.user_id)
            uow.audit.record(
                actor,
                "registry.import",
                subject_type="registry",
                subject_id="registry",
                reason="registry_evaluation",
                details={k: v for k, v in counts.items() if v},
            )
            return counts

    def export(self, actor: Actor | None, *, file_format: str, kind: str | None = None) -> str:
        authorise(actor, Permission.REGISTRY_EVALUATE)
        if file_format not in ("json", "csv"):
            raise InvalidInput(N_("Export as json or csv."), {"format": N_("Use json or csv.")})
        if kind is not None and kind not in RECORD_KINDS:
            raise InvalidInput(
                N_("Unknown record kind."),
                {"kind": N_("Choose a record kind from the list.")},
            )
        if file_format == "csv" and kind is None:
            raise InvalidInput(
                N_("A CSV export holds one record kind."), {"kind": N_("Choose a kind.")}
            )
        with self._platform.unit_of_work(actor) as uow:
            bundle = self._bundle(uow.session, all_reviews=True)
            uow.audit.record(
                actor,
                "registry.export",
                subject_type="registry",
                subject_id="registry",
                reason="registry_evaluation",
                details={"format": file_format, "kind": kind or "all"},
            )
        if file_format == "csv":
            return records_to_csv(bundle, str(kind))
        if kind is not None:
            bundle = RegistryBundle.model_validate({kind: bundle.records(kind)})
        return bundle_to_json(bundle)
