"""Run the program under mocks and collect what it declared."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import pulumi

from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import RepositorySettings
from repoconf.program import logical_names
from repoconf.program.compose import declare
from repoconf.program.directory import ReviewerIds
from repoconf.program.secrets import PlaceholderSecrets, SecretValues
from repoconf.progress import Progress
from repoconf.render.mocks import Declaration, RecordingMonitor, RenderMocks

PROJECT = "repoconf"
BATCH_SIZE = 100
SLICE_RESOURCES = 2000
"""A slice ends at ``batch_size`` repositories or once it plans this many resources, whichever comes
first: the runtime's peak memory follows the resources of a run, not its repositories (a repository
of the shipped policy declares 97 resources)."""
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


def run_under_mocks(
    program: Callable[[], object], mocks: RenderMocks, project: str = PROJECT
) -> list[Declaration]:
    """Run a Pulumi program under ``mocks`` as project ``project``; return what it declared, sorted by
    logical name.

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
        pulumi.runtime.set_mocks(mocks, project=project, stack=STACK, preview=True, monitor=monitor)
        pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        monitor.close()
        asyncio.set_event_loop(None)
        loop.close()
    # Registration order depends on when outputs resolve; sorted by logical name (the provider first),
    # every repository's resources follow its component and the output is the same on every run.
    return sorted(monitor.declarations, key=lambda d: (not d.type.startswith("pulumi:providers:"), d.name))


@contextmanager
def _cyclic_gc_paused() -> Iterator[Callable[[], None]]:
    """Pause Python's cyclic garbage collector for a render; yield what to call between slices.

    The mock runtime allocates millions of short-lived objects (futures, outputs, protobuf messages);
    with the collector on, its repeated scans of every live object took more than half of a render
    (measured on 100 repositories of the shipped policy: 24.1 s with it, 9.6 s without). Between
    slices one collection frees the slice's cycles, and freezing what survives (the declarations kept
    so far) spares the next collections from scanning it again. Afterwards everything is unfrozen and
    the collector is as it was.
    """
    enabled = gc.isenabled()
    gc.disable()

    def between_slices() -> None:
        gc.collect()
        gc.freeze()

    try:
        yield between_slices
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _slices(loaded: LoadedPolicy, selected: list[str], batch_size: int) -> list[set[str]]:
    """The repositories in slices, in policy order (at least one slice, maybe empty)."""
    slices: list[set[str]] = [set()]
    planned = 0
    for name in selected:
        size = 1 + len(logical_names.planned(name, loaded.policy.repositories[name]))
        if slices[-1] and (len(slices[-1]) >= batch_size or planned + size > SLICE_RESOURCES):
            slices.append(set())
            planned = 0
        slices[-1].add(name)
        planned += size
    return slices


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

    Large policies run in slices of at most ``batch_size`` repositories and about
    :data:`SLICE_RESOURCES` resources: repositories are independent, so the declarations are the same,
    but Pulumi's runtime holds every pending output of a run until it ends, and slices keep its peak
    memory flat and its time linear (docs/benchmarks.md). Resolved reviewer ids carry over between
    slices, so each name is still looked up once.
    """
    mocks = mocks or RenderMocks()
    values = secret_values or PlaceholderSecrets()
    selected = [name for name in loaded.policy.repositories if repositories is None or name in repositories]
    reviewer_ids = ReviewerIds()
    declarations: list[Declaration] = []
    providers: set[tuple[str, str]] = set()
    done = 0
    with _cyclic_gc_paused() as between_slices:
        for batch in _slices(loaded, selected, batch_size):

            def program(batch: set[str] = batch) -> None:
                declare(loaded, values, batch, reviewer_ids=reviewer_ids)

            for declaration in run_under_mocks(program, mocks):
                if declaration.type.startswith("pulumi:providers:"):
                    # every slice declares the provider, identically: it is one resource of the stack
                    if (declaration.type, declaration.name) in providers:
                        continue
                    providers.add((declaration.type, declaration.name))
                declarations.append(declaration)
            between_slices()
            done += len(batch)
            if progress is not None and selected:
                progress(done, len(selected), selected[done - 1])
    return Rendering(
        declarations=sorted(declarations, key=_order),
        lookups=dict(mocks.lookups),
        settings={name: loaded.policy.repositories[name] for name in selected},
    )
