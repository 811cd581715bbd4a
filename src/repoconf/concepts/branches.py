"""Branch rules, enforced by a repository ruleset (target ``branch``) or classic branch protection.

Policy side: :class:`~repoconf.policy.model.BranchRule` under its pattern. Provider side:
``github.RepositoryRuleset`` (engine ``ruleset``, inputs from :data:`RULESET_TABLE`) or
``github.BranchProtection`` (engine ``classic``, inputs from :data:`CLASSIC_TABLE`). Live side:
``GET .../rulesets/{id}`` (../shared/github-api/GET_repos_OWNER_REPO_rulesets_RULESET_ID.json, rule types
in SCHEMA_repository-rule-types.json) or ``GET .../branches/{branch}/protection``
(GET_repos_OWNER_REPO_branches_BRANCH_protection.json).

Each table also holds what repoconf declares the same for every rule (the ruleset's target, enforcement,
ref conditions, the ``deletion`` and ``non_fast_forward`` rules, the pull-request parameters it leaves at
their defaults, no other rule): a change to any of them on GitHub is drift too. The pull-request
parameters are compared only while the ``pull_request`` rule exists (its absence is the one finding), and
the status-check parameters only while the ``required_status_checks`` rule exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from repoconf.concepts.bypass import ADMIN_ROLE, BYPASS_HIDDEN_BY, BypassView, actors_input, same_actors
from repoconf.concepts.live import LiveModel
from repoconf.concepts.table import (
    OMIT,
    Option,
    Resolve,
    Row,
    Unrepresentable,
    lower_weakens,
    off_weakens,
    present,
    removal_weakens,
    same_folded,
)
from repoconf.policy.fnmatch import has_wildcard
from repoconf.policy.model import BranchRule, ProtectionEngine, RepositorySettings

MERGE_METHODS = ["merge", "rebase", "squash"]
"""What a ``pull_request`` rule allows when it names no merge methods (GitHub's default: all three)."""

RULESET_RULES = frozenset(
    {"pull_request", "required_status_checks", "required_linear_history", "deletion", "non_fast_forward"}
)
"""The rule types a branch ruleset of repoconf may hold; any other is drift."""


@dataclass(frozen=True)
class BranchDeclaration:
    """A branch rule under its pattern (the mapping key): what the tables' rows read on the policy side."""

    pattern: str
    rule: BranchRule


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


@dataclass(frozen=True)
class RulesetAnswer:
    """A ruleset as GitHub answers it, with its bypass actors named (or unverified)."""

    ruleset: LiveRuleset
    actors: BypassView


def strip_ref(prefix: str, refs: list[str]) -> list[str]:
    """``refs/heads/main`` → ``main`` for each ref of a ruleset condition, sorted."""
    return sorted(ref.removeprefix(prefix) for ref in refs)


def checks_view(checks: list[tuple[str, int | None]]) -> list[dict[str, Any]]:
    """Required checks sorted by name; ``app_id`` only where one is pinned."""
    return [
        {"context": context} if app_id is None else {"context": context, "app_id": app_id}
        for context, app_id in sorted(checks, key=lambda check: check[0])
    ]


def _contexts(view: list[dict[str, Any]]) -> list[str]:
    return [check["context"] for check in view]


def _restore_checks(view: list[dict[str, Any]]) -> list[Any]:
    return [check["context"] if "app_id" not in check else check for check in view]


def _parameter(answer: RulesetAnswer, rule: str, name: str, default: Any) -> Any:
    """A rule's parameter; None when the rule is absent, ``default`` when GitHub leaves it out."""
    parameters = answer.ruleset.rule_parameters().get(rule)
    if parameters is None:
        return None
    value = parameters.get(name)
    return default if value is None else value


def _pull_request(name: str, default: Any) -> Any:
    return lambda answer: _parameter(answer, "pull_request", name, default)


def _dismissal_restriction(answer: RulesetAnswer) -> Any:
    """Who alone may dismiss reviews (``pull_request.dismissal_restriction``); None while it names no
    one (an empty object restricts nothing).
    """
    value = _parameter(answer, "pull_request", "dismissal_restriction", None)
    return value if present(value) else None


def _status_checks(answer: RulesetAnswer) -> Any:
    checks = _parameter(answer, "required_status_checks", "required_status_checks", [])
    if checks is None:
        return []
    return checks_view([(str(check.get("context")), check.get("integration_id")) for check in checks])


def _encode_checks(view: list[dict[str, Any]], resolve: Resolve) -> Any:
    if not view:
        return OMIT  # GitHub's rule needs at least one check: no checks, no rule
    return [{"context": c["context"], "integration_id": c.get("app_id")} for c in view]


def _enforce_admins(declaration: BranchDeclaration) -> BypassView:
    return [] if declaration.rule.enforce_admins else [ADMIN_ROLE]


def _restore_enforce_admins(view: list[str]) -> Any:
    if view == []:
        return True
    if view == [ADMIN_ROLE]:
        return False
    return Unrepresentable(
        True,
        f"enforce_admins: the ruleset's bypass actors ({', '.join(view)}) are more than the policy can say "
        "(it lets repository admins bypass, or no one); written as true, no one bypasses",
    )


def _judge_bypass(before: list[str], after: list[str]) -> str | None:
    added = [actor for actor in after if actor not in before]
    return "administrators may bypass the rule" if added else None


def _rule_present(rule: str) -> Any:
    return lambda answer: rule in answer.ruleset.rule_parameters()


def _has_checks(declaration: BranchDeclaration) -> bool:
    return bool(declaration.rule.required_status_checks)


def _empty_status_checks(read: Any) -> Row[BranchDeclaration, Any]:
    """A status-check part that holds no check (``strict`` on, no context): the program never declares
    one (no checks, no part), and ``required_status_checks`` cannot show it (no check is missing).
    """
    return Row("empty_status_checks", lambda d: False, read)


def _with_checks(value: Any) -> Any:
    """A status-check parameter the program sets only while there are checks (else no rule)."""
    return lambda declaration: value if _has_checks(declaration) else None


_SHARED_JUDGES = {
    "required_approvals": lower_weakens("fewer approvals are needed to merge"),
    "dismiss_stale_reviews": off_weakens("an approval survives new pushes"),
    "require_code_owner_reviews": off_weakens("code owners no longer have to approve"),
    "require_last_push_approval": off_weakens("whoever pushed last may approve their own change"),
    "required_status_checks": lambda before, after: removal_weakens(
        "required status check(s) removed: {}: pull requests may merge without them"
    )(_contexts(before), _contexts(after)),
    "require_up_to_date": off_weakens("a pull request may merge without the latest base"),
    "linear_history": off_weakens("merge commits are allowed"),
}


def _policy_row(
    key: str,
    declared: Any,
    read: Any,
    provider: str,
    **extra: Any,
) -> Row[BranchDeclaration, Any]:
    extra.setdefault("judge", _SHARED_JUDGES.get(key))
    return Row(key, declared, read, provider=provider, field=key, **extra)


RULESET_TABLE: tuple[Row[BranchDeclaration, RulesetAnswer], ...] = (
    _policy_row(
        "required_approvals",
        lambda d: d.rule.required_approvals,
        _pull_request("required_approving_review_count", 0),
        "rules.pull_request.required_approving_review_count",
        within="pull_request",
    ),
    _policy_row(
        "dismiss_stale_reviews",
        lambda d: d.rule.dismiss_stale_reviews,
        _pull_request("dismiss_stale_reviews_on_push", False),
        "rules.pull_request.dismiss_stale_reviews_on_push",
        within="pull_request",
    ),
    _policy_row(
        "require_code_owner_reviews",
        lambda d: d.rule.require_code_owner_reviews,
        _pull_request("require_code_owner_review", False),
        "rules.pull_request.require_code_owner_review",
        within="pull_request",
    ),
    _policy_row(
        "require_last_push_approval",
        lambda d: d.rule.require_last_push_approval,
        _pull_request("require_last_push_approval", False),
        "rules.pull_request.require_last_push_approval",
        within="pull_request",
    ),
    _policy_row(
        "required_status_checks",
        lambda d: checks_view(d.rule.check_contexts()),
        _status_checks,
        "rules.required_status_checks.required_checks",
        encode=_encode_checks,
        restore=_restore_checks,
    ),
    _policy_row(
        "require_up_to_date",
        lambda d: d.rule.require_up_to_date if _has_checks(d) else None,
        lambda a: _parameter(a, "required_status_checks", "strict_required_status_checks_policy", False),
        "rules.required_status_checks.strict_required_status_checks_policy",
        within="required_status_checks",
        restore=lambda view: bool(view),
    ),
    _policy_row(
        "linear_history",
        lambda d: d.rule.linear_history,
        _rule_present("required_linear_history"),
        "rules.required_linear_history",
    ),
    Row(
        "enforce_admins",
        _enforce_admins,
        lambda answer: answer.actors,
        provider="bypass_actors",
        encode=lambda view, resolve: actors_input(view, resolve),
        field="enforce_admins",
        judge=_judge_bypass,
        restore=_restore_enforce_admins,
        strictest=True,
        hidden_by=BYPASS_HIDDEN_BY,
        same=same_actors,
    ),
    # What repoconf declares the same for every branch rule.
    Row("target", lambda d: "branch", lambda a: a.ruleset.target, provider="target"),
    Row("enforcement", lambda d: "active", lambda a: a.ruleset.enforcement, provider="enforcement"),
    Row(
        "include",
        lambda d: [d.pattern],
        lambda a: strip_ref("refs/heads/", a.ruleset.ref_name().include),
        provider="conditions.ref_name.includes",
        encode=lambda view, resolve: [f"refs/heads/{pattern}" for pattern in view],
    ),
    Row(
        "exclude",
        lambda d: [],
        lambda a: strip_ref("refs/heads/", a.ruleset.ref_name().exclude),
        provider="conditions.ref_name.excludes",
    ),
    Row("deletion", lambda d: True, _rule_present("deletion"), provider="rules.deletion"),
    Row(
        "non_fast_forward",
        lambda d: True,
        _rule_present("non_fast_forward"),
        provider="rules.non_fast_forward",
    ),
    Row("pull_request", lambda d: True, _rule_present("pull_request")),
    Row(
        "required_review_thread_resolution",
        lambda d: False,
        _pull_request("required_review_thread_resolution", False),
        provider="rules.pull_request.required_review_thread_resolution",
        within="pull_request",
    ),
    Row(
        "allowed_merge_methods",
        lambda d: MERGE_METHODS,
        lambda a: sorted(_pull_request("allowed_merge_methods", MERGE_METHODS)(a) or MERGE_METHODS),
        within="pull_request",
    ),
    Row(
        "pull_request_reviewers",
        lambda d: [],
        _pull_request("required_reviewers", []),
        within="pull_request",
    ),
    Row(
        "dismissal_restriction",
        lambda d: None,
        _dismissal_restriction,
        within="pull_request",
    ),
    Row(
        "do_not_enforce_on_create",
        _with_checks(False),
        lambda a: _parameter(a, "required_status_checks", "do_not_enforce_on_create", False),
        provider="rules.required_status_checks.do_not_enforce_on_create",
        within="required_status_checks",
    ),
    _empty_status_checks(
        lambda a: "required_status_checks" in a.ruleset.rule_parameters() and not _status_checks(a)
    ),
    Row(
        "other_rules",
        lambda d: [],
        lambda a: sorted(set(a.ruleset.rule_parameters()) - RULESET_RULES),
    ),
)
"""A branch rule as a ``repoconf branch <pattern>`` ruleset."""


class LiveEnabled(LiveModel):
    """``{"enabled": bool}`` settings of classic protection."""

    enabled: bool = False


class LiveClassicReviews(LiveModel):
    """``required_pull_request_reviews`` of classic protection."""

    required_approving_review_count: int = 0
    dismiss_stale_reviews: bool = False
    require_code_owner_reviews: bool = False
    require_last_push_approval: bool = False
    dismissal_restrictions: dict[str, Any] | None = None
    bypass_pull_request_allowances: dict[str, Any] | None = None


class LiveClassicCheck(LiveModel):
    """An item of ``required_status_checks.checks``: a context and the app that must report it (null:
    any).
    """

    context: str
    app_id: int | None = None


class LiveClassicStatusChecks(LiveModel):
    """``required_status_checks`` of classic protection; ``checks`` (with apps) may be absent, as in
    GitHub's example: then ``contexts``.
    """

    strict: bool = False
    contexts: list[str] = Field(default_factory=list)
    checks: list[LiveClassicCheck] | None = None


class LiveClassicProtection(LiveModel):
    """``GET .../branches/{branch}/protection``."""

    required_pull_request_reviews: LiveClassicReviews | None = None
    required_status_checks: LiveClassicStatusChecks | None = None
    required_linear_history: LiveEnabled | None = None
    enforce_admins: LiveEnabled | None = None
    allow_deletions: LiveEnabled | None = None
    allow_force_pushes: LiveEnabled | None = None
    required_conversation_resolution: LiveEnabled | None = None
    lock_branch: LiveEnabled | None = None
    restrictions: dict[str, Any] | None = None
    # In GitHub's schema and go-github's Protection, not in the example (github/repos.go).
    required_signatures: LiveEnabled | None = None
    block_creations: LiveEnabled | None = None
    allow_fork_syncing: LiveEnabled | None = None


def _enabled(name: str) -> Any:
    return lambda raw: (getattr(raw, name) or LiveEnabled()).enabled


def _review(name: str) -> Any:
    def read(raw: LiveClassicProtection) -> Any:
        reviews = raw.required_pull_request_reviews
        return None if reviews is None else getattr(reviews, name)

    return read


def _classic_checks(raw: LiveClassicProtection) -> list[dict[str, Any]]:
    """The required checks' names. Not their apps: classic protection takes names (the provider sends
    ``requiredStatusCheckContexts``) and GitHub then pins each to the app that last reported it ("If any
    of these checks have recently been set by a particular GitHub App, they will be required to come
    from that app in future", REST "Update branch protection", ``contexts``; go-github's
    RequiredStatusCheck.AppID). An app shown here is GitHub's doing, and a pin only narrows who may
    report the check; the policy cannot pin under classic (``protection_engine: ruleset`` can).
    """
    status = raw.required_status_checks
    if status is None:
        return []
    if status.checks is not None:
        return checks_view([(check.context, None) for check in status.checks])
    return checks_view([(context, None) for context in status.contexts])


def _pull_request_bypassers(raw: LiveClassicProtection) -> Any:
    """Who may merge without the pull request's reviews (``bypass_pull_request_allowances``): users,
    teams and apps as ``kind:name``, sorted; None while there are no required reviews.
    """
    reviews = raw.required_pull_request_reviews
    if reviews is None:
        return None
    allowances = reviews.bypass_pull_request_allowances or {}
    names = [
        f"{kind[:-1]}:{entry.get(key)}"
        for kind, key in (("users", "login"), ("teams", "slug"), ("apps", "slug"))
        for entry in allowances.get(kind) or []
        if isinstance(entry, dict)
    ]
    return sorted(names)


def _classic_strict(raw: LiveClassicProtection) -> Any:
    return raw.required_status_checks.strict if raw.required_status_checks else None


CLASSIC_TABLE: tuple[Row[BranchDeclaration, LiveClassicProtection], ...] = (
    _policy_row(
        "required_approvals",
        lambda d: d.rule.required_approvals,
        _review("required_approving_review_count"),
        "required_pull_request_reviews.0.required_approving_review_count",
        within="pull_request",
    ),
    _policy_row(
        "dismiss_stale_reviews",
        lambda d: d.rule.dismiss_stale_reviews,
        _review("dismiss_stale_reviews"),
        "required_pull_request_reviews.0.dismiss_stale_reviews",
        within="pull_request",
    ),
    _policy_row(
        "require_code_owner_reviews",
        lambda d: d.rule.require_code_owner_reviews,
        _review("require_code_owner_reviews"),
        "required_pull_request_reviews.0.require_code_owner_reviews",
        within="pull_request",
    ),
    _policy_row(
        "require_last_push_approval",
        lambda d: d.rule.require_last_push_approval,
        _review("require_last_push_approval"),
        "required_pull_request_reviews.0.require_last_push_approval",
        within="pull_request",
    ),
    _policy_row(
        "required_status_checks",
        lambda d: checks_view(d.rule.check_contexts()),
        _classic_checks,
        "required_status_checks.0.contexts",
        encode=lambda view, resolve: _contexts(view) if view else OMIT,
        restore=_restore_checks,
    ),
    _policy_row(
        "require_up_to_date",
        lambda d: d.rule.require_up_to_date if _has_checks(d) else None,
        _classic_strict,
        "required_status_checks.0.strict",
        within="required_status_checks",
        restore=lambda view: bool(view),
    ),
    _policy_row(
        "linear_history",
        lambda d: d.rule.linear_history,
        _enabled("required_linear_history"),
        "required_linear_history",
    ),
    _policy_row(
        "enforce_admins",
        lambda d: d.rule.enforce_admins,
        _enabled("enforce_admins"),
        "enforce_admins",
        judge=off_weakens("administrators may bypass the rule"),
    ),
    Row("pull_request", lambda d: True, lambda raw: raw.required_pull_request_reviews is not None),
    _empty_status_checks(lambda raw: raw.required_status_checks is not None and not _classic_checks(raw)),
    Row("allow_deletions", lambda d: False, _enabled("allow_deletions"), provider="allows_deletions"),
    Row(
        "allow_force_pushes", lambda d: False, _enabled("allow_force_pushes"), provider="allows_force_pushes"
    ),
    Row(
        "required_conversation_resolution",
        lambda d: False,
        _enabled("required_conversation_resolution"),
        provider="require_conversation_resolution",
    ),
    Row("lock_branch", lambda d: False, _enabled("lock_branch"), provider="lock_branch"),
    Row(
        "required_signatures",
        lambda d: False,
        _enabled("required_signatures"),
        provider="require_signed_commits",
    ),
    # Inputs of the provider's `restrict_pushes` block, which the program leaves out: GitHub's false.
    Row("block_creations", lambda d: False, _enabled("block_creations")),
    # No provider input (the provider sends no `lockAllowsFetchAndMerge`): GitHub's default, false.
    Row("allow_fork_syncing", lambda d: False, _enabled("allow_fork_syncing")),
    Row(
        "pull_request_bypassers",
        lambda d: [],
        _pull_request_bypassers,
        within="pull_request",
        same=same_folded,
    ),
    Row("push_restrictions", lambda d: False, lambda raw: raw.restrictions is not None),
    Row(
        "dismissal_restrictions",
        lambda d: False,
        lambda raw: (
            raw.required_pull_request_reviews is not None
            and raw.required_pull_request_reviews.dismissal_restrictions is not None
        ),
        within="pull_request",
    ),
)
"""A branch rule as classic branch protection (``GET .../branches/{branch}/protection``)."""

OPTIONS = (
    Option(
        "protect",
        "Pulumi's `protect` on the rule's ruleset or protection",
        off_weakens("`pulumi destroy` or a removal from the policy may now delete it"),
    ),
)

VALUE_FIELDS = {"StatusCheck": ("context", "app_id")}
"""Fields of value models the rows above map as a whole (checked by the completeness test)."""


def table_for(engine: ProtectionEngine) -> tuple[Row[BranchDeclaration, Any], ...]:
    """The table of the engine that enforces branch rules."""
    return RULESET_TABLE if engine is ProtectionEngine.RULESET else CLASSIC_TABLE


def classic_branches(settings: RepositorySettings) -> list[str]:
    """Branches whose classic protection can be read.

    GitHub's REST API reads classic protection per branch name; a rule with a wildcard pattern is only
    visible through GraphQL, so it is not audited (docs/guide.md says so).
    """
    if settings.protection_engine is not ProtectionEngine.CLASSIC:
        return []
    return [pattern for pattern in settings.branches if not has_wildcard(pattern)]
