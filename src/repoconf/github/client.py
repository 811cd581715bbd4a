"""A GitHub REST client: httpx with GitHub's pagination, rate limits, retries and deadlines.

httpx gives connection pooling and a timeout on every read. Everything GitHub-specific is here, as
GitHub's REST documentation describes it ("Rate limits for the REST API", "Best practices for using the
REST API", "Using pagination in the REST API"):

- A request URL is built in one place (:meth:`GitHub.url`), merging the query a path already carries
  with extra parameters. (httpx 0.28 drops a URL's own query string when ``params=`` is also passed,
  which once made a ``?labels=drift`` listing return every issue: ``params=`` is never used.)
- ``Retry-After`` is honoured (secondary limits, 403 or 429); ``x-ratelimit-remaining: 0`` waits for
  ``x-ratelimit-reset``; a secondary limit without either waits at least a minute, then backs off
  exponentially; 5xx, timeouts and dropped connections back off exponentially. All waiting in a run
  shares one budget (:attr:`RetryPolicy.max_wait`); past it the run stops saying when to retry.
- Writes are never retried after a failure that may have applied them (:class:`AmbiguousWrite`), and
  are spaced at least a second apart (GitHub: "wait at least one second between each request").
- ``Link: rel="next"`` is followed only on the API's own origin (the token is never sent elsewhere),
  never twice to the same URL, and for a bounded number of pages.
- Each request has a total deadline (a body trickled one byte at a time cannot hold it open), and the
  run may have one too.
- Whatever comes back is read within bounds (:mod:`repoconf.github.bounds`): header values strictly,
  ``Link`` and ``Location`` URLs safely, bodies capped before and after decompression, JSON capped in
  size and depth; an answer past a bound is one :class:`UnusableResponse` line naming the request.

The token is only ever placed in the ``Authorization`` header: it is never part of a message.
"""

from __future__ import annotations

import os
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpcore
import httpx

from repoconf.errors import UsageError
from repoconf.github.bounds import (
    ACCEPT_ENCODING,
    header_number,
    link_url,
    parse_json,
    read_body,
    required_seconds,
)
from repoconf.github.cache import HttpCache
from repoconf.github.errors import (
    AmbiguousWrite,
    DeadlineExceeded,
    Forbidden,
    GitHubError,
    HTTPStatusError,
    NotFound,
    RateLimited,
    RequestBudgetSpent,
    Unauthorized,
    Unreachable,
    UnusableResponse,
)
from repoconf.text import printable

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PAGE_SIZE = 100
"""GitHub's largest ``per_page`` for most listings; some endpoints cap lower (variables: 30)."""
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
SECONDARY_LIMIT_WAIT = 60.0
"""GitHub: without ``retry-after`` or ``x-ratelimit-remaining: 0``, "wait for at least one minute"."""
MAX_BACKOFF_WAIT = 86_400.0
"""The longest one exponential backoff of a secondary limit grows to (a day; the run's budget is less)."""
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
REDIRECTS = frozenset({301, 302, 307, 308})
MAX_REDIRECTS = 5
BAD_LOCATION = "Invalid URL in location header"
"""httpx parses a redirect's Location even when it does not follow it, and fails the request with this
message (a RemoteProtocolError) when it is not a URL."""


_REQUEST = threading.local()
"""The monotonic time the request under way on this thread must end by (each request has its thread)."""


def _within_deadline(timeout: float | None, late: type[Exception]) -> float | None:
    """A socket operation's timeout, shortened to what is left of the request's deadline: a server that
    trickles its head or body a byte at a time, each within the read timeout, still cannot hold a request
    past its deadline.
    """
    ends: float | None = getattr(_REQUEST, "ends", None)
    if ends is None:
        return timeout
    left = ends - time.monotonic()
    if left <= 0:
        raise late("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        deadline = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, deadline))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own sockets, wrapped in :class:`_DeadlineStream`."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        deadline = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, deadline, local_address, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over :class:`_DeadlineBackend`. httpx has no option for a network backend, so
    its connection pool (``_pool``, httpx 0.27 and 0.28) is replaced by the same pool built with one;
    tests/github/test_bounds.py fails if a trickled head is no longer cut at the deadline.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(retries=1, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            retries=1,
            network_backend=_DeadlineBackend(),
        )


SET_COOKIE = frozenset({"set-cookie", "set-cookie2"})
"""The only headers ``http.cookiejar`` reads cookies from (``CookieJar.make_cookies``)."""


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, which reads an answer's cookies only when it sets any.

    httpx copies every header of every answer into an ``email.message.Message`` for ``http.cookiejar``
    before the jar looks for ``Set-Cookie`` (about 30 µs an answer, a twentieth of a request's CPU here);
    GitHub's REST API sets none. Answers that do set cookies are read as before.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        if any(name in SET_COOKIE for name, _ in response.headers.multi_items()):
            super().extract_cookies(response)


@dataclass(frozen=True)
class RetryPolicy:
    """How often to retry one request, and how long a whole run may spend waiting."""

    attempts: int = 5
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_wait: float = 900.0
    """All waiting of a run (rate limits and backoff) together; past it the run stops (exit 3)."""
    write_interval: float = 1.0
    max_pages: int = 1000
    """Pages read from one listing at most (100,000 items at 100 a page)."""

    def backoff_for(self, attempt: int) -> float:
        """Exponential backoff for transient failures: 1, 2, 4... seconds, capped."""
        return float(min(self.max_backoff, self.backoff * 2**attempt))


@dataclass(frozen=True)
class RateLimitStatus:
    """What GitHub last reported about the primary rate limit."""

    remaining: int | None = None
    reset: int | None = None
    """Epoch seconds when the budget resets."""

    def as_json(self) -> dict[str, int | None]:
        """``{"remaining", "reset"}``."""
        return {"remaining": self.remaining, "reset": self.reset}


def rate_limit_wait(
    status: int, headers: Mapping[str, str], body: Any, now: float, attempt: int, request: str = "a request"
) -> float | None:
    """Seconds GitHub asks us to wait before retrying, or None when the answer is not a rate limit.

    ``attempt`` counts earlier tries of this request: a secondary limit that says nothing waits 60 s,
    then twice as long each time. ``retry-after`` and ``x-ratelimit-reset`` must be whole (epoch)
    seconds: anything else is an :class:`UnusableResponse` naming ``request``.
    """
    if status not in (403, 429):
        return None
    retry_after = required_seconds(headers, "retry-after", request)
    if retry_after is not None:
        return float(retry_after)
    if headers.get("x-ratelimit-remaining", "").strip() == "0":
        reset = required_seconds(headers, "x-ratelimit-reset", request)
        if reset is None:
            return SECONDARY_LIMIT_WAIT
        return max(0.0, reset - now)
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    if status == 429 or "rate limit" in message.lower():
        return float(min(MAX_BACKOFF_WAIT, SECONDARY_LIMIT_WAIT * 2 ** min(attempt, 32)))
    return None


def resolve_token(environ: Mapping[str, str] | None = None) -> str | None:
    """``GITHUB_TOKEN``, else ``GH_TOKEN``; a token that cannot be sent in a header is a usage error."""
    environ = os.environ if environ is None else environ
    token = environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN") or None
    if token is not None and not (
        token.isascii() and token.isprintable() and not any(c.isspace() for c in token)
    ):
        raise UsageError(
            "GITHUB_TOKEN/GH_TOKEN holds characters a token never has (whitespace, control or non-ASCII "
            "characters): set it to the token alone"
        )
    return token


def resolve_api_url(
    flag: str | None, environ: Mapping[str, str] | None = None, configured: str | None = None
) -> str:
    """``--api-url``, else ``GITHUB_API_URL``, else ``configured`` (the policy's ``github.api_url``), else
    the public API (GHES: ``https://HOST/api/v3``).
    """
    environ = os.environ if environ is None else environ
    text = (flag or environ.get("GITHUB_API_URL") or configured or DEFAULT_API_URL).rstrip("/")
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL:
        url = None
    if (
        url is None
        or url.scheme not in ("http", "https")
        or not url.host
        or url.query
        or url.fragment
        or not 0 < (url.port or 443) < 65536  # a socket refuses any other port with an OverflowError
    ):
        raise UsageError(
            f"--api-url/GITHUB_API_URL: {shown_url(text)!r} is not an http(s) API base URL "
            "(e.g. https://api.github.com or https://github.example.com/api/v3)"
        )
    if url.userinfo:
        raise UsageError(
            f"--api-url/GITHUB_API_URL: {shown_url(text)!r} holds credentials: give the URL without them and "
            "the token in GITHUB_TOKEN or GH_TOKEN (a URL is printed in messages; a token never is)"
        )
    return text


def shown_url(text: str) -> str:
    """A URL as messages may print it: one printable line, any ``user:password@`` replaced by ``***@``."""
    return printable(re.sub(r"(?<=//)[^/?#]*@", "***@", text))


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, read in full within its deadline."""

    method: str
    path: str
    status: int
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        """The body as JSON (bounded); :class:`UnusableResponse` naming the request when it is not."""
        kind = self.headers.get("content-type", "no content type")
        return parse_json(self.content, f"{self.method} {self.path}", kind)

    def message(self) -> str:
        """GitHub's ``message`` from an error body, or ``""``."""
        try:
            body = self.json()
        except UnusableResponse:
            return ""
        return str(body.get("message") or "")[:200] if isinstance(body, dict) else ""

    @property
    def next_link(self) -> httpx.URL | None:
        """The ``Link: rel="next"`` URL, if any (:class:`UnusableResponse` when it does not parse)."""
        return link_url(self.headers.get("link"), "next", f"{self.method} {self.path}")


@dataclass
class GitHub:
    """REST calls, counted; safe to share between threads.

    ``timeout`` bounds each network read; ``request_deadline`` (default four times ``timeout``) bounds a
    whole request, body included; ``run_deadline`` (seconds from now) bounds the whole run.
    ``sleep`` and ``clock`` are injectable so that tests never wait.
    """

    api_url: str
    token: str | None
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pool_size: int = 8
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    request_deadline: float | None = None
    run_deadline: float | None = None
    cache: HttpCache | None = None
    """Conditional requests: GETs revalidate a cached answer; a 304 is served from the cache."""
    max_requests: int | None = None
    """Requests a run may send (``--max-requests``); past it the run stops."""
    requests: int = 0
    not_modified: int = 0
    waited: float = 0.0
    rate_limit: RateLimitStatus = field(default_factory=RateLimitStatus)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _last_write: float | None = field(default=None, repr=False)
    _client: httpx.Client = field(init=False, repr=False)
    _origin: tuple[str, str, int | None] = field(init=False, repr=False)
    _run_ends: float | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "repoconf",
            # Only what bounds.read_body inflates with a bounded output (httpx would add br and zstd
            # when their packages happen to be installed).
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        limits = httpx.Limits(max_connections=self.pool_size, max_keepalive_connections=self.pool_size)
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(self.timeout),
            limits=limits,
            transport=_DeadlineTransport(limits),
            # A redirect to another origin would carry the token there: refused (see _check_origin).
            follow_redirects=False,
        )
        # httpx has no option for its jar's class: the client's own, still empty (``_cookies``, httpx 0.27
        # and 0.28), is replaced; tests/github/test_client.py fails if the replacement no longer takes or
        # an answer's cookies are no longer kept.
        self._client._cookies = _Cookies()
        base = httpx.URL(self.api_url)
        self._origin = (base.scheme, base.host, base.port)
        self._run_ends = None if self.run_deadline is None else time.monotonic() + self.run_deadline
        if self.request_deadline is None:
            self.request_deadline = 4 * self.timeout

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- building requests --------------------------------------------------------------------------

    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> httpx.URL:
        """The absolute URL of ``path`` (relative to the API base, or absolute on the API's origin),
        with ``params`` merged into the query it already has.
        """
        text = path if "://" in path else self.api_url + path
        if params and "?" not in text and "#" not in text:
            # nothing to merge into: one parse instead of three (a listing's first page, ~35 µs a request)
            return httpx.URL(text, params=dict(params))
        url = httpx.URL(text)
        return url.copy_merge_params(dict(params)) if params else url

    def _check_origin(self, url: httpx.URL, what: str) -> None:
        if (url.scheme, url.host, url.port) != self._origin:
            raise UnusableResponse(
                f"GitHub sent a {what} to another origin ({url.scheme}://{url.host}"
                f"{'' if url.port is None else f':{url.port}'}): not followed, the token stays with "
                f"{shown_url(self.api_url)}"
            )

    # -- sending -------------------------------------------------------------------------------------

    def _count(self, method: str, url: httpx.URL) -> None:
        with self._lock:
            if self.max_requests is not None and self.requests >= self.max_requests:
                raise RequestBudgetSpent(
                    f"stopped before {method} {url.path}: this run may send {self.max_requests} requests "
                    "(--max-requests)"
                )
            self.requests += 1

    def _wait(self, seconds: float, why: str) -> None:
        """Sleep, charged to the run's waiting budget; past the budget the run stops."""
        with self._lock:
            if self.waited + seconds > self.retry.max_wait:
                when = _date(self.clock() + seconds)
                raise RateLimited(
                    f"{why}: GitHub asks to wait {seconds:.0f} s more, past this run's waiting budget "
                    f"({self.retry.max_wait:.0f} s, --max-wait): retry after {when}, or use a GitHub App "
                    "token (a higher rate limit)"
                )
            self.waited += seconds
        self.sleep(seconds)

    def _note_rate_limit(self, headers: httpx.Headers) -> None:
        """Keep what GitHub says of the rate limit; a value that is not plain digits says nothing."""
        remaining = header_number(headers.get("x-ratelimit-remaining"))
        if remaining is None:
            return
        with self._lock:
            self.rate_limit = RateLimitStatus(remaining, header_number(headers.get("x-ratelimit-reset")))

    def _attempt(
        self, method: str, url: httpx.URL, body: Mapping[str, Any] | None, headers: Mapping[str, str]
    ) -> Answer:
        """One request, its body read within the request's deadline."""
        if self._run_ends is not None and time.monotonic() > self._run_ends:
            raise DeadlineExceeded(
                f"the run's deadline ({self.run_deadline:g} s) passed before {method} {url.path}"
            )
        deadline = time.monotonic() + float(self.request_deadline or 0)
        if self._run_ends is not None:  # the run's deadline also ends a request under way
            deadline = min(deadline, self._run_ends)
        self._count(method, url)
        _REQUEST.ends = deadline
        try:
            with self._client.stream(method, url, json=body, headers=headers) as response:
                content = read_body(response, f"{method} {url.path}", deadline)
                return Answer(method, url.path, response.status_code, response.headers, content)
        finally:
            _REQUEST.ends = None

    def _request(self, method: str, url: httpx.URL, body: Mapping[str, Any] | None = None) -> Answer:
        """A request with GitHub's retry rules; returns a 2xx answer or raises a :class:`GitHubError`."""
        write = method in WRITE_METHODS
        last = "no attempt made"
        answered = False
        redirects = 0
        for attempt in range(self.retry.attempts):
            if write:
                self._space_writes()
            key = str(url) if self.cache is not None and method == "GET" else None
            cached = self.cache.lookup(key) if self.cache is not None and key is not None else None
            try:
                answer = self._attempt(method, url, body, cached.validators if cached else {})
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:  # nothing was sent: safe to retry
                last = f"connection failed ({type(error).__name__})"
            except (httpx.TimeoutException, httpx.TransportError) as error:
                if str(error).startswith(BAD_LOCATION):  # an answer, with a Location that is no URL
                    raise UnusableResponse(
                        f"{method} {url.path}: GitHub redirected to something that is not a URL "
                        f"({printable(str(error).removeprefix(BAD_LOCATION).strip(' :.'))[:80]})"
                    ) from None
                if write:
                    raise AmbiguousWrite(
                        f"{method} {url.path}: no answer ({type(error).__name__}); GitHub may or may "
                        "not have applied it, so it is not retried blindly"
                    ) from None
                last = (
                    f"timed out after {self.timeout:g} s"
                    if isinstance(error, httpx.TimeoutException)
                    else f"connection failed ({type(error).__name__})"
                )
            else:
                answered = True
                self._note_rate_limit(answer.headers)
                if answer.status == 304 and cached is not None:  # unchanged: not charged by GitHub
                    with self._lock:
                        self.not_modified += 1
                    return Answer(method, url.path, 200, httpx.Headers(cached.headers), cached.content)
                if 200 <= answer.status < 300:
                    if self.cache is not None and key is not None and answer.status == 200:
                        self.cache.store(key, answer.headers, answer.content)
                    return answer
                if answer.status in REDIRECTS and "location" in answer.headers and redirects < MAX_REDIRECTS:
                    # A renamed or transferred repository answers 301 to its new /repositories/{id} URL.
                    url = url.join(answer.headers["location"])  # httpx checked it is a URL
                    self._check_origin(url, "redirect")
                    redirects += 1
                    continue
                if answer.status == 401 and not self.token:
                    raise Unauthorized(
                        f"{method} {url.path}: no token set (GitHub answered 401 "
                        f"{answer.message() or 'Requires authentication'}): set GITHUB_TOKEN or GH_TOKEN"
                    )
                if answer.status == 401:
                    raise Unauthorized(
                        f"{method} {url.path}: GitHub refused the token "
                        f"(401 {answer.message() or 'Bad credentials'}): set GITHUB_TOKEN or GH_TOKEN to a "
                        "valid token"
                    )
                wait = rate_limit_wait(
                    answer.status,
                    answer.headers,
                    _safe_json(answer),
                    self.clock(),
                    attempt,
                    f"{method} {url.path}",
                )
                if wait is not None:  # a rate-limited request was not performed: a write may be retried
                    self._wait(wait, f"{method} {url.path} rate-limited ({answer.status})")
                    last = f"rate-limited ({answer.status})"
                    continue
                if answer.status in TRANSIENT_STATUSES:
                    if write:
                        raise AmbiguousWrite(
                            f"{method} {url.path}: HTTP {answer.status}; GitHub may or may not have "
                            "applied it, so it is not retried blindly"
                        )
                    last = f"HTTP {answer.status}"
                else:
                    raise _status_error(method, url.path, answer)
            self._wait(self.retry.backoff_for(attempt), f"{method} {url.path} failed: {last}")
        if answered:
            raise GitHubError(f"{method} {url.path} failed after {self.retry.attempts} attempts: {last}")
        raise Unreachable(
            f"{method} {url.path} failed after {self.retry.attempts} attempts: {last}; check the network "
            f"and the API URL ({shown_url(self.api_url)[:200]}: --api-url, GITHUB_API_URL)"
        )

    def _space_writes(self) -> None:
        with self._write_lock:
            now = time.monotonic()
            if self._last_write is not None:
                gap = self._last_write + self.retry.write_interval - now
                if gap > 0:
                    self.sleep(gap)
            self._last_write = time.monotonic()

    # -- the calls ------------------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """GET one JSON document; :class:`NotFound` on 404."""
        return self._request("GET", self.url(path, params)).json()

    def send(self, method: str, path: str, body: Mapping[str, Any]) -> Any:
        """A write (``POST``/``PATCH``) with a JSON body; never retried after an ambiguous failure."""
        return self._request(method, self.url(path), body).json()

    def paginate(
        self,
        path: str,
        key: str | None = None,
        per_page: int = PAGE_SIZE,
        params: Mapping[str, str | int] | None = None,
    ) -> Iterator[Any]:
        """Every item of a listing, following ``Link: rel="next"``.

        ``key`` names the array when the listing is an object (``{"total_count", "environments": [...]}``);
        ``per_page`` is the endpoint's own maximum (100 for most, 30 for variables).
        """
        url = self.url(path, {**(params or {}), "per_page": per_page})
        seen: set[str] = set()
        for _ in range(self.retry.max_pages):
            seen.add(str(url))
            answer = self._request("GET", url)
            body = answer.json()
            listed = body.get(key) if key is not None and isinstance(body, dict) else None
            items = body if key is None else listed
            if not isinstance(items, list):
                expected = f'an object with a "{key}" array' if key else "an array"
                raise UnusableResponse(f"GET {answer.path}: GitHub's answer is not {expected}")
            yield from items
            following = answer.next_link
            if following is None:
                return
            url = following
            self._check_origin(url, 'Link rel="next"')
            if str(url) in seen:
                raise UnusableResponse(f"GET {answer.path}: the listing's next page is a page already read")
        raise UnusableResponse(f"GET {path}: more than {self.retry.max_pages} pages: stopped")


def _date(timestamp: float) -> str:
    """An epoch time as a UTC date, or a plain phrase when it is past what a date can hold."""
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return "a time too far ahead to name"


def _safe_json(answer: Answer) -> Any:
    try:
        return answer.json()
    except UnusableResponse:
        return None


def _status_error(method: str, path: str, answer: Answer) -> HTTPStatusError:
    message = answer.message()
    if answer.status == 404:
        return NotFound(method, path, message)
    if answer.status == 403:
        return Forbidden(method, path, 403, message)
    return HTTPStatusError(method, path, answer.status, message)
