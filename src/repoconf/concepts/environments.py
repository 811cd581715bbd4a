"""Environments: reviewers, wait timer, self-review, admin bypass and deployment refs.

Policy side: :class:`~repoconf.policy.model.Environment`. Live side: an item of
``GET /repos/{owner}/{repo}/environments`` (its ``protection_rules``) and, when the environment has
custom deployment policies, ``GET .../environments/{name}/deployment-branch-policies``
(../shared/github-api/GET_repos_OWNER_REPO_environments*.json).
"""

from __future__ import annotations

from typing import Any, Literal

from repoconf.concepts.live import UNVERIFIED, LiveModel
from repoconf.policy.model import Environment

EnvironmentView = dict[str, Any]


def reviewers_view(users: list[str], teams: list[str]) -> dict[str, list[str]]:
    """Reviewers by login and slug, sorted (order carries no meaning on GitHub)."""
    return {"users": sorted(users, key=str.lower), "teams": sorted(teams, key=str.lower)}


def refs_view(protected: bool, branches: list[str], tags: list[str]) -> dict[str, Any]:
    """``deployment_refs`` as the audit compares it."""
    if protected:
        return {"protected": True}
    return {"branches": sorted(branches), "tags": sorted(tags)}


def environment_view(env: Environment) -> EnvironmentView:
    """Policy → view: the settings GitHub stores on the environment itself."""
    reviewers = env.reviewers
    refs = env.deployment_refs
    return {
        "reviewers": reviewers_view(list(reviewers.users), list(reviewers.teams))
        if reviewers
        else reviewers_view([], []),
        "wait_timer": env.wait_timer,
        "prevent_self_review": env.prevent_self_review,
        "can_admins_bypass": env.can_admins_bypass,
        "deployment_refs": None
        if refs is None
        else refs_view(bool(refs.protected), list(refs.branches or ()), list(refs.tag_patterns())),
    }


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


class LiveDeploymentPolicy(LiveModel):
    """An item of ``.../deployment-branch-policies``; ``type`` is optional (absent means a branch)."""

    id: int
    name: str
    type: Literal["branch", "tag"] | None = None


def live_environment_view(raw: LiveEnvironment, policies: list[LiveDeploymentPolicy]) -> EnvironmentView:
    """Live → view: an environment listing item and its deployment branch policies."""
    users: list[str] = []
    teams: list[str] = []
    wait_timer = 0
    prevent_self_review = False
    for rule in raw.protection_rules or []:
        if rule.type == "wait_timer":
            wait_timer = rule.wait_timer or 0
        elif rule.type == "required_reviewers":
            prevent_self_review = bool(rule.prevent_self_review)
            for entry in rule.reviewers or []:
                reviewer = entry.reviewer or LiveReviewer()
                if entry.type == "User" and reviewer.login:
                    users.append(reviewer.login)
                elif entry.type == "Team" and reviewer.slug:
                    teams.append(reviewer.slug)
    setting = raw.deployment_branch_policy
    refs = None
    if setting is not None:
        refs = refs_view(
            setting.protected_branches,
            [p.name for p in policies if p.type in (None, "branch")],
            [p.name for p in policies if p.type == "tag"],
        )
    return {
        "reviewers": reviewers_view(users, teams),
        "wait_timer": wait_timer,
        "prevent_self_review": prevent_self_review,
        "can_admins_bypass": UNVERIFIED if raw.can_admins_bypass is None else raw.can_admins_bypass,
        "deployment_refs": refs,
    }
