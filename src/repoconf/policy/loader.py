"""Policy file → one validated, merged :class:`RepositorySettings` per repository.

Every error is located at the line where the offending value was written, including values written in
``defaults`` that only fail once merged into a repository (the repository is then named).
"""

from __future__ import annotations

import difflib
import gc
import sys
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from repoconf.errors import Location
from repoconf.files import Unreadable, read_file, read_stdin
from repoconf.policy.diagnostics import Diagnostic, PolicyError, Problem, dotted, merge_repeated
from repoconf.policy.identifiers import (
    Login,
    RepositoryName,
    SelectorName,
    looks_like_token,
    repository_problem,
    selector_problem,
)
from repoconf.policy.model import GitHubHost, Policy, RepositoryMatch, RepositorySettings
from repoconf.policy.source import Path, SourceError, SourceMap, parse

DEFAULT_POLICY = "config/policy.yaml"
STDIN = "-"
MAX_POLICY_BYTES = 4 * 1024 * 1024
"""Inputs are read up to this size: a policy of 1,000 repositories is about 30 KiB."""


class _SelectorEntry(BaseModel):
    """A selector as written; its `settings` are validated merged over `defaults`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: RepositoryMatch
    settings: dict[str, Any] | None = None


class _Header(BaseModel):
    """The file's top level; `defaults` and entries are validated after merging."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    owner: Login
    github: GitHubHost = GitHubHost()
    defaults: dict[str, Any] | None = None
    repositories: dict[RepositoryName, dict[str, Any] | None]
    selectors: dict[SelectorName, _SelectorEntry] | None = None


@dataclass(frozen=True)
class Selection:
    """A policy's selectors and what resolving them needs (:mod:`repoconf.policy.selection`): the values
    as written, from which each selected repository is merged, and each selector's own settings over
    ``defaults`` (what a repository that only it selects gets), validated when the policy loads.
    """

    matches: dict[str, RepositoryMatch]
    """Each selector's rule, in file order."""
    defaults: dict[str, Any]
    settings: dict[str, dict[str, Any]]
    """Each selector's ``settings`` as written (``{}`` when absent)."""
    entries: dict[str, dict[str, Any]]
    """The explicit repository entries as written (``{}`` for an empty one)."""
    previews: dict[str, RepositorySettings]
    preview_origins: dict[str, dict[Path, Path]]
    selected: dict[str, tuple[str, ...]] | None = None
    """Once resolved (:func:`repoconf.policy.selection.resolve`): each repository the selectors select →
    which of them, in file order."""


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy and where each repository's merged values were written."""

    policy: Policy
    source: SourceMap
    origins: dict[str, dict[Path, Path]]
    selection: Selection | None = None
    """The selectors, when the policy has any: ``policy.repositories`` then holds the explicit entries
    only, until :func:`repoconf.policy.selection.resolve` adds the repositories they select."""

    def origin(self, repository: str, path: Path) -> Path:
        """Document path where a merged repository value (or its nearest ancestor) was written."""
        found = _nearest_origin(self.origins[repository], self.source, path)
        return found[0] if found is not None else ("repositories", repository)

    def location(self, repository: str, path: Path) -> Location:
        """File location of a merged repository value (or its nearest written ancestor)."""
        return self.source.value(self.origin(repository, path))

    def diagnose(self, repository: str, problem: Problem, rule: str) -> Diagnostic:
        """A repository's problem located where the offending value was written."""
        return Diagnostic(
            location=self.location(repository, problem.path),
            path=dotted(self.origin(repository, problem.path)),
            message=problem.message,
            severity=problem.severity,
            rule=rule,
            repository=repository,
            environment=problem.environment,
        )


REMOVED: Path = ("<removed>",)
"""The origin recorded for a key that a ``null`` removed from the merged settings."""


def _nearest_origin(origins: dict[Path, Path], source: SourceMap, path: Path) -> tuple[Path, Path] | None:
    """Where the value at ``path`` of the merged settings (or its nearest ancestor there) was written,
    and the rest of ``path`` below that ancestor.

    :func:`merge` records an origin only where the merged value's source changes (a merged mapping, a
    key kept from the other side, a key removed); below such a point the merged value is the document's
    own, so the document's paths (``source.values``, every value written) tell which part of ``path``
    exists.
    """
    for end in range(len(path), -1, -1):
        origin = origins.get(path[:end])
        if origin is None:
            continue
        if origin is REMOVED:  # not in the merged settings: its parent is the nearest ancestor
            parent = _nearest_origin(origins, source, path[: end - 1])
            return None if parent is None else (parent[0], (*parent[1], *path[end - 1 :]))
        rest = path[end:]
        written = 0
        while written < len(rest) and (*origin, *rest[: written + 1]) in source.values:
            written += 1
        return (*origin, *rest[:written]), rest[written:]
    return None


def merge(
    base: Any, base_origin: Path, override: Any, override_origin: Path, out: Path, origins: dict[Path, Path]
) -> Any:
    """Deep-merge ``override`` over ``base``: mappings key by key, lists and scalars replace, ``None``
    removes the inherited key. ``origins`` learns where the merged value's source changes: the merged
    mapping at ``out`` comes from ``override_origin``, a key kept from ``base`` from ``base_origin``, a
    removed key is :data:`REMOVED`; every other path follows from its nearest recorded ancestor
    (:func:`_nearest_origin`). One entry per merge point, not one per value: a policy of 10,000
    repositories records a few dozen paths per repository, not every version pattern of its defaults.

    A secret's source is one value, not a mapping to merge: ``{env: X}`` over ``{config: y}`` replaces
    it rather than producing a source with both keys.
    """
    origins[out] = override_origin
    secret_source = len(out) >= 2 and out[-2] == "secrets"
    if secret_source or not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    result: dict[str, Any] = {}
    for key, value in base.items():
        if key not in override:
            result[key] = value
            origins[(*out, key)] = (*base_origin, key)
    for key, value in override.items():
        if value is None:
            origins[(*out, key)] = REMOVED
        elif key in base and base[key] is not None:
            result[key] = merge(
                base[key], (*base_origin, key), value, (*override_origin, key), (*out, key), origins
            )
        else:
            result[key] = value
    return result


def _annotation_models(annotation: Any) -> tuple[list[type[BaseModel]], bool]:
    """Models reachable from a field annotation, and whether a mapping key comes first."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _annotation_models(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation], False
    if origin is dict:
        models, _ = _annotation_models(typing.get_args(annotation)[1])
        return models, True
    if origin in (typing.Union, types.UnionType, tuple, list):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                found.extend(_annotation_models(arg)[0])
        return found, False
    return [], False


def _allowed_keys(root: type[BaseModel], path: Path) -> list[str]:
    """Field names (by alias) of the model(s) at ``path`` below ``root``."""
    models: list[type[BaseModel]] = [root]
    pending_key = False
    for element in path:
        if pending_key:
            pending_key = False
            continue
        if isinstance(element, int):
            continue
        following: list[type[BaseModel]] = []
        for model in models:
            for name, info in model.model_fields.items():
                if element in (name, info.alias):
                    found, pending_key = _annotation_models(info.annotation)
                    following.extend(found)
        models = following
    return sorted({info.alias or name for model in models for name, info in model.model_fields.items()})


def _has_child(node: Any, element: str | int) -> bool:
    if isinstance(node, dict):
        return element in node
    return isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node)


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Path:
    """Pydantic's error location reduced to the path of the value in the data.

    Pydantic inserts union tags, model names and ``[key]`` markers; the data decides what is real.
    """
    path: list[str | int] = []
    current = data
    for index, element in enumerate(loc):
        if _has_child(current, element):
            path.append(element)
            current = current[element]
        elif (
            index == len(loc) - 1
            and isinstance(current, dict)
            and isinstance(element, str)
            and element != "[key]"
        ):
            path.append(element)
            current = None
    return tuple(path)


# pydantic's wording for a value of the wrong type, in the policy's words (YAML's, not Python's).
TYPE_MESSAGES = {
    "tuple_type": "expected a list, e.g. `[a, b]`",
    "list_type": "expected a list, e.g. `[a, b]`",
    "dict_type": "expected a mapping of `key: value`",
    "model_type": "expected a mapping of `key: value`",
    "model_attributes_type": "expected a mapping of `key: value`",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected a string",
    "string_too_short": "cannot be empty",
}
SOURCE_KEYS = ("config", "env")


def _present_path(data: Any, loc: tuple[int | str, ...]) -> Path:
    """The elements of pydantic's location that exist in the data (union tags and model names left out)."""
    path: list[str | int] = []
    current = data
    for element in loc:
        if _has_child(current, element):
            path.append(element)
            current = current[element]
    return tuple(path)


def _message(error: ErrorDetails, root: type[BaseModel], path: Path, present: bool) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        if len(path) >= 3 and path[-3] == "secrets" and key in SOURCE_KEYS:
            return "a secret has one source: `{config: KEY}` or `{env: VAR}`, not both"
        allowed = _allowed_keys(root, path[:-1])
        close = [word for word in difflib.get_close_matches(key, allowed, n=2, cutoff=0.6) if word != key]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        expected = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return f"unknown key {_shown(key)}{hint}{expected}"
    if kind == "missing" and not present:
        return f"required field {str(path[-1])!r} is missing"
    message = TYPE_MESSAGES.get(kind, error["msg"])
    # pydantic's remaining phrasings ("Input should be 1", "List should have at most 6 items") in the
    # policy's words
    for phrase in ("Input should be ", "String should have ", "List should have ", "Tuple should have "):
        if message.startswith(phrase):
            message = "expected " + message.removeprefix(phrase)
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    elif kind == "int_type" and str(error.get("input")).strip().lstrip("-").isdigit():
        message += " (write the number without quotes)"
    elif kind == "string_type" and isinstance(error.get("input"), (int, float, bool)):
        message += " (quote the value so YAML keeps it as written, e.g. '3.10')"
    return message


def _shown(name: str) -> str:
    """A name for a message: quoted, unless it has the shape of a credential (never printed)."""
    return "(a credential-shaped name, not shown)" if looks_like_token(name) else repr(name)


def _misspelt(details: list[ErrorDetails], data: Any, root: type[BaseModel]) -> set[Path]:
    """Paths of required fields whose absence an unknown key's "did you mean" already explains."""
    explained: set[Path] = set()
    for detail in details:
        if detail["type"] != "extra_forbidden":
            continue
        path = _data_path(data, detail["loc"])
        allowed = _allowed_keys(root, path[:-1])
        for word in difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6):
            explained.add((*path[:-1], word))
    return explained


def _diagnostics(
    error: ValidationError,
    data: Any,
    root: type[BaseModel],
    locate: typing.Callable[[Path, bool], tuple[Location, Path]],
    repository: str | None,
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    details = error.errors(include_url=False, include_input=True)
    explained = _misspelt(details, data, root)
    for detail in details:
        path = _data_path(data, detail["loc"])
        if detail["type"] == "missing":
            path = (*_present_path(data, detail["loc"][:-1]), detail["loc"][-1])
            if path in explained:  # `contxt:` written for `context:` is one mistake, reported once
                continue
        present = _exists(data, path)
        at_key = detail["type"] == "extra_forbidden" or detail["loc"][-1:] == ("[key]",)
        location, document_path = locate(path, at_key)
        message = _message(detail, root, path, present)
        if detail["loc"][-1:] == ("[key]",):
            message = f"invalid name {_shown(str(path[-1]))}: {message}"
        environment = str(path[1]) if len(path) > 1 and path[0] == "environments" else None
        found.append(
            Diagnostic(
                location=location,
                path=dotted(document_path),
                message=message,
                repository=repository,
                environment=environment,
            )
        )
    return found


def _exists(data: Any, path: Path) -> bool:
    current = data
    for element in path:
        if _has_child(current, element):
            current = current[element]
        else:
            return False
    return True


def _locator(
    source: SourceMap, origins: dict[Path, Path], prefix: Path
) -> typing.Callable[[Path, bool], tuple[Location, Path]]:
    def locate(path: Path, at_key: bool) -> tuple[Location, Path]:
        found = _nearest_origin(origins, source, path)
        if found is None:
            return source.value(prefix), (*prefix, *path)
        origin, rest = found
        document = (*origin, *rest)
        return (source.key(document) if at_key and not rest else source.value(document)), document

    return locate


_FREEZE_AFTER_LOAD = False


def freeze_after_load() -> None:
    """Freeze what each load built (``gc.freeze()``): for a process that owns its heap, the command line.

    Loading allocates a few hundred container objects per repository and frees almost none until the
    command ends; once loaded, every later collection (a diff builds much more) scanned the policy
    again: ``gc.freeze()`` moves everything alive into the permanent generation that collections skip
    (objects are still freed when their last reference goes), 2.2 s of 9.5 s for a diff of 10,000
    repositories. It also freezes whatever else is alive, cycles included, which a long-lived caller
    (a test session, a program loading many policies) must not have done to its heap: so only the
    console script asks for it.
    """
    global _FREEZE_AFTER_LOAD  # one process-wide choice, made once by the entry point
    _FREEZE_AFTER_LOAD = True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a policy loads (its repeated scans of everything
    alive made loading 10,000 repositories twice as slow), enabled again if it was, and what the load
    built frozen where the process asked for it (:func:`freeze_after_load`). A caller that turned the
    collector off keeps it as it was.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if _FREEZE_AFTER_LOAD:
            gc.freeze()
        gc.enable()


def load_text(text: str, file: str) -> LoadedPolicy:
    """Validate policy YAML text; raise :class:`PolicyError` with every problem found."""
    with _collector_paused():
        return _load_text(text, file)


def _load_text(text: str, file: str) -> LoadedPolicy:
    try:
        data, source = parse(text, file)
    except SourceError as error:
        raise PolicyError([Diagnostic(error.location, dotted(error.path), error.message)]) from None
    if not isinstance(data, dict):
        raise PolicyError(
            [
                Diagnostic(
                    source.value(()),
                    "",
                    "the policy must be a mapping with version, owner, defaults and repositories",
                )
            ]
        )
    diagnostics: list[Diagnostic] = []
    header: _Header | None = None
    try:
        # `repositories` may be left out when selectors choose the repositories
        chosen = "repositories" not in data and "selectors" in data
        header = _Header.model_validate({**data, "repositories": {}} if chosen else data)
    except ValidationError as error:
        identity = {path: path for path in source.values}
        diagnostics.extend(_diagnostics(error, data, _Header, _locator(source, identity, ()), None))

    # Even when the top level is wrong, every well-formed repository entry is still validated, so that
    # one run reports every problem of the file.
    raw_defaults = data.get("defaults")
    defaults: dict[str, Any] = raw_defaults if isinstance(raw_defaults, dict) else {}
    raw_repositories = data.get("repositories")
    entries: dict[str, Any] = {
        name: entry
        for name, entry in (raw_repositories.items() if isinstance(raw_repositories, dict) else ())
        if isinstance(entry, dict | None) and repository_problem(name) is None
    }
    raw_selectors = data.get("selectors")
    selector_settings: dict[str, dict[str, Any]] = {
        name: settings if isinstance(settings, dict) else {}
        for name, entry in (raw_selectors.items() if isinstance(raw_selectors, dict) else ())
        if isinstance(entry, dict) and selector_problem(name) is None
        for settings in [entry.get("settings")]
    }
    if not entries and not selector_settings:
        # `defaults` may be partial (a repository can complete it), so it is only validated on its own
        # when no repository will validate it merged.
        default_origins: dict[Path, Path] = {(): ("defaults",)}
        try:
            RepositorySettings.model_validate(defaults)
        except ValidationError as error:
            diagnostics.extend(
                _diagnostics(
                    error,
                    defaults,
                    RepositorySettings,
                    _locator(source, default_origins, ("defaults",)),
                    None,
                )
            )

    repositories: dict[str, RepositorySettings] = {}
    all_origins: dict[str, dict[Path, Path]] = {}
    for name, entry in entries.items():
        origins: dict[Path, Path] = {}
        prefix: Path = ("repositories", name)
        merged = merge(defaults, ("defaults",), entry or {}, prefix, (), origins)
        all_origins[name] = origins
        try:
            repositories[name] = RepositorySettings.model_validate(merged)
        except ValidationError as error:
            diagnostics.extend(
                _diagnostics(error, merged, RepositorySettings, _locator(source, origins, prefix), name)
            )
    previews: dict[str, RepositorySettings] = {}
    preview_origins: dict[str, dict[Path, Path]] = {}
    for name, settings in selector_settings.items():
        # what a repository that only this selector selects gets: valid on its own
        origins = {}
        prefix = ("selectors", name, "settings")
        merged = merge(defaults, ("defaults",), settings, prefix, (), origins)
        preview_origins[name] = origins
        preview, problems = validate_settings(merged, origins, source, prefix, None)
        diagnostics.extend(problems)
        if preview is not None:
            previews[name] = preview
    if diagnostics or header is None:
        raise PolicyError(merge_repeated(diagnostics))
    policy = Policy(owner=header.owner, repositories=repositories, github=header.github)
    selection = None
    if header.selectors:
        selection = Selection(
            matches={name: entry.match for name, entry in header.selectors.items()},
            defaults=defaults,
            settings=selector_settings,
            entries={name: entry or {} for name, entry in entries.items()},
            previews=previews,
            preview_origins=preview_origins,
        )
    return LoadedPolicy(policy, source, all_origins, selection)


def validate_settings(
    merged: Any, origins: dict[Path, Path], source: SourceMap, prefix: Path, repository: str | None
) -> tuple[RepositorySettings | None, list[Diagnostic]]:
    """Merged settings validated as :class:`RepositorySettings`, or the problems located where each
    offending value was written (``origins``; ``prefix`` where nothing was recorded).
    """
    try:
        return RepositorySettings.model_validate(merged), []
    except ValidationError as error:
        locate = _locator(source, origins, prefix)
        return None, _diagnostics(error, merged, RepositorySettings, locate, repository)


def load(path: str | FilePath) -> LoadedPolicy:
    """Read and validate a policy file; ``-`` reads standard input."""
    file = str(path)
    if file == STDIN:
        stdin = sys.stdin.buffer if sys.stdin is not None and not sys.stdin.closed else None
        try:
            data = read_stdin(stdin, MAX_POLICY_BYTES)
        except Unreadable as error:
            raise PolicyError([Diagnostic(Location("<stdin>", 1, 1), "", error.reason)]) from None
        return load_text(_decode(data, "<stdin>"), "<stdin>")
    try:  # never more than the limit (/dev/zero), never a wait on a FIFO nobody writes to
        data = read_file(path, MAX_POLICY_BYTES)
    except Unreadable as error:
        if error.limit is not None:
            raise _too_large(file) from None
        missing = error.reason == "No such file or directory"
        reason = "no such file" if missing else f"cannot read: {error.reason}"
        raise PolicyError([Diagnostic(Location(file, 1, 1), "", reason)]) from None
    return load_text(_decode(data, file), file)


def load_bytes(data: bytes, file: str) -> LoadedPolicy:
    """Validate a policy read elsewhere (``git show``); ``file`` names it in diagnostics."""
    return load_text(_decode(data, file), file)


def _too_large(file: str) -> PolicyError:
    return PolicyError(
        [
            Diagnostic(
                Location(file, 1, 1),
                "",
                f"larger than {MAX_POLICY_BYTES // 1024 // 1024} MiB, which no policy is (1,000 "
                "repositories take about 30 KiB): is this the right file?",
            )
        ]
    )


def _decode(data: bytes, file: str) -> str:
    """The policy's text: UTF-8, at most :data:`MAX_POLICY_BYTES`; otherwise a located error."""
    if len(data) > MAX_POLICY_BYTES:
        raise _too_large(file)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise PolicyError(
            [
                Diagnostic(
                    Location(file, line, column),
                    "",
                    f"not UTF-8 text: byte 0x{data[error.start]:02x} cannot start or continue a character; "
                    "save the file as UTF-8",
                )
            ]
        ) from None
