"""A loopback GitHub with the shipped policy's repository deployed, and a client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import LoadedPolicy, load
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE

TOKEN = "ghp_fake_test_token_0123456789"


@pytest.fixture
def policy() -> LoadedPolicy:
    return load(TEMPLATE)


@pytest.fixture
def fake(policy: LoadedPolicy) -> Iterator[FakeGitHub]:
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
