"""Property tests of the HTTP answer path: whatever headers and body an answer carries, reading it ends
in a value or a GitHubError (one line, naming the request), never another exception, within bounded time
and memory. Served over loopback by the stand-in, as GitHub would send them.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repoconf.github.bounds import MAX_JSON_DEPTH, link_url, parse_json, required_seconds
from repoconf.github.cache import HttpCache
from repoconf.github.client import GitHub, RetryPolicy, rate_limit_wait
from repoconf.github.errors import GitHubError, UnusableResponse
from standin.github import FakeGitHub
from tests.conftest import TOKEN

PROPERTIES = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ENVIRONMENTS = "/repos/acme/widgets/environments"

# header values GitHub sends, values it never sends, and what a hostile server might (latin-1 only: the
# stand-in writes headers as latin-1, as http.server does)
header_values = st.one_of(
    st.sampled_from(["0", "1", "60", "inf", "-inf", "nan", "1e300", "-1", "1.5", "²", " 5 ", "", "9" * 30]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=30
    ),
)
links = st.one_of(
    st.builds(
        lambda url: f'<{url}>; rel="next"',
        st.text(max_size=40).filter(lambda t: "\r" not in t and "\n" not in t),
    ),
    st.sampled_from(
        ['<http://[::1>; rel="next"', "<>; rel=next", ";;;", '<http://127.0.0.1:1/x>; rel="next"']
    ),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: repr(value).encode()),
    st.builds(lambda depth: b"[" * depth + b"]" * depth, st.integers(min_value=0, max_value=3000)),
    st.builds(lambda n: b'{"total_count": ' + b"9" * n + b', "environments": []}', st.integers(1, 6000)),
)


@PROPERTIES
@given(
    status=st.sampled_from([200, 200, 301, 403, 404, 429, 500]),
    retry_after=st.none() | header_values,
    remaining=st.none() | header_values,
    reset=st.none() | header_values,
    link=st.none() | links,
    encoding=st.none() | st.sampled_from(["gzip", "deflate", "br", "identity", "x-gzip", "GZIP", "compress"]),
    body=bodies,
)
def test_any_answer_is_a_value_or_one_github_error(
    fake: FakeGitHub,
    status: int,
    retry_after: str | None,
    remaining: str | None,
    reset: str | None,
    link: str | None,
    encoding: str | None,
    body: bytes,
) -> None:
    headers = {
        name: value
        for name, value in (
            ("Retry-After", retry_after),
            ("x-ratelimit-remaining", remaining),
            ("x-ratelimit-reset", reset),
            ("Link", link),
            ("Content-Encoding", encoding),
            ("Location", link),
        )
        if value is not None
    }
    fake.faults.clear()
    fake.fault("/environments$", status=status, headers=headers, raw=body, times=3)
    start = time.monotonic()
    with GitHub(
        fake.base,
        TOKEN,
        timeout=2,
        retry=RetryPolicy(attempts=2, backoff=0.0, max_wait=30),
        sleep=lambda _: None,
    ) as github:
        try:
            result = list(github.paginate(ENVIRONMENTS, "environments"))
        except GitHubError as error:
            message = str(error)
            assert "\n" not in message
            assert message  # says something
        else:
            assert isinstance(result, list)
    assert time.monotonic() - start < 10


@settings(max_examples=300, deadline=None)
@given(body=bodies)
def test_json_is_a_value_or_unusable(body: bytes) -> None:
    tracemalloc.start()
    try:
        try:
            value = parse_json(body, "GET /x", "application/json")
        except UnusableResponse as error:
            refused = str(error)
        else:
            refused = ""
            depth, stack = 0, [(value, 1)] if isinstance(value, dict | list) else []
            while stack:  # containers only: a scalar adds no level
                node, level = stack.pop()
                depth = max(depth, level)
                children = node.values() if isinstance(node, dict) else node
                stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
            assert depth <= MAX_JSON_DEPTH
        assert not refused or refused.startswith("GET /x: GitHub's answer ")
        assert tracemalloc.get_traced_memory()[1] < 64 << 20
    finally:
        tracemalloc.stop()


@settings(max_examples=300, deadline=None)
@given(
    headers=st.dictionaries(
        st.sampled_from(["retry-after", "x-ratelimit-remaining", "x-ratelimit-reset"]), header_values
    ),
    status=st.sampled_from([200, 403, 429]),
    attempt=st.integers(0, 200),
)
def test_a_wait_is_finite_and_a_date_can_name_it(headers: dict[str, str], status: int, attempt: int) -> None:
    try:
        wait = rate_limit_wait(status, headers, {"message": "rate limit"}, 1.7e9, attempt, "GET /x")
    except UnusableResponse as error:
        wait, refused = None, str(error)
    else:
        refused = ""
    assert wait is None or 0 <= wait < 1e11
    assert not refused or "GET /x: GitHub's " in refused


@settings(max_examples=300, deadline=None)
@given(value=st.none() | header_values | links)
def test_header_readers_never_raise_anything_else(value: str | None) -> None:
    try:
        required_seconds({"retry-after": value} if value is not None else {}, "retry-after", "GET /x")
        link_url(value, "next", "GET /x")
    except UnusableResponse:
        pass


@PROPERTIES
@given(
    etag=header_values,
    content_type=header_values,
    link=st.none() | links,
    body=bodies,
    second=st.sampled_from([304, 200, 500]),
)
def test_what_the_cache_keeps_and_serves_back_is_a_value_or_one_github_error(
    fake: FakeGitHub,
    tmp_path_factory: Any,
    etag: str,
    content_type: str,
    link: str | None,
    body: bytes,
    second: int,
) -> None:
    """An answer stored with whatever validators and headers it came with, then revalidated: the 304 (or
    anything else) ends in a value or a GitHubError, never in an exception of httpx or the cache.
    """
    directory = tmp_path_factory.mktemp("cache")
    cache = HttpCache.open(directory, TOKEN, explicit=True)
    headers = {"ETag": etag, "Content-Type": content_type, **({"Link": link} if link is not None else {})}
    fake.faults.clear()
    fake.fault("/environments$", status=200, headers=headers, raw=body)
    fake.fault("/environments$", status=second, headers=headers, raw=b"" if second == 304 else body, times=2)
    for _ in range(2):
        with GitHub(
            fake.base, TOKEN, retry=RetryPolicy(attempts=2, backoff=0.0), sleep=lambda _: None, cache=cache
        ) as github:
            try:
                github.get(ENVIRONMENTS)
            except GitHubError as error:
                message = str(error)
            else:
                message = ""
            assert "\n" not in message


@pytest.fixture(scope="module")
def offline() -> Iterator[GitHub]:
    """A client that only builds URLs (it never sends)."""
    with GitHub("http://127.0.0.1:1/api/v3", TOKEN) as github:
        yield github


@settings(max_examples=300, deadline=None)
@given(
    segments=st.lists(st.text(max_size=12), min_size=1, max_size=4),
    params=st.dictionaries(st.text(max_size=8), st.text(max_size=8) | st.integers(), max_size=3),
)
def test_a_url_is_built_as_merging_parameters_into_its_path_would(
    offline: GitHub, segments: list[str], params: dict[str, str | int]
) -> None:
    # GitHub.url builds a URL without a query of its own in one parse: the same URL, or the same refusal,
    # as httpx merging the parameters into the parsed path
    path = "/" + "/".join(segments)
    try:
        parsed = httpx.URL(path if "://" in path else offline.api_url + path)
        expected: str | None = str(parsed.copy_merge_params(params) if params else parsed)
    except httpx.InvalidURL:
        expected = None
    try:
        built: str | None = str(offline.url(path, params))
    except httpx.InvalidURL:
        built = None
    assert built == expected
