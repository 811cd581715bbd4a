"""Shared fixtures: the YAML fixtures, the packaged policy template, and a loopback GitHub.

Tests never read the user's ``config/policy.yaml``: the template (what `repoconf init` writes, package
data) and the files under ``tests/data`` are the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import LoadedPolicy, load
from standin.github import FakeGitHub

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TEMPLATE = Path(str(resources.files("repoconf.policy").joinpath("template.yaml")))
"""The packaged template: the seed's release process, owner ``acme``, repository ``widgets``."""
TOKEN = "ghp_fake_test_token_0123456789"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def template() -> Path:
    return TEMPLATE


@pytest.fixture
def policy() -> LoadedPolicy:
    return load(TEMPLATE)


@pytest.fixture
def fake(policy: LoadedPolicy) -> Iterator[FakeGitHub]:
    """A loopback GitHub holding ``acme/widgets`` as repoconf deploys the template."""
    server = FakeGitHub("acme", token=TOKEN)
    server.deploy("widgets", policy.policy.repositories["widgets"])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def github(fake: FakeGitHub, sleeps: list[float]) -> Iterator[GitHub]:
    client = GitHub(
        fake.base, TOKEN, timeout=0.5, retry=RetryPolicy(attempts=4, backoff=0.01), sleep=sleeps.append
    )
    yield client
    client.close()
