"""Run the program under mocks and collect what it declared: in slices, on every core, in bounded memory.

Repositories are independent, so a large policy renders in slices of repositories, each in a forked
worker process that starts from the parent's state (the policy loaded, Pulumi imported, every reviewer
already looked up), writes its declarations to a spool file and exits: nothing a slice allocates is
kept, no garbage collection runs, and the parent holds one slice at a time only while printing. A
policy that fits one slice (or a platform without ``fork``) renders in this process.
"""

from __future__ import annotations

import asyncio
import gc
import os
import pickle
import select
import shutil
import signal
import sys
import tempfile
import traceback
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import pulumi
import pulumi_github as github
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime.proto import source_pb2

from repoconf.errors import DiagnosticError
from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import RepositorySettings
from repoconf.program import logical_names
from repoconf.program.compose import PROVIDER_NAME, declare
from repoconf.program.directory import Directory, ReviewerIds
from repoconf.program.errors import ProgramError
from repoconf.program.secrets import PlaceholderSecrets, SecretValues
from repoconf.progress import Progress
from repoconf.render.mocks import Declaration, RecordingMonitor, RenderMocks

PROJECT = "repoconf"
BATCH_SIZE = 100
SLICE_RESOURCES = 2000
"""A slice ends at ``batch_size`` repositories or once it plans this many resources, whichever comes
first: a worker's peak memory follows the resources of its slice, not the policy's repositories."""
STACK = "render"
PROVIDER_PREFIX = "pulumi:providers:"


def declaration_order(declaration: Declaration) -> tuple[bool, str, str]:
    """The output order: the provider first, then each repository (by name) with its resources (by
    logical name, its component first). Registration order depends on when outputs resolve; this order
    depends only on the names, so every render of a policy prints the same bytes, and slices rendered
    in repository-name order concatenate to it.
    """
    return (
        not declaration.type.startswith(PROVIDER_PREFIX),
        declaration.name.split("/", 1)[0],
        declaration.name,
    )


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextmanager
def _stack_capture_off() -> Iterator[None]:
    """Skip the SDK's stack capture on resource registration while a render runs.

    Since pulumi 3.195 (pulumi/pulumi cb6c33b51e; here 3.272), ``register_resource`` and
    ``read_resource`` in ``sdk/python/lib/pulumi/runtime/resource.py`` call ``_get_stack_trace()`` for
    every resource: ``traceback.extract_stack()`` plus a file URI per frame, sent to the engine as the
    registration's ``stackTrace`` and ``sourcePosition`` (used in engine diagnostics). The SDK has no
    setting to turn it off, and under mocks nothing reads it (about a sixth of a render's time), so for
    the duration of a render that one module attribute answers an empty trace, which the SDK's own
    ``_get_source_position`` turns into no position. tests/program/test_render_scale.py fails if the SDK
    stops calling it, renames it, or if the swap stops taking effect; the real program never swaps it.
    Older SDKs take a source position from a 7-frame stack only: nothing to turn off there.
    """
    original = getattr(pulumi_resource, "_get_stack_trace", None)
    if original is None:  # an SDK without it: nothing to turn off (the test says so)
        yield
        return
    pulumi_resource._get_stack_trace = _no_stack_trace
    try:
        yield
    finally:
        pulumi_resource._get_stack_trace = original


def run_under_mocks(
    program: Callable[[], object],
    mocks: RenderMocks,
    project: str = PROJECT,
    monitor: RecordingMonitor | None = None,
) -> list[Declaration]:
    """Run a Pulumi program under ``mocks`` as project ``project``; return what it declared in
    :func:`declaration_order`.

    No Pulumi CLI, engine, credentials or network is involved: Pulumi's own mock monitor answers
    (``monitor``, a :class:`RecordingMonitor` of ``mocks`` unless given).
    """
    # A loop of its own, whose executor threads (and the loops the mock monitor leaves in them) are shut
    # down afterwards: runs can follow one another in a process, nothing is left for the garbage
    # collector to complain about at exit, and no thread is left running when a worker is forked.
    loop = asyncio.new_event_loop()
    # The mock monitor is pure Python under the GIL: one worker thread does the same work as several,
    # without the contention (measured: about 17% faster on the 200-repository benchmark policy).
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1, thread_name_prefix="repoconf-mocks"))
    asyncio.set_event_loop(loop)
    monitor = monitor or RecordingMonitor(mocks)
    try:
        with _stack_capture_off():
            pulumi.runtime.set_mocks(mocks, project=project, stack=STACK, preview=True, monitor=monitor)
            pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        monitor.close()
        asyncio.set_event_loop(None)
        loop.close()
    return sorted(monitor.declarations, key=declaration_order)


@dataclass(frozen=True)
class _Spooled:
    """One slice's declarations, written by its worker (pickle of a list, in declaration order)."""

    path: Path

    def load(self) -> list[Declaration]:
        with self.path.open("rb") as file:
            declarations: list[Declaration] = pickle.load(file)  # noqa: S301 - our own worker's file
        return declarations


class _Spool:
    """A private directory of slice files, removed when the rendering is closed or collected."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="repoconf-render-"))
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, True)

    def close(self) -> None:
        self._remove()


@dataclass(frozen=True)
class Rendering:
    """Every resource the program declared, in :func:`declaration_order`, and the look-ups it made.

    The declarations of a sliced render stay in spool files until read: :meth:`each` streams them one
    slice at a time, so printing a large render holds one slice in memory. Use it as a context manager
    (or let it be collected) to remove the spool.
    """

    parts: Sequence[Sequence[Declaration] | _Spooled]
    resources: int
    lookups: dict[str, int]
    settings: dict[str, RepositorySettings] = field(default_factory=dict)
    """The rendered repositories' merged settings (what their default branch must hold, the markdown's
    release flow and settings table)."""
    spool: _Spool | None = field(default=None, repr=False, compare=False)

    @property
    def repositories(self) -> int:
        """How many repositories were rendered."""
        return len(self.settings)

    def each(self) -> Iterator[Declaration]:
        """The declarations in order, one slice in memory at a time."""
        for part in self.parts:
            yield from part.load() if isinstance(part, _Spooled) else part

    @property
    def declarations(self) -> list[Declaration]:
        """All declarations as one list (tests, `adopt`'s single repository)."""
        return list(self.each())

    def close(self) -> None:
        """Remove the spool files (a no-op for a render held in memory)."""
        if self.spool is not None:
            self.spool.close()

    def __enter__(self) -> Rendering:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@contextmanager
def _cyclic_gc_paused() -> Iterator[Callable[[], int]]:
    """Pause Python's cyclic garbage collector for an in-process render; yield what to call between
    slices.

    The mock runtime allocates millions of short-lived objects (futures, outputs, protobuf messages);
    with the collector on, its repeated scans of every live object took more than half of a render
    (measured on 100 repositories of the shipped policy: 24.1 s with it, 9.6 s without). Between
    slices one collection frees the slice's cycles. Afterwards the collector is as it was (a forked
    worker never turns it back on: it exits after its slice).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield gc.collect
    finally:
        if enabled:
            gc.enable()


def _slices(loaded: LoadedPolicy, selected: list[str], batch_size: int, workers: int) -> list[list[str]]:
    """The repositories in slices, in the given order (at least one slice, maybe empty).

    Slices hold about :data:`SLICE_RESOURCES` planned resources at most; when that makes more than one,
    their number is rounded up to a multiple of ``workers`` and the resources spread evenly (each
    repository goes to the slice its middle falls in), so that no worker is left alone with a last
    slice: five slices of 1,940 resources on two workers take three rounds, six of 1,617 three shorter
    ones. A slice also ends at ``batch_size`` repositories.
    """
    sizes = [1 + len(logical_names.planned(name, loaded.policy.repositories[name])) for name in selected]
    total = sum(sizes)
    count = -(-total // SLICE_RESOURCES)
    if count > 1:
        count = -(-count // workers) * workers
    slices: list[list[str]] = [[]]
    current = before = 0
    for name, size in zip(selected, sizes, strict=True):
        share = (2 * before + size) * count // (2 * total)
        if slices[-1] and (share > current or len(slices[-1]) >= batch_size):
            slices.append([])
            current = max(share, current)
        slices[-1].append(name)
        before += size
    return slices


def available_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class _Done:
    """What a worker reports for a rendered slice (its declarations are in the spool file)."""

    resources: int
    providers: list[Declaration]
    lookups: Counter[str]


@dataclass(frozen=True)
class _Failed:
    """What a worker reports when its slice's program raised; :meth:`error` is what the parent raises."""

    kind: type[DiagnosticError] | None = None
    diagnostics: list[Any] = field(default_factory=list)
    pickled: bytes | None = None
    text: str = ""

    @classmethod
    def of(cls, error: BaseException) -> _Failed:
        text = "".join(traceback.format_exception(error))
        if isinstance(error, DiagnosticError):
            # an exception pickles as its class and message: a DiagnosticError is rebuilt from its
            # diagnostics instead, so the parent prints exactly the lines the worker would have
            return cls(kind=type(error), diagnostics=error.diagnostics, text=text)
        try:
            pickled = pickle.dumps(error)
            pickle.loads(pickled)  # noqa: S301 - our own bytes, checked to round-trip
        except Exception:  # noqa: BLE001 - anything that does not round-trip is reported as text
            return cls(text=text)
        return cls(pickled=pickled, text=text)

    def error(self) -> BaseException:
        if self.kind is not None:
            return self.kind(self.diagnostics)
        if self.pickled is not None:
            error: BaseException = pickle.loads(self.pickled)  # noqa: S301 - our own worker's bytes
            return error
        return RenderWorkerError(self.text)


class RenderWorkerError(RuntimeError):
    """A render worker failed in a way that is a bug (its traceback is the message)."""


def _resolved_reviewers(loaded: LoadedPolicy, selected: list[str], mocks: RenderMocks) -> ReviewerIds:
    """Every reviewer and tag-creator name of the selected repositories, looked up once, before any
    worker starts: the workers inherit the ids, so each name is looked up once per render however many
    slices use it. A name that fails is left out, so the slice naming it fails exactly as it would in
    one process.
    """
    ids = ReviewerIds()
    policy = loaded.policy.model_copy(
        update={"repositories": {n: loaded.policy.repositories[n] for n in selected}}
    )
    subset = LoadedPolicy(policy, loaded.source, loaded.origins)

    def program() -> None:
        provider = github.Provider(PROVIDER_NAME, owner=policy.owner)
        try:
            Directory(provider, ids).resolve_all(subset)
        except ProgramError:
            return  # reported by the slice that names it

    run_under_mocks(program, mocks)
    return ids


def _run_slice(
    loaded: LoadedPolicy,
    batch: list[str],
    values: SecretValues,
    mocks: RenderMocks,
    reviewer_ids: ReviewerIds,
    spool: Path,
) -> _Done | _Failed:
    """A worker's work: declare one slice, write its declarations to ``spool``, report what it did."""
    before = Counter(mocks.lookups)

    def program() -> None:
        declare(loaded, values, set(batch), reviewer_ids=reviewer_ids)

    try:
        declarations = run_under_mocks(program, mocks)
    except BaseException as error:  # noqa: BLE001 - the parent decides what to raise
        return _Failed.of(error)
    providers = [d for d in declarations if d.type.startswith(PROVIDER_PREFIX)]
    resources = [d for d in declarations if not d.type.startswith(PROVIDER_PREFIX)]
    with spool.open("wb") as file:
        pickle.dump(resources, file, protocol=pickle.HIGHEST_PROTOCOL)
    return _Done(len(resources), providers, mocks.lookups - before)


@dataclass
class _Worker:
    """A forked worker rendering one slice; its pipe reads end-of-file when it exits."""

    pid: int
    pipe: int
    status: Path

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            return

    def finish(self) -> _Done | _Failed:
        """Reap the worker; what it reported, or a failure saying how it died."""
        os.close(self.pipe)
        _, status = os.waitpid(self.pid, 0)
        try:
            with self.status.open("rb") as file:
                outcome: _Done | _Failed = pickle.load(file)  # noqa: S301 - our own worker's file
        except FileNotFoundError:
            return _Failed(text=f"render worker {self.pid} ended without a result ({_how(status)})")
        return outcome


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _fork(work: Callable[[], _Done | _Failed], status: Path) -> _Worker:
    """Run ``work`` in a forked child that writes its outcome to ``status`` and exits."""
    # anything buffered now would be written twice: by the parent and by the child's copy
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (covered through its results)
        code = 0
        try:
            os.close(read)
            gc.disable()  # the worker exits after one slice: its memory goes back in one piece
            outcome = work()
            partial = status.with_suffix(".partial")
            with partial.open("wb") as file:
                pickle.dump(outcome, file, protocol=pickle.HIGHEST_PROTOCOL)
            partial.rename(status)
        except BaseException:  # noqa: BLE001 - the parent reports a worker without a result
            code = 70
        finally:
            os._exit(code)  # no atexit handlers, no flushing of the parent's buffers, no finalizers
    os.close(write)
    return _Worker(pid, read, status)


def _render_forked(
    loaded: LoadedPolicy,
    slices: list[list[str]],
    values: SecretValues,
    mocks: RenderMocks,
    workers: int,
    progress: Progress | None,
) -> tuple[list[Declaration], list[_Spooled], int, _Spool]:
    """Render the slices in up to ``workers`` forked processes; raise what the first failing slice
    (in slice order) raised, as rendering the slices one after another in this process would.
    """
    selected = [name for batch in slices for name in batch]
    reviewer_ids = _resolved_reviewers(loaded, selected, mocks)
    spool = _Spool()
    running: dict[int, _Worker] = {}
    rendered: dict[int, _Done] = {}
    failures: dict[int, _Failed] = {}
    next_index = reported = done = 0
    try:
        while True:
            # slices start in order; none after a slice known to fail (its error is the one raised)
            end = min([len(slices), *failures])
            while next_index < end and len(running) < workers:
                batch, index = slices[next_index], next_index

                def work(batch: list[str] = batch, index: int = index) -> _Done | _Failed:
                    return _run_slice(
                        loaded, batch, values, mocks, reviewer_ids, spool.path / f"{index:06d}.declarations"
                    )

                running[index] = _fork(work, spool.path / f"{index:06d}.status")
                next_index += 1
            if not running:
                break
            ready, _, _ = select.select([worker.pipe for worker in running.values()], [], [])
            for index in [i for i, worker in running.items() if worker.pipe in ready]:
                outcome = running.pop(index).finish()
                if failures and index > min(failures):
                    continue  # stopped: an earlier slice failed
                if isinstance(outcome, _Failed):
                    failures[index] = outcome
                    for later in [i for i in running if i > index]:
                        running[later].kill()
                else:
                    rendered[index] = outcome
            while reported in rendered:
                done += len(slices[reported])
                if progress is not None:
                    progress(done, len(selected), slices[reported][-1])
                reported += 1
    except BaseException:
        for worker in running.values():
            worker.kill()
            worker.finish()
        spool.close()
        raise
    if failures:
        spool.close()
        raise failures[min(failures)].error()
    providers: dict[tuple[str, str], Declaration] = {}
    for index in range(len(slices)):
        # every slice declares the provider, identically: it is one resource of the stack
        for provider in rendered[index].providers:
            providers.setdefault((provider.type, provider.name), provider)
        mocks.lookups.update(rendered[index].lookups)
    parts = [_Spooled(spool.path / f"{index:06d}.declarations") for index in range(len(slices))]
    resources = sum(outcome.resources for outcome in rendered.values())
    return sorted(providers.values(), key=declaration_order), parts, resources, spool


def _render_here(
    loaded: LoadedPolicy,
    slices: list[list[str]],
    values: SecretValues,
    mocks: RenderMocks,
    progress: Progress | None,
) -> list[Declaration]:
    """Render the slices one after another in this process (one slice, or no ``fork``)."""
    selected = sum(len(batch) for batch in slices)
    reviewer_ids = ReviewerIds()
    declarations: list[Declaration] = []
    providers: set[tuple[str, str]] = set()
    done = 0
    with _cyclic_gc_paused() as between_slices:
        for batch in slices:

            def program(batch: list[str] = batch) -> None:
                declare(loaded, values, set(batch), reviewer_ids=reviewer_ids)

            for declaration in run_under_mocks(program, mocks):
                if declaration.type.startswith(PROVIDER_PREFIX):
                    if (declaration.type, declaration.name) in providers:
                        continue
                    providers.add((declaration.type, declaration.name))
                declarations.append(declaration)
            if len(slices) > 1:
                between_slices()
            done += len(batch)
            if progress is not None and batch:
                progress(done, selected, batch[-1])
    return sorted(declarations, key=declaration_order)


def render(
    loaded: LoadedPolicy,
    repositories: set[str] | None = None,
    secret_values: SecretValues | None = None,
    mocks: RenderMocks | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Rendering:
    """Declare the policy's resources under Pulumi's mocks: no CLI, stack, credentials or network.

    By default secrets are placeholders (no source is read) and look-ups answer with stable fake ids;
    tests pass the deploy-time ``secret_values`` or other ``mocks`` to run the same program otherwise.

    The repositories render in slices of at most ``batch_size`` repositories and about
    :data:`SLICE_RESOURCES` resources, in repository-name order. More than one slice runs in up to
    ``workers`` forked processes (default: the cores this process may use); the declarations are the
    same, in the same order, as one process would make (docs/scaling.md). Reviewer names are looked up
    once per render, before the workers start. A program error (a secret without a value, an unknown
    reviewer) is raised as the first failing slice raised it, before anything is returned. Mocks
    passed in are copied into each worker: only their look-up counts come back.
    """
    mocks = mocks or RenderMocks()
    values = secret_values or PlaceholderSecrets()
    chosen = [name for name in loaded.policy.repositories if repositories is None or name in repositories]
    settings = {name: loaded.policy.repositories[name] for name in chosen}
    workers = workers or available_cores()
    slices = _slices(loaded, sorted(chosen), batch_size, workers)
    if len(slices) > 1 and hasattr(os, "fork"):
        providers, parts, resources, spool = _render_forked(loaded, slices, values, mocks, workers, progress)
        return Rendering(
            parts=[providers, *parts],
            resources=len(providers) + resources,
            lookups=dict(mocks.lookups),
            settings=settings,
            spool=spool,
        )
    declarations = _render_here(loaded, slices, values, mocks, progress)
    return Rendering(
        parts=[declarations], resources=len(declarations), lookups=dict(mocks.lookups), settings=settings
    )
