"""GitHub's answers within bounds: header values, ``Link`` URLs, bodies and JSON.

An answer comes from the network (GitHub, a proxy, a GitHub Enterprise Server, whatever ``--api-url``
names); whatever it holds, reading it ends in a value or one :class:`UnusableResponse` line naming the
request, never in an exception of the standard library (a redirect's ``Location`` is checked by httpx
itself: see ``BAD_LOCATION`` in client.py):

- Header values are parsed strictly: ASCII digits only (``str.isdigit`` also takes ``²``), at most
  :data:`MAX_HEADER_DIGITS` of them, so ``Retry-After: inf`` or ``1e300`` cannot become a wait that
  overflows a date. Header size itself is bounded by h11, which refuses a head larger than 16 KiB.
- A body is read up to :data:`MAX_BODY_BYTES` before decompression and again after it: repoconf asks for
  ``gzip, deflate`` only and inflates them itself with a bounded output, so a small gzip body that would
  inflate to gigabytes stops at the bound. Any other ``Content-Encoding`` is refused.
- JSON is refused when it would build more than :data:`MAX_JSON_CONTAINERS` objects and arrays or
  :data:`MAX_JSON_VALUES` values (counted on the bytes before parsing, so memory stays bounded), or nest
  deeper than :data:`MAX_JSON_DEPTH`; ``NaN`` and ``Infinity`` are not JSON.

The largest answer repoconf reads is a recursive tree: GitHub lists at most 100,000 entries ("Get a tree",
REST docs: "The limit for the tree array is 100,000 entries with a maximum size of 7 MB when using the
recursive parameter"), about 25 MB of JSON. :data:`MAX_BODY_BYTES` admits it; a larger tree is read as
"content unverified" by the audit (live/read.py), never as an error of the run.
"""

from __future__ import annotations

import json
import re
import time
import zlib
from collections.abc import Mapping
from typing import Any

import httpx

from repoconf.github.errors import UnusableResponse
from repoconf.text import printable

MAX_BODY_BYTES = 32 << 20
MAX_JSON_DEPTH = 64
"""GitHub's answers nest about 6 deep (a ruleset's rule parameters); 64 is far past any of them."""
MAX_JSON_CONTAINERS = 1_000_000
MAX_JSON_VALUES = 2_000_000
MAX_HEADER_DIGITS = 10
"""Ten digits: seconds up to 317 years, epoch times up to the year 2286, all within a date's range."""
ACCEPT_ENCODING = "gzip, deflate"
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_HEADER_DIGITS}}}")


def header_number(value: str | None) -> int | None:
    """A header value of ASCII digits only (at most :data:`MAX_HEADER_DIGITS`), else None."""
    if value is None or not _DIGITS.fullmatch(value.strip()):
        return None
    return int(value.strip())


def shown(value: str, room: int = 40) -> str:
    """A value from outside, quoted and cut for a message."""
    return repr(printable(value if len(value) <= room else value[:room] + "…"))


def required_seconds(headers: Mapping[str, str], name: str, request: str) -> int | None:
    """The header ``name`` as whole seconds (or epoch seconds), None when absent; a value GitHub never
    sends (``inf``, ``1e300``, ``-1``, ``²``) is an :class:`UnusableResponse`.
    """
    value = headers.get(name)
    if value is None:
        return None
    number = header_number(value)
    if number is None:
        raise UnusableResponse(
            f"{request}: GitHub's {name} header is {shown(value)}, not whole seconds of at most "
            f"{MAX_HEADER_DIGITS} digits: check --api-url points at GitHub's REST API"
        )
    return number


def too_large(request: str, what: str, limit: int = MAX_BODY_BYTES) -> UnusableResponse:
    """The one wording of an answer past a bound."""
    return UnusableResponse(f"{request}: GitHub's answer is larger than {limit >> 20} MiB {what}: not read")


class _Inflater:
    """``gzip`` or ``deflate`` (zlib, or raw deflate as some servers send it) with a bounded output."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.started = False
        self.decompressor = zlib.decompressobj(31 if coding == "gzip" else 15)

    def feed(self, data: bytes, out: bytearray, limit: int) -> None:
        if not self.started and self.coding == "deflate":
            self.started = True
            try:
                probe = zlib.decompressobj(15)
                probe.decompress(data[:2])
            except zlib.error:  # no zlib header: raw deflate
                self.decompressor = zlib.decompressobj(-15)
        while data:
            out += self.decompressor.decompress(data, limit + 1 - len(out))
            if len(out) > limit:
                return
            data = self.decompressor.unconsumed_tail

    def finish(self, out: bytearray, limit: int) -> None:
        while not self.decompressor.eof and len(out) <= limit:
            piece = self.decompressor.decompress(b"", limit + 1 - len(out))
            if not piece:
                return
            out += piece


def read_body(response: httpx.Response, request: str, deadline: float, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body of ``response``, decoded, within ``limit`` bytes before and after decompression and by
    ``deadline`` (a monotonic time; past it, :class:`httpx.ReadTimeout` as for a slow read).
    """
    declared = header_number(response.headers.get("content-length"))
    if declared is not None and declared > limit:
        raise too_large(request, f"(Content-Length: {declared:,})", limit)
    coding = response.headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity"):
        inflater = None
    elif coding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater("deflate" if coding == "deflate" else "gzip")
    else:
        raise UnusableResponse(
            f"{request}: GitHub's answer is encoded as {shown(coding)}, not {ACCEPT_ENCODING} as asked"
        )
    out = bytearray()
    received = 0
    try:
        for chunk in response.iter_raw():
            received += len(chunk)
            if received > limit:
                raise too_large(request, "as sent", limit)
            if inflater is None:
                out += chunk
            else:
                inflater.feed(chunk, out, limit)
            if len(out) > limit:
                raise too_large(request, "once decompressed", limit)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("request deadline passed while reading the body")
        if inflater is not None:
            inflater.finish(out, limit)
    except zlib.error:
        raise UnusableResponse(f"{request}: GitHub's {coding} answer does not decompress") from None
    if len(out) > limit:
        raise too_large(request, "once decompressed", limit)
    return bytes(out)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(content: bytes, request: str, content_type: str) -> Any:
    """The body as JSON within the bounds above; :class:`UnusableResponse` naming ``request`` otherwise."""
    containers = content.count(b"[") + content.count(b"{")  # counts brackets in strings too: stricter
    values = containers + content.count(b",")
    if containers > MAX_JSON_CONTAINERS or values > MAX_JSON_VALUES:
        raise UnusableResponse(
            f"{request}: GitHub's answer would hold more than {MAX_JSON_CONTAINERS:,} objects and arrays "
            f"or {MAX_JSON_VALUES:,} values: not read"
        )
    try:
        value = json.loads(content, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep(request) from None
    except ValueError:  # not JSON, not UTF-8, a number past Python's digit limit, NaN
        raise UnusableResponse(
            f"{request}: GitHub's answer is not JSON ({printable(content_type[:80])}, {len(content)} bytes): "
            "check --api-url points at the REST API"
        ) from None
    # Each level of nesting is a container, and each container an opening bracket counted above: an answer
    # with no more brackets than the depth allowed cannot nest deeper (most answers: secrets, variables).
    deep = containers > MAX_JSON_DEPTH and isinstance(value, dict | list)
    stack: list[tuple[Any, int]] = [(value, 1)] if deep else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(request)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return value


def _too_deep(request: str) -> UnusableResponse:
    return UnusableResponse(f"{request}: GitHub's answer nests deeper than {MAX_JSON_DEPTH} levels: not read")


_LINK = re.compile(r"<([^>]*)>([^,<]*)")
"""One ``<url>; rel="next"; ...`` element of a ``Link`` header (RFC 8288, as GitHub writes them)."""


def link_url(value: str | None, relation: str, request: str) -> httpx.URL | None:
    """The URL of ``rel="<relation>"`` in a ``Link`` header, or None; one that is not a URL is an
    :class:`UnusableResponse`. Parsed here, on the text as received (httpx's own parser would encode the
    value as ASCII again and fail on any other byte).
    """
    for match in _LINK.finditer(value or ""):
        parameters = (part.strip().replace(" ", "") for part in match.group(2).split(";"))
        if any(part in (f'rel="{relation}"', f"rel={relation}") for part in parameters):
            found = match.group(1).strip()
            try:
                return httpx.URL(found)
            except (httpx.InvalidURL, ValueError):
                raise UnusableResponse(
                    f"{request}: GitHub's Link header names a {relation} page that is not a URL "
                    f"({shown(found)})"
                ) from None
    return None
