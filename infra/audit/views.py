"""Policy and live settings in one comparable shape.

The audit compares, and ``repoconf import`` writes policies from, these plain views: the same function
of the policy model and of GitHub's REST responses, so that a field means the same on both sides. They
are JSON values (they go into findings as ``expected`` and ``actual``).
"""

from __future__ import annotations

from typing import Any

from infra.policy.model import BranchRule, Environment, ReleaseTags

RulesetView = dict[str, Any]


def reviewers_view(users: list[str], teams: list[str]) -> dict[str, list[str]]:
    """Reviewers by login and slug, sorted (order carries no meaning on GitHub)."""
    return {"users": sorted(users, key=str.lower), "teams": sorted(teams, key=str.lower)}


def refs_view(protected: bool, branches: list[str], tags: list[str]) -> dict[str, Any]:
    """``deployment_refs`` as the audit compares it."""
    if protected:
        return {"protected": True}
    return {"branches": sorted(branches), "tags": sorted(tags)}


def environment_view(env: Environment) -> dict[str, Any]:
    """The settings of an environment that GitHub stores on the environment itself."""
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


def checks_view(checks: list[tuple[str, int | None]]) -> list[dict[str, Any]]:
    """Required checks sorted by name; ``app_id`` only where one is pinned."""
    return [
        {"context": context} if app_id is None else {"context": context, "app_id": app_id}
        for context, app_id in sorted(checks, key=lambda check: check[0])
    ]


def branch_rule_view(rule: BranchRule) -> dict[str, Any]:
    """A branch rule's fields, named as in the policy."""
    return {
        "required_approvals": rule.required_approvals,
        "dismiss_stale_reviews": rule.dismiss_stale_reviews,
        "require_code_owner_reviews": rule.require_code_owner_reviews,
        "required_status_checks": checks_view(rule.check_contexts()),
        "require_up_to_date": rule.require_up_to_date,
        "linear_history": rule.linear_history,
        "enforce_admins": rule.enforce_admins,
    }


def release_tags_view(tags: ReleaseTags) -> dict[str, Any]:
    """The release-tag ruleset's meaning: pattern, exclusions, forbidden operations."""
    return {
        "pattern": tags.pattern,
        "except": sorted(tags.except_),
        "protect_from": sorted(str(operation) for operation in tags.protect_from),
    }
