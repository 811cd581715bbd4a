"""What the repository itself must hold: required files, and a workflow reporting each required check.

Policy side: ``required_files`` (paths, ``**`` globs, directories ending in ``/``) and the required
status checks of the branch rules. Live side: the default branch's file tree (``GET
.../git/trees/HEAD?recursive=1``, ../shared/github-api/GET_repos_OWNER_REPO_git_trees_TREE_SHA_*.json)
and the text of its workflow files — or the same read from a local checkout (``validate --repo-dir``).

A required check is *produced* when some workflow that runs on pull requests to the protected branch
has a job whose reported name is the check's context: the job's ``name:`` (or its key), with a matrix
expanded as GitHub names it (``Unit Tests (3.12)``; a name with ``${{ matrix.x }}`` expressions filled in),
or ``caller / callee`` for a job of a reusable workflow in the repository.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from repoconf.concepts.live import LiveModel
from repoconf.errors import Severity
from repoconf.policy.diagnostics import Problem
from repoconf.policy.fnmatch import fnmatch_pathname
from repoconf.policy.model import RepositorySettings
from repoconf.policy.source import Path

WORKFLOWS = ".github/workflows/"
GITHUB_ACTIONS_APP = 15368
MATRIX_EXPRESSION = re.compile(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}")


class LiveTreeEntry(LiveModel):
    """An item of a git tree: a ``blob`` (file) or a ``tree`` (directory)."""

    path: str
    type: str


class LiveTree(LiveModel):
    """``GET .../git/trees/{sha}?recursive=1``; ``truncated`` when GitHub left entries out."""

    tree: list[LiveTreeEntry]
    truncated: bool = False


class LiveFileContent(LiveModel):
    """``GET .../contents/{path}`` for a file: base64 text (``encoding: none`` above 1 MB).

    ../shared/github-api/GET_repos_OWNER_REPO_contents_PATH_*.json
    """

    type: str
    encoding: str | None = None
    content: str | None = None

    def text(self) -> str | None:
        """The file's text, or None when GitHub did not send it (too large, not a file, not UTF-8)."""
        if self.type != "file" or self.encoding != "base64" or self.content is None:
            return None
        try:
            return base64.b64decode(self.content, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class Content:
    """The files of a branch: paths of files and of directories, and the workflows' texts."""

    files: frozenset[str]
    directories: frozenset[str]
    workflows: Mapping[str, str | None] = field(default_factory=dict)
    """Workflow file path → its text, None where it could not be read."""
    complete: bool = True
    """False when the tree was truncated or unreadable: what is not found is unverified, not drift."""

    @classmethod
    def from_tree(cls, tree: LiveTree, workflows: Mapping[str, str | None]) -> Content:
        """The content of a git tree listing."""
        files = frozenset(entry.path for entry in tree.tree if entry.type == "blob")
        directories = frozenset(entry.path for entry in tree.tree if entry.type == "tree")
        return cls(files, directories, workflows, not tree.truncated)

    @classmethod
    def unreadable(cls) -> Content:
        """Content that could not be read: every content check is unverified."""
        return cls(frozenset(), frozenset(), {}, complete=False)


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
        elif any(char in wanted for char in "*?["):
            present = any(fnmatch_pathname(wanted, path) for path in content.files)
        else:
            present = wanted in content.files
        if not present:
            found.append(wanted)
    return found


def _triggers(workflow: Mapping[Any, Any]) -> Mapping[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(event): None for event in on}
    return on if isinstance(on, Mapping) else {}


def runs_on_pull_requests_to(workflow: Mapping[Any, Any], branch: str) -> bool:
    """Whether the workflow runs for pull requests into ``branch`` (its ``branches`` filters applied)."""
    for event in ("pull_request", "pull_request_target"):
        triggers = _triggers(workflow)
        if event not in triggers:
            continue
        settings = triggers[event] or {}
        if not isinstance(settings, Mapping):
            return True
        included = settings.get("branches")
        ignored = settings.get("branches-ignore")
        if included is not None and not any(fnmatch_pathname(str(p), branch) for p in included):
            continue
        if ignored is not None and any(fnmatch_pathname(str(p), branch) for p in ignored):
            continue
        return True
    return False


def _matrix_values(job: Mapping[str, Any]) -> list[dict[str, str]]:
    matrix = ((job.get("strategy") or {}).get("matrix")) if isinstance(job.get("strategy"), Mapping) else None
    if not isinstance(matrix, Mapping):
        return []
    axes = {
        key: value
        for key, value in matrix.items()
        if key not in ("include", "exclude") and isinstance(value, list)
    }
    combinations = [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]
    for extra in matrix.get("include") or []:
        if isinstance(extra, Mapping):
            combinations.append({str(k): v for k, v in extra.items()})
    return [
        {key: str(value) for key, value in combination.items()} for combination in combinations if combination
    ]


def _fill(name: str, values: Mapping[str, str]) -> str:
    """``Tests (${{ matrix.python }})`` with the matrix values filled in."""

    def value(match: re.Match[str]) -> str:
        return values.get(match.group(1), "")

    return MATRIX_EXPRESSION.sub(value, name)


def job_names(key: str, job: Mapping[str, Any]) -> set[str]:
    """The check names a job reports, matrix expanded as GitHub names them."""
    name = str(job.get("name") or key)
    combinations = _matrix_values(job)
    if not combinations:
        return {name}
    if MATRIX_EXPRESSION.search(name):
        return {_fill(name, combination) for combination in combinations}
    return {f"{name} ({', '.join(combination.values())})" for combination in combinations}


@dataclass(frozen=True)
class Workflows:
    """Workflow files parsed once: the documents with jobs, and the files whose text is unknown."""

    documents: Mapping[str, Mapping[str, Any]]
    unreadable: list[str]


def parse_workflows(texts: Mapping[str, str | None]) -> Workflows:
    """Parse each workflow text; a file GitHub cannot parse runs nothing, so it reports nothing."""
    documents: dict[str, Mapping[str, Any]] = {}
    unreadable: list[str] = []
    for path, text in texts.items():
        if text is None:
            unreadable.append(path)
            continue
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(document, Mapping) and isinstance(document.get("jobs"), Mapping):
            documents[path] = document
    return Workflows(documents, unreadable)


def produced_checks(workflows: Workflows, branch: str) -> set[str]:
    """Check names reported on pull requests into ``branch``."""
    parsed = workflows.documents
    produced: set[str] = set()
    for document in parsed.values():
        if not runs_on_pull_requests_to(document, branch):
            continue
        for key, job in document["jobs"].items():
            if not isinstance(job, Mapping):
                continue
            caller = str(job.get("name") or key)
            called = job.get("uses")
            if isinstance(called, str) and called.startswith("./"):
                callee = parsed.get(called[2:].split("@")[0])
                if callee is not None:
                    for inner_key, inner in callee["jobs"].items():
                        if isinstance(inner, Mapping):
                            produced |= {f"{caller} / {name}" for name in job_names(str(inner_key), inner)}
                continue
            produced |= job_names(str(key), job)
    return produced


@dataclass(frozen=True)
class ContentFindings:
    """What the repository lacks, and what could not be verified."""

    missing_files: list[str]
    missing_checks: list[str]
    unverified: list[str]


def check_content(settings: RepositorySettings, content: Content) -> ContentFindings:
    """Required files and the producers of the required checks of every branch rule without wildcards."""
    files = missing_files(settings.required_files or (), content)
    unverified: list[str] = []
    if not content.complete:
        unverified += [f"required_files.{path}" for path in files]
        files = []
    missing_checks: list[str] = []
    workflows = parse_workflows(content.workflows)
    unreadable = workflows.unreadable
    for pattern, rule in settings.branches.items():
        if any(char in pattern for char in "*?["):
            continue  # which branch would a pull request target? not knowable from a pattern
        produced = produced_checks(workflows, pattern)
        for context, app_id in rule.check_contexts():
            if app_id not in (None, GITHUB_ACTIONS_APP):
                continue  # another GitHub App reports it, not a workflow
            if context in produced or context in missing_checks:
                continue
            if unreadable or not content.complete:
                unverified.append(f"check_producers.{context}")
            else:
                missing_checks.append(context)
    return ContentFindings(files, missing_checks, sorted(set(unverified)))


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
    for path in found.unverified:
        kind, _, name = path.partition(".")
        entry = ("required_files", required.index(name)) if kind == "required_files" else check_entry(name)[1]
        problems.append(
            Problem(
                entry,
                f"{name!r} could not be verified: a workflow file in {where}/{WORKFLOWS} is not UTF-8",
                Severity.WARNING,
            )
        )
    return problems


def _kind(path: str) -> str:
    if path.endswith("/"):
        return "directory"
    return "file matching" if any(char in path for char in "*?[") else "file"
