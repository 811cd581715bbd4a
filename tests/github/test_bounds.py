"""Hostile answers, served over loopback: whatever GitHub (or whatever --api-url names) sends — header
values no GitHub sends, Link and Location values that are not URLs, bodies of gigabytes, gzip bombs,
JSON nested past any need — the client ends in one UnusableResponse line naming the request, within
seconds and a bounded memory; the CLI ends in exit 3, every other repository still reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from repoconf.github.bounds import MAX_BODY_BYTES, MAX_JSON_DEPTH, parse_json
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.github.errors import GitHubError, UnusableResponse
from repoconf.policy.loader import load
from standin.github import FakeGitHub
from tests.conftest import ROOT, TEMPLATE, TOKEN

ENVIRONMENTS = "/repos/acme/widgets/environments"
SECONDARY = {"message": "You have exceeded a secondary rate limit."}
GIB = 1 << 30


def names(github: GitHub) -> list[str]:
    return [environment["name"] for environment in github.paginate(ENVIRONMENTS, "environments")]


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text
    assert "\x1b" not in text
    return text


HEADER_CASES = [
    # (case, status, headers, what the message says)
    ("Retry-After: inf", 403, {"Retry-After": "inf"}, "retry-after header is 'inf'"),
    ("Retry-After: 1e300", 429, {"Retry-After": "1e300"}, "retry-after header is '1e300'"),
    ("Retry-After: nan", 429, {"Retry-After": "nan"}, "retry-after header is 'nan'"),
    ("Retry-After: -1", 429, {"Retry-After": "-1"}, "retry-after header is '-1'"),
    ("Retry-After: 1.5", 429, {"Retry-After": "1.5"}, "retry-after header is '1.5'"),
    ("Retry-After: superscript two", 429, {"Retry-After": "²"}, "retry-after header is '²'"),
    # sent as UTF-8 bytes (http.server writes latin-1): GitHub's client decodes them back to '٣'
    ("Retry-After: Arabic-Indic digits", 429, {"Retry-After": "٣".encode().decode("latin-1")}, "header is"),
    ("Retry-After: 11 digits", 429, {"Retry-After": "99999999999"}, "retry-after header is '99999999999'"),
    ("Retry-After: a date", 429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, "not whole seconds"),
    ("Retry-After: escapes", 429, {"Retry-After": "\x1b[2J"}, "retry-after header is"),
    (
        "x-ratelimit-reset: 1e300",
        403,
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1e300"},
        "x-ratelimit-reset header is '1e300'",
    ),
    (
        "x-ratelimit-reset: superscript",
        403,
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1²"},
        "x-ratelimit-reset header is '1²'",
    ),
]


@pytest.mark.parametrize(
    ("case", "status", "headers", "said"), HEADER_CASES, ids=[c[0] for c in HEADER_CASES]
)
def test_a_header_github_never_sends_is_a_one_line_error(
    fake: FakeGitHub, sleeps: list[float], case: str, status: int, headers: dict[str, str], said: str
) -> None:
    fake.fault("/environments$", status=status, headers=headers, body=SECONDARY)
    with (
        GitHub(fake.base, TOKEN, retry=RetryPolicy(backoff=0.01), sleep=sleeps.append) as github,
        pytest.raises(UnusableResponse) as caught,
    ):
        names(github)
    message = one_line(caught.value)
    assert message.startswith(f"GET {ENVIRONMENTS}: GitHub's "), case
    assert said in message, message
    assert sleeps == []  # nothing was waited for on a value that says nothing


def test_a_huge_valid_wait_is_refused_by_the_budget_with_a_date(
    fake: FakeGitHub, sleeps: list[float]
) -> None:
    fake.fault("/environments$", status=429, headers={"Retry-After": "9999999999"}, body=SECONDARY)
    with GitHub(fake.base, TOKEN, sleep=sleeps.append) as github, pytest.raises(GitHubError) as caught:
        names(github)
    assert "retry after 23" in one_line(caught.value)  # a date about 317 years ahead, still a date
    assert sleeps == []


@pytest.mark.parametrize("value", ["²", "1e300", "-5", "inf", "  ", "12345678901"])
def test_rate_limit_headers_that_are_not_digits_say_nothing(fake: FakeGitHub, value: str) -> None:
    fake.fault(
        "/environments$",
        status=200,
        headers={"x-ratelimit-remaining": value, "x-ratelimit-reset": value},
        body={"total_count": 0, "environments": []},
    )
    with GitHub(fake.base, TOKEN) as github:
        assert names(github) == []
        assert github.rate_limit.remaining is None
    # a valid remaining with a reset that is not: the remaining is kept, the reset is not made up
    fake.fault(
        "/environments$",
        status=200,
        headers={"x-ratelimit-remaining": "7", "x-ratelimit-reset": value},
        body={"total_count": 0, "environments": []},
    )
    with GitHub(fake.base, TOKEN) as github:
        names(github)
        assert (github.rate_limit.remaining, github.rate_limit.reset) == (7, None)


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ('<http://[::1>; rel="next"', "not a URL ('http://[::1')"),
        ('<http://a\x7f/>; rel="next"', "not a URL"),
        ('<http://127.0.0.1:99999/x>; rel="next"', "another origin"),
    ],
)
def test_a_link_that_is_not_a_url_is_a_one_line_error(fake: FakeGitHub, link: str, said: str) -> None:
    fake.fault(
        "/environments$", status=200, headers={"Link": link}, body={"total_count": 9, "environments": []}
    )
    with GitHub(fake.base, TOKEN) as github, pytest.raises(UnusableResponse) as caught:
        names(github)
    assert said in one_line(caught.value)


def test_a_head_trickled_a_byte_at_a_time_cannot_outlive_the_request_deadline(
    fake: FakeGitHub, sleeps: list[float]
) -> None:
    # each byte well within the 0.5 s read timeout; the 12 KiB head would take ten minutes
    fake.fault("/environments$", status=200, head_trickle=0.05, times=9)
    start = time.monotonic()
    with (
        GitHub(
            fake.base,
            TOKEN,
            timeout=0.5,
            request_deadline=1.0,
            retry=RetryPolicy(attempts=2, backoff=0.01),
            sleep=sleeps.append,
        ) as github,
        pytest.raises(GitHubError, match="failed after 2 attempts: timed out"),
    ):
        names(github)
    assert time.monotonic() - start < 5


def test_the_runs_deadline_ends_a_request_under_way(fake: FakeGitHub) -> None:
    fake.fault("/environments$", status=200, body={"total_count": 0, "environments": []}, trickle=0.05)
    start = time.monotonic()
    with (
        GitHub(fake.base, TOKEN, timeout=0.5, run_deadline=1.0, retry=RetryPolicy(attempts=1)) as github,
        pytest.raises(GitHubError),
    ):
        names(github)
    assert time.monotonic() - start < 3


def test_a_redirect_that_is_not_a_url_is_a_one_line_error(fake: FakeGitHub) -> None:
    fake.fault("/environments$", status=301, headers={"Location": "http://[::1"}, body={})
    with GitHub(fake.base, TOKEN) as github, pytest.raises(UnusableResponse) as caught:
        names(github)
    assert "GitHub redirected to something that is not a URL (Invalid port: ':1')" in one_line(caught.value)


def _nested(depth: int) -> bytes:
    return b'{"total_count": 0, "environments": ' + b"[" * depth + b"]" * depth + b"}"


BODY_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("1.2 GB, declared", {"padding": int(1.2 * GIB)}, "(Content-Length: 1,288,490,"),
    ("1.2 GB, undeclared", {"padding": int(1.2 * GIB), "length": False}, "larger than 32 MiB as sent"),
    (
        "gzip to 200 MB, declared",
        {"padding": 200 << 20, "encoding": "gzip"},
        "larger than 32 MiB once decompressed",
    ),
    (
        "gzip to 1.2 GB, undeclared",
        {"padding": int(1.2 * GIB), "encoding": "gzip", "length": False},
        "larger than 32 MiB once decompressed",
    ),
    ("brotli", {"headers": {"Content-Encoding": "br"}}, "encoded as 'br', not gzip, deflate as asked"),
    ("corrupt gzip", {"headers": {"Content-Encoding": "gzip"}}, "gzip answer does not decompress"),
    ("JSON nested 100,000 deep", {"raw": _nested(100_000)}, f"nests deeper than {MAX_JSON_DEPTH} levels"),
    ("JSON nested 500 deep", {"raw": _nested(500)}, f"nests deeper than {MAX_JSON_DEPTH} levels"),
    ("JSON nested 65 deep", {"raw": _nested(MAX_JSON_DEPTH)}, f"nests deeper than {MAX_JSON_DEPTH} levels"),
    ("NaN", {"raw": b'{"total_count": NaN, "environments": []}'}, "not JSON"),
    ("5,000 digits", {"raw": b'{"total_count": ' + b"9" * 5000 + b', "environments": []}'}, "not JSON"),
    ("two million objects", {"raw": b"[" + b"{}," * 2_000_000 + b"{}]"}, "more than 1,000,000 objects"),
    ("not UTF-8", {"raw": b'{"total_count": 0, "environments": ["\xff"]}'}, "not JSON"),
]


@pytest.mark.parametrize(("case", "fault", "said"), BODY_CASES, ids=[c[0] for c in BODY_CASES])
def test_an_answer_past_a_bound_is_a_one_line_error_within_seconds(
    fake: FakeGitHub, case: str, fault: dict[str, Any], said: str
) -> None:
    fake.fault("/environments$", status=200, times=9, **fault)
    start = time.monotonic()
    with (
        GitHub(fake.base, TOKEN, retry=RetryPolicy(backoff=0.01)) as github,
        pytest.raises(UnusableResponse) as caught,
    ):
        names(github)
    assert time.monotonic() - start < 15, case
    message = one_line(caught.value)
    assert message.startswith(f"GET {ENVIRONMENTS}"), message
    assert said in message, message


def test_gzip_within_bounds_is_read(fake: FakeGitHub) -> None:
    body = {"total_count": 1, "environments": [{"name": "qa", "id": 1}]}
    fake.fault("/environments$", status=200, body=body, encoding="gzip", padding=MAX_BODY_BYTES // 2)
    with GitHub(fake.base, TOKEN) as github:
        assert github.get(ENVIRONMENTS) == body


MEASURED = """
import atexit, sys

def peak() -> None:  # VmHWM: this process's own peak since exec (ru_maxrss would count the parent's)
    with open("/proc/self/status") as status:
        kib = next(line for line in status if line.startswith("VmHWM:")).split()[1]
    sys.stderr.write(f"peak-rss-kib {kib}\\n")

atexit.register(peak)
from repoconf.cli.main import entry
sys.argv[0] = "repoconf"
entry()
"""


def run_measured(argv: list[str], environment: dict[str, str]) -> tuple[int, str, str, int]:
    """``repoconf ARGV`` in a child: its exit code, output, error output and peak resident KiB."""
    finished = subprocess.run(
        [sys.executable, "-c", MEASURED, *argv],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    lines = finished.stderr.splitlines()
    peak = int(next(line for line in lines if line.startswith("peak-rss-kib ")).split()[1])
    err = "\n".join(line for line in lines if not line.startswith("peak-rss-kib "))
    return finished.returncode, finished.stdout, err, peak


@pytest.mark.parametrize("fault", ["1.2 GB body", "gzip bomb to 1.2 GB", "deep JSON"])
def test_one_hostile_answer_costs_one_repository_not_the_run(tmp_path: Path, fault: str) -> None:
    """End to end, as the drift job runs it: the audit of two repositories where GitHub's answer for one
    is hostile reports the other in full, exits 3 with the cause on one line, in bounded memory.
    """
    server = FakeGitHub("acme", token=TOKEN)
    settings = load(TEMPLATE).policy.repositories["widgets"]
    server.deploy("widgets", settings)
    server.deploy("gizmos", settings)
    faults: dict[str, dict[str, Any]] = {
        "1.2 GB body": {"padding": int(1.2 * GIB), "length": False},
        "gzip bomb to 1.2 GB": {"padding": int(1.2 * GIB), "encoding": "gzip", "length": False},
        "deep JSON": {"raw": _nested(100_000)},
    }
    server.fault("/repos/acme/widgets/environments$", status=200, times=9, **faults[fault])
    server.start()
    policy = tmp_path / "p.yaml"
    policy.write_text(TEMPLATE.read_text() + "  gizmos: {}\n")
    try:
        argv = ["audit", str(policy), "--format", "json"]
        environment = {
            **os.environ,
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_API_URL": server.base,
            "XDG_CACHE_HOME": str(tmp_path),
        }
        start = time.monotonic()
        code, out, err, peak = run_measured([*argv, "--concurrency", "1"], environment)
        assert time.monotonic() - start < 30
    finally:
        server.stop()
    assert code == 3, err
    widgets, gizmos = json.loads(out)["repositories"]
    assert widgets["error"].startswith("GET /repos/acme/widgets/environments: GitHub's answer ")
    assert gizmos["error"] is None
    assert gizmos["compliant"] is True
    assert "Traceback" not in err
    assert peak < 400 * 1024, f"peak RSS {peak} KiB"


def test_json_nested_as_deep_as_allowed_is_read_and_one_level_more_is_not() -> None:
    # at the bound, the brackets alone prove the depth; one more and the parsed value is walked
    at_bound = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert parse_json(at_bound, "GET /x", "application/json") == json.loads(at_bound)
    with pytest.raises(UnusableResponse, match=f"nests deeper than {MAX_JSON_DEPTH} levels"):
        parse_json(b"[" + at_bound + b"]", "GET /x", "application/json")
