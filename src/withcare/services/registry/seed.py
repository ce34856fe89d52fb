"""Loading the shipped seed registry into an empty registry."""

from __future__ import annotations

from sqlalchemy import func, select

from withcare.db.models.registry import RegistryTechnology
from withcare.domain.registry.seed import seed_bundle
from withcare.services.registry.storage import _write
from withcare.services.unit_of_work import UnitOfWork

SEED_AUTHOR = "withcare-seed"


def seed_registry(uow: UnitOfWork) -> int:
    """Load the seed registry inside an existing unit of work (used by ``withcare demo``)."""
    present = uow.session.execute(select(func.count(RegistryTechnology.id))).scalar_one()
    if present:
        return 0
    return _write(uow, seed_bundle(), SEED_AUTHOR)["technologies"]
