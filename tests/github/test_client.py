"""The client's faults, against the loopback GitHub: retries, rate limits, timeouts, bad tokens."""

from __future__ import annotations

import time

import pytest

from repoconf.audit.run import audit
from repoconf.github.client import GitHub, RetryPolicy, rate_limit_wait, resolve_api_url, resolve_token
from repoconf.github.errors import GitHubError
from repoconf.policy.loader import LoadedPolicy
from standin.github import FakeGitHub
from tests.conftest import TOKEN

SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    "status": "403",
}


def test_502_then_success(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub, sleeps: list[float]
) -> None:
    fake.fault(r"/actions/secrets$", status=502, body={"message": "Server Error"}, times=2)
    report = audit(github, policy.policy)
    assert report.compliant
    assert sleeps == [0.01, 0.02]  # exponential backoff
    assert report.requests == 19


def test_secondary_rate_limit_honours_retry_after(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub, sleeps: list[float]
) -> None:
    fake.fault(r"/environments$", status=403, headers={"Retry-After": "7"}, body=SECONDARY)
    assert audit(github, policy.policy).compliant
    assert sleeps == [7.0]


def test_429_primary_limit_waits_until_reset(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub, sleeps: list[float]
) -> None:
    reset = int(time.time()) + 42
    fake.fault(
        r"/rulesets$",
        status=429,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        body={"message": "API rate limit exceeded", "documentation_url": "https://docs.github.com/rest"},
    )
    assert audit(github, policy.policy).compliant
    assert len(sleeps) == 1
    assert 39 <= sleeps[0] <= 42


def test_rate_limited_past_the_retries_is_a_github_error(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub
) -> None:
    fake.fault(r"/environments$", status=403, headers={"Retry-After": "3600"}, body=SECONDARY)
    with pytest.raises(GitHubError, match="rate-limited by GitHub for 3600 s more"):
        audit(github, policy.policy)


def test_timeout_then_success(
    github: GitHub, policy: LoadedPolicy, fake: FakeGitHub, sleeps: list[float]
) -> None:
    fake.fault(r"/actions/variables$", status=200, body={"total_count": 0, "variables": []}, delay=1.0)
    assert audit(github, policy.policy).compliant
    assert sleeps == [0.01]


def test_persistent_5xx_gives_up(github: GitHub, policy: LoadedPolicy, fake: FakeGitHub) -> None:
    fake.fault(r"/environments$", status=503, times=10)
    with pytest.raises(GitHubError, match=r"failed after 4 attempts: HTTP 503"):
        audit(github, policy.policy)


def test_bad_token(fake: FakeGitHub, policy: LoadedPolicy) -> None:
    with (
        GitHub(fake.base, "ghp_wrong", retry=RetryPolicy(backoff=0.01)) as github,
        pytest.raises(GitHubError) as caught,
    ):
        audit(github, policy.policy)
    assert str(caught.value) == (
        "GitHub refused the token (401 Bad credentials): set GITHUB_TOKEN or GH_TOKEN to a valid token"
    )
    assert "ghp_wrong" not in str(caught.value)


def test_connection_refused_gives_up(policy: LoadedPolicy, sleeps: list[float]) -> None:
    with (
        GitHub(
            "http://127.0.0.1:9", TOKEN, retry=RetryPolicy(attempts=3, backoff=0.01), sleep=sleeps.append
        ) as github,
        pytest.raises(GitHubError, match="failed after 3 attempts: connection failed"),
    ):
        audit(github, policy.policy)
    assert sleeps == [0.01, 0.02, 0.04]


def test_enterprise_server_base_path(policy: LoadedPolicy, fake: FakeGitHub) -> None:
    # GHES serves the API under /api/v3: the base URL's path is kept in front of every request
    with GitHub(fake.base + "/api/v3", TOKEN) as github:
        audit(github, policy.policy)
    assert fake.requests[0][0].startswith("/api/v3/repos/acme/widgets/environments")


def test_rate_limit_wait_rules() -> None:
    import httpx

    def response(status: int, **headers: str) -> httpx.Response:
        return httpx.Response(status, headers=headers)

    assert rate_limit_wait(response(403, **{"retry-after": "5"}), 0) == 5
    assert (
        rate_limit_wait(response(403, **{"x-ratelimit-remaining": "0", "x-ratelimit-reset": "100"}), 40) == 60
    )
    assert rate_limit_wait(response(429), 0) == 60
    assert rate_limit_wait(response(403), 0) is None  # a plain 403 (no permission) is not retried
    assert rate_limit_wait(response(500, **{"retry-after": "5"}), 0) is None


def test_token_and_url_resolution() -> None:
    assert resolve_token({"GH_TOKEN": "b"}) == "b"
    assert resolve_token({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}) == "a"
    assert resolve_token({}) is None
    assert resolve_api_url(None, {}) == "https://api.github.com"
    assert (
        resolve_api_url(None, {"GITHUB_API_URL": "https://ghe.example/api/v3/"})
        == "https://ghe.example/api/v3"
    )
    assert resolve_api_url("http://127.0.0.1:1", {"GITHUB_API_URL": "x"}) == "http://127.0.0.1:1"
