"""Branch rules, enforced by a repository ruleset (target ``branch``) or classic branch protection.

Policy side: :class:`~repoconf.policy.model.BranchRule`. Live side: ``GET .../rulesets/{id}``
(../shared/github-api/GET_repos_OWNER_REPO_rulesets_RULESET_ID.json, rule types in
SCHEMA_repository-rule-types.json) or ``GET .../branches/{branch}/protection``
(GET_repos_OWNER_REPO_branches_BRANCH_protection.json).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from repoconf.concepts.live import UNVERIFIED, LiveModel
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


class LiveRule(LiveModel):
    """An item of a ruleset's ``rules``."""

    type: str
    parameters: dict[str, Any] | None = None


class LiveRefName(LiveModel):
    """``conditions.ref_name``."""

    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class LiveConditions(LiveModel):
    """A ruleset's ``conditions`` (nullable in GitHub's description)."""

    ref_name: LiveRefName | None = None


class LiveRulesetSummary(LiveModel):
    """An item of ``GET .../rulesets``: no rules; ``source_type`` says whose ruleset it is."""

    id: int
    name: str
    source_type: str | None = None
    source: str | None = None

    @property
    def inherited(self) -> bool:
        """An organization's (or enterprise's) ruleset that applies to the repository."""
        return self.source_type not in (None, "Repository")


class LiveRuleset(LiveModel):
    """``GET .../rulesets/{id}``. ``bypass_actors`` is only returned to callers with write access to
    the ruleset (GitHub's description of the operation): absent means unknown, not empty.
    """

    id: int
    name: str
    target: str | None = None
    enforcement: str | None = None
    bypass_actors: list[dict[str, Any]] | None = None
    conditions: LiveConditions | None = None
    rules: list[LiveRule] | None = None

    def ref_name(self) -> LiveRefName:
        """The ref-name condition, empty when there is none."""
        return (self.conditions.ref_name if self.conditions else None) or LiveRefName()

    def rule_parameters(self) -> dict[str, dict[str, Any]]:
        """Rule type → its parameters (``{}`` for rules without any)."""
        return {rule.type: rule.parameters or {} for rule in self.rules or []}


class LivePullRequestParameters(LiveModel):
    """Parameters of a ``pull_request`` rule."""

    required_approving_review_count: int = 0
    dismiss_stale_reviews_on_push: bool = False
    require_code_owner_review: bool = False


class LiveStatusCheck(LiveModel):
    """A required check of a ``required_status_checks`` rule."""

    context: str
    integration_id: int | None = None


class LiveStatusChecksParameters(LiveModel):
    """Parameters of a ``required_status_checks`` rule."""

    required_status_checks: list[LiveStatusCheck] = Field(default_factory=list)
    strict_required_status_checks_policy: bool = False


def branch_ruleset_view(raw: LiveRuleset) -> RulesetView:
    """Live → view: a branch ruleset's meaning in branch-rule terms (plus what the policy cannot say)."""
    rules = raw.rule_parameters()
    pull_request = LivePullRequestParameters.model_validate(rules.get("pull_request", {}))
    status = LiveStatusChecksParameters.model_validate(rules.get("required_status_checks", {}))
    return {
        "required_approvals": pull_request.required_approving_review_count,
        "dismiss_stale_reviews": pull_request.dismiss_stale_reviews_on_push,
        "require_code_owner_reviews": pull_request.require_code_owner_review,
        "required_status_checks": checks_view(
            [(check.context, check.integration_id) for check in status.required_status_checks]
        ),
        "require_up_to_date": status.strict_required_status_checks_policy,
        "linear_history": "required_linear_history" in rules,
        "enforce_admins": UNVERIFIED if raw.bypass_actors is None else not raw.bypass_actors,
        "enforcement": raw.enforcement,
        "requires_pull_request": "pull_request" in rules,
        "includes": strip_ref("refs/heads/", raw.ref_name().include),
    }


class LiveEnabled(LiveModel):
    """``{"enabled": bool}`` settings of classic protection."""

    enabled: bool = False


class LiveClassicReviews(LiveModel):
    """``required_pull_request_reviews`` of classic protection."""

    required_approving_review_count: int = 0
    dismiss_stale_reviews: bool = False
    require_code_owner_reviews: bool = False


class LiveClassicCheck(LiveModel):
    """An item of ``required_status_checks.checks``."""

    context: str
    app_id: int | None = None


class LiveClassicStatusChecks(LiveModel):
    """``required_status_checks`` of classic protection (``checks`` may be absent: use ``contexts``)."""

    strict: bool = False
    contexts: list[str] = Field(default_factory=list)
    checks: list[LiveClassicCheck] | None = None


class LiveClassicProtection(LiveModel):
    """``GET .../branches/{branch}/protection``."""

    required_pull_request_reviews: LiveClassicReviews | None = None
    required_status_checks: LiveClassicStatusChecks | None = None
    required_linear_history: LiveEnabled | None = None
    enforce_admins: LiveEnabled | None = None


def classic_view(raw: LiveClassicProtection) -> RulesetView:
    """Live → view: classic branch protection in branch-rule terms."""
    reviews = raw.required_pull_request_reviews or LiveClassicReviews()
    status = raw.required_status_checks or LiveClassicStatusChecks()
    checks: list[tuple[str, int | None]] = (
        [(check.context, check.app_id) for check in status.checks]
        if status.checks is not None
        else [(context, None) for context in status.contexts]
    )
    return {
        "required_approvals": reviews.required_approving_review_count,
        "dismiss_stale_reviews": reviews.dismiss_stale_reviews,
        "require_code_owner_reviews": reviews.require_code_owner_reviews,
        "required_status_checks": checks_view(checks),
        "require_up_to_date": status.strict,
        "linear_history": (raw.required_linear_history or LiveEnabled()).enabled,
        "enforce_admins": (raw.enforce_admins or LiveEnabled()).enabled,
    }


def classic_branches(settings: RepositorySettings) -> list[str]:
    """Branches whose classic protection can be read.

    GitHub's REST API reads classic protection per branch name; a rule with a wildcard pattern is only
    visible through GraphQL, so it is not audited (docs/guide.md says so).
    """
    if settings.protection_engine is not ProtectionEngine.CLASSIC:
        return []
    return [pattern for pattern in settings.branches if not any(c in pattern for c in "*?[")]
