"""Two policies compared repository by repository, in policy terms, on the merged settings (defaults
applied), with every change that weakens a release gate flagged and explained in one line.

No Pulumi and no network: it works on the policy model, so a pull request is reviewed without the
stack's secrets or a token. Secret *values* never appear: a secret is its name, and a variable's value
change is reported as such without the values (the issue asks for names only; values stay in the file).

Names GitHub compares case-insensitively (environments, secrets, variables, reviewers, teams) are paired
so: ``qa`` and ``QA`` are one environment, its settings compared. A reviewer or release-tag creator
respelled is no change (the program resolves it to the same id). An environment, secret, variable or team
grant respelled is one: the program names its Pulumi resource after the policy's spelling (and the
provider replaces an environment whose name changes: ``ForceNew``, terraform-provider-github v6.13.0,
resource_github_repository_environment.go), so `pulumi up` creates the new spelling, which GitHub takes
for the old one, then deletes the old one, which deletes it from GitHub. That weakens a gate as removing
it does: a gated environment (unless ``protect`` makes Pulumi refuse the deletion), a team's grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from repoconf.concepts import access, branches, environments, release_tags, secrets_variables
from repoconf.concepts.branches import BranchDeclaration
from repoconf.concepts.flow import flow
from repoconf.concepts.release_tags import tag_creators
from repoconf.concepts.table import Compare, Omit, Option, Row, judge_changes
from repoconf.policy.checks import gated
from repoconf.policy.model import (
    DeploymentRefs,
    Environment,
    Policy,
    ReleaseTags,
    RepositorySettings,
)
from repoconf.policy.refs import Ref, explain

SAMPLE_REFS = (
    "refs/heads/main",
    "refs/heads/develop",
    "refs/heads/feature/x",
    "refs/tags/v1.2.3",
    "refs/tags/v1.2.3-rc1",
    "refs/tags/1.2.3",
    "refs/tags/nightly",
)
"""Refs tried against an environment's old and new rules: the kinds of ref the release guide names
(main, other branches, final and RC tags, other tags). Literal patterns of either side are tried too."""

VALUE_CHANGED = "(value changed)"


class Status(StrEnum):
    """What happened to a repository between the two policies."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Change:
    """One setting that differs; ``why`` says how it weakens a gate when ``weakens``."""

    path: str
    before: Any
    after: Any
    weakens: bool = False
    why: str | None = None

    def as_json(self) -> dict[str, Any]:
        """``{"path", "before", "after", "weakens", "why"}``."""
        return {
            "path": self.path,
            "before": self.before,
            "after": self.after,
            "weakens": self.weakens,
            "why": self.why,
        }


@dataclass(frozen=True)
class RepositoryDiff:
    """One repository's status and changes, and HEAD's release flow with the changes marked."""

    name: str
    status: Status
    changes: list[Change] = field(default_factory=list)
    flow: str | None = None
    """Mermaid text (changed repositories with environments only)."""


@dataclass(frozen=True)
class PolicyDiff:
    """Every repository of either policy, in HEAD's order then the removed ones."""

    repositories: list[RepositoryDiff]

    @property
    def changes(self) -> int:
        """Changed settings, plus one per repository added or removed."""
        return sum(len(r.changes) or (r.status is not Status.UNCHANGED) for r in self.repositories)

    @property
    def weakening(self) -> int:
        """Changes that weaken a gate."""
        return sum(change.weakens for r in self.repositories for change in r.changes)

    def as_json(self) -> dict[str, Any]:
        """The JSON shape of `repoconf diff --format json`."""
        return {
            "repositories": [
                {
                    "name": r.name,
                    "status": str(r.status),
                    "changes": [change.as_json() for change in r.changes],
                }
                for r in self.repositories
            ],
            "summary": {"changes": self.changes, "weakening": self.weakening},
        }


class _Changes:
    def __init__(self) -> None:
        self.items: list[Change] = []

    def add(self, path: str, before: Any, after: Any, why: str | None = None) -> None:
        self.items.append(Change(path, before, after, why is not None, why))

    def names(self, path: str, before: Iterable[str], after: Iterable[str], removed_why: str | None) -> None:
        """A set of names: one change listing both sides when it differs; removal may weaken."""
        old, new = sorted(before), sorted(after)
        if old == new:
            return
        gone = [name for name in old if name not in new]
        why = removed_why.format(", ".join(gone)) if removed_why and gone else None
        self.add(path, old, new, why)


def _paired(old: Iterable[str], new: Iterable[str]) -> list[tuple[str | None, str | None]]:
    """The names of both sides matched as GitHub matches them, case-insensitively (a policy holds each
    name once in any case: the loader checks it): (old spelling, new spelling), None where a side lacks
    it, by folded name.
    """
    before = {name.casefold(): name for name in old}
    after = {name.casefold(): name for name in new}
    return [(before.get(key), after.get(key)) for key in sorted(before.keys() | after.keys())]


def _respelled(kind: str, old: str, new: str, loss: str) -> str:
    """Why respelling a resource's name weakens a gate: GitHub's names ignore case, Pulumi's do not."""
    return (
        f"{kind} {old} is respelled {new}: the same {kind} to GitHub, another resource to Pulumi, which "
        f"creates {new} (GitHub updates {old}) then deletes {old}, which GitHub deletes: {loss}"
    )


def _refs_view(refs: DeploymentRefs | None) -> Any:
    if refs is None:
        return "any ref"
    if refs.protected:
        return "protected branches"
    tags = [entry if isinstance(entry, str) else entry.describe() for entry in refs.tags or ()]
    return {"branches": list(refs.branches or ()), "tags": tags}


def _samples(*refs: DeploymentRefs | None) -> list[str]:
    literal = [
        f"refs/{kind}/{pattern}"
        for ref in refs
        if ref is not None
        for kind, patterns in (("heads", ref.branches), ("tags", ref.tag_patterns()))
        for pattern in patterns or ()
        if not any(char in pattern for char in "*?[{\\")
    ]
    return list(dict.fromkeys([*SAMPLE_REFS, *literal]))


def _shown(row: Row[Any, Any], view: Any) -> Any:
    """A setting's value in policy terms, as the policy file writes it."""
    if row.restore is None:
        return view
    restored = row.restore(view)
    return None if isinstance(restored, Omit) else getattr(restored, "strictest", restored)


def _table(
    path: str,
    table: tuple[Row[Any, Any], ...],
    before: Any,
    after: Any,
    changes: _Changes,
    name: str = "",
) -> None:
    """The settings of one concept instance, each judged by its table row."""
    rows = {row.key: row for row in table}
    for judged in judge_changes(table, before, after):
        row = rows[judged.key]
        where = f"{path}.{judged.key}" if path else judged.key
        if row.compare is Compare.VALUE and row.same(judged.before, judged.after):
            continue  # reviewers respelled: the same accounts, the same ids in the program's inputs
        if row.compare is Compare.NAMES:
            changes.names(where, judged.before, judged.after, None)
        elif row.compare is Compare.NAMED_VALUES:
            _variables(where, judged.before, judged.after, changes)
        elif row.key == "deployment_refs":
            continue  # judged with the repository's branch rules: see _deployment_refs
        else:
            why = judged.why.replace("{name}", name) if judged.why else None
            changes.add(where, _shown(row, judged.before), _shown(row, judged.after), why)


def _options(path: str, options: tuple[Option, ...], before: Any, after: Any, changes: _Changes) -> None:
    """Pulumi options of one concept instance (``protect``), each judged by its declaration."""
    for option in options:
        old, new = getattr(before, option.field), getattr(after, option.field)
        if old != new:
            changes.add(f"{path}.{option.field}", old, new, option.judge(old, new) if option.judge else None)


def _deployment_refs(
    path: str,
    names: tuple[str, str],
    old_settings: RepositorySettings,
    new_settings: RepositorySettings,
    changes: _Changes,
) -> None:
    """Which refs may deploy: wider when a sample ref the old rules refused is now allowed (which
    branches are protected depends on the repository's branch rules, so no row can judge it alone).
    """
    old, new = old_settings.environments[names[0]], new_settings.environments[names[1]]
    name = names[1]
    if _refs_view(old.deployment_refs) == _refs_view(new.deployment_refs):
        return  # `branches: []` and no `branches` admit the same refs: no change to show
    newly = [
        sample
        for sample in _samples(old.deployment_refs, new.deployment_refs)
        if explain(new_settings, new, Ref.parse(sample)).allowed
        and not explain(old_settings, old, Ref.parse(sample)).allowed
    ]
    wider = ", ".join(newly) + f" can now deploy to {name}" if newly else None
    changes.add(
        f"{path}.deployment_refs", _refs_view(old.deployment_refs), _refs_view(new.deployment_refs), wider
    )


def _environment(
    path: str,
    names: tuple[str, str],
    old_settings: RepositorySettings,
    new_settings: RepositorySettings,
    changes: _Changes,
) -> None:
    """One environment of both sides (``names``: its old and new spelling)."""
    before, name = names
    old, new = old_settings.environments[before], new_settings.environments[name]
    if before != name:
        # A protected environment is never deleted: Pulumi refuses, and `pulumi up` fails instead.
        gone = f"{before} and its gate are gone, while Pulumi's state holds {name}"
        lost = _gated(old) and not old.protect
        changes.add(path, before, name, _respelled("environment", before, name, gone) if lost else None)
    _table(path, environments.TABLE, old, new, changes, name)
    _options(path, environments.OPTIONS, old, new, changes)
    _deployment_refs(path, names, old_settings, new_settings, changes)


def _variables(path: str, old: dict[str, str], new: dict[str, str], changes: _Changes) -> None:
    """Variable names (GitHub's are case-insensitive: a respelled one is listed, its value compared)."""
    changes.names(path, old, new, None)
    for before, after in _paired(old, new):
        if before is not None and after is not None and old[before] != new[after]:
            changes.add(f"{path}.{after}", VALUE_CHANGED, VALUE_CHANGED)


def _gated(environment: Environment) -> bool:
    """A gate in the diff's sense: an approval (the checks' :func:`gated`) or a wait before deploying."""
    return gated(environment) or environment.wait_timer > 0


def _release_tags(old: ReleaseTags | None, new: ReleaseTags | None, changes: _Changes) -> None:
    if old == new:
        return
    if old is None or new is None:
        view = _tags_view(old), _tags_view(new)
        changes.add("release_tags", *view, "release tags lose their protection" if new is None else None)
        return
    _table("release_tags", release_tags.PROTECTION_TABLE, old, new, changes)
    _options("release_tags", release_tags.OPTIONS, old, new, changes)
    if old.created_by is not None and new.created_by is None:
        changes.add(
            "release_tags.created_by",
            tag_creators(old),
            None,
            "anyone with write access may now push a release tag",
        )
    elif old.created_by is None and new.created_by is not None:
        changes.add("release_tags.created_by", None, tag_creators(new))
    else:
        _table("release_tags", release_tags.CREATION_TABLE, old, new, changes)


def _access(old: RepositorySettings, new: RepositorySettings, changes: _Changes) -> None:
    """Team grants: one removed, respelled or lowered weakens (a reviewer team may stop being asked)."""
    before = {grant.slug: grant for grant in access.grants(old)}
    after = {grant.slug: grant for grant in access.grants(new)}
    for old_slug, new_slug in _paired(before, after):
        if new_slug is None and old_slug is not None:
            why = f"team {old_slug} loses its permission on the repository (Pulumi removes the grant)"
            changes.add(f"access.teams.{old_slug}", str(before[old_slug].permission), None, why)
        elif new_slug is not None and old_slug is None:
            changes.add(f"access.teams.{new_slug}", None, str(after[new_slug].permission))
        elif new_slug is not None and old_slug is not None:
            path = f"access.teams.{new_slug}"
            if old_slug != new_slug:
                loss = f"team {old_slug} loses its permission, while Pulumi's state holds the grant"
                changes.add(path, old_slug, new_slug, _respelled("team grant", old_slug, new_slug, loss))
            _table(path, access.TABLE, before[old_slug], after[new_slug], changes)


def _tags_view(tags: ReleaseTags | None) -> Any:
    if tags is None:
        return None
    return {
        "pattern": tags.pattern,
        "protect_from": [str(op) for op in tags.protect_from],
        "except": list(tags.except_),
        "created_by": tag_creators(tags) if tags.created_by else None,
    }


def diff_repository(old: RepositorySettings, new: RepositorySettings) -> list[Change]:
    """Every change between two merged settings of one repository."""
    changes = _Changes()
    for old_name, new_name in _paired(old.environments, new.environments):
        if new_name is None and old_name is not None:
            why = (
                f"{old_name} and its gate are gone: a workflow naming it gets a new, unprotected environment "
                "(GitHub creates environments on first use)"
            )
            gated = _gated(old.environments[old_name])
            changes.add(f"environments.{old_name}", "present", None, why if gated else None)
        elif new_name is not None and old_name is None:
            changes.add(f"environments.{new_name}", None, "present")
        elif new_name is not None and old_name is not None:
            _environment(f"environments.{new_name}", (old_name, new_name), old, new, changes)
    _table("", secrets_variables.TABLE, old, new, changes)
    for held_before, secret in _paired(old.secrets, new.secrets):
        if held_before is not None or secret is None:
            continue
        gates = [
            name
            for name, env in new.environments.items()
            if secret.casefold() in {held.casefold() for held in env.secrets} and _gated(env)
        ]
        if gates:
            changes.add(
                f"secrets.{secret}",
                None,
                "present",
                f"every workflow may now read {secret} without the gate of {', '.join(gates)}",
            )
    for pattern in sorted(old.branches.keys() | new.branches.keys()):
        path = f"branches.{pattern}"
        if pattern not in new.branches:
            changes.add(path, "present", None, f"branches matching {pattern} lose their protection")
        elif pattern not in old.branches:
            changes.add(path, None, "present")
        else:
            table = branches.table_for(new.protection_engine)
            before = BranchDeclaration(pattern, old.branches[pattern])
            after = BranchDeclaration(pattern, new.branches[pattern])
            _table(path, table, before, after, changes)
            _options(path, branches.OPTIONS, old.branches[pattern], new.branches[pattern], changes)
    _release_tags(old.release_tags, new.release_tags, changes)
    _access(old, new, changes)
    if old.protection_engine != new.protection_engine:
        changes.add("protection_engine", str(old.protection_engine), str(new.protection_engine))
    changes.names("required_files", old.required_files or (), new.required_files or (), None)
    return changes.items


def diff_policies(base: Policy, head: Policy, repositories: list[str] | None = None) -> PolicyDiff:
    """Both policies' repositories (or the named ones) compared."""
    names = list(dict.fromkeys([*head.repositories, *base.repositories]))
    reports = []
    for name in names:
        if repositories and name not in repositories:
            continue
        if name not in base.repositories:
            reports.append(RepositoryDiff(name, Status.ADDED))
        elif name not in head.repositories:
            reports.append(RepositoryDiff(name, Status.REMOVED))
        else:
            old, new = base.repositories[name], head.repositories[name]
            changes = diff_repository(old, new)
            if not changes:
                reports.append(RepositoryDiff(name, Status.UNCHANGED))
                continue
            touched = frozenset(
                change.path.split(".")[1] for change in changes if change.path.startswith("environments.")
            )
            picture = flow(new, before=old, changed_environments=touched) if new.environments else None
            reports.append(RepositoryDiff(name, Status.CHANGED, changes, picture))
    return PolicyDiff(reports)
