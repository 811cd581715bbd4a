"""A user's whole path as one story, against the loopback GitHub, through the `repoconf` CLI: a
configuration repository (`new`), an existing hand-made repository adopted (`import --into`, `adopt`), a
policy change reviewed (`diff`), deployed as deploy.yml deploys it (the adoption documents imported,
then `pulumi up`), audited for drift with the read-only token (`audit --stack`, `drift-issue`), and the
release it gates (`workflow release`, `validate --explain-ref`).

Each step reads what the previous one wrote (the policy file `new` wrote and `import --into` edited, the
import document `adopt` wrote, the policy as merged on main, the audit's report and exit code), never a
value restated here, so a broken joint between two commands fails the story. The order is docs/guide.md's
("A configuration repository", "Adopting an existing repository", "Review a policy change", "CI", "Drift").
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.ops.drift_issue import DEFAULT_AUTHOR, LABEL
from repoconf.policy.loader import load
from standin.apply import apply_policy
from standin.github import FakeGitHub, FakeRepository, team
from standin.provider import Resource
from tests.conftest import REQUIREMENT, TEMPLATE, TOKEN

READ_TOKEN = "github_pat_story_read_only_0123456789"
STACK = "staging"  # what `repoconf new` names the first stack
RUN_URL = "https://github.com/acme/acme-github/actions/runs/1"


@pytest.fixture
def organization() -> Iterator[FakeGitHub]:
    """acme before repoconf: `widgets` holds its code but no settings; `legacy` was configured by hand,
    like the release process but not quite (tests/describe/test_into.py's `_legacy`); `acme-github` will
    hold the configuration repository's drift issue."""
    fake = FakeGitHub("acme", token=TOKEN, read_token=READ_TOKEN)
    settings = load(TEMPLATE).policy.repositories["widgets"]
    fake.repositories["widgets"] = FakeRepository(files=FakeGitHub.files_for(settings))
    legacy = fake.deploy("legacy", settings)
    legacy.environments["qa"].wait_timer = 7
    del legacy.environments["staging"]
    legacy.secrets.add("EXTRA_TOKEN")
    legacy.variables["TIER"] = "gold"
    for slug in fake.teams:  # the organization's reviewer teams can read widgets too
        fake.repositories["widgets"].teams[slug] = "pull"
    fake.repositories["acme-github"] = FakeRepository()
    fake.start()
    yield fake
    fake.stop()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """One `repoconf` command: its exit code, stdout and stderr."""
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def git(directory: Path, *argv: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Story", "-c", "user.email=story@example.com", *argv],
        cwd=directory,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def edit(path: Path, old: str, new: str) -> None:
    """A one-place edit of the policy, as a pull request makes it."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new))


def audit_json(capsys: pytest.CaptureFixture[str], repo: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    """`repoconf audit POLICY --stack S --project-dir DIR` from anywhere: each repository's verdict."""
    policy = repo / "config" / "policy.yaml"
    code, out, err = run(
        capsys, "audit", str(policy), "--stack", STACK, "--project-dir", str(repo), "--format", "json"
    )
    assert code in (0, 1), err
    return code, {entry["name"]: entry for entry in json.loads(out)["repositories"]}


def drift_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp: Path
) -> tuple[int, str]:
    """drift.yml's two steps, in the configuration repository: `audit --stack --format markdown` with the
    read-only token into a report, then `drift-issue` with that report and exit code, as the workflow's
    token; the issue step's output."""
    monkeypatch.setenv("GITHUB_TOKEN", READ_TOKEN)
    code, report, err = run(capsys, "audit", "--stack", STACK, "--format", "markdown")
    assert code in (0, 1), err
    (tmp / "audit.md").write_text(report)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)  # `github.token`: issues: write on the configuration repo
    issue_code, out, err = run(
        capsys,
        "drift-issue",
        "--repository",
        "acme/acme-github",
        "--audit-report",
        str(tmp / "audit.md"),
        "--audit-exit",
        str(code),
        "--run-url",
        RUN_URL,
    )
    assert issue_code == 0, err
    monkeypatch.setenv("GITHUB_TOKEN", READ_TOKEN)
    return code, out


def drift_issues(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [
        issue
        for issue in fake.repositories["acme-github"].issues
        if LABEL in [label["name"] for label in issue["labels"]]
    ]


def test_a_users_whole_path(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    organization: FakeGitHub,
) -> None:
    fake = organization
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)  # the deploy identity, for import and adopt

    # 1. new: a configuration repository, a git repository of its own
    repo = tmp_path / "acme-github"
    code, out, err = run(capsys, "new", str(repo), "--owner", "acme", "--repo", "widgets", *REQUIREMENT)
    assert code == 0, err
    policy = repo / "config" / "policy.yaml"
    stack_file = yaml.safe_load((repo / f"Pulumi.{STACK}.yaml").read_text())
    assert stack_file["config"]["acme-github:policy"] == "config/policy.yaml"
    assert list(load(policy).policy.repositories) == ["widgets"]
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "repoconf new")
    monkeypatch.chdir(repo)  # the workflows run there; `--stack` reads Pulumi.staging.yaml from it

    # 2. adopt legacy: describe it into the policy, then the import document for the stack
    requests = len(fake.requests)
    for refused, why in [
        ("other/legacy", "stack 'staging' manages acme"),
        ("acme/gadgets", "gadgets is not in"),
    ]:
        code, out, err = run(capsys, "adopt", refused, "--stack", STACK)
        assert (code, out) == (2, ""), err
        assert why in err
    assert len(fake.requests) == requests  # refused before any request
    code, out, err = run(capsys, "import", "acme/legacy", "--into", str(policy))
    assert code == 0, err
    merged = load(policy).policy.repositories
    assert list(merged) == ["widgets", "legacy"]
    assert merged["legacy"].environments["qa"].wait_timer == 7  # as it was set by hand
    assert "staging" not in merged["legacy"].environments
    imports = repo / "imports" / STACK
    imports.mkdir(parents=True)
    code, out, err = run(capsys, "adopt", "acme/legacy", "--stack", STACK, "-o", str(imports / "legacy.json"))
    assert code == 0, err
    # everything the policy declares for legacy exists on GitHub: the policy was read from it
    assert "; 0 declared resource(s) do not exist on GitHub yet" in err
    document = json.loads((imports / "legacy.json").read_text())
    entries = {entry["name"]: entry for entry in document["resources"]}
    legacy = fake.repositories["legacy"]
    ruleset_ids = {ruleset["name"]: ruleset["id"] for ruleset in legacy.rulesets}
    assert entries["legacy/branch/main"]["id"] == f"legacy:{ruleset_ids['repoconf branch main']}"
    assert entries["legacy/qa"]["id"] == "legacy:qa"
    assert "legacy/staging" not in entries  # the policy `import --into` wrote has no staging for legacy
    assert entries["legacy/variable/TIER"]["id"] == "legacy:TIER"
    assert entries["legacy/access/team/qa"]["id"] == f"{team('acme', 'qa')['id']}:legacy"
    git(repo, "add", "config/policy.yaml", "imports/staging/legacy.json")
    git(repo, "commit", "-q", "-m", "adopt acme/legacy")

    # 3. review: a pull request lowering main's approvals is flagged, a longer wait is not
    base, head = "git:main:config/policy.yaml", "config/policy.yaml"  # the preview workflow's sides
    git(repo, "checkout", "-q", "-b", "fewer-approvals")
    edit(policy, "required_approvals: 1", "required_approvals: 0")
    code, out, err = run(capsys, "diff", base, head, "--fail-on-weakening", "--format", "json")
    assert code == 1, err
    changes = {r["name"]: r["changes"] for r in json.loads(out)["repositories"]}
    for name in ("widgets", "legacy"):  # a default: every repository that inherits it
        [change] = changes[name]
        assert (change["path"], change["before"], change["after"], change["weakens"]) == (
            "branches.main.required_approvals",
            1,
            0,
            True,
        )
    git(repo, "checkout", "-q", "config/policy.yaml")  # not approved: the pull request is closed
    git(repo, "checkout", "-q", "-b", "longer-wait", "main")
    edit(policy, "wait_timer: 30", "wait_timer: 45")
    code, out, err = run(capsys, "diff", base, head)
    assert code == 1, err  # a change
    assert "environments.production-release.wait_timer: 30 -> 45" in out
    code, out, err = run(capsys, "diff", base, head, "--fail-on-weakening")
    assert code == 0, out + err  # that weakens no gate
    git(repo, "commit", "-q", "-am", "a longer wait before production releases")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "longer-wait")

    # 4. deploy (deploy.yml on main): import imports/staging/*.json, then `pulumi up` of main's policy
    merged_text = git(repo, "show", "main:config/policy.yaml")
    documents = [json.loads(path.read_text()) for path in sorted(imports.glob("*.json"))]
    before = {ruleset["name"]: ruleset["id"] for ruleset in legacy.rulesets}
    policies = {env: list(state.policies) for env, state in legacy.environments.items()}
    provider = apply_policy(fake, merged_text, "config/policy.yaml", imports=documents)
    assert {ruleset["name"]: ruleset["id"] for ruleset in legacy.rulesets} == before  # taken over
    assert {env: list(state.policies) for env, state in legacy.environments.items()} == policies
    created = {sent.path.split("/")[3] for sent in provider.sent if sent.method == "POST"}
    assert created == {"widgets"}  # rulesets, deployment policies, variables: POSTed for widgets alone
    # every resource the program declares for legacy was imported from the document, none created
    declared = {Resource.of(item).name for item in provider.declared}
    imported = {name for name, entry in entries.items() if "id" in entry}
    assert {name for name in declared if name.startswith("legacy/")} == imported
    for name in ("widgets", "legacy"):  # what the reviewed policy says, on GitHub
        assert fake.repositories[name].environments["production-release"].wait_timer == 45
    assert legacy.environments["qa"].wait_timer == 7
    assert {r["name"] for r in fake.repositories["widgets"].rulesets} == set(before)

    # 5. drift: the read-only token finds both repositories compliant; a hand edit is drift, an issue
    monkeypatch.setenv("GITHUB_TOKEN", READ_TOKEN)
    requests = len(fake.requests)
    code, report = audit_json(capsys, repo)
    assert code == 0, report
    assert {name: entry["compliant"] for name, entry in report.items()} == {"widgets": True, "legacy": True}
    assert {auth for _, auth in fake.requests[requests:]} == {f"Bearer {READ_TOKEN}"}
    legacy.environments["qa"].wait_timer = 0  # someone shortens QA's wait in the settings page
    code, out = drift_run(capsys, monkeypatch, tmp_path)
    assert code == 1
    assert out == "drift issue: opened #1\n"
    [issue] = drift_issues(fake)
    assert issue["state"] == "open"
    body = str(issue["body"]).replace("\\", "")  # markdown escapes
    assert "legacy" in body
    assert "environments.qa.wait_timer" in body
    code, report = audit_json(capsys, repo)
    assert code == 1
    assert report["widgets"]["compliant"]
    assert [(f["path"], f["expected"], f["actual"]) for f in report["legacy"]["findings"]] == [
        ("environments.qa.wait_timer", 7, 0)
    ]
    provider.reapply(provider.declared)  # the next deploy puts back what the policy says
    assert legacy.environments["qa"].wait_timer == 7
    code, out = drift_run(capsys, monkeypatch, tmp_path)
    assert code == 0
    assert out == "drift issue: closed #1\n"
    assert [(i["state"], i["user"]["login"]) for i in drift_issues(fake)] == [("closed", DEFAULT_AUTHOR)]

    # 6. release: the workflow widgets runs, and which tags reach which environment
    code, out, err = run(capsys, "workflow", "release", str(policy), "--repo", "widgets")
    assert code == 0, err
    jobs = yaml.safe_load(out)["jobs"]
    environments = {
        job["environment"]["name"] if isinstance(job["environment"], dict) else job["environment"]
        for job in jobs.values()
        if "environment" in job
    }
    assert environments == set(load(policy).policy.repositories["widgets"].environments)
    for tag, reaches_production in [("v1.2.3-rc1", False), ("v1.2.3rc1", False), ("v1.2.3", True)]:
        code, out, err = run(
            capsys, "validate", str(policy), "--explain-ref", f"refs/tags/{tag}", "--format", "json"
        )
        assert code == 0, err
        explained = json.loads(out)["explain"]["repositories"]
        assert [repository["name"] for repository in explained] == ["widgets", "legacy"]
        for repository in explained:
            allowed = {env["name"]: env["allowed"] for env in repository["environments"]}
            assert allowed["production-deploy"] is reaches_production, (tag, repository)
            assert allowed["production-release"] is True, (tag, repository)
