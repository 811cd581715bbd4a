"""Repositories chosen by rule: which of the owner's repositories each selector selects, and the settings
each selected repository gets. Pure: the owner's repositories come in as :class:`Candidate` objects, read
over REST (:mod:`repoconf.live.inventory`) or from a file (``--repositories-from``, :func:`read_candidates`).

**The merge order.** A repository gets ``defaults``, then the settings of each selector that selects it in
file order, then its own entry under ``repositories``, each layer merged over the last as the loader merges
a repository entry (:func:`repoconf.policy.loader.merge`: mappings key by key, lists and scalars replace,
``null`` removes). Two selectors that select one repository must not set one value differently: that is
an error located at the later selector's value, unless the repository's own entry sets the value itself.
Each merged value is located where it was written (the last layer that wrote its path), so every error
about a selected repository points at ``defaults``, a selector or the entry.

**Matching** (:func:`matches`): every criterion a selector gives must hold: one of its ``topics``; for each
property in ``properties``, one of the wanted values; one of its ``names`` patterns (case-insensitive, as
GitHub compares repository names); none of its ``exclude`` patterns. Archived repositories and forks are
left out unless the selector asks for them. A repository listed under ``repositories`` is managed whether
a selector selects it or not.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from repoconf.errors import DiagnosticError, Location
from repoconf.files import NotText, Unreadable, decode_utf8, read_file
from repoconf.policy.diagnostics import Diagnostic, PolicyError, Severity, dotted, merge_repeated
from repoconf.policy.fnmatch import has_wildcard
from repoconf.policy.identifiers import RepositoryName, repository_problem
from repoconf.policy.loader import LoadedPolicy, Selection, merge, validate_settings
from repoconf.policy.model import RepositoryMatch, RepositorySettings
from repoconf.policy.source import Path

MAX_LIST_BYTES = 64 * 1024 * 1024
"""A list of repositories is read up to this size: 100,000 repositories with their topics and properties
take about 20 MiB."""
MAX_LINE = 64 * 1024
PREVIEW_PREFIX = "selector:"
"""How a selector's own settings are named where no list of repositories says which repositories it
selects (`validate` and `diff` without ``--repositories-from``): no repository name has a ``:``."""


@dataclass(frozen=True)
class Candidate:
    """One of the owner's repositories, as much of it as selectors look at."""

    name: str
    topics: frozenset[str] = frozenset()
    properties: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Custom property → its values (one for a single-select or text property, several for a
    multi-select); a property without a value is absent."""
    archived: bool = False
    fork: bool = False

    def as_json(self) -> dict[str, Any]:
        """The line ``--repositories-from`` reads back."""
        return {
            "name": self.name,
            "topics": sorted(self.topics),
            "properties": {
                name: values[0] if len(values) == 1 else list(values)
                for name, values in sorted(self.properties.items())
            },
            "archived": self.archived,
            "fork": self.fork,
        }


def property_values(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """A custom property's value as GitHub gives it (a string, a list for multi-select, or null)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _name_matches(pattern: str, name: str) -> bool:
    return fnmatch.fnmatchcase(name.casefold(), pattern.casefold())


def matches(rule: RepositoryMatch, candidate: Candidate) -> bool:
    """Whether the selector's rule selects the repository (see the module's description)."""
    if (candidate.archived and not rule.archived) or (candidate.fork and not rule.forks):
        return False
    if any(_name_matches(pattern, candidate.name) for pattern in rule.exclude):
        return False
    if rule.names and not any(_name_matches(pattern, candidate.name) for pattern in rule.names):
        return False
    if rule.topics and not {topic.casefold() for topic in candidate.topics} & set(rule.topics):
        return False
    for name, wanted in rule.properties.items():
        allowed = {wanted} if isinstance(wanted, str) else set(wanted)
        if not allowed & set(candidate.properties.get(name, ())):
            return False
    return True


# -- the list of repositories (--repositories-from) -------------------------------------------------------


class ListError(DiagnosticError):
    """A list of repositories that cannot be used (exit 2), located by line."""


class _Item(BaseModel):
    """One line of a list of repositories as JSON; other keys are ignored (a `gh api` listing fits)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: RepositoryName
    topics: tuple[Annotated[str, Field(max_length=100)], ...] = ()
    properties: dict[str, str | tuple[str, ...] | None] = Field(default_factory=dict)
    archived: bool = Field(default=False, strict=True)
    fork: bool = Field(default=False, strict=True)


def _candidate(text: str, file: str, number: int) -> tuple[Candidate | None, list[Diagnostic]]:
    """One line: a repository name, or a JSON object with at least ``name``."""
    where = Location(file, number, 1)
    if not text.startswith("{"):
        problem = repository_problem(text)
        if problem is not None:
            shown = text if len(text) <= 100 else text[:100] + "…"
            return None, [Diagnostic(where, "name", f"{shown!r} is not a repository name: {problem}")]
        return Candidate(text), []
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [
            Diagnostic(
                Location(file, number, error.colno),
                "",
                f"not JSON ({error.msg}): write one repository name or one JSON object per line",
            )
        ]
    try:
        item = _Item.model_validate(raw)
    except ValidationError as error:
        return None, [
            Diagnostic(
                where,
                ".".join(str(part) for part in detail["loc"]),
                detail["msg"].removeprefix("Value error, ")
                + (" (a name, topics, properties, archived, fork)" if detail["type"] == "missing" else ""),
            )
            for detail in error.errors(include_url=False)
        ]
    properties = {name: property_values(value) for name, value in item.properties.items() if value}
    return Candidate(item.name, frozenset(item.topics), properties, item.archived, item.fork), []


def parse_candidates(text: str, file: str) -> list[Candidate]:
    """Every repository of a list: one name or one JSON object per line (blank lines and lines starting
    with ``#`` skipped); a repository listed twice (names compared case-insensitively) is an error.
    """
    found: list[Candidate] = []
    seen: dict[str, int] = {}
    problems: list[Diagnostic] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(stripped) > MAX_LINE:
            problems.append(Diagnostic(Location(file, number, 1), "", f"longer than {MAX_LINE} characters"))
            continue
        candidate, wrong = _candidate(stripped, file, number)
        problems += wrong
        if candidate is None:
            continue
        folded = candidate.name.casefold()
        if folded in seen:
            problems.append(
                Diagnostic(
                    Location(file, number, 1),
                    "name",
                    f"repository {candidate.name!r} is listed twice (first at line {seen[folded]}; GitHub "
                    "compares names case-insensitively)",
                )
            )
            continue
        seen[folded] = number
        found.append(candidate)
    if problems:
        raise ListError(problems)
    return found


def read_candidates(path: FilePath) -> list[Candidate]:
    """The list of repositories in the file at ``path``: UTF-8, at most :data:`MAX_LIST_BYTES`, read as
    every file repoconf reads (:mod:`repoconf.files`: never a wait on a FIFO, never past the limit).
    """
    file = str(path)
    try:
        data = read_file(path, MAX_LIST_BYTES)
    except Unreadable as error:
        missing = error.reason == "No such file or directory"
        reason = "no such file" if missing else f"cannot read: {error.reason}"
        if error.limit is not None:
            reason = f"{error.reason}: a list of 100,000 repositories takes about 20 MiB"
        raise ListError([Diagnostic(Location(file, 1, 1), "", reason)]) from None
    try:
        text = decode_utf8(data)
    except NotText as error:
        raise ListError([Diagnostic(Location(file, error.line, error.column), "", str(error))]) from None
    return parse_candidates(text, file)


# -- resolving --------------------------------------------------------------------------------------------


def _last_writers(merged: Any, layers: list[tuple[Any, Path]], out: Path, origins: dict[Path, Path]) -> None:
    """Record, for every path of ``merged``, the document path of the last layer that wrote it.

    ``layers`` are the values each layer holds at ``out`` (only layers that have it) with where that value
    was written. Merging replaces a value at every path a later layer writes and removes the paths a
    ``null`` removes, so the last layer holding a path of the merged settings is where it was written.
    """
    origins[out] = layers[-1][1]
    if isinstance(merged, dict):
        for key, item in merged.items():
            below = [
                (value[key], (*at, key)) for value, at in layers if isinstance(value, dict) and key in value
            ]
            _last_writers(item, below, (*out, key), origins)
    elif isinstance(merged, list):
        for index, item in enumerate(merged):
            below = [
                (value[index], (*at, index))
                for value, at in layers
                if isinstance(value, list) and index < len(value)
            ]
            _last_writers(item, below, (*out, index), origins)


def layered(layers: list[tuple[dict[str, Any], Path]]) -> tuple[dict[str, Any], dict[Path, Path]]:
    """``layers`` (values as written, and where) merged in order, and where each merged value was
    written. The values are merged by the loader's own :func:`~repoconf.policy.loader.merge`.
    """
    merged: Any = layers[0][0]
    for value, _ in layers[1:]:
        merged = merge(merged, (), value, (), (), {})
    origins: dict[Path, Path] = {}
    _last_writers(merged, [(value, at) for value, at in layers], (), origins)
    return merged, origins


def _is_source(path: Path) -> bool:
    """A secret's source is one value (the merge replaces it whole)."""
    return len(path) >= 2 and path[-2] == "secrets"


def conflicts(first: Any, second: Any, path: Path = ()) -> list[Path]:
    """The paths both selectors' settings write with different values (mappings are compared key by key,
    everything else whole, as the merge replaces it).
    """
    if isinstance(first, dict) and isinstance(second, dict) and not _is_source(path):
        found: list[Path] = []
        for key in first:
            if key in second:
                found += conflicts(first[key], second[key], (*path, key))
        return found
    return [] if first == second else [path]


def _decides(entry: Any, path: Path) -> bool:
    """Whether a repository's own entry writes ``path`` (or replaces what holds it), ending a conflict."""
    current = entry
    for element in path:
        if not isinstance(current, dict) or element not in current:
            return False
        current = current[element]
        if not isinstance(current, dict):
            return True
    return True


def _conflict(loaded: LoadedPolicy, repository: str, first: str, second: str, path: Path) -> Diagnostic:
    at = ("selectors", second, "settings", *path)
    earlier = loaded.source.value(("selectors", first, "settings", *path))
    return Diagnostic(
        loaded.source.value(at),
        dotted(at),
        f"repository {repository!r} is selected by {first!r} too, which sets this differently (line "
        f"{earlier.line}): selectors that select one repository must agree; make them agree, narrow one "
        "`match`, or set the value in the repository's own entry",
        rule="selectors",
        repository=repository,
    )


@dataclass
class _Resolver:
    loaded: LoadedPolicy
    selection: Selection
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _pairs: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    _shared: dict[tuple[str, ...], tuple[RepositorySettings | None, dict[Path, Path]]] = field(
        default_factory=dict
    )

    def pair(self, first: str, second: str) -> list[Path]:
        key = (first, second)
        if key not in self._pairs:
            settings = self.selection.settings
            self._pairs[key] = conflicts(settings[first], settings[second])
        return self._pairs[key]

    def check(self, repository: str, chosen: tuple[str, ...], entry: dict[str, Any] | None) -> bool:
        clean = True
        for index, second in enumerate(chosen):
            for first in chosen[:index]:
                for path in self.pair(first, second):
                    if entry is None or not _decides(entry, path):
                        self.diagnostics.append(_conflict(self.loaded, repository, first, second, path))
                        clean = False
        return clean

    def layers(self, chosen: tuple[str, ...]) -> list[tuple[dict[str, Any], Path]]:
        return [(self.selection.defaults, ("defaults",))] + [
            (self.selection.settings[name], ("selectors", name, "settings")) for name in chosen
        ]

    def selected(
        self, repository: str, chosen: tuple[str, ...]
    ) -> tuple[RepositorySettings | None, dict[Path, Path]]:
        """A repository only selectors select: its settings depend on which, so they are shared."""
        if not self.check(repository, chosen, None):
            return None, {}
        if chosen not in self._shared:
            if len(chosen) == 1:
                name = chosen[0]
                preview = self.selection.previews[name]
                self._shared[chosen] = (preview, self.selection.preview_origins[name])
            else:
                merged, origins = layered(self.layers(chosen))
                at = ("selectors", chosen[-1], "settings")
                settings, problems = validate_settings(merged, origins, self.loaded.source, at, repository)
                self.diagnostics += problems
                self._shared[chosen] = (settings, origins)
        return self._shared[chosen]

    def listed(
        self, repository: str, chosen: tuple[str, ...]
    ) -> tuple[RepositorySettings | None, dict[Path, Path]]:
        """A repository of ``repositories`` that selectors also select: its entry goes last."""
        entry = self.selection.entries[repository]
        if not self.check(repository, chosen, entry):
            return None, {}
        at = ("repositories", repository)
        merged, origins = layered([*self.layers(chosen), (entry, at)])
        settings, problems = validate_settings(merged, origins, self.loaded.source, at, repository)
        self.diagnostics += problems
        return settings, origins


def selected_by(selection: Selection, candidates: Iterable[Candidate]) -> dict[str, tuple[str, ...]]:
    """Each candidate some selector selects → those selectors, in file order; a repository of
    ``repositories`` keeps the entry's spelling of its name.
    """
    spelled = {name.casefold(): name for name in selection.entries}
    found: dict[str, tuple[str, ...]] = {}
    for candidate in candidates:
        chosen = tuple(name for name, rule in selection.matches.items() if matches(rule, candidate))
        if chosen:
            found[spelled.get(candidate.name.casefold(), candidate.name)] = chosen
    return found


def resolve(loaded: LoadedPolicy, candidates: Iterable[Candidate]) -> LoadedPolicy:
    """The policy with the repositories its selectors select among ``candidates`` (the owner's
    repositories): those of ``repositories`` first, in file order, then the others by name. A policy
    without selectors is returned as it is. Every problem (two selectors that disagree on a repository,
    merged settings that do not validate) is raised at once, located.
    """
    selection = loaded.selection
    if selection is None:
        return loaded
    chosen = selected_by(selection, candidates)
    resolver = _Resolver(loaded, selection)
    repositories: dict[str, RepositorySettings] = {}
    origins: dict[str, dict[Path, Path]] = {}
    for name in selection.entries:
        if name in chosen:
            settings, where = resolver.listed(name, chosen[name])
        else:
            settings, where = loaded.policy.repositories[name], loaded.origins[name]
        if settings is not None:
            repositories[name], origins[name] = settings, where
    for name in sorted((n for n in chosen if n not in selection.entries), key=str.casefold):
        settings, where = resolver.selected(name, chosen[name])
        if settings is not None:
            repositories[name], origins[name] = settings, where
    if resolver.diagnostics:
        raise PolicyError(merge_repeated(resolver.diagnostics))
    policy = loaded.policy.model_copy(update={"repositories": repositories})
    return LoadedPolicy(policy, loaded.source, origins, replace(selection, selected=chosen))


def previewed(loaded: LoadedPolicy) -> LoadedPolicy:
    """Without a list of repositories: the policy's own repositories, and each selector's settings as a
    repository named ``selector:NAME`` (what a repository only it selects gets), for the checks and the
    policy diff.
    """
    selection = loaded.selection
    if selection is None:
        return loaded
    repositories = dict(loaded.policy.repositories)
    origins = dict(loaded.origins)
    for name, settings in selection.previews.items():
        repositories[PREVIEW_PREFIX + name] = settings
        origins[PREVIEW_PREFIX + name] = selection.preview_origins[name]
    policy = loaded.policy.model_copy(update={"repositories": repositories})
    return LoadedPolicy(policy, loaded.source, origins, selection)


def _literal_names(rule: RepositoryMatch) -> set[str] | None:
    """The names a rule can select when it names them without wildcards, else None (unknown)."""
    if not rule.names or any(has_wildcard(pattern) for pattern in rule.names):
        return None
    return {pattern.casefold() for pattern in rule.names}


def possible_conflicts(loaded: LoadedPolicy) -> list[Diagnostic]:
    """Without a list of repositories: each pair of selectors that set a value differently and may both
    select a repository (unless both name their repositories literally and no name is shared), as a
    warning at the later selector's value. With a list, :func:`resolve` makes each such repository an error.
    """
    selection = loaded.selection
    if selection is None:
        return []
    found: list[Diagnostic] = []
    names = list(selection.matches)
    for index, second in enumerate(names):
        for first in names[:index]:
            literal = (_literal_names(selection.matches[first]), _literal_names(selection.matches[second]))
            if literal[0] is not None and literal[1] is not None and not literal[0] & literal[1]:
                continue
            for path in conflicts(selection.settings[first], selection.settings[second]):
                at = ("selectors", second, "settings", *path)
                earlier = loaded.source.value(("selectors", first, "settings", *path))
                found.append(
                    Diagnostic(
                        loaded.source.value(at),
                        dotted(at),
                        f"selector {first!r} sets this differently (line {earlier.line}): a repository both "
                        "select would be an error (`--repositories-from FILE` checks the owner's "
                        "repositories); make them agree, or make sure no repository matches both",
                        Severity.WARNING,
                        rule="selectors",
                    )
                )
    return found
