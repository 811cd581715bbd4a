"""What the repository itself must hold: required files, and a workflow reporting each required check.

Policy side: ``required_files`` (paths, ``**`` globs, directories ending in ``/``) and the required
status checks of the branch rules. Live side: the default branch's file tree (``GET
.../git/trees/HEAD?recursive=1``, ../shared/github-api/GET_repos_OWNER_REPO_git_trees_TREE_SHA_*.json)
and the text of its workflow files — or the same read from a local checkout (``validate --repo-dir``).

A required check is *produced* when some workflow that runs on pull requests to the protected branch
has a job whose reported name is the check's context: the job's ``name:`` (or its key), with a matrix
expanded as GitHub names it (``Unit Tests (3.12)``; a name with ``${{ matrix.x }}`` expressions filled in),
or ``caller / callee`` for a job of a reusable workflow in the repository.

Workflow files are written by whoever can push to the managed repository, so they are read within bounds
and their shapes checked before use (:func:`parse_workflows`):

- the text is YAML as GitHub reads it (:mod:`repoconf.plain_yaml`: YAML 1.2, so ``on: 2024-02-30`` is a
  string; aliases charged at their expanded size; nesting bounded) and at most :data:`MAX_WORKFLOW_BYTES`;
- the parts read here must have the shapes of GitHub's workflow schema (actions/languageservices,
  ``workflow-parser/src/workflow-v1.0.json`` at 4043eda): ``on`` a string, list or mapping; a pull-request
  trigger null or a mapping; ``branches``/``branches-ignore`` a string or a list of strings (not both);
  ``jobs`` a mapping of mappings; a job's ``name`` a scalar; ``strategy.matrix`` a mapping whose
  ``include``/``exclude`` are lists of mappings and whose other keys are lists;
- a matrix is expanded as GitHub documents it ("Running variations of jobs in a workflow": the product of
  the lists, ``exclude`` first, then ``include`` extending the combinations it does not contradict or
  adding its own) up to :data:`MAX_MATRIX_JOBS` jobs, GitHub's own limit.

A file that is not YAML at all, or has no ``jobs`` mapping, is one GitHub cannot run: it reports nothing.
Any other file that cannot be used (unreadable, too large, past a bound, a shape GitHub's schema does not
have, a matrix computed at run time) makes each required check no other workflow produces *unverified*
with the reason — never drift, never a crash of the audit.
"""

from __future__ import annotations

import base64
import binascii
import functools
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from repoconf.concepts.live import LiveModel
from repoconf.errors import Severity
from repoconf.files import NotText, decode_utf8, size_text
from repoconf.plain_yaml import YamlRefused, YamlSyntaxError, load, scalar_text
from repoconf.policy.diagnostics import Problem
from repoconf.policy.fnmatch import fnmatch_pathname, has_wildcard
from repoconf.policy.model import RepositorySettings
from repoconf.policy.source import Path
from repoconf.text import fit

WORKFLOWS = ".github/workflows/"
GITHUB_ACTIONS_APP = 15368
MATRIX_EXPRESSION = re.compile(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
MAX_WORKFLOW_BYTES = 1 << 20
"""GitHub's contents API sends a file's text up to 1 MB and ``encoding: none`` above (REST docs, "Get
repository content"; GitHub changelog 2022-05-03): the audit never sees a larger workflow, so neither does
``validate --repo-dir``."""
MAX_WORKFLOW_FILES = 100
"""Workflow files read per repository (one request each): a repository cannot spend the run's rate limit."""
PARSED_WORKFLOWS = 32
"""Distinct workflow texts whose parts are kept (at most 32 MB of text, :data:`MAX_WORKFLOW_BYTES` each)."""
MAX_MATRIX_JOBS = 256
"""GitHub: "A matrix will generate a maximum of 256 jobs per workflow run." (docs, "Running variations of
jobs in a workflow")."""
MAX_MATRIX_WORK = 1_000_000
"""Key comparisons one matrix's ``include`` and ``exclude`` may take."""
MAX_NAMES = 10_000
"""Check names one workflow file's jobs may report (reusable workflows' jobs included)."""
MAX_CHECK_NAME = 1024
"""A job name longer than this is not compared: no required check is that long."""
MAX_PATTERN = 1024
"""A branch filter longer than this is refused: no branch name is that long."""
MAX_REASON = 300
NOT_READ = f"not read: repoconf reads at most {MAX_WORKFLOW_FILES} workflow files of a repository"


class LiveTreeEntry(LiveModel):
    """An item of a git tree: a ``blob`` (file) or a ``tree`` (directory), with its object id."""

    path: str
    type: str
    sha: str | None = None


class LiveTree(LiveModel):
    """``GET .../git/trees/{sha}?recursive=1``; ``truncated`` when GitHub left entries out."""

    tree: list[LiveTreeEntry]
    truncated: bool = False


@dataclass(frozen=True)
class Unusable:
    """A workflow file whose text cannot be used, and why (named with each check it leaves unverified)."""

    reason: str


TOO_LARGE = Unusable(
    f"larger than {size_text(MAX_WORKFLOW_BYTES)}: GitHub's contents API sends no text above 1 MB"
)


def workflow_text(data: bytes) -> str | Unusable:
    """A workflow file's bytes as text: at most :data:`MAX_WORKFLOW_BYTES`, UTF-8."""
    if len(data) > MAX_WORKFLOW_BYTES:
        return TOO_LARGE
    try:
        return decode_utf8(data)
    except NotText as error:
        return Unusable(str(error))


class LiveFileContent(LiveModel):
    """``GET .../contents/{path}`` for a file: base64 text (``encoding: none`` above 1 MB).

    ../shared/github-api/GET_repos_OWNER_REPO_contents_PATH_*.json
    """

    type: str
    encoding: str | None = None
    content: str | None = None
    size: int | None = None
    sha: str | None = None

    def data(self) -> bytes | Unusable:
        """The file's bytes, or why there are none (too large, not a file, not base64)."""
        if self.type != "file":
            return Unusable(f"GitHub's contents API answers a {self.type[:40]!r}, not a file")
        if self.encoding == "none" or (self.size or 0) > MAX_WORKFLOW_BYTES:
            return TOO_LARGE
        if self.encoding != "base64" or self.content is None:
            return Unusable("GitHub's contents API sent no base64 text for it")
        try:
            return base64.b64decode(self.content, validate=False)
        except binascii.Error:
            return Unusable("GitHub's base64 text for it does not decode")

    def text(self) -> str | Unusable:
        """The file's text, or why there is none (too large, not a file, not base64, not UTF-8)."""
        data = self.data()
        return data if isinstance(data, Unusable) else workflow_text(data)


@dataclass(frozen=True)
class Content:
    """The files of a branch: paths of files and of directories, and the workflows' texts."""

    files: frozenset[str]
    directories: frozenset[str]
    workflows: Mapping[str, str | Unusable] = field(default_factory=dict)
    """Workflow file path → its text, or why it could not be used."""
    complete: bool = True
    """False when the tree was truncated or unreadable: what is not found is unverified, not drift."""
    incomplete: str = "the default branch's files could not all be listed"
    """Why the content is not complete (shown with what it leaves unverified)."""

    @classmethod
    def from_tree(cls, tree: LiveTree, workflows: Mapping[str, str | Unusable]) -> Content:
        """The content of a git tree listing."""
        files = frozenset(entry.path for entry in tree.tree if entry.type == "blob")
        directories = frozenset(entry.path for entry in tree.tree if entry.type == "tree")
        if not tree.truncated:
            return cls(files, directories, workflows)
        why = "GitHub truncated the default branch's tree (it lists at most 100,000 entries or 7 MB)"
        return cls(files, directories, workflows, complete=False, incomplete=why)

    @classmethod
    def unreadable(cls, reason: str) -> Content:
        """Content that could not be read: every content check is unverified, with ``reason``."""
        return cls(frozenset(), frozenset(), {}, complete=False, incomplete=reason)


def workflow_paths(files: Iterable[str]) -> list[str]:
    """The workflow files among a branch's files (``.github/workflows/*.yml|yaml``)."""
    return sorted(
        path
        for path in files
        if path.startswith(WORKFLOWS)
        and "/" not in path[len(WORKFLOWS) :]
        and path.endswith((".yml", ".yaml"))
    )


def missing_files(required: Iterable[str], content: Content) -> list[str]:
    """The required paths the content lacks: a directory (``tests/``) must exist, a glob must match."""
    found: list[str] = []
    for wanted in required:
        if wanted.endswith("/"):
            directory = wanted.rstrip("/")
            present = directory in content.directories or any(f.startswith(wanted) for f in content.files)
        elif has_wildcard(wanted):
            present = any(fnmatch_pathname(wanted, path) for path in content.files)
        else:
            present = wanted in content.files
        if not present:
            found.append(wanted)
    return found


# -- workflow files: shapes ---------------------------------------------------------------------------


class _Shape(Exception):
    """A workflow file GitHub's schema would not take (or past a bound here): the reason."""


def _where(path: tuple[str, ...]) -> str:
    return "`" + ".".join(fit(part, 40, "…") for part in path) + "`"


def _what(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "null" if value is None else repr(fit(scalar_text(value), 40, "…"))


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and EXPRESSION.search(value) is not None


@dataclass(frozen=True)
class BranchFilter:
    """A pull-request trigger's ``branches`` or ``branches-ignore`` (neither: every branch)."""

    branches: tuple[str, ...] | None = None
    ignored: tuple[str, ...] | None = None

    def admits(self, branch: str) -> bool:
        """Whether a pull request into ``branch`` runs the workflow."""
        if self.branches is not None and not any(fnmatch_pathname(p, branch) for p in self.branches):
            return False
        return self.ignored is None or not any(fnmatch_pathname(p, branch) for p in self.ignored)


def _patterns(value: Any, where: tuple[str, ...]) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) and item for item in items):
        raise _Shape(f"{_where(where)} is {_what(value)}: a branch filter is a string or a list of strings")
    if any(len(item) > MAX_PATTERN for item in items):
        raise _Shape(f"{_where(where)} holds a pattern of more than {MAX_PATTERN} characters")
    return tuple(items)


def _pull_request_filters(document: Mapping[str, Any]) -> tuple[BranchFilter, ...]:
    """The filters of the workflow's pull-request triggers (none: it does not run on pull requests)."""
    on = document.get("on")
    if on is None:
        return ()
    if isinstance(on, str):
        events: Mapping[str, Any] = {on: None}
    elif isinstance(on, list):
        if not all(isinstance(event, str) for event in on):
            raise _Shape("`on` lists something that is not an event name")
        events = dict.fromkeys(on)
    elif isinstance(on, dict):
        events = on
    else:
        raise _Shape(f"`on` is {_what(on)}: an event, a list of events or a mapping")
    filters: list[BranchFilter] = []
    for event in PULL_REQUEST_EVENTS:
        if event not in events:
            continue
        settings = events[event]
        if settings is None:
            filters.append(BranchFilter())
            continue
        if not isinstance(settings, dict):
            raise _Shape(f"`on.{event}` is {_what(settings)}: null or a mapping of filters")
        if "branches" in settings and "branches-ignore" in settings:
            raise _Shape(f"`on.{event}` has both branches and branches-ignore, which GitHub refuses")
        filters.append(
            BranchFilter(
                _patterns(settings.get("branches"), ("on", event, "branches")),
                _patterns(settings.get("branches-ignore"), ("on", event, "branches-ignore")),
            )
        )
    return tuple(filters)


class _Dynamic(Exception):
    """A matrix computed at run time (``${{ fromJSON(...) }}``): the job's names cannot be known here."""


@dataclass(frozen=True)
class Matrix:
    """A job's ``strategy.matrix``: the lists to combine, and ``include`` and ``exclude``."""

    axes: tuple[tuple[str, tuple[Any, ...]], ...]
    include: tuple[Mapping[str, Any], ...] = ()
    exclude: tuple[Mapping[str, Any], ...] = ()


def _filters(value: Any, where: tuple[str, ...]) -> tuple[Mapping[str, Any], ...]:
    if value is None:
        return ()
    if _is_expression(value):
        raise _Dynamic
    if not isinstance(value, list):
        raise _Shape(f"{_where(where)} is {_what(value)}: a list of mappings")
    for item in value:
        if _is_expression(item):
            raise _Dynamic
        if not isinstance(item, dict):
            raise _Shape(f"{_where(where)} lists {_what(item)}: each entry is a mapping")
    return tuple(value)


def _matrix(job: Mapping[str, Any], where: tuple[str, ...]) -> Matrix | None:
    strategy = job.get("strategy")
    if strategy is None:
        return None
    if _is_expression(strategy):
        raise _Dynamic
    if not isinstance(strategy, dict):
        raise _Shape(f"{_where((*where, 'strategy'))} is {_what(strategy)}: a mapping")
    matrix = strategy.get("matrix")
    where = (*where, "strategy", "matrix")
    if matrix is None:
        return None
    if _is_expression(matrix):
        raise _Dynamic
    if not isinstance(matrix, dict):
        raise _Shape(f"{_where(where)} is {_what(matrix)}: a mapping")
    axes: list[tuple[str, tuple[Any, ...]]] = []
    for key, values in matrix.items():
        if key in ("include", "exclude"):
            continue
        if _is_expression(values):
            raise _Dynamic
        if not isinstance(values, list) or not values:
            raise _Shape(f"{_where((*where, key))} is {_what(values)}: a list of values")
        axes.append((key, tuple(values)))
    return Matrix(
        tuple(axes),
        _filters(matrix.get("include"), (*where, "include")),
        _filters(matrix.get("exclude"), (*where, "exclude")),
    )


@dataclass(frozen=True)
class Job:
    """A job as far as check names go: its key, its ``name:`` (None: none given), a reusable workflow it
    calls, and its matrix.
    """

    key: str
    name: str | None
    uses: str | None
    matrix: Matrix | None
    dynamic: bool = False
    """Its matrix is computed at run time: its names cannot be known before it runs."""

    @property
    def title(self) -> str:
        """What GitHub calls the job before any matrix value is added."""
        return self.key if self.name is None else self.name


def _job(key: str, job: Any) -> Job:
    where = ("jobs", key)
    if not isinstance(job, dict):
        raise _Shape(f"{_where(where)} is {_what(job)}: a job is a mapping")
    raw_name, uses = job.get("name"), job.get("uses")
    if isinstance(raw_name, dict | list):
        raise _Shape(f"{_where((*where, 'name'))} is {_what(raw_name)}: a job's name is a string")
    if uses is not None and not isinstance(uses, str):
        raise _Shape(f"{_where((*where, 'uses'))} is {_what(uses)}: a workflow path")
    name = None if raw_name is None or raw_name == "" else scalar_text(raw_name)
    try:
        return Job(key, name, uses, _matrix(job, where))
    except _Dynamic:
        return Job(key, name, uses, None, dynamic=True)


# -- workflow files: names ----------------------------------------------------------------------------


class _Canonical:
    """Matrix values compared as GitHub compares them (by value); a mapping or list is serialized once
    (aliases share one object, so the memo keeps an alias bomb from being serialized per use).
    """

    def __init__(self) -> None:
        self._seen: dict[int, str] = {}

    def text(self, value: Any) -> str:
        """The value as its name shows it: a scalar as GitHub prints it, a collection as compact JSON."""
        if not isinstance(value, dict | list):
            return scalar_text(value)
        found = self._seen.get(id(value))
        if found is None:
            found = json.dumps(value, sort_keys=True, separators=(",", ":"))
            self._seen[id(value)] = found
        return found

    def __call__(self, value: Any) -> Any:
        return (type(value).__name__, value) if not isinstance(value, dict | list) else self.text(value)


def _matches(
    combination: Mapping[str, Any], entry: Mapping[str, Any], keys: Iterable[str], same: _Canonical
) -> bool:
    return all(key in combination and same(combination[key]) == same(entry[key]) for key in keys)


def combinations(matrix: Matrix) -> list[dict[str, Any]]:
    """The matrix's jobs' values, as GitHub expands them (see the module's docstring)."""
    count = 1
    for key, values in matrix.axes:
        count *= len(values)
        if count > MAX_MATRIX_JOBS:
            raise _Shape(
                f"the matrix's {_where((key,))} takes it past {MAX_MATRIX_JOBS} jobs, GitHub's limit"
            )
    keys = [key for key, _ in matrix.axes]
    base = (
        [dict(zip(keys, values, strict=True)) for values in itertools.product(*(v for _, v in matrix.axes))]
        if keys
        else []
    )
    work = len(base) * sum(len(entry) for entry in (*matrix.include, *matrix.exclude))
    if work > MAX_MATRIX_WORK:
        raise _Shape(f"its matrix's include and exclude take more than {MAX_MATRIX_WORK:,} comparisons")
    same = _Canonical()
    base = [c for c in base if not any(_matches(c, ex, ex.keys(), same) for ex in matrix.exclude)]
    originals = set(keys)
    added: list[dict[str, Any]] = []
    for entry in matrix.include:
        fixed = [key for key in entry if key in originals]
        extended = False
        for combination in base:
            if _matches(combination, entry, fixed, same):
                combination.update(entry)
                extended = True
        if not extended:
            added.append(dict(entry))
    found = base + added
    if len(found) > MAX_MATRIX_JOBS:
        raise _Shape(f"its matrix expands to {len(found)} jobs, past {MAX_MATRIX_JOBS}, GitHub's limit")
    return [combination for combination in found if combination]


def _names(job: Job) -> Iterator[str]:
    """The check names the job reports: ``Tests (3.12, ubuntu)``, or its name with matrix values filled
    in; a name too long to be a check's is left out.
    """
    title = job.title
    if len(title) > MAX_CHECK_NAME:
        return
    if job.matrix is None:
        yield title
        return
    found = combinations(job.matrix)
    if not found:
        yield title
        return
    canonical = _Canonical()
    for combination in found:
        shown = {
            key: text if len(text := canonical.text(value)) <= MAX_CHECK_NAME else None
            for key, value in combination.items()
        }
        if MATRIX_EXPRESSION.search(title):
            filled = [shown.get(match.group(1), "") for match in MATRIX_EXPRESSION.finditer(title)]
            if any(value is None for value in filled):
                continue
            texts = MATRIX_EXPRESSION.split(title)[0::2]  # the text around each expression
            name = "".join(text + (value or "") for text, value in zip(texts, [*filled, ""], strict=True))
        else:
            if any(value is None for value in shown.values()):
                continue
            name = f"{title} ({', '.join(str(value) for value in shown.values())})"
        if len(name) <= MAX_CHECK_NAME:
            yield name


def job_names(key: str, job: Mapping[str, Any]) -> set[str]:
    """The check names a job (a workflow's ``jobs.<key>`` mapping) reports, matrix expanded as GitHub
    names them; :class:`ValueError` for a job whose shape GitHub would refuse or whose matrix is computed
    at run time.
    """
    try:
        parsed = _job(key, dict(job))
        if parsed.dynamic:
            raise ValueError(f"job {key!r} has a matrix computed at run time")
        return set(_names(parsed))
    except _Shape as error:
        raise ValueError(str(error)) from None


@dataclass(frozen=True)
class Workflow:
    """One workflow file, read: when it runs on pull requests, and the names its jobs report."""

    pull_requests: tuple[BranchFilter, ...]
    names: frozenset[str]
    unknown: str | None = None
    """Why some of its jobs' names cannot be known (a matrix computed at run time), or None."""

    def runs_on_pull_requests_to(self, branch: str) -> bool:
        """Whether the workflow runs for pull requests into ``branch`` (its branch filters applied)."""
        return any(trigger.admits(branch) for trigger in self.pull_requests)


@dataclass(frozen=True)
class Workflows:
    """A branch's workflow files read once: the usable ones, and why each of the others cannot be used
    (a file that is not a workflow GitHub could run is in neither: it reports nothing).
    """

    documents: Mapping[str, Workflow]
    unusable: Mapping[str, str]


@dataclass(frozen=True)
class _Parsed:
    filters: tuple[BranchFilter, ...]
    jobs: tuple[Job, ...]


@functools.lru_cache(maxsize=PARSED_WORKFLOWS)
def _parse(text: str) -> _Parsed | None:
    """The parts of a workflow read here, shape-checked; None when GitHub could not run it at all.

    Kept by text (a file that cannot be used raises each time): an organization's repositories mostly
    hold the same workflow files, and the YAML of each costs more than the rest of a repository's
    comparison. What it returns is never changed by its readers.
    """
    try:
        document = load(text)
    except YamlSyntaxError:
        return None
    except YamlRefused as error:
        raise _Shape(f"its YAML has {error.reason}" if error.reason[0].islower() else error.reason) from None
    if not isinstance(document, dict) or not isinstance(document.get("jobs"), dict):
        return None
    jobs = tuple(_job(key, job) for key, job in document["jobs"].items())
    return _Parsed(_pull_request_filters(document), jobs)


def _callee_path(uses: str) -> str:
    return uses[2:].split("@")[0]


def parse_workflows(texts: Mapping[str, str | Unusable]) -> Workflows:
    """Read each workflow text (see the module's docstring); nothing here raises for a file's content."""
    parsed: dict[str, _Parsed] = {}
    unusable: dict[str, str] = {}
    for path, text in texts.items():
        if isinstance(text, Unusable):
            unusable[path] = text.reason
            continue
        try:
            found = _parse(text)
        except _Shape as error:
            unusable[path] = str(error)
            continue
        if found is not None:
            parsed[path] = found
    documents: dict[str, Workflow] = {}
    for path, workflow in parsed.items():
        try:
            documents[path] = _workflow(workflow, parsed, unusable)
        except _Shape as error:
            unusable[path] = str(error)
    return Workflows(documents, unusable)


def _workflow(workflow: _Parsed, parsed: Mapping[str, _Parsed], unusable: Mapping[str, str]) -> Workflow:
    """The workflow's names, a reusable workflow's jobs named ``caller / callee``, at most MAX_NAMES."""
    names: set[str] = set()
    unknown: str | None = None

    def add(name: str) -> None:
        names.add(name)
        if len(names) > MAX_NAMES:
            raise _Shape(f"its jobs report more than {MAX_NAMES:,} names, more than repoconf expands")

    for job in workflow.jobs:
        if job.dynamic:
            unknown = unknown or f"job {_where((job.key,))} has a matrix computed at run time"
            continue
        if job.uses is None or not job.uses.startswith("./"):
            for name in _names(job):
                add(name)
            continue
        callee = _callee_path(job.uses)
        if callee in unusable:
            unknown = unknown or f"job {_where((job.key,))} calls {callee}, which cannot be used"
        elif callee in parsed and len(job.title) <= MAX_CHECK_NAME:
            for inner in parsed[callee].jobs:
                if inner.dynamic:
                    unknown = unknown or f"{callee} has a matrix computed at run time"
                    continue
                for name in _names(inner):
                    add(f"{job.title} / {name}")
    return Workflow(workflow.filters, frozenset(names), unknown)


def produced_checks(workflows: Workflows, branch: str) -> tuple[set[str], list[str]]:
    """Check names reported on pull requests into ``branch``, and why others may be reported that cannot
    be known here (``path: reason`` for each unusable file, and each pull-request workflow whose names
    depend on a run).
    """
    produced: set[str] = set()
    unknown = [f"{path}: {reason}" for path, reason in sorted(workflows.unusable.items())]
    for path, workflow in sorted(workflows.documents.items()):
        if not workflow.runs_on_pull_requests_to(branch):
            continue
        produced |= workflow.names
        if workflow.unknown is not None:
            unknown.append(f"{path}: {workflow.unknown}")
    return produced, unknown


@dataclass(frozen=True)
class ContentFindings:
    """What the repository lacks, and what could not be verified (``path (reason)``)."""

    missing_files: list[str]
    missing_checks: list[str]
    unverified: list[str]
    reasons: Mapping[str, str] = field(default_factory=dict)
    """Each unverified path (``check_producers.<context>``, ``required_files.<path>``) → why."""


def _summary(reasons: list[str]) -> str:
    more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
    return fit(reasons[0], MAX_REASON - len(more), "…") + more


def check_content(settings: RepositorySettings, content: Content) -> ContentFindings:
    """Required files and the producers of the required checks of every branch rule without wildcards."""
    files = missing_files(settings.required_files or (), content)
    reasons: dict[str, str] = {}
    if not content.complete:
        reasons |= {f"required_files.{path}": fit(content.incomplete, MAX_REASON, "…") for path in files}
        files = []
    missing_checks: list[str] = []
    workflows = parse_workflows(content.workflows)
    for pattern, rule in settings.branches.items():
        if has_wildcard(pattern):
            continue  # which branch would a pull request target? not knowable from a pattern
        produced, unknown = produced_checks(workflows, pattern)
        if not content.complete:
            unknown.append(content.incomplete)
        for context, app_id in rule.check_contexts():
            if app_id not in (None, GITHUB_ACTIONS_APP):
                continue  # another GitHub App reports it, not a workflow
            path = f"check_producers.{context}"
            if context in produced or context in missing_checks or path in reasons:
                continue
            if unknown:
                reasons[path] = _summary(unknown)
            else:
                missing_checks.append(context)
    unverified = sorted(f"{path} ({reason})" for path, reason in reasons.items())
    return ContentFindings(files, missing_checks, unverified, reasons)


def workflow_checks(settings: RepositorySettings) -> list[str]:
    """The required checks a workflow must report (those pinned to another GitHub App are not)."""
    return sorted(
        {
            context
            for rule in settings.branches.values()
            for context, app_id in rule.check_contexts()
            if app_id in (None, GITHUB_ACTIONS_APP)
        }
    )


def expected_content(settings: RepositorySettings) -> dict[str, list[str]]:
    """What the default branch must hold, as ``render`` shows it: files, and the checks a job reports."""
    return {
        "required_files": list(settings.required_files or ()),
        "check_producers": workflow_checks(settings),
    }


def needs_content(settings: RepositorySettings) -> bool:
    """Whether the repository's content is audited at all (it costs 1 + W requests)."""
    return bool(settings.required_files) or any(
        rule.required_status_checks for rule in settings.branches.values()
    )


def content_problems(settings: RepositorySettings, content: Content, where: str) -> list[Problem]:
    """:func:`check_content` as policy problems, each at the entry that asks for what is missing
    (``validate --repo-dir``); ``where`` names the checkout in the messages.
    """
    found = check_content(settings, content)
    required = list(settings.required_files or ())

    def check_entry(context: str) -> tuple[str, Path]:
        for pattern, rule in settings.branches.items():
            contexts = [name for name, _ in rule.check_contexts()]
            if context in contexts:
                return pattern, ("branches", pattern, "required_status_checks", contexts.index(context))
        return "", ()

    problems = [
        Problem(
            ("required_files", required.index(path)),
            f"{where} has no {_kind(path)} {path!r}: add it, or remove it from required_files",
        )
        for path in found.missing_files
    ]
    for context in found.missing_checks:
        pattern, entry = check_entry(context)
        problems.append(
            Problem(
                entry,
                f"no workflow in {where}/{WORKFLOWS} runs a job named {context!r} on pull requests to "
                f"{pattern}: every pull request would wait for it forever; name a job so "
                "(`repoconf workflow ci` prints one) or drop the check",
            )
        )
    for path, reason in sorted(found.reasons.items()):
        kind, _, name = path.partition(".")
        entry = ("required_files", required.index(name)) if kind == "required_files" else check_entry(name)[1]
        problems.append(
            Problem(entry, f"{name!r} could not be verified in {where}: {reason}", Severity.WARNING)
        )
    return problems


def _kind(path: str) -> str:
    if path.endswith("/"):
        return "directory"
    return "file matching" if has_wildcard(path) else "file"
