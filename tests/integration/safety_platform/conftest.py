from __future__ import annotations

import pytest

from withcare_testing.safety import add_safety_staff
from withcare_testing.world import World


@pytest.fixture
def sworld(world: World) -> World:
    """The world with a named clinician for ``person`` and a duty clinician in team A."""
    return add_safety_staff(world)
