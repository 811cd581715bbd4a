"""HTTP for the release steps, as careful as the CLI's client: the steps that talk to GitHub or an index.

Inlined by the generator into each step that imports it (the managed repository needs nothing of
repoconf). Every answer that cannot be used raises :class:`Unusable`, whose text is one line and never
holds the token, so a step can give its documented fail-closed verdict:

- **no redirect is followed** (urllib follows 301/302/303/307/308 and keeps ``Authorization``, to any
  host): a 3xx answer is unusable;
- **``next`` links** are followed only on the scheme, host and port of the page that sent them;
- **bounded bodies**: a ``Content-Length`` above :data:`MAX_BODY` is refused before reading, a body is
  read in chunks and refused past :data:`MAX_BODY`;
- **bounded JSON**: nesting deeper than :data:`MAX_DEPTH` is refused before parsing, ``NaN`` and
  ``Infinity`` are not JSON, integers longer than Python's 4300 digits are refused by the parser;
- **deadlines**: every socket operation has a timeout, every request a deadline (a body trickled a byte
  a second ends there, headers included, by ``SIGALRM``), and the step as a whole a deadline
  (``STEP_SECONDS``) that no request outlives.
"""

import json
import os
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPException
from types import FrameType
from typing import Any

MAX_BODY = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_PAGES = 20
CHUNK = 64 * 1024
SOCKET_SECONDS = 10.0
REQUEST_SECONDS = float(os.environ.get("REQUEST_SECONDS", "30"))
STEP_SECONDS = float(os.environ.get("STEP_SECONDS", "240"))
STARTED = time.monotonic()
LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class Unusable(Exception):
    """An answer the step cannot use; its text is one line and never holds the token."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: the request's headers (the token) would go wherever it points."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        raise urllib.error.HTTPError(req.full_url, code, "redirect not followed", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirects())


@dataclass(frozen=True)
class Answer:
    """A complete answer: status, headers and body (bounded)."""

    url: str
    status: int
    headers: Message
    body: bytes


def _where(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _expired(signum: int, frame: FrameType | None) -> None:
    raise Unusable("no complete answer before the deadline")


def _read(response: Any, url: str) -> bytes:
    length = response.headers.get("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > MAX_BODY:
        raise Unusable(f"GET {_where(url)}: the answer announces {int(length)} bytes (at most {MAX_BODY})")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BODY:
            raise Unusable(f"GET {_where(url)}: the answer is larger than {MAX_BODY} bytes")
        chunks.append(chunk)


def remaining() -> float:
    """Seconds left of the step's deadline."""
    return STEP_SECONDS - (time.monotonic() - STARTED)


def fetch(url: str, headers: dict[str, str]) -> Answer:
    """One GET within the request's and the step's deadlines; 3xx, 4xx and 5xx are answers too."""
    left = remaining()
    if left <= 0:
        raise Unusable(f"GET {_where(url)}: the step's {STEP_SECONDS:.0f} s are over")
    deadline = min(REQUEST_SECONDS, left)
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise Unusable(f"GET {_where(url)}: not an http(s) URL")
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) checked above
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, deadline)
    try:
        try:
            with _OPENER.open(request, timeout=min(SOCKET_SECONDS, deadline)) as response:
                return Answer(url, response.status, response.headers, _read(response, url))
        except urllib.error.HTTPError as error:
            with error:
                return Answer(url, error.code, error.headers, _read(error, url))
    except (urllib.error.URLError, HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or type(error).__name__
        raise Unusable(f"GET {_where(url)}: {reason}") from None
    except Unusable as error:
        raise Unusable(f"GET {_where(url)}: {error}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects, strings skipped, without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def json_of(answer: Answer) -> Any:
    """The JSON body of a 200 answer; anything else is :class:`Unusable`."""
    where = f"GET {_where(answer.url)}"
    if 300 <= answer.status < 400:
        raise Unusable(f"{where}: HTTP {answer.status} redirect (not followed: it would carry the token)")
    if answer.status != 200:
        raise Unusable(f"{where}: HTTP {answer.status}")
    try:
        text = answer.body.decode("utf-8")
        if _depth(text) > MAX_DEPTH:
            raise Unusable(f"{where}: JSON nested deeper than {MAX_DEPTH}")
        return json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError) as error:
        raise Unusable(f"{where}: not JSON ({str(error)[:80]})") from None


def next_page(answer: Answer) -> str | None:
    """The ``rel="next"`` URL, only on the same scheme, host and port as the page that named it."""
    match = LINK_NEXT.search(answer.headers.get("Link") or "")
    if match is None:
        return None
    here, there = urllib.parse.urlsplit(answer.url), urllib.parse.urlsplit(match.group(1))
    if (there.scheme, there.netloc) != (here.scheme, here.netloc) or there.username or there.password:
        raise Unusable(f"GET {here.path}: the next page is on another scheme or host, not followed")
    return match.group(1)


def github_headers(token: str) -> dict[str, str]:
    """What GitHub's REST API expects, with the job's token."""
    return {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "repoconf-release-step",
    }


def pages(url: str, token: str, key: str | None = None) -> Iterator[Any]:
    """Every item of a paginated listing, page by page: a JSON array per page, or the array under
    ``key``; at most :data:`MAX_PAGES` pages.
    """
    next_url: str | None = url
    for _ in range(MAX_PAGES):
        if next_url is None:
            return
        answer = fetch(next_url, github_headers(token))
        body = json_of(answer)
        found = body.get(key) if key is not None and isinstance(body, dict) else body
        if not isinstance(found, list):
            raise Unusable(f"GET {_where(url)}: expected a list{f' under {key!r}' if key else ''}")
        next_url = next_page(answer)
        yield from found
    if next_url is not None:
        raise Unusable(f"GET {_where(url)}: more than {MAX_PAGES} pages")
