"""The rules of SPEC §3, each triggered and each silent on the shipped policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from repoconf.policy.checks import run_checks
from repoconf.policy.diagnostics import Severity
from repoconf.policy.loader import load


def by_rule(data: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    monkeypatch.chdir(data)
    found: dict[str, list[str]] = {}
    for diagnostic in run_checks(load("checks.yaml")):
        found.setdefault(diagnostic.rule, []).append(diagnostic.format())
    return found


def test_every_rule_fires_once_per_written_place(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = by_rule(data, monkeypatch)
    assert found["tags-vs-branch-only"] == [
        "checks.yaml:8:24: warning: defaults.environments.deploy.deployment_refs: environment "
        "'deploy' admits branches but no tag matching release pattern 'v*': tag-triggered releases "
        'fail with "Tag v1.2.3 is not allowed to deploy to deploy"; add `tags: [{versions: final}]` '
        "(in repositories 'one', 'two', which inherit it)",
        "checks.yaml:14:24: warning: defaults.environments.locked.deployment_refs: environment "
        "'locked' admits protected branches but no tag matching release pattern 'v*': "
        'tag-triggered releases fail with "Tag v1.2.3 is not allowed to deploy to locked"; '
        "replace `protected: true` with `branches: [...]` and `tags: ['v*']` "
        "(in repositories 'one', 'two', which inherit it)",
    ]
    assert found["secret-in-two-scopes"] == [
        "checks.yaml:17:16: warning: defaults.environments.locked.secrets.OTHER: secret 'OTHER' "
        "is also a repository secret with another source (stack config other); inside "
        "environment 'locked' the environment's value (environment variable OTHER) wins: "
        "use one source or rename one (in repositories 'one', 'two', which inherit it)",
    ]
    # TOKEN is behind deploy's reviewers: the stronger warning, at the repository-scope entry
    assert found["gated-secret-at-repository-scope"] == [
        "checks.yaml:19:12: warning: defaults.secrets.TOKEN: secret 'TOKEN' is held behind the reviewers "
        "of environment 'deploy', but also at repository scope, where every workflow on every branch can "
        "read it without their approval: remove it from the repository's secrets (in repositories 'one', "
        "'two', which inherit it)",
    ]
    assert [line.split(": ")[2] for line in found["reviewer-limit"]] == [
        "defaults.environments.deploy.prevent_self_review",
        "defaults.environments.crowded.reviewers",
        "defaults.environments.locked.prevent_self_review",
    ]
    assert found["reviewer-limit"][2] == (
        "checks.yaml:15:28: error: defaults.environments.locked.prevent_self_review: prevent_self_review "
        "without reviewers does nothing on GitHub (it only stops the person who triggered a run from "
        "approving it): add reviewers or remove it (in repositories 'one', 'two', which inherit it)"
    )
    assert found["reviewer-limit"][1] == (
        "checks.yaml:12:18: error: defaults.environments.crowded.reviewers: 7 reviewers; GitHub allows "
        "at most 6 (users and teams together): use a team (in repositories 'one', 'two', which inherit it)"
    )
    assert found["reviewer-limit"][0] == (
        "checks.yaml:7:28: warning: defaults.environments.deploy.prevent_self_review: prevent_self_review "
        "with the single reviewer 'alice': runs they trigger can never be approved; add a second reviewer "
        "or a team (in repositories 'one', 'two', which inherit it)"
    )
    assert found["required-checks"][0].startswith(
        "checks.yaml:23:7: warning: defaults.branches.main: branch rule "
        "'main' requires no status check and no approval"
    )


def test_a_gated_secret_behind_tags_broader_than_final_versions(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nowner: acme\nrepositories:\n  w:\n    environments:\n"
        "      publish:\n        reviewers: {teams: [ops]}\n"
        "        deployment_refs: {tags: [{versions: final}, 'v*', {versions: candidate}]}\n"
        "        secrets: {PYPI: {external: true}}\n"
        "      staging:\n        deployment_refs: {tags: [{versions: candidate}]}\n"
        "        secrets: {TEST_PYPI: {external: true}}\n"
    )
    assert [d.format() for d in run_checks(load(policy))] == [
        f"{policy}:8:53: warning: repositories.w.environments.publish.deployment_refs.tags[1]: environment "
        "'publish' holds PYPI, but its tags entry 'v*' admits v1.2.3-rc1, which is no final version: use "
        "`{versions: final}`",
        f"{policy}:8:59: warning: repositories.w.environments.publish.deployment_refs.tags[2]: environment "
        "'publish' holds PYPI, but its tags entry {versions: candidate} admits v1.2.3-rc1, which is no "
        "final version: use `{versions: final}`",
    ]


def test_a_gated_secret_on_branches_only_is_told_to_add_final_versions(tmp_path: Path) -> None:
    """The fix `tags-vs-branch-only` suggests must not trip `secret-behind-broad-tags`: an environment
    holding a secret behind reviewers gets `{versions: final}`, not the release pattern."""
    policy = tmp_path / "p.yaml"
    body = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    release_tags: {pattern: 'v*'}\n"
        "    environments:\n      publish:\n        reviewers: {teams: [ops]}\n"
        "        deployment_refs: {branches: [main]}\n"
    )
    policy.write_text(body + "        secrets: {PYPI: {external: true}}\n")
    (message,) = [d.format() for d in run_checks(load(policy))]
    assert message.endswith("add `tags: [{versions: final}]`"), message
    policy.write_text(body)  # nothing to guard: the release pattern
    assert next(d.format() for d in run_checks(load(policy))).endswith("add `tags: ['v*']`")
    fixed = body.replace("{branches: [main]}", "{branches: [main], tags: [{versions: final}]}")
    policy.write_text(fixed + "        secrets: {PYPI: {external: true}}\n")
    assert run_checks(load(policy)) == []  # the suggested fix is clean under --strict


@pytest.mark.parametrize(
    ("pattern", "entry"),
    [
        ("v*", "{versions: final}"),
        ("release-*", "{versions: final, prefix: 'release-'}"),
        ("*", "{versions: final, prefix: ''}"),
    ],
)
def test_each_suggested_final_versions_entry_clears_both_warnings(
    tmp_path: Path, pattern: str, entry: str
) -> None:
    policy = tmp_path / "p.yaml"
    body = (
        f"version: 1\nowner: acme\nrepositories:\n  w:\n    release_tags: {{pattern: '{pattern}'}}\n"
        "    environments:\n      publish:\n        reviewers: {teams: [ops]}\n"
        "        deployment_refs: {branches: [main]}\n        secrets: {PYPI: {external: true}}\n"
    )
    policy.write_text(body)
    (message,) = [d.format() for d in run_checks(load(policy))]
    assert message.endswith(f"add `tags: [{entry}]`"), message
    policy.write_text(body.replace("{branches: [main]}", f"{{branches: [main], tags: [{entry}]}}"))
    assert run_checks(load(policy)) == []


def test_diagnostics_name_the_file(data: Path) -> None:
    diagnostics = run_checks(load(data / "checks.yaml"))
    assert all(d.location.file.endswith("checks.yaml") for d in diagnostics)
    assert {d.severity for d in diagnostics} == {Severity.ERROR, Severity.WARNING}


def test_shipped_policy_has_no_findings(template: Path) -> None:
    assert run_checks(load(template)) == []


def test_same_source_in_two_scopes_is_not_a_surprise(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nowner: acme\nrepositories:\n  w:\n    secrets: {T: {config: t}}\n"
        "    environments: {e: {secrets: {T: {config: t}}}}\n"
    )
    assert run_checks(load(policy)) == []
