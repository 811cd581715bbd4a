"""Read one repository's live settings over GitHub's REST API into the audit's views.

Requests per repository: the environment listing, per environment its secrets and variables (and its
deployment branch policies when it has custom ones), the repository's secrets and variables, the
ruleset listing and one read per ruleset repoconf manages (or, with classic protection, one per branch
rule). Reviewer objects in the environment listing carry login and slug, so no look-ups are needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from infra.audit.views import RulesetView, checks_view, refs_view, reviewers_view
from infra.github.client import GitHub
from infra.github.errors import NotFound
from infra.policy.model import TagOperation
from infra.resources.names import BRANCH_RULESET_PREFIX, RELEASE_TAG_RULESET

TAG_RULES = {operation.rule: str(operation) for operation in TagOperation}


@dataclass
class LiveEnvironment:
    """An environment as GitHub has it."""

    name: str
    view: dict[str, Any]
    secrets: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class LiveRepository:
    """A repository's settings as GitHub has them; ``exists`` false when the repository is not there."""

    name: str
    exists: bool = True
    environments: dict[str, LiveEnvironment] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    variables: dict[str, str] = field(default_factory=dict)
    branch_rulesets: dict[str, RulesetView] = field(default_factory=dict)
    """By branch pattern: rulesets named ``repoconf branch <pattern>``."""
    classic: dict[str, RulesetView | None] = field(default_factory=dict)
    """By branch: classic protection, None where the branch is not protected."""
    release_tags: RulesetView | None = None
    unmanaged_rulesets: list[str] = field(default_factory=list)
    """Names of rulesets repoconf did not create (reported by ``import``, ignored by the audit)."""


def _path(*parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in parts)


def _environment_view(raw: dict[str, Any], policies: list[dict[str, Any]]) -> dict[str, Any]:
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


def _strip_ref(prefix: str, refs: list[str]) -> list[str]:
    return sorted(ref.removeprefix(prefix) for ref in refs)


def branch_ruleset_view(raw: dict[str, Any]) -> RulesetView:
    """A branch ruleset's meaning in branch-rule terms (plus what the policy cannot say)."""
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
        "includes": _strip_ref(
            "refs/heads/", raw.get("conditions", {}).get("ref_name", {}).get("include", [])
        ),
    }


def classic_view(raw: dict[str, Any]) -> RulesetView:
    """Classic branch protection in branch-rule terms."""
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


def tag_ruleset_view(raw: dict[str, Any]) -> RulesetView:
    """The release-tag ruleset in policy terms."""
    ref_name = raw.get("conditions", {}).get("ref_name", {})
    includes = _strip_ref("refs/tags/", ref_name.get("include", []))
    return {
        "pattern": includes[0] if len(includes) == 1 else includes,
        "except": _strip_ref("refs/tags/", ref_name.get("exclude", [])),
        "protect_from": sorted(
            TAG_RULES[rule["type"]] for rule in raw.get("rules") or [] if rule["type"] in TAG_RULES
        ),
        "enforcement": raw.get("enforcement"),
    }


def read_repository(
    github: GitHub, owner: str, name: str, classic_branches: list[str] | None = None
) -> LiveRepository:
    """Everything the audit compares, for one repository; ``exists=False`` on a 404."""
    repo = _path("repos", owner, name)
    live = LiveRepository(name)
    try:
        raw_environments = list(github.paginate(f"{repo}/environments", "environments"))
    except NotFound:
        live.exists = False
        return live
    for raw in raw_environments:
        env_path = f"{repo}/environments/{quote(raw['name'], safe='')}"
        policies: list[dict[str, Any]] = []
        if (raw.get("deployment_branch_policy") or {}).get("custom_branch_policies"):
            policies = list(github.paginate(f"{env_path}/deployment-branch-policies", "branch_policies"))
        live.environments[raw["name"]] = LiveEnvironment(
            name=raw["name"],
            view=_environment_view(raw, policies),
            secrets={s["name"] for s in github.paginate(f"{env_path}/secrets", "secrets")},
            variables={v["name"]: v["value"] for v in github.paginate(f"{env_path}/variables", "variables")},
        )
    live.secrets = {s["name"] for s in github.paginate(f"{repo}/actions/secrets", "secrets")}
    live.variables = {
        v["name"]: v["value"] for v in github.paginate(f"{repo}/actions/variables", "variables")
    }
    for summary in github.paginate(f"{repo}/rulesets"):
        # Matched by name: the listing's example response in GitHub's reference omits `target`.
        ruleset_name = str(summary.get("name", ""))
        if ruleset_name.startswith(BRANCH_RULESET_PREFIX):
            raw_ruleset = github.get(f"{repo}/rulesets/{summary['id']}")
            live.branch_rulesets[ruleset_name.removeprefix(BRANCH_RULESET_PREFIX)] = branch_ruleset_view(
                raw_ruleset
            )
        elif ruleset_name == RELEASE_TAG_RULESET:
            live.release_tags = tag_ruleset_view(github.get(f"{repo}/rulesets/{summary['id']}"))
        else:
            live.unmanaged_rulesets.append(ruleset_name)
    for branch in classic_branches or []:
        try:
            live.classic[branch] = classic_view(
                github.get(f"{repo}/branches/{quote(branch, safe='')}/protection")
            )
        except NotFound:
            live.classic[branch] = None
    return live
