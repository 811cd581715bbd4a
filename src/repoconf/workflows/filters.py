r"""A policy's ref pattern as a workflow trigger filter that matches exactly the same refs, or why not.

The policy's patterns (release tags, protected branches) are Ruby ``File.fnmatch`` patterns with
``FNM_PATHNAME`` (:mod:`repoconf.policy.fnmatch`): what GitHub's rulesets and deployment policies match.
A workflow's ``on.push.tags`` / ``branches`` filters are another language (GitHub's "Filter pattern cheat
sheet", workflow syntax reference):

========== ============================================ =============================================
construct  fnmatch (the policy)                         Actions filter (the trigger)
========== ============================================ =============================================
``*``      any characters but ``/``                     the same
``**``     ``**/`` zero or more whole directories;       any characters, ``/`` included
           elsewhere the same as ``*``
``?``      any one character but ``/``                  the preceding character, zero or one time
``+``      a literal ``+``                              the preceding character, one or more times
``[...]``  a set; ``[!...]``/``[^...]`` negated; any     one alphanumeric character of the set;
           characters and ranges                        ranges within a-z, A-Z, 0-9 only
``!``      a literal ``!``                               at the start: negates the filter
``\x``     a literal ``x``                              a literal ``x``
========== ============================================ =============================================

:func:`actions_filter` translates each construct whose meaning it can reproduce exactly (escaping
literals that are special to the filter: ``+``, a leading ``!``, ``*``, ``?``, ``[``, ``]``, ``\``) and
refuses the rest with the construct and its position: ``?``, ``**/``, negated or non-alphanumeric sets,
an unterminated ``[``, and literal characters the cheat sheet does not define. One difference needs no
translation: fnmatch's wildcards skip a ``.`` that starts a path segment, the filter's do not, but git
refuses ref names with such a segment (``git check-ref-format``), so no ref tells them apart.
"""

from __future__ import annotations

import re

LITERAL = re.compile(r"[A-Za-z0-9._/-]")
"""Characters that are literal in both languages."""
ESCAPED = frozenset("+!*?[]\\")
"""Characters that are literal in the pattern and must be escaped in the filter."""
RANGES = ("az", "AZ", "09")


class FilterRefused(ValueError):
    """The pattern has no exact Actions-filter equivalent; the message names the construct and where."""


def _refuse(pattern: str, index: int, construct: str, why: str) -> FilterRefused:
    return FilterRefused(f"{construct} at character {index + 1} of {pattern!r}: {why}")


def _class(pattern: str, start: int) -> tuple[str, int]:
    """The set starting at ``pattern[start] == '['`` as a filter set, and the index after it."""
    index = start + 1
    if index < len(pattern) and pattern[index] in "!^":
        raise _refuse(
            pattern, start, f"the negated set `[{pattern[index]}...]`", "Actions filters have no negated set"
        )
    items: list[str] = []
    while index < len(pattern) and pattern[index] != "]":
        low = pattern[index]
        if low == "\\":
            raise _refuse(pattern, index, "an escape inside `[...]`", "Actions filters define none")
        if index + 2 < len(pattern) and pattern[index + 1] == "-" and pattern[index + 2] != "]":
            high = pattern[index + 2]
            if not any(bounds[0] <= low <= high <= bounds[1] for bounds in RANGES):
                raise _refuse(
                    pattern,
                    index,
                    f"the range `{low}-{high}`",
                    "Actions filter ranges lie within a-z, A-Z or 0-9",
                )
            items.append(f"{low}-{high}")
            index += 3
            continue
        if not low.isascii() or not low.isalnum():
            raise _refuse(
                pattern, index, f"{low!r} in a set", "Actions filter sets hold letters and digits only"
            )
        items.append(low)
        index += 1
    if index >= len(pattern):
        raise _refuse(pattern, start, "an unterminated `[`", "the pattern matches no ref at all")
    if not items:
        raise _refuse(pattern, start, "the empty set `[]`", "the pattern matches no ref at all")
    return "[" + "".join(items) + "]", index + 1


def actions_filter(pattern: str) -> str:
    """The Actions filter that matches exactly the refs ``File.fnmatch(pattern, ref, FNM_PATHNAME)``
    matches; raises :class:`FilterRefused` naming the first construct it cannot translate.
    """
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 >= len(pattern):
                raise _refuse(pattern, index, "a trailing `\\`", "it escapes nothing")
            literal = pattern[index + 1]
            if literal == "/":
                raise _refuse(pattern, index, "an escaped `/`", "write `/` without the backslash")
            out.append(_literal(pattern, index + 1, literal, first=not out))
            index += 2
        elif char == "*":
            end = index
            while end < len(pattern) and pattern[end] == "*":
                end += 1
            segment_start = index == 0 or pattern[index - 1] == "/"
            if end - index == 2 and segment_start and end < len(pattern) and pattern[end] == "/":
                raise _refuse(
                    pattern,
                    index,
                    "`**/` (zero or more directories)",
                    "in an Actions filter `**` matches any characters and the `/` after it is required, "
                    "so `a/**/b` would miss `a/b`; write the directories out, e.g. `a/*/b` and `a/b`",
                )
            out.append("*")  # fnmatch: a run of stars within a segment is one `*`
            index = end
        elif char == "?":
            raise _refuse(
                pattern,
                index,
                "`?` (any one character)",
                "in an Actions filter `?` makes the preceding character optional; use `[0-9]`, "
                "`[a-z]` or `*`",
            )
        elif char == "[":
            translated, index = _class(pattern, index)
            out.append(translated)
        else:
            out.append(_literal(pattern, index, char, first=not out))
            index += 1
    return "".join(out)


def _literal(pattern: str, index: int, char: str, *, first: bool) -> str:
    if LITERAL.fullmatch(char):
        return char
    if char in ESCAPED:
        if char == "!" and not first:
            return char  # `!` negates only at the start of a filter
        return "\\" + char
    raise _refuse(
        pattern,
        index,
        f"the character {char!r}",
        "the Actions filter syntax does not define it as literal (and git refuses spaces, `~`, `^`, `:` "
        "in ref names); use letters, digits, `.`, `_`, `-`, `/`, `+` and the wildcards `*`, `[0-9]`",
    )
