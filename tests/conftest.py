"""Shared fixtures: the YAML fixtures, the packaged policy template, and a loopback GitHub.

Tests never read the user's ``config/policy.yaml``: the template (what `repoconf init` writes, package
data) and the files under ``tests/data`` are the fixtures.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path

import pytest

from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import LoadedPolicy, load
from repoconf.program.logical_names import planned
from standin.github import FakeGitHub

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TEMPLATE = Path(str(resources.files("repoconf.policy").joinpath("template.yaml")))
"""The packaged template: the seed's release process, owner ``acme``, repository ``widgets``."""
TOKEN = "ghp_fake_test_token_0123456789"

REQUIREMENT = [
    "--requirement",
    f"repoconf @ git+https://github.com/acme/repoconf@v{metadata.version('repoconf')}",
]
"""`repoconf new`'s requirement line: the tests' repoconf is an editable install, which has no default."""
USER_POLICY = ROOT / "config" / "policy.yaml"


def _refuse_the_user_policy(event: str, args: tuple[object, ...]) -> None:
    """The user's policy is theirs to edit: a test that opens it would break when they do."""
    if event == "open" and isinstance(args[0], str | Path) and Path(args[0]).resolve() == USER_POLICY:
        raise AssertionError(f"tests must not read {USER_POLICY}: use the TEMPLATE or tests/data")


sys.addaudithook(_refuse_the_user_policy)


def shipped_resources(repositories: int = 1) -> int:
    """What the program declares for the shipped policy: the provider, and per repository its component and
    every resource :func:`repoconf.program.logical_names.planned` lists (derived, never counted by hand)."""
    settings = load(TEMPLATE).policy.repositories["widgets"]
    return 1 + repositories * (1 + len(planned("widgets", settings)))


@pytest.fixture(autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own $XDG_CACHE_HOME: the HTTP cache never touches the user's home."""
    home = tmp_path_factory.mktemp("cache-home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


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
