"""Helpers for running the real program under Pulumi's mocks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from repoconf.render.mocks import Declaration
from repoconf.render.run import Rendering


def by_name(rendering: Rendering) -> dict[str, Declaration]:
    return {d.name: d for d in rendering.declarations}


def of_type(rendering: Rendering, suffix: str) -> list[Declaration]:
    return [d for d in rendering.declarations if d.type.endswith(":" + suffix)]


@pytest.fixture
def stack_config() -> Iterator[Any]:
    """Set stack config for one test (``repoconf:KEY`` → value, all secret) and clear it after."""

    def apply(values: dict[str, str]) -> None:
        full = {f"repoconf:{key}": value for key, value in values.items()}
        pulumi.runtime.set_all_config(full, list(full))  # replaces any config an earlier test set

    yield apply
    pulumi.runtime.set_all_config({}, [])
