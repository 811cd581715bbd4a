"""The GitHub client against the loopback stand-in: requests as documented, GitHub's retry rules,
deadlines and the origin of followed links. No test sleeps: ``sleep`` is injected and recorded.
"""

from __future__ import annotations

import time

import httpx
import pytest

from repoconf.errors import UsageError
from repoconf.github.client import (
    GitHub,
    RetryPolicy,
    _Cookies,
    rate_limit_wait,
    resolve_api_url,
    resolve_token,
)
from repoconf.github.errors import (
    AmbiguousWrite,
    DeadlineExceeded,
    GitHubError,
    NotFound,
    RateLimited,
    Unauthorized,
    UnusableResponse,
)
from standin.github import FakeGitHub
from tests.conftest import TOKEN

SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    "status": "403",
}
ENVIRONMENTS = "/repos/acme/widgets/environments"


def names(github: GitHub) -> list[str]:
    return [environment["name"] for environment in github.paginate(ENVIRONMENTS, "environments")]


# -- requests as documented ---------------------------------------------------------------------------


def test_a_query_already_in_the_path_survives_extra_parameters(github: GitHub, fake: FakeGitHub) -> None:
    # httpx 0.28 drops a URL's own query when params= is also passed; the client never does that.
    assert httpx.__version__.startswith("0.")
    list(github.paginate("/repos/acme/widgets/issues?state=closed&labels=drift", per_page=50))
    method_path = fake.requests[-1][0]
    assert method_path.startswith("GET /repos/acme/widgets/issues?")
    assert "state=closed" in method_path
    assert "labels=drift" in method_path
    assert "per_page=50" in method_path


def test_url_merges_parameters_into_the_query_it_has(github: GitHub) -> None:
    url = github.url("/repos/a/b/issues?state=open", {"labels": "drift", "per_page": 100})
    assert url.params.multi_items() == [("state", "open"), ("labels", "drift"), ("per_page", "100")]


def test_cookies_an_answer_sets_are_kept_and_sent_back(github: GitHub, fake: FakeGitHub) -> None:
    # the client's jar reads only answers that set cookies (see _Cookies); what they set is kept as before
    assert isinstance(github._client.cookies, _Cookies)
    names(github)
    assert not github._client.cookies
    fake.fault(
        "/environments$",
        status=200,
        headers={"Set-Cookie": "session=kept; Path=/"},
        body={"total_count": 0, "environments": []},
    )
    names(github)
    assert github._client.cookies.get("session") == "kept"
    assert github._client.build_request("GET", github.url(ENVIRONMENTS)).headers["cookie"] == "session=kept"


def test_each_endpoint_gets_its_own_page_size(github: GitHub, fake: FakeGitHub) -> None:
    fake.repositories["widgets"].variables = {f"V{index:02d}": str(index) for index in range(65)}
    items = list(github.paginate("/repos/acme/widgets/actions/variables", "variables", per_page=30))
    assert [item["name"] for item in items] == sorted(fake.repositories["widgets"].variables)
    pages = [path for path, _ in fake.requests if "/actions/variables" in path]
    assert len(pages) == 3  # 65 variables at GitHub's maximum of 30 a page
    assert "per_page=30" in pages[0]


def test_link_urls_in_the_repositories_id_form_are_followed(github: GitHub, fake: FakeGitHub) -> None:
    fake.page_size = 1
    assert names(github) == ["staging", "qa", "production-release", "production-deploy"]
    followed = [path for path, _ in fake.requests[1:]]
    assert all(path.startswith("GET /repositories/") for path in followed)


def test_a_next_link_to_another_origin_is_refused_and_gets_no_token(github: GitHub, fake: FakeGitHub) -> None:
    other = FakeGitHub("acme", token=TOKEN)
    other.start()
    try:
        for target in (other.base, fake.base.replace("http://127.0.0.1", "http://localhost")):
            fake.fault(
                "/environments$",
                status=200,
                body={"total_count": 2, "environments": []},
                headers={"Link": f'<{target}/repos/acme/widgets/environments?page=2>; rel="next"'},
            )
            with pytest.raises(UnusableResponse, match="another origin") as caught:
                names(github)
            assert TOKEN not in str(caught.value)
        assert other.requests == []
    finally:
        other.stop()


def test_a_next_link_back_to_a_page_already_read_stops(github: GitHub, fake: FakeGitHub) -> None:
    empty = {"total_count": 0, "environments": []}
    for page in ("&page=2", ""):  # page 1 links to page 2, page 2 links back to page 1
        link = f'<{fake.base}{ENVIRONMENTS}?per_page=100{page}>; rel="next"'
        fake.fault("/environments$", status=200, body=empty, headers={"Link": link})
    with pytest.raises(UnusableResponse, match="a page already read"):
        names(github)
    assert len(fake.requests) == 2


def test_pages_per_listing_are_bounded(fake: FakeGitHub) -> None:
    fake.page_size = 1
    with (
        GitHub(fake.base, TOKEN, retry=RetryPolicy(max_pages=2)) as github,
        pytest.raises(UnusableResponse, match="more than 2 pages"),
    ):
        names(github)


# -- responses read as documented -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "body", "match"),
    [
        (b"<html><body>Oops</body></html>", None, "is not JSON"),
        (None, {"environments": None}, 'not an object with a "environments" array'),
        (None, ["a", "list"], 'not an object with a "environments" array'),
    ],
)
def test_an_unusable_body_is_a_one_line_error(
    github: GitHub, fake: FakeGitHub, raw: bytes | None, body: object, match: str
) -> None:
    fake.fault("/environments$", status=200, raw=raw, body=body)
    with pytest.raises(UnusableResponse, match=match) as caught:
        names(github)
    assert str(caught.value).startswith(f"GET {ENVIRONMENTS}")
    assert "\n" not in str(caught.value)


def test_404_messages_are_kept_apart(github: GitHub, fake: FakeGitHub) -> None:
    with pytest.raises(NotFound) as caught:
        github.get("/repos/acme/widgets/branches/main/protection")
    assert caught.value.message == "Branch not protected"
    with pytest.raises(NotFound) as caught:
        github.get("/repos/acme/widgets/branches/nope/protection")
    assert caught.value.message == "Branch not found"
    with pytest.raises(NotFound) as caught:
        github.get("/repos/acme/private-or-missing")
    assert caught.value.message == "Not Found"


def test_errors_name_the_method_they_were(github: GitHub, fake: FakeGitHub) -> None:
    with pytest.raises(NotFound, match=r"^PATCH /repos/acme/widgets/issues/99: HTTP 404 \(Not Found\)$"):
        github.send("PATCH", "/repos/acme/widgets/issues/99", {"body": "x"})


# -- rate limits and retries by GitHub's rules -----------------------------------------------------------


def test_502_then_success(github: GitHub, fake: FakeGitHub, sleeps: list[float]) -> None:
    fake.fault("/environments$", status=502, body={"message": "Server Error"}, times=2)
    assert len(names(github)) == 4
    assert sleeps == [0.01, 0.02]  # exponential backoff
    assert github.requests == 3


def test_secondary_rate_limit_honours_retry_after(
    github: GitHub, fake: FakeGitHub, sleeps: list[float]
) -> None:
    fake.fault("/environments$", status=403, headers={"Retry-After": "7"}, body=SECONDARY)
    assert len(names(github)) == 4
    assert sleeps == [7.0]


def test_secondary_rate_limit_without_headers_waits_a_minute_then_backs_off(
    github: GitHub, fake: FakeGitHub, sleeps: list[float]
) -> None:
    fake.fault("/environments$", status=403, body=SECONDARY, times=2)
    assert len(names(github)) == 4
    assert sleeps == [60.0, 120.0]


def test_primary_limit_waits_until_reset(github: GitHub, fake: FakeGitHub, sleeps: list[float]) -> None:
    reset = int(time.time()) + 42
    fake.fault(
        "/environments$",
        status=429,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        body={"message": "API rate limit exceeded", "documentation_url": "https://docs.github.com/rest"},
    )
    assert len(names(github)) == 4
    assert len(sleeps) == 1
    assert 39 <= sleeps[0] <= 42


def test_all_waiting_of_a_run_shares_one_budget(fake: FakeGitHub, sleeps: list[float]) -> None:
    fake.fault("/environments$", status=403, headers={"Retry-After": "100"}, body=SECONDARY, times=10)
    policy = RetryPolicy(attempts=10, max_wait=250)
    with GitHub(fake.base, TOKEN, retry=policy, sleep=sleeps.append) as github:
        with pytest.raises(RateLimited) as caught:
            names(github)
        assert sleeps == [100.0, 100.0]  # a third wait would pass the 250 s budget
        assert "past this run's waiting budget (250 s, --max-wait): retry after 20" in str(caught.value)
        assert caught.value.aborts_run


def test_the_last_rate_limit_seen_is_kept(github: GitHub, fake: FakeGitHub) -> None:
    names(github)
    assert github.rate_limit.remaining == 5000 - 1
    assert github.rate_limit.reset is not None


def test_timeout_then_success(github: GitHub, fake: FakeGitHub, sleeps: list[float]) -> None:
    fake.fault("/environments$", status=200, body={"total_count": 0, "environments": []}, delay=1.0)
    assert len(names(github)) == 4
    assert sleeps == [0.01]


def test_a_trickled_body_cannot_outlive_the_request_deadline(fake: FakeGitHub, sleeps: list[float]) -> None:
    # one byte every 50 ms: each read is well inside the 0.5 s timeout, the whole body is not
    fake.fault(
        "/environments$", status=200, body={"total_count": 0, "environments": []}, trickle=0.05, times=9
    )
    start = time.monotonic()
    with (
        GitHub(
            fake.base,
            TOKEN,
            timeout=0.5,
            request_deadline=0.3,
            retry=RetryPolicy(attempts=2, backoff=0.01),
            sleep=sleeps.append,
        ) as github,
        pytest.raises(GitHubError, match="failed after 2 attempts: timed out"),
    ):
        names(github)
    assert time.monotonic() - start < 2.0


def test_the_run_deadline_stops_the_run(fake: FakeGitHub) -> None:
    with GitHub(fake.base, TOKEN, run_deadline=0.2) as github:
        names(github)
        time.sleep(0.25)
        with pytest.raises(DeadlineExceeded, match=r"the run's deadline \(0.2 s\) passed") as caught:
            names(github)
    assert caught.value.aborts_run


def test_persistent_5xx_gives_up(github: GitHub, fake: FakeGitHub) -> None:
    fake.fault("/environments$", status=503, times=10)
    with pytest.raises(
        GitHubError, match=r"^GET /repos/acme/widgets/environments failed after 4 attempts: HTTP 503$"
    ):
        names(github)


def test_bad_token(fake: FakeGitHub) -> None:
    with (
        GitHub(fake.base, "ghp_wrong", retry=RetryPolicy(backoff=0.01)) as github,
        pytest.raises(Unauthorized) as caught,
    ):
        names(github)
    assert str(caught.value) == (
        f"GET {ENVIRONMENTS}: GitHub refused the token (401 Bad credentials): set GITHUB_TOKEN or GH_TOKEN "
        "to a valid token"
    )
    assert "ghp_wrong" not in str(caught.value)
    assert caught.value.aborts_run


def test_connection_refused_gives_up(sleeps: list[float]) -> None:
    with (
        GitHub(
            "http://127.0.0.1:9", TOKEN, retry=RetryPolicy(attempts=3, backoff=0.01), sleep=sleeps.append
        ) as github,
        pytest.raises(GitHubError, match="failed after 3 attempts: connection failed") as caught,
    ):
        github.get("/repos/acme/widgets")
    assert sleeps == [0.01, 0.02, 0.04]
    assert str(caught.value).endswith(
        "check the network and the API URL (http://127.0.0.1:9: --api-url, GITHUB_API_URL)"
    )
    with (
        GitHub("http://me:s3cret@127.0.0.1:9", TOKEN, retry=RetryPolicy(attempts=1)) as github,
        pytest.raises(GitHubError) as caught,
    ):
        github.get("/repos/acme/widgets")
    assert "(http://***@127.0.0.1:9:" in str(caught.value)  # credentials in a URL are never printed
    assert "s3cret" not in str(caught.value)


def test_enterprise_server_base_path(fake: FakeGitHub) -> None:
    # GHES serves the API under /api/v3: the base URL's path is kept in front of every request
    with GitHub(fake.base + "/api/v3", TOKEN) as github, pytest.raises(NotFound):
        github.get("/repos/acme/widgets")
    assert fake.requests[0][0] == "GET /api/v3/repos/acme/widgets"


def test_rate_limit_wait_rules() -> None:
    assert rate_limit_wait(403, {"retry-after": "5"}, None, 0, 0) == 5
    assert rate_limit_wait(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "100"}, None, 40, 0) == 60
    assert rate_limit_wait(429, {}, None, 0, 0) == 60
    assert rate_limit_wait(429, {}, None, 0, 2) == 240
    assert rate_limit_wait(403, {}, SECONDARY, 0, 1) == 120
    assert rate_limit_wait(403, {}, {"message": "Must have admin rights"}, 0, 0) is None  # a permission
    assert rate_limit_wait(500, {"retry-after": "5"}, None, 0, 0) is None


# -- writes ---------------------------------------------------------------------------------------------


def test_a_write_is_never_retried_after_an_ambiguous_failure(github: GitHub, fake: FakeGitHub) -> None:
    fake.fault("/issues$", status=502, times=3)
    with pytest.raises(AmbiguousWrite, match="not retried blindly"):
        github.send("POST", "/repos/acme/widgets/issues", {"title": "t", "labels": []})
    assert [path for path, _ in fake.requests] == ["POST /repos/acme/widgets/issues"]


def test_a_rate_limited_write_is_retried(github: GitHub, fake: FakeGitHub, sleeps: list[float]) -> None:
    fake.fault("/issues$", status=403, headers={"Retry-After": "3"}, body=SECONDARY)
    created = github.send("POST", "/repos/acme/widgets/issues", {"title": "t", "labels": []})
    assert created["number"] == 1
    assert len(fake.repositories["widgets"].issues) == 1
    assert 3.0 in sleeps


def test_writes_are_a_second_apart(fake: FakeGitHub) -> None:
    waits: list[float] = []
    with GitHub(fake.base, TOKEN, sleep=waits.append) as github:
        github.send("POST", "/repos/acme/widgets/issues", {"title": "a", "labels": []})
        github.send("POST", "/repos/acme/widgets/issues", {"title": "b", "labels": []})
    assert len(waits) == 1
    assert 0.9 < waits[0] <= 1.0


# -- usage errors up front ------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    "url", ["ftp://example.com", "not a url", "https://", "https://h/api?x=1", "file:///etc"]
)
def test_unusable_api_urls_are_usage_errors(url: str) -> None:
    with pytest.raises(UsageError, match="is not an http\\(s\\) API base URL"):
        resolve_api_url(url, {})


@pytest.mark.parametrize("token", ["ghp_abc\n", "ghp_a b", "ghp_é", "ghp_\x1b[31m"])
def test_tokens_no_header_can_carry_are_usage_errors(token: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_token({"GITHUB_TOKEN": token})
    assert token not in str(caught.value)
