"""Every part of GitHub's answers that a rule or protection can hold is read by a row: changing it changes
the live view, so the audit reports it. The parts come from GitHub's published reference (the rule
schemas vendored in ``standin/reference/``) and go-github's ``Protection`` struct, not from repoconf's
tables, so a parameter GitHub documents and no row reads fails here.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from repoconf.concepts import branches, release_tags
from repoconf.concepts.branches import LiveClassicProtection, LiveRuleset, RulesetAnswer
from repoconf.concepts.table import Row, live_view

REFERENCE = Path(__file__).parents[2] / "standin" / "reference"
SCHEMAS: dict[str, Any] = json.loads((REFERENCE / "SCHEMA_repository-rule-types.json").read_text())


def _rule_parameters() -> dict[str, dict[str, Any]]:
    """Rule type → its parameters' schemas, for every rule type the vendored schema describes."""
    found: dict[str, dict[str, Any]] = {}
    for schema in SCHEMAS.values():
        kind = schema.get("properties", {}).get("type", {}).get("enum")
        if kind:
            found[kind[0]] = schema["properties"].get("parameters", {}).get("properties", {})
    return found


PARAMETERS = _rule_parameters()

BASELINE: dict[str, dict[str, Any]] = {
    "pull_request": {
        "dismiss_stale_reviews_on_push": False,
        "require_code_owner_review": False,
        "require_last_push_approval": False,
        "required_approving_review_count": 1,
        "required_review_thread_resolution": False,
    },
    "required_status_checks": {
        "required_status_checks": [{"context": "Unit Tests"}],
        "strict_required_status_checks_policy": False,
    },
    "update": {"update_allows_fetch_and_merge": False},
}
"""The parameters GitHub requires of each rule (the schemas' ``required``), at their weakest-looking
values; the other rules have none."""


def _changed(schema: dict[str, Any], value: Any) -> Any:
    """A value of the schema's type other than ``value``."""
    kind = schema.get("type")
    if kind == "boolean":
        return not value
    if kind == "integer":
        return (value or 0) + 1
    if kind == "array":
        items = schema.get("items", {})
        return [items["enum"][0]] if "enum" in items else [{"context": "changed", "id": 1}]
    return {"users": [{"login": "octocat"}], "teams": [{"slug": "qa"}]}  # an object (a $ref)


def _answer(rules: dict[str, dict[str, Any]], target: str) -> RulesetAnswer:
    ruleset = LiveRuleset.model_validate(
        {
            "id": 1,
            "name": "r",
            "target": target,
            "enforcement": "active",
            "conditions": {"ref_name": {"include": ["refs/heads/main"], "exclude": []}},
            "rules": [{"type": kind, "parameters": parameters} for kind, parameters in rules.items()],
        }
    )
    return RulesetAnswer(ruleset, [])


TABLES: dict[str, tuple[tuple[Row[Any, Any], ...], set[str], str]] = {
    "branch ruleset": (branches.RULESET_TABLE, set(branches.RULESET_RULES), "branch"),
    "release tags": (release_tags.PROTECTION_TABLE, set(release_tags.TAG_RULES), "tag"),
}
"""Each ruleset table and the rule types a ruleset of it holds."""

CASES = [
    (table, kind, name)
    for table, (_, kinds, _) in TABLES.items()
    for kind in sorted(kinds)
    for name in sorted(PARAMETERS.get(kind, {}))
]


def test_the_schema_names_the_parameters() -> None:
    # the cases come from the schema: an empty or unreadable schema would make every case vanish
    assert {"pull_request", "required_status_checks", "update"} <= PARAMETERS.keys()
    assert "dismissal_restriction" in PARAMETERS["pull_request"]
    assert len(CASES) >= 12


@pytest.mark.parametrize(("table", "kind", "name"), CASES)
def test_every_documented_rule_parameter_is_read(table: str, kind: str, name: str) -> None:
    rows, kinds, target = TABLES[table]
    rules = {rule: copy.deepcopy(BASELINE.get(rule, {})) for rule in kinds}
    before = live_view(rows, _answer(rules, target))
    rules[kind][name] = _changed(PARAMETERS[kind][name], rules[kind].get(name))
    after = live_view(rows, _answer(rules, target))
    assert before != after, f"{kind}.{name} is read by no row of the {table} table"


CLASSIC_ENABLED = (
    "enforce_admins",
    "required_linear_history",
    "allow_force_pushes",
    "allow_deletions",
    "required_conversation_resolution",
    "lock_branch",
    "allow_fork_syncing",
    "block_creations",
    "required_signatures",
)
"""``{"enabled": bool}`` parts of "Get branch protection": GitHub's example and go-github's
``Protection`` (github/repos.go: BlockCreations, RequiredSignatures are in the struct, not the example)."""

CLASSIC_REVIEWS = (
    "dismiss_stale_reviews",
    "require_code_owner_reviews",
    "required_approving_review_count",
    "require_last_push_approval",
    "dismissal_restrictions",
    "bypass_pull_request_allowances",
)
"""``required_pull_request_reviews``' fields (go-github's ``PullRequestReviewsEnforcement``)."""


def _classic_baseline() -> dict[str, Any]:
    return {
        **{name: {"enabled": False} for name in CLASSIC_ENABLED},
        "required_status_checks": {"strict": False, "contexts": ["Unit Tests"]},
        "required_pull_request_reviews": {
            "dismiss_stale_reviews": False,
            "require_code_owner_reviews": False,
            "required_approving_review_count": 1,
            "require_last_push_approval": False,
        },
    }


def test_the_classic_parts_are_the_examples() -> None:
    example = json.loads((REFERENCE / "GET_repos_OWNER_REPO_branches_BRANCH_protection.json").read_text())
    enabled = {
        key for key, value in example.items() if isinstance(value, dict) and set(value) <= {"url", "enabled"}
    }
    assert enabled <= set(CLASSIC_ENABLED)
    assert set(example["required_pull_request_reviews"]) - {"url"} <= set(CLASSIC_REVIEWS)


@pytest.mark.parametrize("name", CLASSIC_ENABLED)
def test_every_classic_toggle_is_read(name: str) -> None:
    raw = _classic_baseline()
    before = live_view(branches.CLASSIC_TABLE, LiveClassicProtection.model_validate(raw))
    raw[name] = {"enabled": True}
    assert live_view(branches.CLASSIC_TABLE, LiveClassicProtection.model_validate(raw)) != before


@pytest.mark.parametrize("name", CLASSIC_REVIEWS)
def test_every_classic_review_setting_is_read(name: str) -> None:
    raw = _classic_baseline()
    before = live_view(branches.CLASSIC_TABLE, LiveClassicProtection.model_validate(raw))
    reviews = raw["required_pull_request_reviews"]
    current = reviews.get(name)
    if isinstance(current, bool):
        reviews[name] = not current
    elif isinstance(current, int):
        reviews[name] = current + 1
    else:
        reviews[name] = {"users": [{"login": "octocat"}], "teams": [], "apps": []}
    assert live_view(branches.CLASSIC_TABLE, LiveClassicProtection.model_validate(raw)) != before


def test_restrictions_and_checks_are_read() -> None:
    raw = _classic_baseline()
    before = live_view(branches.CLASSIC_TABLE, LiveClassicProtection.model_validate(raw))
    changes: list[dict[str, Any]] = [
        {"restrictions": {"users": [], "teams": [], "apps": []}},
        {"required_status_checks": {"strict": True, "contexts": ["Unit Tests"]}},
        {"required_status_checks": {"strict": False, "contexts": ["Lint"]}},
    ]
    for change in changes:
        changed = LiveClassicProtection.model_validate({**raw, **change})
        assert live_view(branches.CLASSIC_TABLE, changed) != before, change
