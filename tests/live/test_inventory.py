"""The owner's repositories read over REST as the selectors look at them: pages, what it costs, and the
answers GitHub gives a token that may not read them."""

from __future__ import annotations

import pytest

from repoconf.github.client import GitHub
from repoconf.github.errors import GitHubError
from repoconf.live.inventory import read_candidate, read_inventory
from repoconf.policy.selection import Candidate
from standin.github import FakeGitHub, FakeRepository


def test_a_thousand_repositories_cost_ten_requests_twenty_with_properties(
    fake: FakeGitHub, github: GitHub
) -> None:
    for index in range(999):
        fake.repositories[f"repo-{index:03}"] = FakeRepository(
            topics=["python"] if index % 2 else [], properties={"tier": "gold"} if index % 3 == 0 else {}
        )
    listed = read_inventory(github, "acme", properties=False)
    assert len(listed) == 1000
    assert github.requests == 10
    assert listed[2] == Candidate("repo-001", frozenset({"python"}))
    with_properties = read_inventory(github, "acme", properties=True)
    assert github.requests == 10 + 20
    assert with_properties[1] == Candidate("repo-000", properties={"tier": ("gold",)})


def test_multi_select_values_and_flags_are_read(fake: FakeGitHub, github: GitHub) -> None:
    fake.repositories["legacy"] = FakeRepository(archived=True, fork=True, properties={"team": ["a", "b"]})
    [_, legacy] = read_inventory(github, "acme", properties=True)
    assert legacy == Candidate("legacy", properties={"team": ("a", "b")}, archived=True, fork=True)
    assert read_candidate(github, "acme", "legacy", properties=True) == legacy
    assert read_candidate(github, "acme", "legacy", properties=False) == Candidate(
        "legacy", archived=True, fork=True
    )
    assert read_candidate(github, "acme", "nowhere", properties=True) is None


def test_an_owner_that_is_no_organization_is_one_line_saying_what_to_do(github: GitHub) -> None:
    with pytest.raises(GitHubError) as caught:
        read_inventory(github, "someone", properties=False)
    assert str(caught.value) == (
        "GET /orgs/someone/repos: HTTP 404: someone is no organization this token can see; selectors choose "
        "among an organization's repositories: check the owner and the token, or list the repositories by "
        "name under `repositories`"
    )


def test_a_token_without_the_custom_properties_permission_is_told_which(
    fake: FakeGitHub, github: GitHub
) -> None:
    fake.fault(
        r"/orgs/acme/properties/values",
        status=403,
        body={"message": "Resource not accessible by personal access token"},
    )
    with pytest.raises(GitHubError) as caught:
        read_inventory(github, "acme", properties=True)
    assert str(caught.value) == (
        "GET /orgs/acme/properties/values: HTTP 403 (Resource not accessible by personal access token): a "
        'fine-grained token needs "Custom properties: read" on acme, a classic token the read:org scope'
    )


def test_a_name_no_repository_has_is_an_answer_that_does_not_fit(fake: FakeGitHub, github: GitHub) -> None:
    fake.repositories["../bad name"] = FakeRepository()
    with pytest.raises(GitHubError) as caught:
        read_inventory(github, "acme", properties=False)
    assert str(caught.value) == (
        "GET /orgs/acme/repos: GitHub's answer does not fit (name: Value error, a repository name has "
        "1–100 letters, digits, `.`, `-` or `_`)"
    )
