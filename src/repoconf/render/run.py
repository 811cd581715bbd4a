"""Run the program under mocks and collect what it declared."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pulumi

from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import RepositorySettings
from repoconf.program.compose import declare
from repoconf.program.directory import ReviewerIds
from repoconf.program.secrets import PlaceholderSecrets, SecretValues
from repoconf.progress import Progress
from repoconf.render.mocks import Declaration, RecordingMonitor, RenderMocks

PROJECT = "repoconf"
BATCH_SIZE = 100
STACK = "render"


@dataclass(frozen=True)
class Rendering:
    """Every resource the program declared, in declaration order, and the look-ups it made."""

    declarations: list[Declaration]
    lookups: dict[str, int]
    settings: dict[str, RepositorySettings] = field(default_factory=dict)
    """The rendered repositories' merged settings (what their default branch must hold, the markdown's
    release flow and settings table)."""

    @property
    def repositories(self) -> int:
        """How many repositories were rendered."""
        return len(self.settings)


def _order(declaration: Declaration) -> tuple[bool, str]:
    # Registration order depends on when outputs resolve; sorted by logical name (the provider first),
    # every repository's resources follow its component and the output is the same on every run.
    return (not declaration.type.startswith("pulumi:providers:"), declaration.name)


def run_under_mocks(program: Callable[[], object], mocks: RenderMocks) -> list[Declaration]:
    """Run a Pulumi program under ``mocks``; return what it declared, sorted by logical name.

    No Pulumi CLI, engine, credentials or network is involved: Pulumi's own mock monitor answers.
    """
    # A loop of its own, whose executor threads (and the loops the mock monitor leaves in them) are shut
    # down afterwards: runs can follow one another in a process and nothing is left for the garbage
    # collector to complain about at exit.
    loop = asyncio.new_event_loop()
    # The mock monitor is pure Python under the GIL: one worker thread does the same work as several,
    # without the contention (measured: about 17% faster on the 200-repository benchmark policy).
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1, thread_name_prefix="repoconf-mocks"))
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
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> Rendering:
    """Declare the policy's resources under Pulumi's mocks: no CLI, stack, credentials or network.

    By default secrets are placeholders (no source is read) and look-ups answer with stable fake ids;
    tests pass the deploy-time ``secret_values`` or other ``mocks`` to run the same program otherwise.

    Large policies run in slices of ``batch_size`` repositories: repositories are independent, so the
    declarations are the same, but Pulumi's runtime holds every pending output of a run until it ends,
    and slices keep its peak memory flat and its time linear (docs/benchmarks.md). Resolved reviewer ids
    carry over between slices, so each name is still looked up once.
    """
    mocks = mocks or RenderMocks()
    values = secret_values or PlaceholderSecrets()
    selected = [name for name in loaded.policy.repositories if repositories is None or name in repositories]
    reviewer_ids = ReviewerIds()
    declarations: list[Declaration] = []
    providers: set[tuple[str, str]] = set()
    for start in range(0, max(len(selected), 1), batch_size):
        batch = set(selected[start : start + batch_size])

        def program(batch: set[str] = batch) -> None:
            declare(loaded, values, batch, reviewer_ids=reviewer_ids)

        for declaration in run_under_mocks(program, mocks):
            if declaration.type.startswith("pulumi:providers:"):
                # every slice declares the provider, identically: it is one resource of the stack
                if (declaration.type, declaration.name) in providers:
                    continue
                providers.add((declaration.type, declaration.name))
            declarations.append(declaration)
        if progress is not None and selected:
            done = min(start + batch_size, len(selected))
            progress(done, len(selected), selected[done - 1])
    return Rendering(
        declarations=sorted(declarations, key=_order),
        lookups=dict(mocks.lookups),
        settings={name: loaded.policy.repositories[name] for name in selected},
    )
