"""The round trip, for every setting of every table: policy → the program's declarations (render) →
applied to the stand-in through the provider's own writes (standin/provider.py, from
terraform-provider-github v6.13.0) → stored and answered as GitHub's examples show → `repoconf audit`
compliant → `repoconf import` gives a policy that declares the same. Then the applied state is changed
one setting at a time, for every row of every table, and the audit must report exactly that setting (or,
to a read-only token that cannot see it, list it as unverified).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repoconf.audit.run import AuditReport, audit
from repoconf.concepts import access, branches, environments, release_tags, secrets_variables
from repoconf.concepts.table import Row
from repoconf.describe.policy import declared_settings, import_repository
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import LoadedPolicy, load_text
from repoconf.policy.template import template_text
from repoconf.review.diff import diff_policies
from standin.apply import apply_policy, grant_reviewers
from standin.github import FakeGitHub, FakeRepository

WRITE, READ = "ghp_round_trip_writer_token_0001", "ghp_round_trip_reader_token_0002"

CLASSIC = """\
version: 1
owner: acme
defaults:
  environments:
    qa:
      reviewers: {users: [octocat], teams: [qa]}
      prevent_self_review: true
      can_admins_bypass: true
      deployment_refs: {protected: true}
      variables: {URL: "https://qa.example"}
  variables: {TIER: gold}
  protection_engine: classic
  branches:
    main:
      required_approvals: 2
      dismiss_stale_reviews: true
      require_code_owner_reviews: true
      require_last_push_approval: true
      required_status_checks: [Unit Tests, Lint]
      require_up_to_date: true
      linear_history: true
      enforce_admins: true
    release: {required_approvals: 1}
repositories:
  legacy: {}
"""
"""Classic protection, protected-branch refs, user reviewers, variables, an admin bypass."""

VARIED = """\
version: 1
owner: acme
defaults:
  environments:
    deploy:
      reviewers: {teams: [ops]}
      wait_timer: 15
      deployment_refs:
        branches: [main, "release/*"]
        tags: [{versions: candidate, major: [1, 4], candidate: [1]}, "nightly-*"]
      secrets: {DEPLOY_KEY: {config: deployKey}, SIGNING: {external: true}}
      variables: {REGION: eu-west-1}
  access:
    teams: {ops: maintain, docs: triage}
  branches:
    main:
      required_approvals: 0
      required_status_checks: [{context: Build, app_id: 15368}, Test]
      enforce_admins: false
    "release/*": {required_approvals: 1}
  release_tags:
    pattern: "release-*"
    protect_from: [deletion, creation]
    except: ["release-*-dev*", "release-tmp-*"]
repositories:
  gizmo: {}
"""
"""Rulesets with an admin bypass and an app pin, versions with bounds, creation forbidden to all."""

POLICIES = {"shipped": template_text(), "classic": CLASSIC, "varied": VARIED}


@dataclass
class Applied:
    """A stand-in holding one policy as the provider applied it."""

    fake: FakeGitHub
    loaded: LoadedPolicy
    repository: str

    def client(self, token: str) -> GitHub:
        return GitHub(self.fake.base, token, timeout=2.0, retry=RetryPolicy(attempts=2, backoff=0.01))

    def audit(self, token: str = WRITE) -> AuditReport:
        with self.client(token) as github:
            return audit(github, self.loaded.policy, workers=2)


@contextmanager
def apply(text: str) -> Iterator[Applied]:
    fake = FakeGitHub("acme", token=WRITE, read_token=READ)
    fake.start()
    try:
        apply_policy(fake, text)
        loaded = load_text(text, "policy.yaml")
        for name, repository_settings in loaded.policy.repositories.items():
            # what the repository's default branch holds is no setting: a workflow reporting each check
            fake.repositories[name].files = FakeGitHub.files_for(repository_settings)
            fake.repositories[name].branches |= set(repository_settings.branches)  # they exist
            grant_reviewers(fake.repositories[name], repository_settings)
        yield Applied(fake, loaded, next(iter(loaded.policy.repositories)))
    finally:
        fake.stop()


@pytest.fixture(scope="module", params=sorted(POLICIES))
def applied(request: pytest.FixtureRequest) -> Iterator[Applied]:
    with apply(POLICIES[request.param]) as stand_in:
        yield stand_in


def _problems(report: AuditReport) -> list[str]:
    return [f"{r.name}: {f.kind} {f.path}" for r in report.repositories for f in r.findings] + [
        f"{r.name}: {r.error}" for r in report.repositories if r.error
    ]


def test_applied_by_the_provider_the_audit_is_compliant(applied: Applied) -> None:
    assert _problems(applied.audit()) == []
    reader = applied.audit(READ)
    assert _problems(reader) == []
    hidden = {path for repository in reader.repositories for path in repository.unverified}
    assert all(path.endswith(("enforce_admins", "bypass_actors", "created_by")) for path in hidden), hidden


def live_declarations(applied: Applied, name: str) -> dict[str, Any]:
    """What the policy declares, and the team grants the organization made around it (which import
    describes too: they are the repository's, whoever made them)."""
    declared = declared_settings(applied.loaded.policy.repositories[name])
    declared["access"] = {**applied.fake.repositories[name].teams, **declared["access"]}
    return declared


@pytest.mark.parametrize("token", [WRITE, READ])
def test_import_declares_the_same_and_is_never_weaker(applied: Applied, token: str) -> None:
    name = applied.repository
    with applied.client(token) as github:
        imported = load_text(import_repository(github, "acme", name), "imported.yaml")
    if token == WRITE:  # everything visible: the same declarations (secret sources aside)
        assert declared_settings(imported.policy.repositories[name]) == live_declarations(applied, name)
    weaker = [
        f"{change.path}: {change.why}"
        for repository in diff_policies(applied.loaded.policy, imported.policy).repositories
        for change in repository.changes
        if change.weakens and not change.path.endswith(".protect")  # Pulumi's, not GitHub's
    ]
    assert weaker == []
    with applied.client(token) as github:
        assert _problems(audit(github, imported.policy)) == []


# -- one setting changed at a time --------------------------------------------------------------------


def _env(repo: FakeRepository, name: str) -> Any:
    return repo.environments[name]


def _ruleset(repo: FakeRepository, title: str) -> dict[str, Any]:
    return next(r for r in repo.rulesets if r["name"] == title)


def _rule(ruleset: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(r for r in ruleset["rules"] if r["type"] == kind)


def _params(repo: FakeRepository, kind: str, title: str = "repoconf branch main") -> dict[str, Any]:
    parameters: dict[str, Any] = _rule(_ruleset(repo, title), kind)["parameters"]
    return parameters


def _drop_rule(repo: FakeRepository, title: str, kind: str) -> None:
    ruleset = _ruleset(repo, title)
    ruleset["rules"] = [rule for rule in ruleset["rules"] if rule["type"] != kind]


def _team_actor(fake: FakeGitHub, slug: str) -> dict[str, Any]:
    fake.teams.add(slug)
    team = next(t for t in _teams(fake) if t["slug"] == slug)
    return {"actor_id": team["id"], "actor_type": "Team", "bypass_mode": "always"}


def _teams(fake: FakeGitHub) -> list[dict[str, Any]]:
    from standin.github import team

    return [team(fake.owner, slug) for slug in fake.teams]


def _drop_classic_check(status: dict[str, Any]) -> None:
    """A required check removed as GitHub stores it: from ``contexts`` and ``checks`` alike."""
    gone = status["contexts"].pop()
    status["checks"] = [check for check in status.get("checks", []) if check["context"] != gone]


ADMIN = {"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}
MAIN, TAGS, CREATION = "repoconf branch main", "repoconf release tags", "repoconf release tag creation"

Mutation = Callable[[FakeGitHub, FakeRepository], object]

# (policy, table key, row key) → (mutation, the finding's path)
MUTATIONS: dict[tuple[str, str, str], tuple[Mutation, str]] = {
    # environments.TABLE
    ("shipped", "environments", "reviewers"): (
        lambda f, r: _env(r, "production-release").teams.append("interns"),
        "environments.production-release.reviewers",
    ),
    ("shipped", "environments", "wait_timer"): (
        lambda f, r: setattr(_env(r, "production-release"), "wait_timer", 5),
        "environments.production-release.wait_timer",
    ),
    ("shipped", "environments", "prevent_self_review"): (
        lambda f, r: setattr(_env(r, "production-deploy"), "prevent_self_review", False),
        "environments.production-deploy.prevent_self_review",
    ),
    ("shipped", "environments", "can_admins_bypass"): (
        lambda f, r: setattr(_env(r, "qa"), "can_admins_bypass", True),
        "environments.qa.can_admins_bypass",
    ),
    ("shipped", "environments", "deployment_refs"): (
        lambda f, r: _env(r, "production-deploy").policies.append(("v*", "tag")),
        "environments.production-deploy.deployment_refs",
    ),
    ("shipped", "environments", "secrets"): (
        lambda f, r: _env(r, "production-deploy").secrets.clear(),
        "environments.production-deploy.secrets.PYPI_TOKEN",
    ),
    ("classic", "environments", "variables"): (
        lambda f, r: _env(r, "qa").variables.update(URL="https://elsewhere.example"),
        "environments.qa.variables.URL",
    ),
    # secrets_variables.TABLE
    ("shipped", "secrets_variables", "secrets"): (
        lambda f, r: r.secrets.add("LEGACY_TOKEN"),
        "secrets.LEGACY_TOKEN",
    ),
    ("classic", "secrets_variables", "variables"): (
        lambda f, r: r.variables.pop("TIER"),
        "variables.TIER",
    ),
    # branches.RULESET_TABLE
    ("shipped", "ruleset", "required_approvals"): (
        lambda f, r: _params(r, "pull_request").update(required_approving_review_count=0),
        "branches.main.required_approvals",
    ),
    ("shipped", "ruleset", "dismiss_stale_reviews"): (
        lambda f, r: _params(r, "pull_request").update(dismiss_stale_reviews_on_push=False),
        "branches.main.dismiss_stale_reviews",
    ),
    ("shipped", "ruleset", "require_code_owner_reviews"): (
        lambda f, r: _params(r, "pull_request").update(require_code_owner_review=True),
        "branches.main.require_code_owner_reviews",
    ),
    ("shipped", "ruleset", "require_last_push_approval"): (
        lambda f, r: _params(r, "pull_request").update(require_last_push_approval=True),
        "branches.main.require_last_push_approval",
    ),
    ("shipped", "ruleset", "required_status_checks"): (
        lambda f, r: _params(r, "required_status_checks")["required_status_checks"].pop(),
        "branches.main.required_status_checks",
    ),
    ("varied", "ruleset", "required_status_checks"): (
        lambda f, r: next(
            check
            for check in _params(r, "required_status_checks")["required_status_checks"]
            if "integration_id" in check
        ).pop("integration_id"),
        "branches.main.required_status_checks",
    ),
    ("shipped", "ruleset", "require_up_to_date"): (
        lambda f, r: _params(r, "required_status_checks").update(strict_required_status_checks_policy=False),
        "branches.main.require_up_to_date",
    ),
    ("shipped", "ruleset", "linear_history"): (
        lambda f, r: _drop_rule(r, MAIN, "required_linear_history"),
        "branches.main.linear_history",
    ),
    ("shipped", "ruleset", "enforce_admins"): (
        lambda f, r: _ruleset(r, MAIN)["bypass_actors"].append(ADMIN),
        "branches.main.enforce_admins",
    ),
    ("varied", "ruleset", "enforce_admins"): (
        lambda f, r: _ruleset(r, MAIN)["bypass_actors"][0].update(bypass_mode="pull_request"),
        "branches.main.enforce_admins",
    ),
    ("shipped", "ruleset", "target"): (
        lambda f, r: _ruleset(r, MAIN).update(target="push"),
        "branches.main.target",
    ),
    ("shipped", "ruleset", "enforcement"): (
        lambda f, r: _ruleset(r, MAIN).update(enforcement="evaluate"),
        "branches.main.enforcement",
    ),
    ("shipped", "ruleset", "include"): (
        lambda f, r: _ruleset(r, MAIN)["conditions"]["ref_name"]["include"].append("refs/heads/develop"),
        "branches.main.include",
    ),
    ("shipped", "ruleset", "exclude"): (
        lambda f, r: _ruleset(r, MAIN)["conditions"]["ref_name"]["exclude"].append("refs/heads/main"),
        "branches.main.exclude",
    ),
    ("shipped", "ruleset", "deletion"): (
        lambda f, r: _drop_rule(r, MAIN, "deletion"),
        "branches.main.deletion",
    ),
    ("shipped", "ruleset", "non_fast_forward"): (
        lambda f, r: _drop_rule(r, MAIN, "non_fast_forward"),
        "branches.main.non_fast_forward",
    ),
    ("shipped", "ruleset", "pull_request"): (
        lambda f, r: _drop_rule(r, MAIN, "pull_request"),
        "branches.main.pull_request",
    ),
    ("shipped", "ruleset", "required_review_thread_resolution"): (
        lambda f, r: _params(r, "pull_request").update(required_review_thread_resolution=True),
        "branches.main.required_review_thread_resolution",
    ),
    ("shipped", "ruleset", "allowed_merge_methods"): (
        lambda f, r: _params(r, "pull_request").update(allowed_merge_methods=["squash"]),
        "branches.main.allowed_merge_methods",
    ),
    ("shipped", "ruleset", "pull_request_reviewers"): (
        lambda f, r: _params(r, "pull_request").update(
            required_reviewers=[{"minimum_approvals": 1, "file_patterns": ["*"], "reviewer": {"id": 1}}]
        ),
        "branches.main.pull_request_reviewers",
    ),
    ("shipped", "ruleset", "do_not_enforce_on_create"): (
        lambda f, r: _params(r, "required_status_checks").update(do_not_enforce_on_create=True),
        "branches.main.do_not_enforce_on_create",
    ),
    ("shipped", "ruleset", "dismissal_restriction"): (
        lambda f, r: _params(r, "pull_request").update(
            dismissal_restriction={"users": [{"login": "octocat"}], "teams": []}
        ),
        "branches.main.dismissal_restriction",
    ),
    ("varied", "ruleset", "empty_status_checks"): (
        lambda f, r: _ruleset(r, "repoconf branch release/*")["rules"].append(
            {
                "type": "required_status_checks",
                "parameters": {"strict_required_status_checks_policy": True, "required_status_checks": []},
            }
        ),
        "branches.release/*.empty_status_checks",
    ),
    ("shipped", "ruleset", "other_rules"): (
        lambda f, r: _ruleset(r, MAIN)["rules"].append({"type": "required_signatures"}),
        "branches.main.other_rules",
    ),
    # branches.CLASSIC_TABLE (the REST view the audit reads)
    ("classic", "classic", "required_approvals"): (
        lambda f, r: r.classic["main"]["required_pull_request_reviews"].update(
            required_approving_review_count=1
        ),
        "branches.main.required_approvals",
    ),
    ("classic", "classic", "dismiss_stale_reviews"): (
        lambda f, r: r.classic["main"]["required_pull_request_reviews"].update(dismiss_stale_reviews=False),
        "branches.main.dismiss_stale_reviews",
    ),
    ("classic", "classic", "require_code_owner_reviews"): (
        lambda f, r: r.classic["main"]["required_pull_request_reviews"].update(
            require_code_owner_reviews=False
        ),
        "branches.main.require_code_owner_reviews",
    ),
    ("classic", "classic", "require_last_push_approval"): (
        lambda f, r: r.classic["main"]["required_pull_request_reviews"].update(
            require_last_push_approval=False
        ),
        "branches.main.require_last_push_approval",
    ),
    ("classic", "classic", "required_status_checks"): (
        lambda f, r: _drop_classic_check(r.classic["main"]["required_status_checks"]),
        "branches.main.required_status_checks",
    ),
    ("classic", "classic", "require_up_to_date"): (
        lambda f, r: r.classic["main"]["required_status_checks"].update(strict=False),
        "branches.main.require_up_to_date",
    ),
    ("classic", "classic", "linear_history"): (
        lambda f, r: r.classic["main"]["required_linear_history"].update(enabled=False),
        "branches.main.linear_history",
    ),
    ("classic", "classic", "enforce_admins"): (
        lambda f, r: r.classic["main"]["enforce_admins"].update(enabled=False),
        "branches.main.enforce_admins",
    ),
    ("classic", "classic", "pull_request"): (
        lambda f, r: r.classic["main"].pop("required_pull_request_reviews"),
        "branches.main.pull_request",
    ),
    ("classic", "classic", "allow_deletions"): (
        lambda f, r: r.classic["main"]["allow_deletions"].update(enabled=True),
        "branches.main.allow_deletions",
    ),
    ("classic", "classic", "allow_force_pushes"): (
        lambda f, r: r.classic["main"]["allow_force_pushes"].update(enabled=True),
        "branches.main.allow_force_pushes",
    ),
    ("classic", "classic", "required_conversation_resolution"): (
        lambda f, r: r.classic["main"]["required_conversation_resolution"].update(enabled=True),
        "branches.main.required_conversation_resolution",
    ),
    ("classic", "classic", "lock_branch"): (
        lambda f, r: r.classic["main"]["lock_branch"].update(enabled=True),
        "branches.main.lock_branch",
    ),
    ("classic", "classic", "push_restrictions"): (
        lambda f, r: r.classic["main"].update(restrictions={"users": [], "teams": [], "apps": []}),
        "branches.main.push_restrictions",
    ),
    ("classic", "classic", "dismissal_restrictions"): (
        lambda f, r: r.classic["main"]["required_pull_request_reviews"].update(
            dismissal_restrictions={"users": [], "teams": []}
        ),
        "branches.main.dismissal_restrictions",
    ),
    ("classic", "classic", "empty_status_checks"): (
        lambda f, r: r.classic["release"].update(required_status_checks={"strict": True, "contexts": []}),
        "branches.release.empty_status_checks",
    ),
    ("classic", "classic", "required_signatures"): (
        lambda f, r: r.classic["main"]["required_signatures"].update(enabled=True),
        "branches.main.required_signatures",
    ),
    ("classic", "classic", "block_creations"): (
        lambda f, r: r.classic["main"]["block_creations"].update(enabled=True),
        "branches.main.block_creations",
    ),
    ("classic", "classic", "allow_fork_syncing"): (
        lambda f, r: r.classic["main"]["allow_fork_syncing"].update(enabled=True),
        "branches.main.allow_fork_syncing",
    ),
    ("classic", "classic", "pull_request_bypassers"): (
        lambda f, r: r.classic["main"]["required_pull_request_reviews"].update(
            bypass_pull_request_allowances={"users": [{"login": "octocat"}], "teams": [], "apps": []}
        ),
        "branches.main.pull_request_bypassers",
    ),
    # release_tags.PROTECTION_TABLE
    ("shipped", "protection", "pattern"): (
        lambda f, r: _ruleset(r, TAGS)["conditions"]["ref_name"].update(include=["refs/tags/release-*"]),
        "release_tags.pattern",
    ),
    ("shipped", "protection", "except"): (
        lambda f, r: _ruleset(r, TAGS)["conditions"]["ref_name"]["exclude"].append("refs/tags/v1*"),
        "release_tags.except",
    ),
    ("shipped", "protection", "protect_from"): (
        lambda f, r: _drop_rule(r, TAGS, "update"),
        "release_tags.protect_from",
    ),
    ("shipped", "protection", "bypass_actors"): (
        lambda f, r: _ruleset(r, TAGS)["bypass_actors"].append(ADMIN),
        "release_tags.bypass_actors",
    ),
    ("shipped", "protection", "target"): (
        lambda f, r: _ruleset(r, TAGS).update(target="branch"),
        "release_tags.target",
    ),
    ("shipped", "protection", "enforcement"): (
        lambda f, r: _ruleset(r, TAGS).update(enforcement="disabled"),
        "release_tags.enforcement",
    ),
    ("shipped", "protection", "update_allows_fetch_and_merge"): (
        lambda f, r: _rule(_ruleset(r, TAGS), "update").update(
            parameters={"update_allows_fetch_and_merge": True}
        ),
        "release_tags.update_allows_fetch_and_merge",
    ),
    # access.TABLE, and every reviewer able to approve
    ("varied", "access", "permission"): (
        lambda f, r: r.teams.update(ops="pull"),
        "access.teams.ops.permission",
    ),
    ("varied", "access", "permission#revoked"): (
        lambda f, r: r.teams.pop("docs"),
        "access.teams.docs",
    ),
    ("shipped", "reviewers", "team without access"): (
        lambda f, r: r.teams.pop("qa"),
        "environments.qa.reviewers.qa",
    ),
    ("classic", "reviewers", "user without access"): (
        lambda f, r: r.collaborators.update(octocat="none"),
        "environments.qa.reviewers.octocat",
    ),
    # release_tags.CREATION_TABLE
    ("shipped", "creation", "created_by"): (
        lambda f, r: _ruleset(r, CREATION)["bypass_actors"].append(_team_actor(f, "interns")),
        "release_tags.created_by",
    ),
    ("shipped", "creation", "creation.pattern"): (
        lambda f, r: _ruleset(r, CREATION)["conditions"]["ref_name"]["include"].append("refs/tags/x*"),
        "release_tags.creation.pattern",
    ),
    ("shipped", "creation", "creation.except"): (
        lambda f, r: _ruleset(r, CREATION)["conditions"]["ref_name"].update(exclude=[]),
        "release_tags.creation.except",
    ),
    ("shipped", "creation", "creation.rules"): (
        lambda f, r: _ruleset(r, CREATION)["rules"].append({"type": "deletion"}),
        "release_tags.creation.rules",
    ),
    ("shipped", "creation", "creation.target"): (
        lambda f, r: _ruleset(r, CREATION).update(target="branch"),
        "release_tags.creation.target",
    ),
    ("shipped", "creation", "creation.enforcement"): (
        lambda f, r: _ruleset(r, CREATION).update(enforcement="evaluate"),
        "release_tags.creation.enforcement",
    ),
}

TABLES: dict[str, tuple[Row[Any, Any], ...]] = {
    "environments": environments.TABLE,
    "secrets_variables": secrets_variables.TABLE,
    "ruleset": branches.RULESET_TABLE,
    "classic": branches.CLASSIC_TABLE,
    "protection": release_tags.PROTECTION_TABLE,
    "creation": release_tags.CREATION_TABLE,
    "access": access.TABLE,
}

HIDDEN_FROM_READERS = {"enforce_admins", "bypass_actors", "created_by"}
"""Rows GitHub hides from a token without write access to rulesets (their ``hidden_by``)."""


def test_every_row_of_every_table_has_a_mutation() -> None:
    """A row added without a way to drift it here fails, naming the table and the row."""
    covered = {(table, key.partition("#")[0]) for _, table, key in MUTATIONS}
    missing = [
        f"{table}.{row.key}"
        for table, rows in TABLES.items()
        for row in rows
        if (table, row.key) not in covered
    ]
    assert missing == []
    assert {row.key for rows in TABLES.values() for row in rows if row.hidden_by} <= HIDDEN_FROM_READERS | {
        "can_admins_bypass"
    }


@pytest.fixture(scope="module")
def stand_ins() -> Iterator[dict[str, Applied]]:
    with ExitStack() as stack:
        yield {name: stack.enter_context(apply(text)) for name, text in POLICIES.items()}


@pytest.mark.parametrize(("policy", "table", "row"), sorted(MUTATIONS), ids=lambda value: str(value))
def test_one_setting_changed_is_exactly_that_finding(
    stand_ins: dict[str, Applied], policy: str, table: str, row: str
) -> None:
    applied = stand_ins[policy]
    mutate, path = MUTATIONS[(policy, table, row)]
    repository = applied.fake.repositories[applied.repository]
    kept = copy.deepcopy(repository)
    kept_teams = set(applied.fake.teams)
    try:
        mutate(applied.fake, repository)
        found = [f.path for r in applied.audit().repositories for f in r.findings]
        assert found == [path]
        reader = applied.audit(READ).repositories[0]
        rows = TABLES.get(table, ())
        hidden = next((r.hidden_by for r in rows if r.key == row.partition("#")[0]), None)
        if hidden is not None and row in HIDDEN_FROM_READERS:
            assert reader.findings == []
            assert path in reader.unverified
        else:
            assert [f.path for f in reader.findings] == [path]
    finally:
        applied.fake.repositories[applied.repository] = kept
        applied.fake.teams = kept_teams


def test_an_app_github_pins_under_classic_protection_is_not_drift(stand_ins: dict[str, Applied]) -> None:
    # GitHub pins a check set by name to the app that last reported it (REST "Update branch
    # protection", `contexts`): after `pulumi up` the answer may name an app the policy cannot state.
    applied = stand_ins["classic"]
    repository = applied.fake.repositories[applied.repository]
    kept = copy.deepcopy(repository)
    try:
        for check in repository.classic["main"]["required_status_checks"]["checks"]:
            check["app_id"] = 15368
        assert applied.audit().compliant
        with applied.client(WRITE) as github:
            imported = load_text(import_repository(github, "acme", applied.repository), "i.yaml")
        assert declared_settings(imported.policy.repositories[applied.repository]) == live_declarations(
            applied, applied.repository
        )
    finally:
        applied.fake.repositories[applied.repository] = kept


IMPORT_CASES: dict[tuple[str, str], Mutation] = {
    ("shipped", "no pull-request rule"): lambda f, r: _drop_rule(r, MAIN, "pull_request"),
    ("classic", "no required reviews"): lambda f, r: r.classic["main"].pop("required_pull_request_reviews"),
    ("shipped", "ten approvals"): lambda f, r: _params(r, "pull_request").update(
        required_approving_review_count=10
    ),
    ("shipped", "two release-tag includes"): lambda f, r: _ruleset(r, TAGS)["conditions"]["ref_name"].update(
        include=["refs/tags/v1.*", "refs/tags/v2.*"]
    ),
    ("shipped", "release tags on ~ALL"): lambda f, r: _ruleset(r, TAGS)["conditions"]["ref_name"].update(
        include=["~ALL"]
    ),
    ("shipped", "release tags without conditions"): lambda f, r: _ruleset(r, TAGS).update(conditions=None),
    ("shipped", "creation forbidden twice"): lambda f, r: _ruleset(r, TAGS)["rules"].append(
        {"type": "creation"}
    ),
    ("shipped", "creators alone"): lambda f, r: r.rulesets.remove(_ruleset(r, TAGS)),
    ("shipped", "an organization admin creates"): lambda f, r: _ruleset(r, CREATION)["bypass_actors"].append(
        {"actor_id": None, "actor_type": "OrganizationAdmin", "bypass_mode": "always"}
    ),
    ("shipped", "no operation forbidden"): lambda f, r: _ruleset(r, TAGS).update(
        rules=[{"type": "required_signatures"}]
    ),
    ("classic", "an app pinned by GitHub"): lambda f, r: r.classic["main"]["required_status_checks"][
        "checks"
    ][0].update(app_id=15368),
}
"""Live states the policy cannot say exactly (found by an adversarial review): import must still write a
policy that loads, and explain every difference."""

CHANGES = sorted(
    [(policy, f"{table}.{row}", mutate) for (policy, table, row), (mutate, _) in MUTATIONS.items()]
    + [(policy, case, mutate) for (policy, case), mutate in IMPORT_CASES.items()],
    key=lambda case: case[:2],
)


@pytest.mark.parametrize(("policy", "case", "mutate"), CHANGES, ids=[f"{p}:{c}" for p, c, _ in CHANGES])
def test_import_after_any_change_loads_and_explains_what_it_cannot_say(
    stand_ins: dict[str, Applied], policy: str, case: str, mutate: Mutation
) -> None:
    """Whatever one change made of the repository, import writes a policy that loads, and every
    difference the audit finds between it and the repository is explained by a note in the text."""
    applied = stand_ins[policy]
    repository = applied.fake.repositories[applied.repository]
    kept = copy.deepcopy(repository)
    kept_teams = set(applied.fake.teams)
    try:
        mutate(applied.fake, repository)
        with applied.client(WRITE) as github:
            text = import_repository(github, "acme", applied.repository)
            imported = load_text(text, "imported.yaml")
            report = audit(github, imported.policy).repositories[0]
        notes = [
            line.removeprefix("# ").split(":", 1)[0] for line in text.splitlines() if line.startswith("# ")
        ]
        unexplained = [
            finding.path
            for finding in report.findings
            if not any(finding.path == note or finding.path.startswith(f"{note}.") for note in notes)
        ]
        assert unexplained == [], text
    finally:
        applied.fake.repositories[applied.repository] = kept
        applied.fake.teams = kept_teams


# -- generated policies ----------------------------------------------------------------------------------

LOGINS = st.sampled_from(["octocat", "hubot", "monalisa"])
SLUGS = st.sampled_from(["qa", "ops", "release-managers"])
PATTERNS = st.sampled_from(["main", "release/*", "v*", "nightly-*"])
TAG_ENTRIES: list[Any] = ["v*", {"versions": "final"}, {"versions": "candidate", "major": [1]}]


@st.composite
def environment(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    users, teams = (
        draw(st.lists(LOGINS, max_size=2, unique=True)),
        draw(st.lists(SLUGS, max_size=2, unique=True)),
    )
    if users or teams:
        entry["reviewers"] = {"users": users, "teams": teams}
        entry["prevent_self_review"] = draw(st.booleans()) and len(users) + len(teams) > 1
    entry["wait_timer"] = draw(st.sampled_from([0, 5, 43200]))
    entry["can_admins_bypass"] = draw(st.booleans())
    refs = draw(st.sampled_from(["any", "protected", "custom"]))
    if refs == "protected":
        entry["deployment_refs"] = {"protected": True}
    elif refs == "custom":
        tags = draw(
            st.lists(
                st.sampled_from(TAG_ENTRIES),
                max_size=2,
                unique_by=str,
            )
        )
        entry["deployment_refs"] = {
            "branches": draw(st.lists(PATTERNS, max_size=2, unique=True)),
            "tags": tags,
        }
    if draw(st.booleans()):
        entry["secrets"] = {"TOKEN": draw(st.sampled_from([{"external": True}, {"config": "token"}]))}
    if draw(st.booleans()):
        entry["variables"] = {"LEVEL": draw(st.sampled_from(["1", "gold", "eu-west-1"]))}
    return entry


@st.composite
def branch_rule(draw: st.DrawFn, engine: str) -> dict[str, Any]:
    checks: list[Any] = draw(
        st.lists(st.sampled_from(["Unit Tests", "Lint", "Build"]), max_size=2, unique=True)
    )
    pinned = draw(st.booleans())
    if engine == "ruleset" and checks and pinned:
        checks = [{"context": checks[0], "app_id": 15368}, *checks[1:]]
    return {
        "required_approvals": draw(st.integers(0, 6)),
        "dismiss_stale_reviews": draw(st.booleans()),
        "require_code_owner_reviews": draw(st.booleans()),
        "require_last_push_approval": draw(st.booleans()),
        "required_status_checks": checks,
        "require_up_to_date": bool(checks) and draw(st.booleans()),
        "linear_history": draw(st.booleans()),
        "enforce_admins": draw(st.booleans()),
    }


@st.composite
def policy_text(draw: st.DrawFn) -> str:
    engine = draw(st.sampled_from(["ruleset", "classic"]))
    settings_: dict[str, Any] = {
        "protection_engine": engine,
        "environments": {
            name: draw(environment())
            for name in draw(st.lists(st.sampled_from(["staging", "qa", "deploy"]), max_size=3, unique=True))
        },
        "branches": {"main": draw(branch_rule(engine))},
    }
    if draw(st.booleans()):
        settings_["secrets"] = {"CODECOV_TOKEN": {"env": "CODECOV_TOKEN"}}
    if draw(st.booleans()):
        operations = draw(
            st.lists(st.sampled_from(["deletion", "update", "force_push"]), min_size=1, unique=True)
        )
        tags: dict[str, Any] = {
            "pattern": "v*",
            "protect_from": operations,
            "except": draw(st.lists(st.sampled_from(["v*-rc*", "v0*"]), unique=True)),
        }
        if draw(st.booleans()):
            tags["created_by"] = {
                "teams": draw(st.lists(SLUGS, max_size=1)),
                "roles": draw(st.lists(st.sampled_from(["admin", "maintain"]), max_size=1, unique=True)),
            }
        settings_["release_tags"] = tags
    return yaml.safe_dump(
        {"version": 1, "owner": "acme", "repositories": {"made": settings_}}, sort_keys=False
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=policy_text())
def test_generated_policies_round_trip(text: str) -> None:
    with apply(text) as stand_in:
        assert _problems(stand_in.audit()) == []
        with stand_in.client(WRITE) as github:
            imported = load_text(import_repository(github, "acme", "made"), "imported.yaml")
        assert declared_settings(imported.policy.repositories["made"]) == live_declarations(stand_in, "made")
        assert _problems(stand_in.audit(READ)) == []
