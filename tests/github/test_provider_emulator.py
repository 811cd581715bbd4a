"""The provider emulator (standin/provider.py) and the stand-in's write endpoints (standin/writes.py,
standin/graphql.py), held to terraform-provider-github v6.13.0, go-github v88, the Terraform plugin SDK
and GitHub's REST reference; then the round trip: policy → render → applied through the provider's own
calls → GitHub's answers → `repoconf audit`.

Each body test names the provider source it follows. The comparison test holds the state
``FakeGitHub.deploy()`` (the stand-in's own reading of the policy) builds to the state the provider's
calls leave: no difference, order aside, for every policy under tests/data (every_option.yaml sets every
option).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from repoconf.audit.run import audit
from repoconf.concepts.branches import classic_branches
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import load_text
from repoconf.policy.template import template_text
from repoconf.program.errors import ProgramError
from standin.apply import AppliedPolicy, apply_policy, grant_reviewers, render_against
from standin.github import FakeGitHub, team, user
from standin.provider import (
    CREATE_PROTECTION_MUTATION,
    KINDS,
    EmulatorError,
    GitHubError,
    Provider,
    Sent,
    _serialize_member,
    set_order,
)
from standin.writes import PROVIDER_REFERENCE, public_key
from tests.conftest import DATA
from tests.github.test_standin import example, shape_errors

TOKEN = "ghp_provider_emulator_token"
READ_TOKEN = "ghp_provider_emulator_read_only"
STANDIN = Path(__file__).resolve().parents[2] / "standin"
CLASSIC = template_text().replace("protection_engine: ruleset", "protection_engine: classic")
CASES = """\
version: 1
owner: acme
defaults:
  environments:
    Deploy:
      reviewers: {users: [Alice, bob], teams: [Ops]}
      wait_timer: 10
      deployment_refs: {branches: [main], tags: ["v*"]}
      secrets: {deploy_key: {env: DEPLOY_KEY}}
      variables: {region: eu-west-1}
  secrets: {codecov_token: {env: CODECOV_TOKEN}}
  variables: {python_version: "3.12"}
  branches:
    main: {required_approvals: 2, required_status_checks: [b-check, a-check]}
repositories:
  widgets: {}
"""
"""Names GitHub treats case-insensitively, spelled otherwise than GitHub answers them."""


def _server(read_token: str | None = READ_TOKEN) -> FakeGitHub:
    fake = FakeGitHub("acme", token=TOKEN, read_token=read_token)
    fake.start()
    return fake


@pytest.fixture(scope="module")
def applied() -> Iterator[tuple[FakeGitHub, AppliedPolicy]]:
    """The packaged template applied to an empty stand-in through the provider's calls."""
    fake = _server()
    provider = apply_policy(fake, template_text(), "template.yaml")
    yield fake, provider
    provider.close()
    fake.stop()


def _sent(provider: Provider, method: str, suffix: str) -> list[Sent]:
    return [s for s in provider.sent if s.method == method and s.path.split("?")[0].endswith(suffix)]


def _get(fake: FakeGitHub, path: str, token: str = TOKEN) -> httpx.Response:
    return httpx.get(fake.base + path, headers={"Authorization": f"Bearer {token}"})


def _write(fake: FakeGitHub, method: str, path: str, body: Any, token: str = TOKEN) -> httpx.Response:
    return httpx.request(method, fake.base + path, headers={"Authorization": f"Bearer {token}"}, json=body)


# -- the Terraform side: set order and the bridge's names -------------------------------------------


def test_set_members_serialize_as_the_plugin_sdk_hashes_them() -> None:
    # helper/schema/serialize.go: SerializeResourceForHash writes "key:value;" for every attribute in
    # key order (a bool as 1/0); a primitive set member (HashSchema) is its value and ";".
    check = KINDS["github:index/repositoryRuleset:RepositoryRuleset"].schema["rules"].elem
    assert isinstance(check, dict)
    status = check["required_status_checks"].elem
    assert isinstance(status, dict)
    elem = status["required_check"].elem
    assert _serialize_member({"context": "Unit Tests", "integration_id": 0}, elem) == (
        "<context:Unit Tests;integration_id:0;>;"
    )
    assert _serialize_member(7, "int") == "7;"
    # Set.List() sorts by the decimal text of each crc32: "10" < "9", not 9 < 10.
    assert set_order([1, 1, 2], "int") == set_order([2, 1], "int")
    assert len(set_order([1, 1, 2], "int")) == 2


def test_pulumi_names_are_the_bridges() -> None:
    """Every rename pulumi-github 6.15's bridge metadata records for these types, and every
    ``maxItemsOne``, is what the emulator's schemas say (standin/reference_provider/)."""
    metadata = json.loads(
        (STANDIN / PROVIDER_REFERENCE / "pulumi-github-6.15.0-bridge-metadata.json").read_text()
    )
    checked = 0
    for token, kind in KINDS.items():
        renames = metadata["renamedProperties"].get(token, {})
        names = {attr.pulumi_name(name): name for name, attr in kind.schema.items()}
        for pulumi, terraform in renames.items():
            if terraform in kind.schema:
                assert names.get(pulumi) == terraform, (token, pulumi)
                checked += 1
        tf_type = next(key for key, value in metadata["auto-aliasing"].items() if value["current"] == token)
        for name, flags in metadata["auto-aliasing"][tf_type].get("fields", {}).items():
            if name in kind.schema:
                assert kind.schema[name].max_one == flags["maxItemsOne"], (token, name)
                checked += 1
    ruleset = metadata["renamedProperties"][
        "github:index/RepositoryRulesetConditionsRefName:RepositoryRulesetConditionsRefName"
    ]
    assert ruleset == {"excludes": "exclude", "includes": "include"}
    assert checked > 20


def test_an_input_the_emulator_does_not_know_fails_loudly() -> None:
    provider = Provider("http://127.0.0.1:9", TOKEN, "acme")
    resource = {
        "type": "github:index/actionsVariable:ActionsVariable",
        "name": "widgets/variable/X",
        "inputs": {"repository": "widgets", "variableName": "X", "value": "1", "visibility": "all"},
    }
    with pytest.raises(EmulatorError, match=r"\['visibility'\] are not in the emulated schema"):
        provider.apply([resource])
    with pytest.raises(EmulatorError, match="no emulation of github:index/team:Team"):
        provider.apply([{"type": "github:index/team:Team", "name": "t", "inputs": {}}])


# -- the bodies the provider sends --------------------------------------------------------------------


def test_environment_body_is_create_update_environment_data(
    applied: tuple[FakeGitHub, AppliedPolicy],
) -> None:
    """resource_github_repository_environment.go, createUpdateEnvironmentData, marshalled by go-github's
    CreateUpdateEnvironment.MarshalJSON: wait_timer 0 when unset, reviewers and deployment_branch_policy
    null when unset, teams before users, then the repository read (Repositories.Get)."""
    _, provider = applied
    deploy = _sent(provider, "PUT", "/environments/production-deploy")[0].body
    teams = {team("acme", slug)["id"] for slug in ("senior-engineers", "devops")}
    assert list(deploy) == [
        "wait_timer",
        "reviewers",
        "can_admins_bypass",
        "deployment_branch_policy",
        "prevent_self_review",
    ]
    assert deploy["wait_timer"] == 0
    assert {r["id"] for r in deploy["reviewers"]} == teams
    assert {r["type"] for r in deploy["reviewers"]} == {"Team"}
    assert deploy["deployment_branch_policy"] == {"protected_branches": False, "custom_branch_policies": True}
    assert deploy["can_admins_bypass"] is False
    assert deploy["prevent_self_review"] is True
    staging = _sent(provider, "PUT", "/environments/staging")[0].body
    assert staging["reviewers"] is None
    assert staging["deployment_branch_policy"] is None
    assert _sent(provider, "PUT", "/environments/production-release")[0].body["wait_timer"] == 30
    index = provider.sent.index(_sent(provider, "PUT", "/environments/staging")[0])
    assert provider.sent[index + 1] == Sent("GET", "/repos/acme/widgets", None)


def test_deployment_policies_are_posted_after_their_environment(
    applied: tuple[FakeGitHub, AppliedPolicy],
) -> None:
    """resource_github_repository_environment_deployment_policy.go, ...DeploymentPolicyCreate:
    DeploymentBranchPolicyRequest {name, type}, type "tag" when there is no branch pattern."""
    _, provider = applied
    posts = _sent(provider, "POST", "/environments/qa/deployment-branch-policies")
    assert [post.body for post in posts] == [{"name": "v*", "type": "tag"}]
    finals = _sent(provider, "POST", "/environments/production-deploy/deployment-branch-policies")
    assert len(finals) == 18
    assert {post.body["type"] for post in finals} == {"tag"}
    environment = provider.sent.index(_sent(provider, "PUT", "/environments/qa")[0])
    assert all(provider.sent.index(post) > environment for post in posts)


def test_secret_calls_are_actions_secret_create(applied: tuple[FakeGitHub, AppliedPolicy]) -> None:
    """resource_github_actions_secret.go, resourceGithubActionsSecretCreate: the repository, the public
    key, PUT {key_id, encrypted_value} (go-github EncryptedSecret), then GET the secret."""
    _, provider = applied
    put = _sent(provider, "PUT", "/actions/secrets/CODECOV_TOKEN")[0]
    index = provider.sent.index(put)
    assert [s.path for s in provider.sent[index - 2 : index]] == [
        "/repos/acme/widgets",
        "/repos/acme/widgets/actions/secrets/public-key",
    ]
    assert list(put.body) == ["key_id", "encrypted_value"]
    assert put.body["key_id"] == public_key("widgets", None)["key_id"]
    sealed = base64.b64decode(put.body["encrypted_value"])
    assert len(sealed) == 48 + len("[secret]")  # box.SealAnonymous: 48 bytes over the plaintext
    assert b"[secret]" not in sealed
    assert provider.sent[index + 1] == Sent("GET", "/repos/acme/widgets/actions/secrets/CODECOV_TOKEN", None)


def test_ruleset_body_is_ruleset_object(applied: tuple[FakeGitHub, AppliedPolicy]) -> None:
    """util_rules.go, resourceGithubRulesetObject / expandRules / expandBypassActors, marshalled by
    go-github's RepositoryRuleset and RepositoryRulesetRules.MarshalJSON (rules in the struct's order,
    allowed_merge_methods omitted when empty, no integration_id when 0, `update` without parameters)."""
    _, provider = applied
    branch, creation, tags = (post.body for post in _sent(provider, "POST", "/rulesets"))
    assert list(branch) == [
        "name",
        "target",
        "source_type",
        "source",
        "enforcement",
        "bypass_actors",
        "conditions",
        "rules",
    ]
    assert branch["source"] == "widgets"
    assert branch["bypass_actors"] == []
    assert branch["conditions"] == {"ref_name": {"include": ["refs/heads/main"], "exclude": []}}
    assert [rule["type"] for rule in branch["rules"]] == [
        "deletion",
        "required_linear_history",
        "pull_request",
        "required_status_checks",
        "non_fast_forward",
    ]
    pull = branch["rules"][2]["parameters"]
    assert "allowed_merge_methods" not in pull
    assert pull["required_approving_review_count"] == 1
    status = branch["rules"][3]["parameters"]
    assert list(status) == [
        "do_not_enforce_on_create",
        "required_status_checks",
        "strict_required_status_checks_policy",
    ]
    assert all(list(check) == ["context"] for check in status["required_status_checks"])
    assert creation["rules"] == [{"type": "creation"}]
    assert creation["bypass_actors"] == [
        {"actor_id": team("acme", "release-managers")["id"], "actor_type": "Team", "bypass_mode": "always"}
    ]
    assert tags["rules"] == [{"type": "update"}, {"type": "deletion"}, {"type": "non_fast_forward"}]


def test_variables_and_environment_secrets() -> None:
    """resource_github_actions_variable.go / ..._environment_variable.go (POST {name, value}, the
    repository, GET the variable) and resource_github_actions_environment_secret.go (the repository id
    in go-github's paths: /repositories/{id}/environments/{env}/secrets)."""
    fake = _server()
    try:
        provider = apply_policy(fake, (DATA / "engines.yaml").read_text(), "engines.yaml")
        assert _sent(provider, "POST", "/rules/actions/variables")[0].body == {
            "name": "PYTHON_VERSION",
            "value": "3.12",
        }
        env_post = _sent(provider, "POST", "/rules/environments/deploy/variables")[0]
        assert env_post.body == {"name": "REGION", "value": "eu-west-1"}
        checks = load_text(CASES, "cases.yaml")
        assert checks.policy.repositories  # the case policy is valid
        fake.users.update({"alice", "bob"})
        fake.teams.add("ops")
        provider = apply_policy(fake, CASES, "cases.yaml")
        repository_id = _get(fake, "/repos/acme/widgets").json()["id"]
        env_secret = _sent(provider, "PUT", "/secrets/deploy_key")[0]
        assert env_secret.path == f"/repositories/{repository_id}/environments/Deploy/secrets/deploy_key"
        assert env_secret.body["key_id"] == public_key("widgets", "deploy")["key_id"]
    finally:
        fake.stop()


def test_classic_protection_is_the_graphql_mutation() -> None:
    """resource_github_branch_protection.go, resourceGithubBranchProtectionCreate: getRepositoryID
    (node(id:)), createBranchProtectionRule with githubv4's CreateBranchProtectionRuleInput, then the
    Read (node(id:) on the rule); the REST view GitHub answers has the example's shape."""
    fake = _server()
    try:
        provider = apply_policy(fake, CLASSIC, "classic.yaml")
        graphql = [s.body for s in _sent(provider, "POST", "/graphql")]
        assert graphql[0] == {
            "query": "query($id:ID!){node(id:$id){id}}",
            "variables": {"id": graphql[0]["variables"]["id"]},
        }
        assert graphql[1]["query"].startswith("mutation($input:CreateBranchProtectionRuleInput!)")
        given = graphql[1]["variables"]["input"]
        assert given["repositoryId"] == _get(fake, "/repos/acme/widgets").json()["node_id"]
        assert given["pattern"] == "main"
        assert given["requiresApprovingReviews"] is True
        assert given["requiredApprovingReviewCount"] == 1
        assert given["isAdminEnforced"] is True
        assert given["requiresStrictStatusChecks"] is True
        assert sorted(given["requiredStatusCheckContexts"]) == sorted(
            ["Unit Tests", "Integration Tests", "Security Scans", "Quality Checks"]
        )
        assert given["pushActorIds"] is None
        assert given["bypassForcePushActorIds"] == []
        assert "node(id: $id){... on BranchProtectionRule{" in graphql[2]["query"]
        protection = _get(fake, "/repos/acme/widgets/branches/main/protection").json()
        assert shape_errors(example("GET_repos_OWNER_REPO_branches_BRANCH_protection"), protection) == []
        assert protection["required_pull_request_reviews"]["dismiss_stale_reviews"] is True
        assert protection["enforce_admins"]["enabled"] is True
        assert protection["required_linear_history"]["enabled"] is True
    finally:
        fake.stop()


# -- what the stand-in stores and answers -------------------------------------------------------------


def _provider_example(name: str) -> Any:
    return json.loads((STANDIN / PROVIDER_REFERENCE / f"{name}.json").read_text())


@pytest.mark.parametrize(
    ("path", "reference"),
    [
        ("/users/octocat", "GET_users_USERNAME"),
        ("/orgs/acme/teams/qa", "GET_orgs_ORG_teams_TEAM_SLUG"),
        ("/repos/acme/widgets/actions/secrets/public-key", "GET_repos_OWNER_REPO_actions_secrets_public-key"),
        (
            "/repos/acme/widgets/environments/qa/secrets/public-key",
            "GET_repos_OWNER_REPO_actions_secrets_public-key",
        ),
        (
            "/repos/acme/widgets/actions/secrets/codecov_token",
            "GET_repos_OWNER_REPO_actions_secrets_SECRET_NAME",
        ),
        (
            "/repos/acme/widgets/environments/production-deploy",
            "GET_repos_OWNER_REPO_environments_ENVIRONMENT_NAME",
        ),
    ],
)
def test_reads_around_the_writes_have_the_reference_shape(
    applied: tuple[FakeGitHub, AppliedPolicy], path: str, reference: str
) -> None:
    fake, _ = applied
    fake.users.add("octocat")
    answer = _get(fake, path)
    assert answer.status_code == 200, answer.text
    assert shape_errors(_provider_example(reference), answer.json()) == []


def test_policy_and_variable_reads_have_the_reference_shape() -> None:
    fake = _server()
    try:
        apply_policy(fake, (DATA / "engines.yaml").read_text(), "engines.yaml")
        variable = _get(fake, "/repos/acme/rules/actions/variables/python_version")
        assert variable.json()["name"] == "PYTHON_VERSION"
        assert (
            shape_errors(_provider_example("GET_repos_OWNER_REPO_actions_variables_NAME"), variable.json())
            == []
        )
        policies = _get(fake, "/repos/acme/widgets/environments/deploy/deployment-branch-policies")
        assert policies.status_code == 404  # engines.yaml's environment admits protected branches only
        fake2 = _server()
        try:
            apply_policy(fake2, template_text(), "template.yaml")
            listing = _get(fake2, "/repos/acme/widgets/environments/QA/deployment-branch-policies").json()
            one = _get(
                fake2,
                "/repos/acme/widgets/environments/qa/deployment-branch-policies/"
                f"{listing['branch_policies'][0]['id']}",
            )
            reference = "GET_repos_OWNER_REPO_environments_ENVIRONMENT_NAME_deployment-branch-policies_" + (
                "BRANCH_POLICY_ID"
            )
            assert shape_errors(_provider_example(reference), one.json()) == []
        finally:
            fake2.stop()
    finally:
        fake.stop()


def test_github_semantics_of_the_writes(applied: tuple[FakeGitHub, AppliedPolicy]) -> None:
    fake, _ = applied
    env = "/repos/acme/widgets/environments/QA"
    body = {"wait_timer": 43_201}
    assert _write(fake, "PUT", env, body).status_code == 422  # 0..43,200 minutes
    reviewers = [{"type": "User", "id": user(f"u{i}")["id"]} for i in range(7)]
    fake.users.update(f"u{i}" for i in range(7))
    assert _write(fake, "PUT", env, {"reviewers": reviewers}).status_code == 422  # at most six
    assert (
        _write(fake, "PUT", env, {"reviewers": [{"type": "User", "id": 1}]}).status_code == 422
    )  # unknown id
    both = {"deployment_branch_policy": {"protected_branches": True, "custom_branch_policies": True}}
    assert _write(fake, "PUT", env, both).status_code == 422  # documented 422: the same value
    # Case-insensitive: PUT QA updated qa; nothing changed by the refused writes.
    assert "QA" not in fake.repositories["widgets"].environments
    assert fake.repositories["widgets"].environments["qa"].users == []
    staging = "/repos/acme/widgets/environments/staging/deployment-branch-policies"
    assert _write(fake, "POST", staging, {"name": "main"}).status_code == 404  # no custom policies
    qa = "/repos/acme/widgets/environments/qa/deployment-branch-policies"
    assert _write(fake, "POST", qa, {"name": "v*", "type": "tag"}).status_code == 303  # exists
    wrong_key = {"encrypted_value": base64.b64encode(bytes(60)).decode(), "key_id": "1"}
    assert _write(fake, "PUT", "/repos/acme/widgets/actions/secrets/X", wrong_key).status_code == 422
    null_actors = {"name": "n", "enforcement": "active", "bypass_actors": None}
    refused = _write(fake, "POST", "/repos/acme/widgets/rulesets", null_actors)
    assert refused.status_code == 422
    assert "Invalid property /bypass_actors: data cannot be null." in refused.text
    bad_rule = {"name": "n", "enforcement": "active", "rules": [{"type": "deletion", "parameters": {}}]}
    assert _write(fake, "POST", "/repos/acme/widgets/rulesets", bad_rule).status_code == 422
    secrets = _get(fake, "/repos/acme/widgets/actions/secrets").json()["secrets"]
    assert {s["name"] for s in secrets} == {"CODECOV_TOKEN", "TEST_PYPI_TOKEN"}  # listed upper-case


def test_a_read_only_token_cannot_write(applied: tuple[FakeGitHub, AppliedPolicy]) -> None:
    fake, _ = applied
    put = _write(fake, "PUT", "/repos/acme/widgets/environments/qa", {"wait_timer": 1}, READ_TOKEN)
    assert put.status_code == 403
    mutation = _write(
        fake,
        "POST",
        "/graphql",
        {
            "query": CREATE_PROTECTION_MUTATION,
            "variables": {"input": {}},
        },
        READ_TOKEN,
    ).json()
    assert mutation["errors"][0]["type"] == "FORBIDDEN"
    assert _get(fake, "/repos/acme/widgets/environments/qa", READ_TOKEN).status_code == 200
    listing = _get(fake, "/repos/acme/widgets/rulesets", READ_TOKEN).json()
    one = _get(fake, f"/repos/acme/widgets/rulesets/{listing[0]['id']}", READ_TOKEN).json()
    assert "bypass_actors" not in one  # "only returned if the user ... has write access"
    reader = Provider(fake.base, READ_TOKEN, "acme")
    with pytest.raises(GitHubError, match="403"):
        reader.apply(
            render_against(
                fake,
                (DATA / "minimal.yaml").read_text().replace("widgets: {}", "widgets: {variables: {A: b}}"),
                "m.yaml",
            )
        )
    reader.close()


def test_more_than_six_reviewers_never_reach_github() -> None:
    # The provider checks the total only on update (resourceGithubRepositoryEnvironmentDiff returns
    # early without an id), so a new environment's seven reviewers would reach GitHub, which answers
    # 422 (as the stand-in does): the program refuses the policy first, as validate does.
    fake = _server()
    try:
        text = (DATA / "checks.yaml").read_text()
        with pytest.raises(ProgramError, match="7 reviewers; GitHub allows at most 6"):
            apply_policy(fake, text, "checks.yaml")
        assert [request for request, _ in fake.requests if not request.startswith("GET ")] == []
        seven = {"reviewers": [{"type": "User", "id": index} for index in range(1, 8)]}
        assert _write(fake, "PUT", "/repos/acme/one/environments/crowded", seven).status_code == 422
    finally:
        fake.stop()


def test_reapply_restores_what_was_changed_outside(applied: tuple[FakeGitHub, AppliedPolicy]) -> None:
    fake, provider = applied
    before = _answers(fake, "widgets", [])
    repository = fake.repositories["widgets"]
    repository.environments["production-release"].wait_timer = 1
    repository.environments["qa"].policies.pop()
    repository.secrets.discard("CODECOV_TOKEN")
    repository.rulesets[0]["rules"] = [r for r in repository.rulesets[0]["rules"] if r["type"] != "deletion"]
    assert _answers(fake, "widgets", []) != before
    provider.reapply(provider.declared)
    assert _canonical(_answers(fake, "widgets", [])) == _canonical(before)
    assert _sent(provider, "PUT", f"/rulesets/{repository.rulesets[0]['id']}")  # the Update path


def test_an_import_follows_the_providers_importers(applied: tuple[FakeGitHub, AppliedPolicy]) -> None:
    """`pulumi import` by the provider's import ids: the ruleset's resource id is its number and its
    repository GitHub's spelling; a malformed id or a resource GitHub does not have fails the import."""
    fake, _ = applied
    ruleset = "github:index/repositoryRuleset:RepositoryRuleset"
    environment = "github:index/repositoryEnvironment:RepositoryEnvironment"
    provider = Provider(fake.base, TOKEN, "acme")
    try:
        main = next(r for r in fake.repositories["widgets"].rulesets if r["name"] == "repoconf branch main")
        imported = provider.import_resource(ruleset, "widgets/branch/main", f"WIDGETS:{main['id']}")
        assert (imported.id, imported.config) == (str(main["id"]), {"repository": "widgets"})
        assert provider.import_resource(environment, "widgets/qa", "widgets:qa").config == {
            "repository": "widgets",
            "environment": "qa",
        }
        with pytest.raises(EmulatorError, match="expected format <repository>:<ruleset_id>"):
            provider.import_resource(ruleset, "widgets/branch/main", str(main["id"]))
        with pytest.raises(GitHubError, match="404"):
            provider.import_resource(ruleset, "widgets/branch/main", "widgets:424242")
        with pytest.raises(EmulatorError, match="'widgets:nowhere' does not exist"):
            provider.import_resource(environment, "widgets/nowhere", "widgets:nowhere")
        with pytest.raises(EmulatorError, match="no emulation of importing"):
            provider.import_resource("github:index/branchProtection:BranchProtection", "b", "widgets:main")
    finally:
        provider.close()


# -- the comparison with deploy() and the audit ------------------------------------------------------


def _answers(fake: FakeGitHub, name: str, branches: list[str]) -> dict[str, Any]:
    """Every answer the audit reads for one repository (all pages), by path."""
    base = f"/repos/{fake.owner}/{name}"
    found: dict[str, Any] = {}

    def get(path: str) -> Any:
        response = _get(fake, base + path)
        found[path] = {"status": response.status_code, "body": response.json()}
        return response.json()

    for environment in get("/environments?per_page=100")["environments"]:
        env = f"/environments/{quote(environment['name'], safe='')}"  # `release/prod` is one segment
        get(f"{env}/deployment-branch-policies?per_page=100")
        get(f"{env}/secrets?per_page=100")
        get(f"{env}/variables?per_page=30")
    get("/actions/secrets?per_page=100")
    get("/actions/variables?per_page=30")
    for summary in get("/rulesets?per_page=100"):
        get(f"/rulesets/{summary['id']}")
    for branch in branches:
        get(f"/branches/{branch}/protection")
    found["teams"] = _get(fake, f"/orgs/{fake.owner}/teams?per_page=100").json()
    return found


def _canonical(value: Any) -> Any:
    """Order taken out of every array: GitHub's REST description documents no order for any of these
    listings (environments, policies, rules, checks, reviewers)."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _differences(old: Any, new: Any, path: str = "") -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                yield where
            else:
                yield from _differences(old[key], new[key], where)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from _differences(a, b, f"{path}[{index}]")
    elif old != new:
        yield f"{path}: deploy() {json.dumps(old)}, provider {json.dumps(new)}"


POLICIES = {
    "template": template_text(),
    "classic": CLASSIC,
    "cases": CASES,
    **{path.name: path.read_text() for path in sorted(DATA.glob("*.yaml")) if path.name != "checks.yaml"},
}
"""The packaged template, a classic-engine policy, names spelled otherwise than GitHub answers them,
and every valid policy under tests/data (checks.yaml is invalid: seven reviewers, see above)."""


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_provider_state_against_deploy(policy: str) -> None:
    text = POLICIES[policy]
    loaded = load_text(text, f"{policy}.yaml")
    old, new = _server(), _server()
    try:
        if policy == "cases":  # accounts in their canonical spelling (the policy writes Alice); the team
            for fake in (old, new):  # Ops is made by both from the policy: its slug is GitHub's, `ops`
                fake.users.update({"alice", "bob"})
        for name, settings in loaded.policy.repositories.items():
            old.deploy(name, settings)
        apply_policy(new, text, f"{policy}.yaml")
        found: set[str] = set()
        for name, settings in loaded.policy.repositories.items():
            # What the provider does not write: the branches that exist and the default branch's files.
            new.repositories[name].branches = set(old.repositories[name].branches)
            new.repositories[name].files = dict(old.repositories[name].files)
            branches = classic_branches(settings)
            before, after = _answers(old, name, branches), _answers(new, name, branches)
            found |= set(_differences(_canonical(before), _canonical(after)))
        if policy == "cases":  # the reviewers: canonical logins and slugs, from either
            for fake in (old, new):
                env = fake.repositories["widgets"].environments["Deploy"]
                assert (sorted(env.users), env.teams) == (["alice", "bob"], ["ops"])
                assert {team["slug"] for team in _get(fake, "/orgs/acme/teams").json()} == {"ops"}
        # None, order aside. (A check's app id cannot reach GitHub through classic protection: the
        # schema's `required_status_checks` has `strict` and `contexts` only; the policy refuses an app pin
        # under classic protection, so no policy here shows it.)
        assert found == set()
    finally:
        old.stop()
        new.stop()


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_audit_finds_provider_applied_state_compliant(policy: str) -> None:
    fake = _server()
    try:
        text = POLICIES[policy]
        fake.users.update({"alice", "bob"})  # canonical spellings (the cases policy writes Alice)
        apply_policy(fake, text, f"{policy}.yaml")
        loaded = load_text(text, f"{policy}.yaml")
        for name, settings in loaded.policy.repositories.items():
            fake.repositories[name].files = FakeGitHub.files_for(settings)
            grant_reviewers(fake.repositories[name], settings)  # the organization around the policy
        client = GitHub(fake.base, TOKEN, timeout=5.0, retry=RetryPolicy(attempts=1, backoff=0.0))
        try:
            report = audit(client, loaded.policy)
        finally:
            client.close()
        assert [(r.name, r.findings, r.unverified, r.error) for r in report.repositories] == [
            (name, [], [], None) for name in loaded.policy.repositories
        ]
    finally:
        fake.stop()
