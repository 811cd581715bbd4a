"""`repoconf import --into`: the repository added to a policy file, comments and order kept, only what
differs from defaults written, and the merged result declares what GitHub has."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from repoconf.cli.main import main
from repoconf.describe.policy import declared_settings, read_live
from repoconf.github.client import GitHub
from repoconf.policy.loader import load
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE, TOKEN


@pytest.fixture
def target(tmp_path: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEMPLATE.read_text())
    return policy


def _legacy(fake: FakeGitHub) -> None:
    """A repository set up by hand: like the template, with a few differences."""
    repo = fake.deploy("legacy", load(TEMPLATE).policy.repositories["widgets"])
    repo.environments["qa"].wait_timer = 7
    repo.environments.pop("staging")
    repo.secrets.add("EXTRA_TOKEN")
    repo.variables["TIER"] = "gold"


def test_only_the_differences_are_added_and_nothing_else_changes(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, target: Path, github: GitHub
) -> None:
    _legacy(fake)
    before = target.read_text()
    assert main(["import", "acme/legacy", "--into", str(target)]) == 0
    after = target.read_text()
    changed = [
        line
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line.startswith(("- ", "+ "))
    ]
    assert all(line.startswith("+ ") for line in changed), changed  # comments, order, quoting kept
    assert [line[2:] for line in changed] == [
        "  # Imported by `repoconf import --into` from GitHub; only what differs from defaults.",
        "  legacy:",
        "    environments:",
        "      qa:",
        "        wait_timer: 7",
        "      staging: null",
        "    secrets:",
        "      EXTRA_TOKEN:",
        "        external: true",
        "    variables:",
        "      TIER: gold",
        "    access:",  # the teams with a permission on the repository, as GitHub lists them
        "      teams:",
        "        devops: pull",
        "        qa: pull",
        "        release-managers: pull",
        "        senior-engineers: pull",
    ]
    merged = load(target).policy.repositories["legacy"]
    live = read_live(github, "acme", "legacy")
    assert live.exists
    assert declared_settings(merged)["environments"]["qa"]["wait_timer"] == 7
    assert "staging" not in merged.environments
    capsys.readouterr()
    assert main(["audit", str(target), "--repo", "legacy"]) == 0, capsys.readouterr().out


def test_a_repository_already_there_another_owner_or_an_invalid_policy_is_refused_untouched(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, target: Path
) -> None:
    before = target.read_text()
    assert main(["import", "acme/widgets", "--into", str(target)]) == 2
    assert "repository 'widgets' is already in the policy" in capsys.readouterr().err
    assert main(["import", "other/legacy", "--into", str(target)]) == 2
    assert "that policy manages acme's repositories, not other's" in capsys.readouterr().err
    requests = len(fake.requests)
    target.write_text(before.replace("wait_timer: 30", "wait_timer: -1"))
    assert main(["import", "acme/legacy", "--into", str(target)]) == 2
    assert "wait_timer" in capsys.readouterr().err
    assert len(fake.requests) == requests  # refused before any request
    assert target.read_text() == before.replace("wait_timer: 30", "wait_timer: -1")


def test_a_missing_repository_leaves_the_file_as_it_was(
    capsys: pytest.CaptureFixture[str], target: Path
) -> None:
    before = target.read_text()
    assert main(["import", "acme/ghost", "--into", str(target)]) == 3
    assert "repository acme/ghost not found" in capsys.readouterr().err
    assert target.read_text() == before


def test_names_github_spells_otherwise_keep_the_policys_spelling(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, target: Path
) -> None:
    # GitHub compares environment and variable names case-insensitively; the loader merges by key, so
    # an entry under GitHub's spelling would be a second `qa` beside the one `defaults` gives.
    repo = fake.deploy("legacy", load(TEMPLATE).policy.repositories["widgets"])
    repo.environments["QA"] = repo.environments.pop("qa")
    repo.environments["QA"].wait_timer = 7
    repo.variables["tier"] = "gold"
    assert main(["import", "acme/legacy", "--into", str(target)]) == 0, capsys.readouterr().err
    merged = load(target).policy.repositories["legacy"]
    assert merged.environments["qa"].wait_timer == 7
    assert "QA" not in merged.environments
    text = target.read_text()
    assert "      qa:\n        wait_timer: 7" in text


CLASSIC_WILDCARD = """\
version: 1
owner: acme
defaults:
  protection_engine: classic
  branches:
    main: {required_approvals: 2, enforce_admins: true}
    "release/*": {required_approvals: 1}
repositories:
  widgets: {}
"""


def test_a_classic_wildcard_rule_rest_cannot_show_is_kept_not_removed(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, target: Path
) -> None:
    """REST shows a classic wildcard rule only as the branches it protects: the protected release/1.0 is
    that rule's effect (not a rule of its own), and release/* is kept, never written removed."""
    target.write_text(CLASSIC_WILDCARD)
    repo = fake.deploy("legacy", load(target).policy.repositories["widgets"])
    repo.branches.add("release/1.0")
    repo.classic["release/1.0"] = repo.classic.pop("release/*")
    assert main(["import", "acme/legacy", "--into", str(target)]) == 0
    text = target.read_text()
    merged = load(target).policy.repositories["legacy"]
    assert merged.branches == load(target).policy.repositories["widgets"].branches
    assert "release/1.0" not in merged.branches
    assert "# branches.release/1.0: protected by a classic rule it matches as 'release/*'" in text
    assert "# branches.release/*: a classic rule with a wildcard is visible through GraphQL only" in text


def test_a_classic_wildcard_protecting_no_branch_yet_is_kept(fake: FakeGitHub, target: Path) -> None:
    """No protected branch at all: the wildcard rule shows nowhere over REST, so it is kept as declared."""
    target.write_text(CLASSIC_WILDCARD)
    repo = fake.deploy("legacy", load(target).policy.repositories["widgets"])
    repo.classic.clear()
    assert main(["import", "acme/legacy", "--into", str(target)]) == 0
    merged = load(target).policy.repositories["legacy"]
    assert "release/*" in merged.branches
    assert "main" not in merged.branches  # an exact rule REST shows unprotected is removed


def test_an_exact_rule_beside_a_wildcard_that_matches_it_is_its_own(fake: FakeGitHub, target: Path) -> None:
    """`release/1.0` named exactly in defaults is its own rule, even though `release/*` matches it too."""
    target.write_text(
        CLASSIC_WILDCARD.replace(
            '    "release/*"', '    release/1.0: {required_approvals: 2}\n    "release/*"'
        )
    )
    repo = fake.deploy("legacy", load(target).policy.repositories["widgets"])
    repo.classic.pop("release/*")
    repo.branches.add("release/1.0")
    assert main(["import", "acme/legacy", "--into", str(target)]) == 0
    merged = load(target).policy.repositories["legacy"]
    assert merged.branches["release/1.0"].required_approvals == 2
    assert "release/*" in merged.branches


def test_the_entry_takes_the_name_the_repository_was_created_with(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, target: Path
) -> None:
    _legacy(fake)
    assert main(["import", "acme/LEGACY", "--into", str(target)]) == 0
    assert "legacy" in load(target).policy.repositories
    assert "LEGACY" not in target.read_text()
    assert capsys.readouterr().out.startswith(f"added legacy to {target}")
    assert main(["import", "acme/Legacy", "--into", str(target)]) == 2  # already there, whatever its case
