"""Environments: reviewers, wait timer, self-review, admin bypass, deployment refs, secrets, variables.

Policy side: :class:`~repoconf.policy.model.Environment`. Provider side: ``github.RepositoryEnvironment``
(its inputs come from :data:`TABLE`) and, as child resources, one ``RepositoryEnvironmentDeploymentPolicy``
per pattern, ``ActionsEnvironmentSecret`` and ``ActionsEnvironmentVariable``. Live side: an item of ``GET
/repos/{owner}/{repo}/environments`` (its ``protection_rules``), and, when the environment has custom
deployment policies, ``GET .../environments/{name}/deployment-branch-policies``; its secrets and variables
listings (../shared/github-api/GET_repos_OWNER_REPO_environments*.json).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from repoconf.concepts.live import UNVERIFIED, LiveModel
from repoconf.concepts.secrets_variables import secret_names_view, secrets_row, variables_row
from repoconf.concepts.table import (
    OMIT,
    Option,
    Resolve,
    Row,
    off_weakens,
    on_weakens,
    same_folded,
)
from repoconf.policy.model import Environment
from repoconf.policy.versions import as_entries

EnvironmentView = dict[str, Any]


class LiveReviewer(LiveModel):
    """A user (``login``) or team (``slug``) in a required-reviewers rule."""

    login: str | None = None
    slug: str | None = None


class LiveReviewerEntry(LiveModel):
    """``{"type": "User" | "Team", "reviewer": {...}}``."""

    type: str
    reviewer: LiveReviewer | None = None


class LiveProtectionRule(LiveModel):
    """An item of ``protection_rules``: ``wait_timer``, ``required_reviewers`` or ``branch_policy``."""

    type: str
    wait_timer: int | None = None
    prevent_self_review: bool | None = None
    reviewers: list[LiveReviewerEntry] | None = None


class LiveBranchPolicySetting(LiveModel):
    """``deployment_branch_policy``: protected branches or custom policies."""

    protected_branches: bool
    custom_branch_policies: bool


class LiveEnvironment(LiveModel):
    """An item of ``GET /repos/{owner}/{repo}/environments``."""

    name: str
    protection_rules: list[LiveProtectionRule] | None = None
    deployment_branch_policy: LiveBranchPolicySetting | None = None
    can_admins_bypass: bool | None = None
    """Not in GitHub's REST description; github.com sends it, GitHub Enterprise Server may not."""

    @property
    def has_custom_policies(self) -> bool:
        """Whether its deployment policies must be listed to know its allowed refs."""
        return bool(self.deployment_branch_policy and self.deployment_branch_policy.custom_branch_policies)

    def rule(self, kind: str) -> LiveProtectionRule | None:
        """The protection rule of this type, if any."""
        return next((rule for rule in self.protection_rules or [] if rule.type == kind), None)


class LiveDeploymentPolicy(LiveModel):
    """An item of ``.../deployment-branch-policies``; ``type`` is optional (absent means a branch)."""

    id: int
    name: str
    type: Literal["branch", "tag"] | None = None


@dataclass(frozen=True)
class LiveEnvironmentAnswer:
    """Everything GitHub answers about one environment: the listing item, its deployment policies (when
    it has custom ones), its secrets' names and its variables.
    """

    item: LiveEnvironment
    policies: list[LiveDeploymentPolicy] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


def reviewers_view(users: list[str], teams: list[str]) -> dict[str, list[str]]:
    """Reviewers by login and slug, sorted (order carries no meaning on GitHub)."""
    return {"users": sorted(users, key=str.casefold), "teams": sorted(teams, key=str.casefold)}


def refs_view(protected: bool, branches: list[str], tags: list[str]) -> dict[str, Any]:
    """``deployment_refs`` as the audit compares it."""
    if protected:
        return {"protected": True}
    return {"branches": sorted(branches), "tags": sorted(tags)}


def _declared_reviewers(env: Environment) -> dict[str, list[str]]:
    reviewers = env.reviewers
    return (
        reviewers_view(list(reviewers.users), list(reviewers.teams)) if reviewers else reviewers_view([], [])
    )


def _live_reviewers(live: LiveEnvironmentAnswer) -> dict[str, list[str]]:
    users: list[str] = []
    teams: list[str] = []
    rule = live.item.rule("required_reviewers")
    for entry in rule.reviewers or [] if rule else []:
        reviewer = entry.reviewer or LiveReviewer()
        if entry.type == "User" and reviewer.login:
            users.append(reviewer.login)
        elif entry.type == "Team" and reviewer.slug:
            teams.append(reviewer.slug)
    return reviewers_view(users, teams)


def _encode_reviewers(view: dict[str, list[str]], resolve: Resolve) -> Any:
    if not view["users"] and not view["teams"]:
        return OMIT
    return [
        {
            "users": [resolve("users", login) for login in view["users"]],
            "teams": [resolve("teams", slug) for slug in view["teams"]],
        }
    ]


def _judge_reviewers(before: dict[str, list[str]], after: dict[str, list[str]]) -> str | None:
    if (before["users"] or before["teams"]) and not (after["users"] or after["teams"]):
        return "no reviewer is left: deployments need no approval"
    kept = {name.casefold() for kind in ("users", "teams") for name in after[kind]}
    gone = [name for kind in ("users", "teams") for name in before[kind] if name.casefold() not in kept]
    return f"reviewer(s) removed: {', '.join(gone)}" if gone else None


def _restore_reviewers(view: dict[str, list[str]]) -> Any:
    written = {kind: names for kind, names in view.items() if names}
    return written or OMIT


def _declared_refs(env: Environment) -> dict[str, Any] | None:
    refs = env.deployment_refs
    if refs is None:
        return None
    return refs_view(bool(refs.protected), list(refs.branches or ()), list(refs.tag_patterns()))


def _live_refs(live: LiveEnvironmentAnswer) -> dict[str, Any] | None:
    setting = live.item.deployment_branch_policy
    if setting is None:
        return None
    return refs_view(
        setting.protected_branches,
        [p.name for p in live.policies if p.type in (None, "branch")],
        [p.name for p in live.policies if p.type == "tag"],
    )


def _encode_refs(view: dict[str, Any] | None, resolve: Resolve) -> Any:
    # The patterns themselves are child resources (one RepositoryEnvironmentDeploymentPolicy each),
    # declared by the program; the environment only says which kind of policy applies.
    if view is None:
        return OMIT
    protected = bool(view.get("protected"))
    return {"protected_branches": protected, "custom_branch_policies": not protected}


def _restore_refs(view: dict[str, Any] | None) -> Any:
    if view is None:
        return OMIT
    if view.get("protected"):
        return {"protected": True}
    written = {"branches": view["branches"], "tags": as_entries(view["tags"])}
    # an empty list says what its absence says; one of them is written when both are empty (no ref)
    return {key: value for key, value in written.items() if value} or {"branches": []}


def _live_wait_timer(live: LiveEnvironmentAnswer) -> int:
    rule = live.item.rule("wait_timer")
    return (rule.wait_timer or 0) if rule else 0


def _live_self_review(live: LiveEnvironmentAnswer) -> bool:
    rule = live.item.rule("required_reviewers")
    return bool(rule.prevent_self_review) if rule else False


def _live_admins_bypass(live: LiveEnvironmentAnswer) -> Any:
    value = live.item.can_admins_bypass
    return UNVERIFIED if value is None else value


TABLE: tuple[Row[Environment, LiveEnvironmentAnswer], ...] = (
    Row(
        "reviewers",
        _declared_reviewers,
        _live_reviewers,
        provider="reviewers",
        encode=_encode_reviewers,
        field="reviewers",
        judge=_judge_reviewers,
        restore=_restore_reviewers,
        same=same_folded,
    ),
    Row(
        "wait_timer",
        lambda env: env.wait_timer,
        _live_wait_timer,
        provider="wait_timer",
        field="wait_timer",
        judge=lambda before, after: "the wait before {name} deploys is shorter" if after < before else None,
    ),
    Row(
        "prevent_self_review",
        lambda env: env.prevent_self_review,
        _live_self_review,
        provider="prevent_self_review",
        field="prevent_self_review",
        judge=off_weakens("whoever starts a deployment may now approve it"),
        # a setting of GitHub's required-reviewers rule: without reviewers there is no rule to hold it,
        # so cleared reviewers are one finding (validate refuses it without reviewers)
        within="reviewers",
    ),
    Row(
        "can_admins_bypass",
        lambda env: env.can_admins_bypass,
        _live_admins_bypass,
        provider="can_admins_bypass",
        field="can_admins_bypass",
        judge=on_weakens("administrators may now skip the reviewers and the wait"),
        strictest=False,
        hidden_by="github.com's environment answer (GitHub Enterprise Server may not send it)",
    ),
    Row(
        "deployment_refs",
        _declared_refs,
        _live_refs,
        provider="deployment_branch_policy",
        encode=_encode_refs,
        field="deployment_refs",
        # judged by the diff with the repository's branch rules (which branches are protected)
        restore=_restore_refs,
    ),
    secrets_row("secrets", lambda env: secret_names_view(env.secrets), lambda live: sorted(live.secrets)),
    variables_row("variables", lambda env: dict(env.variables), lambda live: dict(live.variables)),
)
"""The environment's settings; ``deployment_refs``' patterns, ``secrets`` and ``variables`` are child
resources the program declares by hand (one resource per pattern or name)."""

OPTIONS = (
    Option(
        "protect",
        "Pulumi's `protect` on the environment and its children",
        off_weakens("`pulumi destroy` or a removal from the policy may now delete it"),
    ),
)

VALUE_FIELDS = {
    "Reviewers": ("users", "teams"),
    "DeploymentRefs": ("protected", "branches", "tags"),
    "VersionTags": ("versions", "prefix", "major", "minor", "patch", "candidate"),
}
"""Fields of the value models a row of this table maps as a whole (checked by the completeness test)."""
