"""Reviewer look-ups: once per distinct name per run; an unknown name is a located error."""

from __future__ import annotations

import gc
import os
from typing import Any

import pytest
from pulumi.runtime.mocks import MockCallArgs

from bench.policies import policy_text
from repoconf.policy.loader import LoadedPolicy, load_text
from repoconf.program.errors import ProgramError
from repoconf.render.mocks import RenderMocks
from repoconf.render.run import SLICE_RESOURCES, render
from tests.conftest import shipped_resources


def test_each_name_looked_up_once_across_50_repositories() -> None:
    loaded = load_text(policy_text(50), "p.yaml")
    rendering = render(loaded)
    assert rendering.repositories == 50
    # qa, release-managers, senior-engineers, devops: four teams, however many repositories use them
    assert rendering.lookups == {"github:index/getTeam:getTeam": 4}
    environments = [d for d in rendering.declarations if d.type.endswith("RepositoryEnvironment")]
    assert len(environments) == 200


class GitHubWithout(RenderMocks):
    """Mocks whose GitHub does not know some users."""

    def __init__(self, unknown: set[str]) -> None:
        super().__init__()
        self.unknown = unknown

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        login, slug = args.args.get("username"), args.args.get("slug")
        if login in self.unknown:
            # The engine reports a provider's failed invoke as a failure, which the SDK raises at the
            # call site (not as an unhandled RPC error).
            self.lookups[args.token] += 1
            return {}, [("username", f"GET https://api.github.com/users/{login}: 404 Not Found []")]
        if slug in self.unknown:
            self.lookups[args.token] += 1
            return {}, [("slug", f"GET https://api.github.com/orgs/acme/teams/{slug}: 404 Not Found []")]
        return super().call(args)


def test_unknown_reviewer_names_the_policy_line() -> None:
    text = (
        "version: 1\nowner: acme\ndefaults:\n  environments:\n    qa:\n"
        "      reviewers: {users: [alice, ghost]}\nrepositories:\n  a: {}\n  b: {}\n"
    )
    mocks = GitHubWithout({"ghost"})
    with pytest.raises(ProgramError) as caught:
        render(load_text(text, "p.yaml"), mocks=mocks)
    assert caught.value.lines() == [
        "p.yaml:6:34: error: defaults.environments.qa.reviewers.users[1]: unknown user 'ghost' "
        "(GitHub said: invoke of github:index/getUser:getUser failed: GET "
        "https://api.github.com/users/ghost: 404 Not Found [] (username))"
    ]
    assert mocks.lookups["github:index/getUser:getUser"] == 2


def test_an_unknown_tag_creator_team_names_the_policy_line() -> None:
    text = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    release_tags:\n"
        "      pattern: 'v*'\n      created_by: {teams: [release-managers, ghost-team]}\n"
    )
    with pytest.raises(ProgramError) as caught:
        render(load_text(text, "p.yaml"), mocks=GitHubWithout({"ghost-team"}))
    assert caught.value.lines() == [
        "p.yaml:7:46: error: repositories.w.release_tags.created_by.teams[1]: unknown team in 'acme' "
        "'ghost-team' (GitHub said: invoke of github:index/getTeam:getTeam failed: GET "
        "https://api.github.com/orgs/acme/teams/ghost-team: 404 Not Found [] (slug))"
    ]


def test_slices_follow_resources_and_leave_the_collector_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    per_repository = shipped_resources(2) - shipped_resources(1)
    size = SLICE_RESOURCES // per_repository + 5  # more resources than one slice holds: two slices
    expected = shipped_resources(size)
    loaded = load_text(policy_text(size), "p.yaml")
    gc.freeze()  # as the console script leaves a loaded policy: render must neither unfreeze nor add
    try:
        _render_twice(monkeypatch, loaded, size, expected)
    finally:
        gc.unfreeze()


def _render_twice(monkeypatch: pytest.MonkeyPatch, loaded: LoadedPolicy, size: int, expected: int) -> None:
    for fork in (True, False):
        if not fork:  # the in-process path, which pauses the collector itself
            monkeypatch.delattr(os, "fork")
        seen: list[tuple[int, int, str]] = []
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        rendering = render(loaded, progress=lambda *step, seen=seen: seen.append(step), workers=2)
        # two slices for two workers, the resources spread evenly
        assert [done for done, _, _ in seen] in ([size // 2, size], [(size + 1) // 2, size])
        assert len(rendering.declarations) == expected
        assert gc.isenabled()
        # neither frozen more nor unfrozen (frozen objects freed on the way lower the count)
        assert 0 < gc.get_freeze_count() <= frozen


def test_render_in_slices_declares_the_same_and_looks_up_once() -> None:
    loaded = load_text(policy_text(7), "p.yaml")
    whole = render(loaded)
    seen: list[tuple[int, int, str]] = []
    sliced = render(loaded, batch_size=2, progress=lambda *step: seen.append(step))
    assert seen == [(2, 7, "repo-0001"), (4, 7, "repo-0003"), (6, 7, "repo-0005"), (7, 7, "repo-0006")]
    assert sliced.declarations == whole.declarations
    assert sliced.repositories == whole.repositories == 7
    assert sliced.lookups == whole.lookups == {"github:index/getTeam:getTeam": 4}
