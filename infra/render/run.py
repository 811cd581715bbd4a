"""Run the program under mocks and collect what it declared."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import pulumi

from infra.policy.loader import LoadedPolicy
from infra.program import Declared, declare
from infra.render.mocks import Declaration, RecordingMonitor, RenderMocks
from infra.resources.secrets import PlaceholderSecrets, SecretValues

PROJECT = "repoconf"
STACK = "render"


@dataclass(frozen=True)
class Rendering:
    """Every resource the program declared, in declaration order, and the look-ups it made."""

    declarations: list[Declaration]
    repositories: int
    lookups: dict[str, int]


def run_under_mocks(program: Callable[[], object], mocks: RenderMocks) -> list[Declaration]:
    """Run a Pulumi program under ``mocks``; return what it declared, sorted by logical name.

    No Pulumi CLI, engine, credentials or network is involved: Pulumi's own mock monitor answers.
    """
    # A loop of its own, whose executor threads (and the loops the mock monitor leaves in them) are shut
    # down afterwards: runs can follow one another in a process and nothing is left for the garbage
    # collector to complain about at exit.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    monitor = RecordingMonitor(mocks)
    try:
        pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=STACK, preview=True, monitor=monitor)
        pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        monitor.close()
        asyncio.set_event_loop(None)
        loop.close()
    # Registration order depends on when outputs resolve; sorted by logical name (the provider first),
    # every repository's resources follow its component and the output is the same on every run.
    return sorted(monitor.declarations, key=lambda d: (not d.type.startswith("pulumi:providers:"), d.name))


def render(
    loaded: LoadedPolicy,
    repositories: set[str] | None = None,
    secret_values: SecretValues | None = None,
    mocks: RenderMocks | None = None,
) -> Rendering:
    """Declare the policy's resources under Pulumi's mocks: no CLI, stack, credentials or network.

    By default secrets are placeholders (no source is read) and look-ups answer with stable fake ids;
    tests pass the deploy-time ``secret_values`` or other ``mocks`` to run the same program otherwise.
    """
    mocks = mocks or RenderMocks()
    values = secret_values or PlaceholderSecrets()
    declared: list[Declared] = []

    def program() -> None:
        declared.append(declare(loaded, values, repositories))

    declarations = run_under_mocks(program, mocks)
    return Rendering(
        declarations=declarations,
        repositories=len(declared[0].repositories),
        lookups=dict(mocks.lookups),
    )
