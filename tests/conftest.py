"""Shared fixtures: paths to the YAML fixtures and the shipped policy."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEFAULT_POLICY = ROOT / "config" / "policy.yaml"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def default_policy() -> Path:
    return DEFAULT_POLICY
