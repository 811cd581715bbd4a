"""`repoconf import` never writes a weaker gate than it can see, and its policy audits compliant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from repoconf.audit.run import audit
from repoconf.describe.policy import declared_settings, import_repository
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import LoadedPolicy, load_text
from repoconf.review.diff import diff_policies
from standin.github import FakeGitHub

READ_TOKEN = "ghp_read_only_token_for_import"


@pytest.fixture
def reader(fake: FakeGitHub) -> Iterator[GitHub]:
    fake.read_token = READ_TOKEN
    client = GitHub(fake.base, READ_TOKEN, timeout=1.0, retry=RetryPolicy(attempts=2, backoff=0.01))
    yield client
    client.close()


def _weakenings(original: LoadedPolicy, imported: LoadedPolicy) -> list[str]:
    """Changes from the original policy to the imported one that weaken a gate on GitHub. Pulumi's
    `protect` is no GitHub setting (GitHub cannot show it), so its loss is not counted."""
    result = diff_policies(original.policy, imported.policy)
    return [
        f"{change.path}: {change.why}"
        for repository in result.repositories
        for change in repository.changes
        if change.weakens and not change.path.endswith(".protect")
    ]


@pytest.mark.parametrize("token", ["writer", "reader"])
def test_import_is_never_weaker_and_audits_compliant(
    token: str, policy: LoadedPolicy, github: GitHub, reader: GitHub, fake: FakeGitHub
) -> None:
    client = github if token == "writer" else reader
    text = import_repository(client, "acme", "widgets")
    imported = load_text(text, "imported.yaml")
    assert _weakenings(policy, imported) == []
    report = audit(client, imported.policy)
    assert report.compliant, report.as_json()
    if token == "writer":  # everything visible: the same, and the teams' grants made around the policy
        expected = declared_settings(policy.policy.repositories["widgets"])
        expected["access"] = dict(fake.repositories["widgets"].teams)
        assert declared_settings(imported.policy.repositories["widgets"]) == expected
    else:  # bypass actors hidden: written as the strictest value, each with a note naming the permission
        settings = imported.policy.repositories["widgets"]
        assert settings.branches["main"].enforce_admins is True
        assert settings.release_tags is not None
        assert settings.release_tags.created_by is not None
        assert (settings.release_tags.created_by.teams, settings.release_tags.created_by.roles) == ((), ())
        assert "# release_tags.created_by: not visible to this token" in text


def test_secrets_are_external_and_names_keep_githubs_spelling(github: GitHub) -> None:
    imported = load_text(import_repository(github, "acme", "widgets"), "imported.yaml")
    settings = imported.policy.repositories["widgets"]
    assert {name: source.model_dump() for name, source in settings.secrets.items()} == {
        "CODECOV_TOKEN": {"external": True},
        "TEST_PYPI_TOKEN": {"external": True},
    }


def test_a_pattern_another_rules_ruleset_covers_stays_protected(github: GitHub, fake: FakeGitHub) -> None:
    """main's ruleset edited on GitHub to include release/* too: the policy says one pattern per rule,
    so release/* is written as a rule of its own with main's settings — `pulumi up` narrowing main's
    include then leaves release/* protected by its own ruleset instead of by nothing."""
    repo = fake.repositories["widgets"]
    ruleset = next(r for r in repo.rulesets if r["name"] == "repoconf branch main")
    ruleset["conditions"]["ref_name"]["include"].append("refs/heads/release/*")
    text = import_repository(github, "acme", "widgets")
    imported = load_text(text, "imported.yaml").policy.repositories["widgets"]
    assert imported.branches["release/*"] == imported.branches["main"]
    assert "# branches.release/*: covered by the ruleset of main" in text
    assert "# branches.main.include: GitHub has" in text  # main's own ruleset still differs until then
    # GitHub's own names (~DEFAULT_BRANCH, ~ALL) are no pattern a rule can name: only the note says them
    ruleset["conditions"]["ref_name"]["include"] = ["refs/heads/main", "~DEFAULT_BRANCH"]
    text = import_repository(github, "acme", "widgets")
    assert list(load_text(text, "imported.yaml").policy.repositories["widgets"].branches) == ["main"]
    assert '# branches.main.include: GitHub has ["main", "~DEFAULT_BRANCH"]' in text


def test_classic_protection_beside_rulesets_is_named_not_dropped_silently(
    github: GitHub, fake: FakeGitHub
) -> None:
    classic = load_text(
        "version: 1\nowner: acme\ndefaults: {protection_engine: classic, branches: {main: {}}}\n"
        "repositories: {legacy: {}}\n",
        "classic.yaml",
    )
    protection = fake.deploy("legacy", classic.policy.repositories["legacy"]).classic["main"]
    repo = fake.repositories["widgets"]
    repo.branches.add("hotfix")
    repo.classic["hotfix"] = protection
    text = import_repository(github, "acme", "widgets")
    imported = load_text(text, "imported.yaml").policy.repositories["widgets"]
    assert "hotfix" not in imported.branches  # a policy on the ruleset engine cannot say it ...
    assert "# branches.hotfix: GitHub also has classic protection on hotfix" in text  # ... and says so


def test_an_empty_pattern_list_is_left_out(github: GitHub) -> None:
    """`deployment_refs` with tags only is written with tags only: `branches: []` says nothing more."""
    text = import_repository(github, "acme", "widgets")
    assert "branches: []" not in text
    qa = load_text(text, "imported.yaml").policy.repositories["widgets"].environments["qa"]
    assert qa.deployment_refs is not None
    assert qa.deployment_refs.branches is None
