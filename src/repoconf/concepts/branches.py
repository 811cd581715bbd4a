"""Branch rules, enforced by a repository ruleset (target ``branch``) or classic branch protection.

Policy side: :class:`~repoconf.policy.model.BranchRule`. Live side: ``GET .../rulesets/{id}``
(../shared/github-api/GET_repos_OWNER_REPO_rulesets_RULESET_ID.json, rule types in
SCHEMA_repository-rule-types.json) or ``GET .../branches/{branch}/protection``
(GET_repos_OWNER_REPO_branches_BRANCH_protection.json).
"""

from __future__ import annotations

from typing import Any

from repoconf.policy.model import BranchRule, ProtectionEngine, RepositorySettings

RulesetView = dict[str, Any]


def checks_view(checks: list[tuple[str, int | None]]) -> list[dict[str, Any]]:
    """Required checks sorted by name; ``app_id`` only where one is pinned."""
    return [
        {"context": context} if app_id is None else {"context": context, "app_id": app_id}
        for context, app_id in sorted(checks, key=lambda check: check[0])
    ]


def branch_rule_view(rule: BranchRule) -> RulesetView:
    """Policy → view: a branch rule's fields, named as in the policy."""
    return {
        "required_approvals": rule.required_approvals,
        "dismiss_stale_reviews": rule.dismiss_stale_reviews,
        "require_code_owner_reviews": rule.require_code_owner_reviews,
        "required_status_checks": checks_view(rule.check_contexts()),
        "require_up_to_date": rule.require_up_to_date,
        "linear_history": rule.linear_history,
        "enforce_admins": rule.enforce_admins,
    }


def ruleset_shape(pattern: str) -> RulesetView:
    """What every ruleset repoconf makes for a branch rule has besides the rule's own fields."""
    return {"enforcement": "active", "requires_pull_request": True, "includes": [pattern]}


def strip_ref(prefix: str, refs: list[str]) -> list[str]:
    """``refs/heads/main`` → ``main`` for each ref of a ruleset condition, sorted."""
    return sorted(ref.removeprefix(prefix) for ref in refs)


def branch_ruleset_view(raw: dict[str, Any]) -> RulesetView:
    """Live → view: a branch ruleset's meaning in branch-rule terms (plus what the policy cannot say)."""
    rules = {rule["type"]: rule.get("parameters") or {} for rule in raw.get("rules") or []}
    pull_request = rules.get("pull_request", {})
    status = rules.get("required_status_checks", {})
    return {
        "required_approvals": int(pull_request.get("required_approving_review_count", 0)),
        "dismiss_stale_reviews": bool(pull_request.get("dismiss_stale_reviews_on_push", False)),
        "require_code_owner_reviews": bool(pull_request.get("require_code_owner_review", False)),
        "required_status_checks": checks_view(
            [(c["context"], c.get("integration_id")) for c in status.get("required_status_checks", [])]
        ),
        "require_up_to_date": bool(status.get("strict_required_status_checks_policy", False)),
        "linear_history": "required_linear_history" in rules,
        "enforce_admins": not raw.get("bypass_actors"),
        "enforcement": raw.get("enforcement"),
        "requires_pull_request": "pull_request" in rules,
        "includes": strip_ref(
            "refs/heads/", raw.get("conditions", {}).get("ref_name", {}).get("include", [])
        ),
    }


def classic_view(raw: dict[str, Any]) -> RulesetView:
    """Live → view: classic branch protection in branch-rule terms."""
    reviews = raw.get("required_pull_request_reviews") or {}
    status = raw.get("required_status_checks") or {}
    checks = status.get("checks")
    if checks is None:
        checks = [{"context": context, "app_id": None} for context in status.get("contexts", [])]
    return {
        "required_approvals": int(reviews.get("required_approving_review_count", 0)),
        "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews", False)),
        "require_code_owner_reviews": bool(reviews.get("require_code_owner_reviews", False)),
        "required_status_checks": checks_view([(c["context"], c.get("app_id")) for c in checks]),
        "require_up_to_date": bool(status.get("strict", False)),
        "linear_history": bool((raw.get("required_linear_history") or {}).get("enabled", False)),
        "enforce_admins": bool((raw.get("enforce_admins") or {}).get("enabled", False)),
    }


def classic_branches(settings: RepositorySettings) -> list[str]:
    """Branches whose classic protection can be read.

    GitHub's REST API reads classic protection per branch name; a rule with a wildcard pattern is only
    visible through GraphQL, so it is not audited (docs/guide.md says so).
    """
    if settings.protection_engine is not ProtectionEngine.CLASSIC:
        return []
    return [pattern for pattern in settings.branches if not any(c in pattern for c in "*?[")]
