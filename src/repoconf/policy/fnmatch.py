r"""Ruby's ``File.fnmatch(pattern, name, File::FNM_PATHNAME)`` as GitHub matches refs, in polynomial time.

GitHub matches deployment branch and tag policies (and branch protection rules) with Ruby's
``File.fnmatch`` and the ``FNM_PATHNAME`` flag (GitHub's REST description of deployment-branch-policy
``name``: "Wildcard characters will not match ``/``"; "About branch protection rules": "GitHub uses the
``File::FNM_PATHNAME`` flag"). With that flag, as Ruby implements it:

- ``*`` matches any characters but ``/``; ``?`` one character but ``/``; ``[...]`` one character of a set
  (``[!...]`` or ``[^...]`` negates; ``a-z`` ranges) but never ``/``; ``\`` escapes the next character;
- a path segment that is exactly ``**`` followed by ``/`` matches zero or more whole segments; ``**``
  anywhere else is the same as ``*``;
- no wildcard matches a ``.`` at the start of a segment (``FNM_DOTMATCH`` is not set): only a literal
  ``.`` does;
- an unterminated ``[`` never matches; ``[]`` is an empty set.

Each segment is matched by dynamic programming over (pattern position, name position), and ``**/`` by
dynamic programming over segments: time is bounded by the product of the lengths, never exponential
(a backtracking matcher took minutes on a pattern of many ``**/``). tests/policy/test_fnmatch.py holds a
table of cases checked against Ruby's own ``File.fnmatch``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MAX_PATTERN_LENGTH = 255
MAX_PATTERN_SEGMENTS = 32


@dataclass(frozen=True)
class _Literal:
    char: str


@dataclass(frozen=True)
class _Any:
    pass


@dataclass(frozen=True)
class _Star:
    pass


@dataclass(frozen=True)
class _Class:
    negated: bool
    ranges: tuple[tuple[str, str], ...]
    closed: bool
    """False for an unterminated ``[``, which never matches."""

    def matches(self, char: str) -> bool:
        if not self.closed:
            return False
        inside = any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


_Token = _Literal | _Any | _Star | _Class
GLOBSTAR = "**"


def _tokens(segment: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "\\" and index + 1 < len(segment):
            tokens.append(_Literal(segment[index + 1]))
            index += 2
        elif char == "*":
            if not tokens or not isinstance(tokens[-1], _Star):  # ** within a segment is *
                tokens.append(_Star())
            index += 1
        elif char == "?":
            tokens.append(_Any())
            index += 1
        elif char == "[":
            token, index = _bracket(segment, index + 1)
            tokens.append(token)
        else:
            tokens.append(_Literal(char))
            index += 1
    return tuple(tokens)


def _bracket(segment: str, index: int) -> tuple[_Class, int]:
    negated = index < len(segment) and segment[index] in "!^"
    if negated:
        index += 1
    ranges: list[tuple[str, str]] = []
    while index < len(segment) and segment[index] != "]":
        low = segment[index]
        if low == "\\" and index + 1 < len(segment):
            index += 1
            low = segment[index]
        index += 1
        high = low
        if index + 1 < len(segment) and segment[index] == "-" and segment[index + 1] != "]":
            high = segment[index + 1]
            if high == "\\" and index + 2 < len(segment):
                high = segment[index + 2]
                index += 1
            index += 2
        ranges.append((low, high))
    if index >= len(segment):  # unterminated: Ruby's bracket() fails, so the pattern never matches
        return _Class(negated, tuple(ranges), closed=False), len(segment)
    return _Class(negated, tuple(ranges), closed=True), index + 1


def _segment_matches(tokens: tuple[_Token, ...], name: str) -> bool:
    """One pattern segment against one name segment (no ``/`` in either)."""
    if name.startswith(".") and not (tokens and tokens[0] == _Literal(".")):
        return False  # a leading period is matched by a literal period only
    # reachable[j]: the tokens so far can match name[:j]
    reachable = [True] + [False] * len(name)
    for token in tokens:
        following = [False] * (len(name) + 1)
        if isinstance(token, _Star):
            running = False
            for position in range(len(name) + 1):
                running = running or reachable[position]
                following[position] = running
        else:
            for position in range(len(name)):
                if reachable[position] and (
                    isinstance(token, _Any)
                    or (isinstance(token, _Literal) and token.char == name[position])
                    or (isinstance(token, _Class) and token.matches(name[position]))
                ):
                    following[position + 1] = True
        reachable = following
        if not any(reachable):
            return False
    return reachable[len(name)]


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: per ``/``-separated segment, its tokens, or ``None`` for a ``**/`` segment."""

    text: str
    segments: tuple[tuple[_Token, ...] | None, ...]

    def matches(self, name: str) -> bool:
        """``File.fnmatch(self.text, name, File::FNM_PATHNAME)``."""
        parts = name.split("/")
        # reachable[j]: the pattern segments so far can match parts[:j]
        reachable = [True] + [False] * len(parts)
        for segment in self.segments:
            following = [False] * (len(parts) + 1)
            if segment is None:  # **/: zero or more whole segments, none starting with a period
                for start in range(len(parts) + 1):
                    if not reachable[start]:
                        continue
                    following[start] = True
                    for end in range(start, len(parts)):
                        if parts[end].startswith("."):
                            break
                        following[end + 1] = True
            else:
                for position in range(len(parts)):
                    if reachable[position] and _segment_matches(segment, parts[position]):
                        following[position + 1] = True
            reachable = following
        return reachable[len(parts)]


WILDCARDS = "*?["
"""What makes a pattern match more than its own text."""


def has_wildcard(pattern: str) -> bool:
    """Whether ``pattern`` can match another name than itself (a literal one is compared as a name)."""
    return any(char in pattern for char in WILDCARDS)


def literal_start(pattern: str) -> str:
    """The text before ``pattern``'s first wildcard (all of it when it has none)."""
    return re.split(f"[{re.escape(WILDCARDS)}]", pattern, maxsplit=1)[0]


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Pattern:
    """Compile once; a ``**`` segment followed by ``/`` is a globstar, a trailing ``**`` is a ``*``."""
    raw = pattern.split("/")
    segments: list[tuple[_Token, ...] | None] = []
    for index, segment in enumerate(raw):
        followed_by_slash = index < len(raw) - 1
        segments.append(None if segment == GLOBSTAR and followed_by_slash else _tokens(segment))
    return Pattern(pattern, tuple(segments))


@functools.lru_cache(maxsize=65536)
def fnmatch_pathname(pattern: str, name: str) -> bool:
    """Whether ``name`` matches ``pattern`` as Ruby's ``File.fnmatch`` with ``FNM_PATHNAME`` decides.

    Cached: the checks ask the same sample refs of the same patterns once per repository.
    """
    return compile_pattern(pattern).matches(name)


def pattern_problem(pattern: str) -> str | None:
    """Why a ref pattern cannot be used (empty, too long, too many segments), or None."""
    if not pattern:
        return "a pattern cannot be empty"
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"a pattern is at most {MAX_PATTERN_LENGTH} characters (this one has {len(pattern)})"
    if pattern.count("/") + 1 > MAX_PATTERN_SEGMENTS:
        return f"a pattern has at most {MAX_PATTERN_SEGMENTS} `/`-separated segments"
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in pattern):
        return "a pattern cannot contain control characters"
    return None
