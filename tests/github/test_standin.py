"""The stand-in held to GitHub's published reference.

../shared/github-api/ holds GitHub's own example responses (OpenAPI examples, verbatim) for every
endpoint repoconf calls. Each answer the stand-in gives over HTTP must have the keys and value types of
the reference example for that endpoint: extra keys only where GitHub's description lists them (each
named below with why), absent keys only where GitHub omits them. And every answer carries the headers
GitHub sends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import ProtectionEngine
from standin import runs
from standin.github import REFERENCE, FakeGitHub
from standin.schema import RULE_TYPES, json_schema, problems, rule_schemas
from tests.conftest import ROOT, TOKEN

SHARED = ROOT.parent / "shared" / "github-api"

# Keys the stand-in sends beyond the example, each listed in GitHub's description of the response.
EXTRA = {
    "can_admins_bypass",  # environment: github.com sends it; the description omits it (see the README)
    "type",  # deployment-branch-policy: optional enum branch | tag in the schema
    "current_user_can_bypass",  # repository-ruleset: in the schema
    "strict",  # protected-branch-required-status-check: in the schema
    "checks",  # protected-branch-required-status-check: required in the schema
    "required_signatures",  # protected-branch: in the schema and go-github's Protection, not the example
    "block_creations",  # same
    "bypass_pull_request_allowances",  # protected-branch-pull-request-review: in the schema
}
# Keys of the example the stand-in leaves out because GitHub does when the setting is not configured.
OPTIONAL = {
    "pull_request",  # only pull requests carry it in the issues listing
    "restrictions",  # push restrictions: repoconf sets none
    "dismissal_restrictions",  # same
}


def shape_errors(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where ``actual`` departs from the shape of ``expected`` (keys and JSON types)."""
    if expected is None or actual is None:
        return []  # nullable on GitHub's side or ours
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {type(actual).__name__}"]
        errors = [f"{path}.{key}: missing" for key in expected if key not in actual and key not in OPTIONAL]
        errors += [
            f"{path}.{key}: not in the reference"
            for key in actual
            if key not in expected and key not in EXTRA
        ]
        for key in expected.keys() & actual.keys():
            errors += shape_errors(expected[key], actual[key], f"{path}.{key}")
        return errors
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected an array, got {type(actual).__name__}"]
        found: list[str] = []
        for index, item in enumerate(actual if expected else []):
            found += shape_errors(_counterpart(expected, item), item, f"{path}[{index}]")
        return found
    numbers = (int, float)
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = isinstance(expected, bool) and isinstance(actual, bool)
    elif isinstance(expected, numbers):
        same = isinstance(actual, numbers)
    else:
        same = type(expected) is type(actual)
    return [] if same else [f"{path}: expected {type(expected).__name__}, got {type(actual).__name__}"]


def _counterpart(examples: list[Any], item: Any) -> Any:
    """The example item of the same ``type`` (protection rules, reviewers), else the first."""
    if isinstance(item, dict) and "type" in item:
        for example in examples:
            if isinstance(example, dict) and example.get("type") == item["type"]:
                return example
    return examples[0]


def test_the_shape_check_can_fail() -> None:
    example = {"a": 1, "b": {"c": "x"}, "d": [{"e": True}]}
    assert shape_errors(example, {"a": 2, "b": {"c": "y"}, "d": [{"e": False}]}) == []
    assert sorted(shape_errors(example, {"a": "1", "b": {}, "d": [{"e": 1}], "z": 0})) == [
        "$.a: expected int, got str",
        "$.b.c: missing",
        "$.d[0].e: expected bool, got int",
        "$.z: not in the reference",
    ]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/github-api is not beside this clone")
def test_vendored_examples_are_githubs_verbatim() -> None:
    vendored = sorted(path.name for path in REFERENCE.glob("*.json"))
    assert vendored == sorted(path.name for path in SHARED.glob("*.json"))
    for name in vendored:
        assert (REFERENCE / name).read_bytes() == (SHARED / name).read_bytes(), name


def example(name: str) -> Any:
    return json.loads((REFERENCE / f"{name}.json").read_text())


@pytest.fixture
def rich(fake: FakeGitHub, policy: LoadedPolicy) -> FakeGitHub:
    """widgets as deployed, a classic-protection repository, an organization ruleset, unrelated issues."""
    settings = policy.policy.repositories["widgets"]
    fake.deploy("classic", settings.model_copy(update={"protection_engine": ProtectionEngine.CLASSIC}))
    fake.org_ruleset("org baseline")
    fake.add_issue("widgets", "A bug", ["bug"])
    fake.add_issue("widgets", "A pull request", [], pull_request=True)
    fake.add_deployment("widgets", "v1.2.3-rc1", "production-release", ["in_progress", "success"])
    actions = runs.actions(fake, "widgets")
    first = actions.commit({"pyproject.toml": 'version = "1.2.3rc1"\n', "CHANGELOG.md": "## [1.2.3]\n"})
    final = actions.commit({"pyproject.toml": 'version = "1.2.3"\n', "CHANGELOG.md": "## [1.2.3]\n"}, first)
    actions.tag("v1.2.3-rc1", first)
    actions.tag("v1.2.3", final, annotated=True)
    run = actions.run("v1.2.3-rc1", first)
    actions.review(run, "approved", ["qa", "production-release"], reviewer="qa-lead")
    fake.repositories["widgets"].topics = ["python", "library"]
    fake.repositories["widgets"].properties = {"tier": "gold", "team": "platform"}
    return fake


def get(fake: FakeGitHub, method: str, path: str, body: Any = None) -> httpx.Response:
    return httpx.request(method, fake.base + path, headers={"Authorization": f"Bearer {TOKEN}"}, json=body)


CASES = [
    ("GET", "/repos/acme/widgets", None, "GET_repos_OWNER_REPO"),
    ("GET", "/repos/acme/widgets/environments", None, "GET_repos_OWNER_REPO_environments"),
    (
        "GET",
        "/repos/acme/widgets/environments/qa/deployment-branch-policies",
        None,
        "GET_repos_OWNER_REPO_environments_ENVIRONMENT_NAME_deployment-branch-policies",
    ),
    (
        "GET",
        "/repos/acme/widgets/environments/production-deploy/secrets",
        None,
        "GET_repos_OWNER_REPO_environments_ENVIRONMENT_NAME_secrets",
    ),
    (
        "GET",
        "/repos/acme/widgets/environments/qa/variables",
        None,
        "GET_repos_OWNER_REPO_environments_ENVIRONMENT_NAME_variables",
    ),
    ("GET", "/repos/acme/widgets/actions/secrets", None, "GET_repos_OWNER_REPO_actions_secrets"),
    ("GET", "/repos/acme/widgets/actions/variables", None, "GET_repos_OWNER_REPO_actions_variables"),
    ("GET", "/repos/acme/widgets/rulesets", None, "GET_repos_OWNER_REPO_rulesets"),
    (
        "GET",
        "/repos/acme/classic/branches/main/protection",
        None,
        "GET_repos_OWNER_REPO_branches_BRANCH_protection",
    ),
    (
        "GET",
        "/repos/acme/widgets/git/trees/HEAD?recursive=1",
        None,
        # the default response's example holds both a blob and a tree entry (the recursive one only a blob)
        "GET_repos_OWNER_REPO_git_trees_TREE_SHA__default-response",
    ),
    (
        "GET",
        "/repos/acme/widgets/contents/.github/workflows/ci.yaml",
        None,
        "GET_repos_OWNER_REPO_contents_PATH__response-if-content-is-a-file",
    ),
    ("GET", "/repos/acme/widgets/issues?state=all", None, "GET_repos_OWNER_REPO_issues"),
    ("GET", "/orgs/acme/repos", None, "GET_orgs_ORG_repos"),
    ("GET", "/orgs/acme/properties/values", None, "GET_orgs_ORG_properties_values"),
    ("GET", "/repos/acme/widgets/properties/values", None, "GET_repos_OWNER_REPO_properties_values"),
    (
        "GET",
        "/repos/acme/widgets/deployments?environment=production-release",
        None,
        "GET_repos_OWNER_REPO_deployments",
    ),
    (
        "GET",
        "/repos/acme/widgets/deployments/1000/statuses",
        None,
        "GET_repos_OWNER_REPO_deployments_DEPLOYMENT_ID_statuses",
    ),
    ("GET", "/repos/acme/widgets/actions/runs?event=push", None, "GET_repos_OWNER_REPO_actions_runs"),
    (
        "GET",
        "/repos/acme/widgets/actions/workflows/release.yaml/runs?event=push&status=completed",
        None,
        "GET_repos_OWNER_REPO_actions_workflows_WORKFLOW_ID_runs",
    ),
    ("GET", "/repos/acme/widgets/actions/runs/30433642", None, "GET_repos_OWNER_REPO_actions_runs_RUN_ID"),
    (
        "GET",
        "/repos/acme/widgets/actions/runs/30433642/approvals",
        None,
        "GET_repos_OWNER_REPO_actions_runs_RUN_ID_approvals",
    ),
    ("GET", "/repos/acme/widgets/compare/{first}...{final}", None, "GET_repos_OWNER_REPO_compare_BASEHEAD"),
    ("GET", "/repos/acme/widgets/git/ref/tags/v1.2.3-rc1", None, "GET_repos_OWNER_REPO_git_ref_REF"),
    ("GET", "/repos/acme/widgets/git/tags/{final_tag}", None, "GET_repos_OWNER_REPO_git_tags_TAG_SHA"),
    (
        "POST",
        "/repos/acme/widgets/issues",
        {"title": "t", "body": "b", "labels": ["drift"]},
        "POST_repos_OWNER_REPO_issues",
    ),
    (
        "PATCH",
        "/repos/acme/widgets/issues/1",
        {"state": "closed"},
        "PATCH_repos_OWNER_REPO_issues_ISSUE_NUMBER",
    ),
    (
        "POST",
        "/repos/acme/widgets/issues/1/comments",
        {"body": "c"},
        "POST_repos_OWNER_REPO_issues_ISSUE_NUMBER_comments",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "reference"), CASES, ids=[case[3] for case in CASES])
def test_answers_have_the_reference_shape(
    rich: FakeGitHub, method: str, path: str, body: Any, reference: str
) -> None:
    actions = runs.actions(rich, "widgets")
    first, final = list(actions.commits)
    path = path.format(first=first, final=final, final_tag=actions.refs["tags/v1.2.3"])
    response = get(rich, method, path, body)
    assert response.status_code in (200, 201), response.text
    answer = response.json()
    assert answer, "an empty answer proves nothing"
    assert shape_errors(example(reference), answer) == []


def test_the_schema_check_can_fail() -> None:
    deletion = "repository-rule-deletion"
    assert problems(RULE_TYPES, deletion, {"type": "deletion"}) == []
    assert problems(RULE_TYPES, deletion, {"type": "deletion", "parameters": {}}) == [
        ": Additional properties are not allowed ('parameters' was unexpected)"
    ]
    assert problems(RULE_TYPES, deletion, {"type": "creation"}) == [
        "/type: 'creation' is not one of ['deletion']"
    ]
    count = "repository-rule-pull-request"
    parameters = {
        "dismiss_stale_reviews_on_push": True,
        "require_code_owner_review": True,
        "require_last_push_approval": True,
        "required_approving_review_count": 11,
        "required_review_thread_resolution": True,
    }
    too_many = {"type": "pull_request", "parameters": parameters}
    assert problems(RULE_TYPES, count, too_many) == [
        "/parameters/required_approving_review_count: 11 is greater than the maximum of 10"
    ]
    # nullable (OpenAPI 3.0) is JSON Schema's null; a $ref resolves to the vendored component
    assert json_schema({"type": "string", "nullable": True, "enum": ["a"]}, {}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
    status = "repository-rule-required-status-checks"
    bad_check = {
        "type": "required_status_checks",
        "parameters": {
            "required_status_checks": [{"context": 5}],
            "strict_required_status_checks_policy": True,
        },
    }
    assert problems(RULE_TYPES, status, bad_check) == [
        "/parameters/required_status_checks/0/context: 5 is not of type 'string'"
    ]


def test_a_ruleset_has_the_reference_shape(rich: FakeGitHub) -> None:
    listing = get(rich, "GET", "/repos/acme/widgets/rulesets").json()
    by_title = rule_schemas()
    seen: set[str] = set()
    for summary in listing:
        ruleset = get(rich, "GET", f"/repos/acme/widgets/rulesets/{summary['id']}").json()
        # The example's only rule is commit_author_email_pattern: rules are held to the rule schemas.
        assert (
            shape_errors(example("GET_repos_OWNER_REPO_rulesets_RULESET_ID"), {**ruleset, "rules": []}) == []
        )
        for rule in ruleset["rules"]:
            seen.add(rule["type"])
            assert problems(RULE_TYPES, by_title[rule["type"]], rule) == [], rule
        for actor in ruleset["bypass_actors"]:
            assert problems(RULE_TYPES, "repository-ruleset-bypass-actor", actor) == []
        assert problems(RULE_TYPES, "repository-rule-enforcement", ruleset["enforcement"]) == []
        assert problems(RULE_TYPES, "repository-ruleset-conditions", ruleset["conditions"]) == []
    assert {"pull_request", "required_status_checks", "required_linear_history", "deletion", "update"} <= seen
    assert {summary["source_type"] for summary in listing} == {"Repository", "Organization"}


def test_every_answer_carries_githubs_headers(rich: FakeGitHub) -> None:
    rich.page_size = 2
    first = get(rich, "GET", "/repos/acme/widgets/environments")
    second = get(rich, "GET", "/repos/acme/widgets/environments")
    for response in (first, second):
        for header in (
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-used",
            "x-ratelimit-reset",
            "x-ratelimit-resource",
            "etag",
        ):
            assert header in response.headers, header
    assert int(second.headers["x-ratelimit-remaining"]) == int(first.headers["x-ratelimit-remaining"]) - 1
    assert 'rel="next"' in first.headers["link"]
    assert "/repositories/" in first.headers["link"]


def test_the_unhappy_cases_are_modelled(fake: FakeGitHub) -> None:
    fake.read_token = "ghp_read_only_token"
    read_only = {"Authorization": "Bearer ghp_read_only_token"}
    listing = httpx.get(f"{fake.base}/repos/acme/widgets/rulesets", headers=read_only).json()
    ruleset = httpx.get(
        f"{fake.base}/repos/acme/widgets/rulesets/{listing[0]['id']}", headers=read_only
    ).json()
    assert "bypass_actors" not in ruleset
    write = httpx.post(f"{fake.base}/repos/acme/widgets/issues", headers=read_only, json={"title": "t"})
    assert write.status_code == 403
    fake.repositories["widgets"].private = True
    fake.repositories["widgets"].plan_has_rulesets = False
    limited = get(fake, "GET", "/repos/acme/widgets/rulesets")
    assert limited.status_code == 403
    assert limited.json()["message"].startswith("Upgrade to GitHub Pro")
    variables = get(fake, "GET", "/repos/acme/widgets/actions/variables?per_page=100")
    fake.repositories["widgets"].variables = {f"V{i}": "x" for i in range(40)}
    variables = get(fake, "GET", "/repos/acme/widgets/actions/variables?per_page=100")
    assert len(variables.json()["variables"]) == 30  # GitHub caps variables at 30 a page
    assert (
        get(fake, "GET", "/repos/acme/widgets/branches/nope/protection").json()["message"]
        == "Branch not found"
    )


def test_issues_are_filtered_as_github_filters_them(rich: FakeGitHub) -> None:
    rich.add_issue("widgets", "Old drift", ["drift"], state="closed")
    rich.add_issue("widgets", "Current drift", ["drift", "ops"])
    open_drift = get(rich, "GET", "/repos/acme/widgets/issues?state=open&labels=drift").json()
    assert [issue["title"] for issue in open_drift] == ["Current drift"]
    everything = get(rich, "GET", "/repos/acme/widgets/issues?state=all").json()
    assert {issue["title"] for issue in everything} == {
        "A bug",
        "A pull request",
        "Old drift",
        "Current drift",
    }
    assert [issue["title"] for issue in everything if "pull_request" in issue] == ["A pull request"]


def test_reference_files_exist_for_what_the_stand_in_serves() -> None:
    assert all((REFERENCE / f"{case[3]}.json").is_file() for case in CASES)
    assert Path(REFERENCE / "GET_repos_OWNER_REPO_rulesets_RULESET_ID.json").is_file()


def test_comment_listing_and_edit_have_the_comment_shape(rich: FakeGitHub) -> None:
    # "List issue comments" and "Update an issue comment" answer issue-comment objects, the schema of
    # the "Create an issue comment" example (GitHub's reference has no separate example for them).
    reference = example("POST_repos_OWNER_REPO_issues_ISSUE_NUMBER_comments")
    posted = get(rich, "POST", "/repos/acme/widgets/issues/1/comments", {"body": "first"}).json()
    listing = get(rich, "GET", "/repos/acme/widgets/issues/1/comments")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()] == [posted["id"]]
    assert shape_errors(reference, listing.json()[0]) == []
    edited = get(rich, "PATCH", f"/repos/acme/widgets/issues/comments/{posted['id']}", {"body": "second"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "second"
    assert shape_errors(reference, edited.json()) == []
    assert get(rich, "PATCH", "/repos/acme/widgets/issues/comments/1", {"body": "x"}).status_code == 404


def test_runs_compare_and_refs_behave_as_github_documents(rich: FakeGitHub) -> None:
    actions = runs.actions(rich, "widgets")
    first, final = list(actions.commits)
    other = actions.commit({"pyproject.toml": "x"}, first, message="elsewhere")
    actions.run("v1.2.3-rc2", other, conclusion="cancelled")
    actions.run("v1.2.3-rc3", other, path=".github/workflows/other.yaml")
    listed = get(rich, "GET", "/repos/acme/widgets/actions/workflows/release.yaml/runs?status=success").json()
    assert [run["head_branch"] for run in listed["workflow_runs"]] == ["v1.2.3-rc1"]  # newest first, filtered
    assert listed["total_count"] == 1
    everything = get(rich, "GET", "/repos/acme/widgets/actions/runs").json()["workflow_runs"]
    assert [run["head_branch"] for run in everything] == ["v1.2.3-rc3", "v1.2.3-rc2", "v1.2.3-rc1"]
    comparisons = {
        (first, final): ("ahead", 1, 0, ["pyproject.toml"]),
        (final, first): ("behind", 0, 1, ["pyproject.toml"]),
        (first, first): ("identical", 0, 0, []),
        (final, other): ("diverged", 1, 1, ["CHANGELOG.md", "pyproject.toml"]),
    }
    for (base, head), (status, ahead, behind, files) in comparisons.items():
        found = get(rich, "GET", f"/repos/acme/widgets/compare/{base}...{head}").json()
        assert (found["status"], found["ahead_by"], found["behind_by"]) == (status, ahead, behind)
        assert [changed["filename"] for changed in found["files"]] == files
    patch = get(rich, "GET", f"/repos/acme/widgets/compare/{first}...{final}").json()["files"][0]["patch"]
    assert patch.splitlines() == ["@@ -1 +1 @@", '-version = "1.2.3rc1"', '+version = "1.2.3"']
    ref = get(rich, "GET", "/repos/acme/widgets/git/ref/tags/v1.2.3").json()
    assert ref["object"]["type"] == "tag"
    tag = get(rich, "GET", f"/repos/acme/widgets/git/tags/{ref['object']['sha']}").json()
    assert tag["object"] == {"type": "commit", "sha": final, "url": tag["object"]["url"]}
    actions.tag("v1.2.3-rc1", other)  # moved
    assert get(rich, "GET", "/repos/acme/widgets/git/ref/tags/v1.2.3-rc1").json()["object"]["sha"] == other
    assert get(rich, "GET", "/repos/acme/widgets/git/ref/tags/v9").status_code == 404


def test_a_private_repository_needs_the_tokens_permissions(rich: FakeGitHub) -> None:
    actions = runs.actions(rich, "widgets")
    first, final = list(actions.commits)
    paths = {
        "actions": "/repos/acme/widgets/actions/runs/30433642/approvals",
        "contents": f"/repos/acme/widgets/compare/{first}...{final}",
    }
    actions.token_permissions = {}  # a job with `permissions: {}`
    assert all(get(rich, "GET", path).status_code == 200 for path in paths.values())  # public: readable
    rich.repositories["widgets"].private = True
    for scope, path in paths.items():
        refused = get(rich, "GET", path)
        assert refused.status_code == 403
        assert refused.json()["message"] == "Resource not accessible by integration"
        actions.token_permissions = {scope: "read"}
        assert get(rich, "GET", path).status_code == 200
        actions.token_permissions = {}


def test_the_organizations_listings_page_filter_and_carry_what_selectors_read(rich: FakeGitHub) -> None:
    rich.page_size = 1
    rich.repositories["classic"].fork = True
    rich.repositories["classic"].archived = True
    rich.repositories["classic"].properties = {"team": ["platform", "data"]}  # a multi-select property
    first = get(rich, "GET", "/orgs/acme/repos?per_page=100")
    assert 'rel="next"' in first.headers["link"]
    assert [item["name"] for item in first.json()] == ["widgets"]
    assert first.json()[0]["topics"] == ["python", "library"]
    second = get(rich, "GET", "/orgs/acme/repos?per_page=100&page=2").json()
    assert [(item["name"], item["fork"], item["archived"]) for item in second] == [("classic", True, True)]
    sources = get(rich, "GET", "/orgs/acme/repos?type=sources").json()
    assert [item["name"] for item in sources] == ["widgets"]
    rich.page_size = 100
    values = get(rich, "GET", "/orgs/acme/properties/values").json()
    assert {item["repository_name"]: item["properties"] for item in values} == {
        "widgets": [
            {"property_name": "team", "value": "platform"},
            {"property_name": "tier", "value": "gold"},
        ],
        "classic": [{"property_name": "team", "value": ["platform", "data"]}],
    }
    assert get(rich, "GET", "/orgs/other/repos").status_code == 404
    assert get(rich, "GET", "/repos/acme/widgets").json()["topics"] == ["python", "library"]
