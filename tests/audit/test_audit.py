"""The audit against a loopback GitHub: a compliant repository and every kind of drift."""

from __future__ import annotations

from typing import Any

import pytest

from repoconf.audit.run import audit
from repoconf.github.client import GitHub
from repoconf.live.compare import Finding, Kind
from repoconf.policy.loader import LoadedPolicy, load_text
from standin.github import FakeGitHub, team
from tests.conftest import TEMPLATE

RELEASE_REFS = {"branches": [], "tags": ["v*"]}
"""production-release's deployment refs in the template: every v tag (approval only, no secret)."""


def findings(github: GitHub, policy: LoadedPolicy) -> list[Finding]:
    report = audit(github, policy.policy)
    return [f for r in report.repositories for f in r.findings]


def paths(github: GitHub, policy: LoadedPolicy) -> dict[str, tuple[Kind, Any, Any]]:
    return {f.path: (f.kind, f.expected, f.actual) for f in findings(github, policy)}


def test_compliant_repository(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    report = audit(github, policy.policy)
    assert report.compliant
    summary = report.as_json()["summary"]
    assert {key: summary[key] for key in ("repositories", "compliant", "findings", "errors", "requests")} == {
        "repositories": 1,
        "compliant": 1,
        "findings": 0,
        "errors": 0,
        # per repository: 18 settings (with the two tag rulesets) + 1 tree; per run: the owner's teams
        # (the tag-creation ruleset names its bypass team by id), each reviewer team's repositories (4),
        # and each distinct workflow file (2, by blob id: the next repository holding them costs none)
        "requests": 19 + 5 + 2,
    }
    assert summary["rate_limit"]["remaining"] == 5000 - 26
    assert all(auth == f"Bearer {fake.token}" for _, auth in fake.requests)


def test_environment_missing_and_extra(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    repo = fake.repositories["widgets"]
    repo.environments["sandbox"] = repo.environments.pop("production-deploy")
    found = paths(github, policy)
    assert found["environments.production-deploy"][0] is Kind.MISSING
    assert found["environments.production-deploy"][1]["reviewers"] == {
        "users": [],
        "teams": ["devops", "senior-engineers"],
    }
    assert found["environments.sandbox"][0] is Kind.EXTRA
    assert found["environments.sandbox"][1] is None
    assert set(found) == {"environments.production-deploy", "environments.sandbox"}


@pytest.mark.parametrize(
    ("mutate", "path", "expected", "actual"),
    [
        (
            lambda e: e.teams.append("interns"),
            "reviewers",
            {"users": [], "teams": ["release-managers"]},
            {"users": [], "teams": ["interns", "release-managers"]},
        ),
        (
            lambda e: e.teams.clear(),
            "reviewers",
            {"users": [], "teams": ["release-managers"]},
            {"users": [], "teams": []},
        ),
        (lambda e: setattr(e, "wait_timer", 5), "wait_timer", 30, 5),
        (lambda e: setattr(e, "prevent_self_review", False), "prevent_self_review", True, False),
        (lambda e: setattr(e, "can_admins_bypass", True), "can_admins_bypass", False, True),
        (
            lambda e: e.policies.remove(("v*", "tag")),
            "deployment_refs",
            RELEASE_REFS,
            {"branches": [], "tags": []},
        ),
        (lambda e: setattr(e, "branch_policy", None), "deployment_refs", RELEASE_REFS, None),
        (
            lambda e: setattr(e, "branch_policy", "protected"),
            "deployment_refs",
            RELEASE_REFS,
            {"protected": True},
        ),
    ],
    ids=[
        "reviewer added",
        "reviewers removed",
        "wait timer",
        "self review",
        "admin bypass",
        "tag policy removed",
        "any ref",
        "protected branches",
    ],
)
def test_environment_settings_drift(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub, mutate: Any, path: str, expected: Any, actual: Any
) -> None:
    mutate(fake.repositories["widgets"].environments["production-release"])
    # Reviewers removed is one finding: prevent_self_review lives in the reviewers rule that went.
    wanted = [Finding(Kind.CHANGED, f"environments.production-release.{path}", expected, actual)]
    assert findings(github, policy) == wanted


def test_secrets_drift(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    repo = fake.repositories["widgets"]
    repo.secrets.discard("CODECOV_TOKEN")
    repo.secrets.add("LEGACY_TOKEN")
    repo.environments["production-deploy"].secrets.clear()
    repo.environments["qa"].secrets.add("QA_PASSWORD")
    assert findings(github, policy) == [
        Finding(Kind.EXTRA, "environments.qa.secrets.QA_PASSWORD", None, "present"),
        Finding(Kind.MISSING, "environments.production-deploy.secrets.PYPI_TOKEN", "present", None),
        Finding(Kind.MISSING, "secrets.CODECOV_TOKEN", "present", None),
        Finding(Kind.EXTRA, "secrets.LEGACY_TOKEN", None, "present"),
    ]


def test_variables_drift(github: GitHub, fake: FakeGitHub) -> None:
    policy = load_text(
        "version: 1\nowner: acme\nrepositories:\n  widgets:\n    variables: {REGION: eu, TIER: gold}\n"
        "    environments: {qa: {variables: {URL: https://qa}}}\n",
        "p.yaml",
    )
    fake.deploy("widgets", policy.policy.repositories["widgets"])
    repo = fake.repositories["widgets"]
    repo.variables = {"REGION": "us", "EXTRA": "1"}
    repo.environments["qa"].variables["URL"] = "https://staging"
    assert findings(github, policy) == [
        Finding(Kind.CHANGED, "environments.qa.variables.URL", "https://qa", "https://staging"),
        Finding(Kind.EXTRA, "variables.EXTRA", None, "1"),
        Finding(Kind.CHANGED, "variables.REGION", "eu", "us"),
        Finding(Kind.MISSING, "variables.TIER", "gold", None),
    ]


def _main_ruleset(fake: FakeGitHub) -> dict[str, Any]:
    return next(r for r in fake.repositories["widgets"].rulesets if r["name"] == "repoconf branch main")


def test_branch_ruleset_drift(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    ruleset = _main_ruleset(fake)
    ruleset["rules"] = [r for r in ruleset["rules"] if r["type"] != "required_linear_history"]
    checks = next(r for r in ruleset["rules"] if r["type"] == "required_status_checks")
    checks["parameters"]["required_status_checks"].pop()  # Quality Checks
    ruleset["bypass_actors"] = [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}]
    found = paths(github, policy)
    assert found["branches.main.linear_history"] == (Kind.CHANGED, True, False)
    # the bypass actors themselves: what the program declares for enforce_admins is "no one"
    assert found["branches.main.enforce_admins"] == (Kind.CHANGED, [], ["role:admin"])
    kind, expected, actual = found["branches.main.required_status_checks"]
    assert kind is Kind.CHANGED
    assert [c["context"] for c in expected] == [
        "Integration Tests",
        "Quality Checks",
        "Security Scans",
        "Unit Tests",
    ]
    assert [c["context"] for c in actual] == ["Integration Tests", "Security Scans", "Unit Tests"]
    assert len(found) == 3


def test_branch_ruleset_missing_disabled_and_extra(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    ruleset = _main_ruleset(fake)
    ruleset["enforcement"] = "disabled"
    found = paths(github, policy)
    assert found == {"branches.main.enforcement": (Kind.CHANGED, "active", "disabled")}
    ruleset["name"] = "repoconf branch develop"
    found = paths(github, policy)
    assert found["branches.main"][0] is Kind.MISSING
    assert found["branches.develop"][0] is Kind.EXTRA


def test_release_tag_ruleset_drift(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    tags = next(r for r in fake.repositories["widgets"].rulesets if r["name"] == "repoconf release tags")
    tags["conditions"]["ref_name"]["exclude"] = []
    assert findings(github, policy) == [Finding(Kind.CHANGED, "release_tags.except", ["v*-rc*"], [])]
    fake.repositories["widgets"].rulesets.remove(tags)
    assert [(f.kind, f.path) for f in findings(github, policy)] == [(Kind.MISSING, "release_tags")]


def _tag_ruleset(fake: FakeGitHub, name: str) -> dict[str, Any]:
    return next(r for r in fake.repositories["widgets"].rulesets if r["name"] == name)


def test_who_may_create_or_bypass_release_tags_drifts(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    creation = _tag_ruleset(fake, "repoconf release tag creation")
    assert creation["rules"] == [{"type": "creation"}]
    creation["bypass_actors"].append({"actor_id": 4, "actor_type": "RepositoryRole", "bypass_mode": "always"})
    fake.teams.add("interns")
    protection = _tag_ruleset(fake, "repoconf release tags")
    interns = team("acme", "interns")["id"]
    protection["bypass_actors"].append({"actor_id": interns, "actor_type": "Team", "bypass_mode": "always"})
    assert findings(github, policy) == [
        Finding(Kind.CHANGED, "release_tags.bypass_actors", [], ["team:interns"]),
        Finding(
            Kind.CHANGED,
            "release_tags.created_by",
            ["team:release-managers"],
            ["role:write", "team:release-managers"],
        ),
    ]
    fake.repositories["widgets"].rulesets.remove(creation)
    found = paths(github, policy)
    assert found["release_tags.created_by"][0] is Kind.MISSING


def test_bypass_teams_the_token_cannot_name_are_unverified(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    # a bypass team with access to the repository is named from the repository's teams listing...
    fake.teams_readable = False  # no "Members: read" on the organization
    report = audit(github, policy.policy)
    assert report.compliant
    assert report.repositories[0].unverified == []
    # ...one without it only from the owner's teams, which this token cannot list. While every declared
    # team is found by name, an unnamed one is an addition whatever its name: drift.
    fake.teams.add("interns")
    creation = _tag_ruleset(fake, "repoconf release tag creation")
    creation["bypass_actors"].append({"actor_id": team("acme", "interns")["id"], "actor_type": "Team"})
    interns = f"team:#{team('acme', 'interns')['id']}"
    assert findings(github, policy) == [
        Finding(
            Kind.CHANGED,
            "release_tags.created_by",
            ["team:release-managers"],
            [interns, "team:release-managers"],
        )
    ]
    # When a declared team is not found by name either, the unnamed one may be it: unverified, not drift.
    fake.repositories["widgets"].teams.pop("release-managers")
    creation["bypass_actors"] = [creation["bypass_actors"][-1]]
    report = audit(github, policy.policy)
    assert [f.path for f in report.repositories[0].findings if f.path.startswith("release_tags")] == []
    assert "release_tags.created_by" in report.repositories[0].unverified
    # The protection ruleset declares no team at all: any team in it is drift, named or not.
    protection = _tag_ruleset(fake, "repoconf release tags")
    protection["bypass_actors"].append({"actor_id": team("acme", "interns")["id"], "actor_type": "Team"})
    assert paths(github, policy)["release_tags.bypass_actors"][0] is Kind.CHANGED


def test_classic_protection(github: GitHub, fake: FakeGitHub) -> None:
    text = (
        "version: 1\nowner: acme\nrepositories:\n  widgets:\n    protection_engine: classic\n"
        "    branches:\n      main: {required_status_checks: [Unit Tests], linear_history: true}\n"
        "      release: {required_approvals: 2}\n"
        "      hotfix/*: {required_approvals: 2}\n"
    )
    policy = load_text(text, "p.yaml")
    fake.deploy("widgets", policy.policy.repositories["widgets"])
    report = audit(github, policy.policy)
    assert report.repositories[0].findings == []
    # wildcard classic rules are not readable over REST: not audited, not reported missing, but listed
    # as unverified, so a compliant report does not vouch for them
    assert not [path for path, _ in fake.requests if "hotfix" in path]
    assert report.repositories[0].unverified == ["branches.hotfix/*"]
    repo = fake.repositories["widgets"]
    repo.classic["main"]["required_linear_history"]["enabled"] = False
    del repo.classic["release"]
    found = paths(github, policy)
    assert found["branches.main.linear_history"] == (Kind.CHANGED, True, False)
    assert found["branches.release"] == (Kind.MISSING, found["branches.release"][1], None)
    assert len(found) == 2
    repo.branches.discard("release")  # "Branch not found" is told apart from "Branch not protected"
    assert paths(github, policy)["branches.release"][2] == "branch does not exist"


def test_a_branch_ruleset_left_over_under_classic_protection_is_extra(
    github: GitHub, fake: FakeGitHub, policy: LoadedPolicy
) -> None:
    # deployed with rulesets, then switched to classic: the rulesets still apply on top of the protection
    text = (
        "version: 1\nowner: acme\nrepositories:\n  widgets:\n    protection_engine: classic\n"
        "    branches:\n      main: {required_status_checks: [Unit Tests]}\n"
    )
    classic = load_text(text, "p.yaml")
    fake.deploy("widgets", classic.policy.repositories["widgets"])
    found = paths(github, classic)
    assert found == {}
    repo = fake.repositories["widgets"]
    repo.rulesets.append(
        fake.branch_ruleset("widgets", "main", policy.policy.repositories["widgets"].branches["main"])
    )
    found = paths(github, classic)
    assert list(found) == ["branches.main"]
    assert found["branches.main"][0] is Kind.EXTRA


def test_missing_repository_is_one_finding(github: GitHub, fake: FakeGitHub) -> None:
    policy = load_text("version: 1\nowner: acme\nrepositories:\n  widgets: {}\n  ghost: {}\n", "p.yaml")
    report = audit(github, policy.policy)
    ghost = next(r for r in report.repositories if r.name == "ghost")
    assert ghost.findings == [Finding(Kind.MISSING, "repository", "ghost", None)]
    assert [r.name for r in report.repositories] == ["widgets", "ghost"]


def test_pagination_beyond_one_page(policy: LoadedPolicy, fake: FakeGitHub, github: GitHub) -> None:
    fake.page_size = 2
    repo = fake.repositories["widgets"]
    repo.secrets |= {f"EXTRA_{i}" for i in range(5)}
    found = paths(github, policy)
    assert sorted(found) == [f"secrets.EXTRA_{i}" for i in range(5)]
    pages = [path for path, _ in fake.requests if "/actions/secrets" in path]
    assert len(pages) == 4  # 8 secrets, 2 per page
    assert any("page=4" in path for path in pages)


def test_organization_rulesets_are_not_the_repositorys(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    fake.org_ruleset("repoconf branch main")  # even one named like ours belongs to the organization
    fake.org_ruleset("org baseline")
    report = audit(github, policy.policy)
    assert report.compliant
    assert not [path for path, _ in fake.requests if "/rulesets/" in path and "org" in path]


@pytest.mark.parametrize(
    ("pattern", "fault", "error"),
    [
        (
            "/environments$",
            {"status": 200, "body": {"total_count": 1, "environments": [{"id": 1}]}},
            "GET /repos/acme/widgets/environments: GitHub's answer does not fit (name: Field required)",
        ),
        (
            "/environments/qa/variables$",
            {"status": 404, "body": {"message": "Not Found"}},
            "GET /repos/acme/widgets/environments/qa/variables: HTTP 404 (Not Found)",
        ),
        (
            "/actions/secrets$",
            {"status": 403, "body": {"message": "Resource not accessible by personal access token"}},
            "GET /repos/acme/widgets/actions/secrets: HTTP 403 (Resource not accessible by personal access "
            'token): a fine-grained token needs "Secrets: read" on this repository, a classic token the repo '
            "scope",
        ),
        (
            "/rulesets$",
            {"status": 200, "raw": b"<!DOCTYPE html><title>Sign in</title>"},
            "GET /repos/acme/widgets/rulesets: GitHub's answer is not JSON (application/json; charset=utf-8, "
            "37 bytes): check --api-url points at the REST API",
        ),
        (
            "/rulesets$",
            {"status": 500, "times": 9},
            "GET /repos/acme/widgets/rulesets failed after 4 attempts: HTTP 500",
        ),
    ],
)
def test_an_unreadable_part_is_an_error_entry_not_a_crash(
    github: GitHub, fake: FakeGitHub, pattern: str, fault: dict[str, Any], error: str
) -> None:
    policy = load_text("version: 1\nowner: acme\nrepositories:\n  widgets: {}\n  gizmos: {}\n", "p.yaml")
    fake.deploy("gizmos", policy.policy.repositories["gizmos"])
    fake.fault(f"/repos/acme/widgets{pattern}", **fault)
    report = audit(github, policy.policy, workers=1)
    widgets, gizmos = report.repositories
    assert widgets.error == error
    assert widgets.findings == []
    assert not widgets.compliant
    assert gizmos.error is None
    assert report.errors == 1


def test_a_ruleset_without_conditions_is_read(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    ruleset = next(r for r in fake.repositories["widgets"].rulesets if r["name"] == "repoconf release tags")
    ruleset["conditions"] = None  # nullable in GitHub's description
    found = paths(github, policy)
    assert found["release_tags.pattern"] == (Kind.CHANGED, "v*", [])


def test_a_run_stopping_error_names_what_was_not_read(github: GitHub, fake: FakeGitHub) -> None:
    policy = load_text("version: 1\nowner: acme\nrepositories:\n  widgets: {}\n  gizmos: {}\n", "p.yaml")
    fake.fault("/repos/acme/widgets/environments$", status=401, body={"message": "Bad credentials"})
    report = audit(github, policy.policy, workers=1)
    assert report.stopped is not None
    assert "GitHub refused the token" in report.stopped
    assert report.repositories[1].error is not None
    assert report.repositories[1].error.startswith("not read: the run stopped (GET /repos/acme/widgets/")
    assert [path for path, _ in fake.requests if "gizmos" in path] == []


def test_missing_file_and_misnamed_check_producer(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    files = fake.repositories["widgets"].files
    del files["CHANGELOG.md"]
    files[".github/workflows/ci.yaml"] = files[".github/workflows/ci.yaml"].replace(
        "name: Security Scans", "name: Security Scan"
    )
    assert paths(github, policy) == {
        "required_files.CHANGELOG.md": (Kind.MISSING, "present", None),
        "check_producers.Security Scans": (
            Kind.MISSING,
            "a job of a workflow run on pull requests, named as the check",
            None,
        ),
    }


def test_a_check_reported_only_on_tags_does_not_count(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    files = fake.repositories["widgets"].files
    files[".github/workflows/ci.yaml"] = files[".github/workflows/ci.yaml"].replace(
        "on:\n  pull_request:\n", "on:\n  push:\n    tags: ['v*']\n"
    )
    assert {path for path in paths(github, policy) if path.startswith("check_producers.")} == {
        "check_producers.Integration Tests",
        "check_producers.Quality Checks",
        "check_producers.Security Scans",
        "check_producers.Unit Tests",
    }


def test_an_empty_repository_lacks_everything(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    fake.repositories["widgets"].files = {}  # GitHub answers the tree with 409 "Git Repository is empty."
    found = paths(github, policy)
    assert {path for path in found if path.startswith("required_files.")} == {
        f"required_files.{path}" for path in policy.policy.repositories["widgets"].required_files or ()
    }
    assert len([path for path in found if path.startswith("check_producers.")]) == 4


@pytest.mark.parametrize("fault", ["truncated", "no contents permission", "unreadable workflow"])
def test_content_that_cannot_be_seen_is_unverified_not_drift(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub, fault: str
) -> None:
    repository = fake.repositories["widgets"]
    del repository.files["CHANGELOG.md"]
    if fault == "truncated":
        repository.tree_truncated = True
    elif fault == "no contents permission":
        repository.contents_readable = False
    else:
        # deleted between the tree and its read: GitHub answers 404
        fake.fault(r"/contents/\.github/workflows/ci\.yaml", status=404, body={"message": "Not Found"})
    report = audit(github, policy.policy).repositories[0]
    assert report.error is None
    content_findings = [f.path for f in report.findings]
    unverified = [entry.partition(" (")[0] for entry in report.unverified]  # each entry says why
    if fault == "unreadable workflow":  # the tree was read: the missing file is known
        assert content_findings == ["required_files.CHANGELOG.md"]
        assert unverified == [
            f"check_producers.{check}"
            for check in ("Integration Tests", "Quality Checks", "Security Scans", "Unit Tests")
        ]
        assert all("GitHub answered 404 for its content" in entry for entry in report.unverified)
    elif fault == "truncated":  # the workflows listed were read: their checks are known
        assert content_findings == []
        assert unverified == ["required_files.CHANGELOG.md"]
        assert "GitHub truncated the default branch's tree" in report.unverified[0]
    else:
        assert content_findings == []
        assert "required_files.CHANGELOG.md" in unverified
        assert "check_producers.Unit Tests" in unverified
        assert '"Contents: read"' in report.unverified[0]


def test_names_github_compares_case_insensitively_are_compared_so(github: GitHub, fake: FakeGitHub) -> None:
    """GitHub lists secret and variable names upper-case and answers canonical logins: a policy spelling
    them otherwise is compliant, not permanently drifted; a value still compares exactly."""
    text = (
        "version: 1\nowner: acme\nrepositories:\n  widgets:\n"
        "    secrets: {codecov_token: {external: true}}\n    variables: {tier: gold}\n"
        "    environments:\n      QA:\n        reviewers: {users: [OctoCat], teams: [QA-Leads]}\n"
    )
    policy = load_text(text, "p.yaml")
    repo = fake.deploy("widgets", policy.policy.repositories["widgets"])
    repo.secrets = {"CODECOV_TOKEN"}
    repo.variables = {"TIER": "gold"}
    environment = repo.environments.pop("QA")
    environment.users, environment.teams = ["octocat"], ["qa-leads"]
    repo.environments["qa"] = environment
    assert findings(github, policy) == []
    repo.variables = {"TIER": "Gold"}
    assert findings(github, policy) == [Finding(Kind.CHANGED, "variables.tier", "gold", "Gold")]


def test_a_reviewer_who_cannot_read_the_repository_is_reported(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    fake.repositories["widgets"].teams.pop("qa")
    qa = "environments.qa.reviewers.qa"
    found = paths(github, policy)
    assert list(found) == [qa]
    kind, expected, actual = found[qa]
    assert kind is Kind.MISSING
    assert expected == (
        "read access to the repository: team qa has no permission on the repository, so it is never asked "
        "to approve: grant it (`access: {teams: {qa: pull}}`)"
    )
    assert actual is None
    # one listing of each reviewer team's repositories per run, not one of the teams per repository
    assert [path for path, _ in fake.requests if path.startswith("GET /repos/acme/widgets/teams")] == []


def test_without_members_read_the_repositorys_teams_listing_tells(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    fake.teams_readable = False  # the team listings need "Members: read": the repository's own one is read
    fake.repositories["widgets"].teams.pop("devops")
    found = paths(github, policy)
    assert list(found) == ["environments.production-deploy.reviewers.devops"]
    assert len([path for path, _ in fake.requests if path.startswith("GET /repos/acme/widgets/teams")]) == 1


def test_a_grant_the_policy_makes_is_audited(github: GitHub, fake: FakeGitHub) -> None:
    text = TEMPLATE.read_text().replace("  widgets: {}", "  widgets:\n    access: {teams: {qa: push}}")
    policy = load_text(text, "p.yaml")
    fake.deploy("widgets", policy.policy.repositories["widgets"])
    assert findings(github, policy) == []
    fake.repositories["widgets"].teams["qa"] = "pull"
    assert findings(github, policy) == [Finding(Kind.CHANGED, "access.teams.qa.permission", "push", "pull")]
    del fake.repositories["widgets"].teams["qa"]
    kinds = {f.path: f.kind for f in findings(github, policy)}
    assert kinds == {"access.teams.qa": Kind.MISSING, "environments.qa.reviewers.qa": Kind.MISSING}
