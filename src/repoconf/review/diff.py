"""Two policies compared repository by repository, in policy terms, on the merged settings (defaults
applied), with every change that weakens a release gate flagged and explained in one line.

No Pulumi and no network: it works on the policy model, so a pull request is reviewed without the
stack's secrets or a token. Secret *values* never appear: a secret is its name, and a variable's value
change is reported as such without the values (the issue asks for names only; values stay in the file).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from repoconf.concepts.flow import flow
from repoconf.concepts.release_tags import tag_creators
from repoconf.policy.checks import gated
from repoconf.policy.model import (
    BranchRule,
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


def _reviewers(environment: Environment) -> tuple[list[str], list[str]]:
    reviewers = environment.reviewers
    return (list(reviewers.users), list(reviewers.teams)) if reviewers else ([], [])


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


def _environment(
    path: str,
    name: str,
    old_settings: RepositorySettings,
    new_settings: RepositorySettings,
    changes: _Changes,
) -> None:
    old, new = old_settings.environments[name], new_settings.environments[name]
    (old_users, old_teams), (new_users, new_teams) = _reviewers(old), _reviewers(new)
    if (old_users or old_teams) and not (new_users or new_teams):
        before = {"users": sorted(old_users), "teams": sorted(old_teams)}
        changes.add(f"{path}.reviewers", before, None, "no reviewer is left: deployments need no approval")
    else:
        for kind, old_names, new_names in (("users", old_users, new_users), ("teams", old_teams, new_teams)):
            changes.names(f"{path}.reviewers.{kind}", old_names, new_names, "reviewer(s) removed: {}")
    if new.wait_timer != old.wait_timer:
        lower = new.wait_timer < old.wait_timer
        changes.add(
            f"{path}.wait_timer",
            old.wait_timer,
            new.wait_timer,
            f"the wait before {name} deploys is shorter" if lower else None,
        )
    for key, weak, why in (
        ("prevent_self_review", False, "whoever starts a deployment may now approve it"),
        ("can_admins_bypass", True, "administrators may now skip the reviewers and the wait"),
        ("protect", False, "`pulumi destroy` or a removal from the policy may now delete it"),
    ):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            changes.add(f"{path}.{key}", before, after, why if after is weak else None)
    if old.deployment_refs != new.deployment_refs:
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
    changes.names(f"{path}.secrets", old.secrets, new.secrets, None)
    _variables(f"{path}.variables", old.variables, new.variables, changes)


def _variables(path: str, old: dict[str, str], new: dict[str, str], changes: _Changes) -> None:
    changes.names(path, old, new, None)
    for name in sorted(old.keys() & new.keys()):
        if old[name] != new[name]:
            changes.add(f"{path}.{name}", VALUE_CHANGED, VALUE_CHANGED)


def _gated(environment: Environment) -> bool:
    """A gate in the diff's sense: an approval (the checks' :func:`gated`) or a wait before deploying."""
    return gated(environment) or environment.wait_timer > 0


def _branch_rule(path: str, old: BranchRule, new: BranchRule, changes: _Changes) -> None:
    if new.required_approvals != old.required_approvals:
        fewer = new.required_approvals < old.required_approvals
        changes.add(
            f"{path}.required_approvals",
            old.required_approvals,
            new.required_approvals,
            "fewer approvals are needed to merge" if fewer else None,
        )
    changes.names(
        f"{path}.required_status_checks",
        [context for context, _ in old.check_contexts()],
        [context for context, _ in new.check_contexts()],
        "required status check(s) removed: {}: pull requests may merge without them",
    )
    for key, why in (
        ("dismiss_stale_reviews", "an approval survives new pushes"),
        ("require_code_owner_reviews", "code owners no longer have to approve"),
        ("require_up_to_date", "a pull request may merge without the latest base"),
        ("linear_history", "merge commits are allowed"),
        ("enforce_admins", "administrators may bypass the rule"),
        ("protect", "`pulumi destroy` or a removal from the policy may now delete it"),
    ):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            changes.add(f"{path}.{key}", before, after, why if not after else None)


def _release_tags(old: ReleaseTags | None, new: ReleaseTags | None, changes: _Changes) -> None:
    if old == new:
        return
    if old is None or new is None:
        view = _tags_view(old), _tags_view(new)
        changes.add("release_tags", *view, "release tags lose their protection" if new is None else None)
        return
    if old.pattern != new.pattern:
        changes.add("release_tags.pattern", old.pattern, new.pattern)
    changes.names(
        "release_tags.protect_from",
        [str(op) for op in old.protect_from],
        [str(op) for op in new.protect_from],
        "release tags may now be subject to: {}",
    )
    added = [pattern for pattern in new.except_ if pattern not in old.except_]
    if sorted(old.except_) != sorted(new.except_):
        why = f"tags matching {', '.join(added)} are no longer protected" if added else None
        changes.add("release_tags.except", sorted(old.except_), sorted(new.except_), why)
    _tag_creators(old, new, changes)
    if old.protect != new.protect:
        why = "`pulumi destroy` or a removal from the policy may now delete it" if not new.protect else None
        changes.add("release_tags.protect", old.protect, new.protect, why)


def _tag_creators(old: ReleaseTags, new: ReleaseTags, changes: _Changes) -> None:
    """Who may create production tags: anyone gaining that right weakens the gate."""
    before, after = tag_creators(old), tag_creators(new)
    if old.created_by is not None and new.created_by is None:
        changes.add(
            "release_tags.created_by", before, None, "anyone with write access may now push a release tag"
        )
    elif before != after:
        added = [name for name in after if name not in before]
        widened = f"{', '.join(added)} may now create release tags" if added and old.created_by else None
        changes.add("release_tags.created_by", before if old.created_by else None, after, widened)


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
    for name in sorted(old.environments.keys() | new.environments.keys()):
        path = f"environments.{name}"
        if name not in new.environments:
            why = (
                f"{name} and its gate are gone: a workflow naming it gets a new, unprotected environment "
                "(GitHub creates environments on first use)"
            )
            changes.add(path, "present", None, why if _gated(old.environments[name]) else None)
        elif name not in old.environments:
            changes.add(path, None, "present")
        else:
            _environment(path, name, old, new, changes)
    changes.names("secrets", old.secrets, new.secrets, None)
    for secret in sorted(new.secrets.keys() - old.secrets.keys()):
        gates = [name for name, env in new.environments.items() if secret in env.secrets and _gated(env)]
        if gates:
            changes.add(
                f"secrets.{secret}",
                None,
                "present",
                f"every workflow may now read {secret} without the gate of {', '.join(gates)}",
            )
    _variables("variables", old.variables, new.variables, changes)
    for pattern in sorted(old.branches.keys() | new.branches.keys()):
        path = f"branches.{pattern}"
        if pattern not in new.branches:
            changes.add(path, "present", None, f"branches matching {pattern} lose their protection")
        elif pattern not in old.branches:
            changes.add(path, None, "present")
        else:
            _branch_rule(path, old.branches[pattern], new.branches[pattern], changes)
    _release_tags(old.release_tags, new.release_tags, changes)
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
