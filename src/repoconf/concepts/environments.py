"""Environments: reviewers, wait timer, self-review, admin bypass and deployment refs.

Policy side: :class:`~repoconf.policy.model.Environment`. Live side: an item of
``GET /repos/{owner}/{repo}/environments`` (its ``protection_rules``) and, when the environment has
custom deployment policies, ``GET .../environments/{name}/deployment-branch-policies``
(../shared/github-api/GET_repos_OWNER_REPO_environments*.json).
"""

from __future__ import annotations

from typing import Any

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
        else refs_view(bool(refs.protected), list(refs.branches or ()), list(refs.tags or ())),
    }


def has_custom_policies(raw: dict[str, Any]) -> bool:
    """Whether the environment's deployment policies must be listed to know its allowed refs."""
    return bool((raw.get("deployment_branch_policy") or {}).get("custom_branch_policies"))


def live_environment_view(raw: dict[str, Any], policies: list[dict[str, Any]]) -> EnvironmentView:
    """Live → view: an environment listing item and its deployment branch policies."""
    users: list[str] = []
    teams: list[str] = []
    wait_timer = 0
    prevent_self_review = False
    for rule in raw.get("protection_rules") or []:
        if rule.get("type") == "wait_timer":
            wait_timer = int(rule.get("wait_timer") or 0)
        elif rule.get("type") == "required_reviewers":
            prevent_self_review = bool(rule.get("prevent_self_review"))
            for entry in rule.get("reviewers") or []:
                reviewer = entry.get("reviewer") or {}
                if entry.get("type") == "User":
                    users.append(reviewer.get("login", ""))
                elif entry.get("type") == "Team":
                    teams.append(reviewer.get("slug", ""))
    branch_policy = raw.get("deployment_branch_policy")
    refs = None
    if branch_policy:
        refs = refs_view(
            bool(branch_policy.get("protected_branches")),
            [p["name"] for p in policies if p.get("type", "branch") == "branch"],
            [p["name"] for p in policies if p.get("type") == "tag"],
        )
    return {
        "reviewers": reviewers_view(users, teams),
        "wait_timer": wait_timer,
        "prevent_self_review": prevent_self_review,
        "can_admins_bypass": bool(raw.get("can_admins_bypass", True)),
        "deployment_refs": refs,
    }
