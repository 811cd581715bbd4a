"""Policy ref patterns (Ruby fnmatch) as workflow trigger filters: exactly the same refs, or refused.

The filter side is matched here by an independent reading of GitHub's "Filter pattern cheat sheet"
(workflow syntax reference): ``*`` any characters but ``/``, ``**`` any characters, ``?`` the preceding
character zero or one time, ``+`` one or more times, ``[...]`` one character of the set, a backslash
escapes, a leading ``!`` negates (removes refs the patterns before it matched). The policy side is
repoconf's fnmatch, itself checked against Ruby.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repoconf.policy.fnmatch import fnmatch_pathname
from repoconf.workflows.filters import FilterRefused, actions_filter


def filter_matches(pattern: str, ref: str) -> bool:
    """GitHub's filter semantics as the cheat sheet states them."""
    if pattern.startswith("!"):
        return False  # a negative pattern only removes refs earlier patterns matched: alone, none

    regex = ""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            regex += re.escape(pattern[index + 1])
            index += 2
        elif pattern.startswith("**", index):
            regex += ".*"
            index += 2
        elif char == "*":
            regex += "[^/]*"
            index += 1
        elif char in "?+":
            regex += char  # applies to the preceding character
            index += 1
        elif char == "[":
            end = pattern.index("]", index)
            regex += pattern[index : end + 1]
            index = end + 1
        else:
            regex += re.escape(char)
            index += 1
    return re.fullmatch(regex, ref) is not None


def valid_ref(name: str) -> bool:
    """What `git check-ref-format` allows (the parts these alphabets can produce)."""
    parts = name.split("/")
    return (
        bool(name)
        and all(parts)
        and not any(part.startswith(".") or part.endswith((".", ".lock")) for part in parts)
        and ".." not in name
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("v*", "v*"),
        ("main", "main"),
        ("release/*", "release/*"),
        ("v[0-9].[0-9]*", "v[0-9].[0-9]*"),
        ("v1.0+build", "v1.0\\+build"),  # a literal `+`
        ("!v1", "\\!v1"),  # a literal `!` at the start, not a negation
        ("v!1", "v!1"),
        ("ma\\x69n", "max69n"),  # fnmatch: `\x` is a literal x
        ("release\\*", "release\\*"),  # a literal `*`
        ("v**", "v*"),  # within a name `**` is `*`
        ("a/**", "a/*"),  # a trailing `**` too
        ("v\\[1]", "v\\[1\\]"),
    ],
)
def test_translations(pattern: str, expected: str) -> None:
    assert actions_filter(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("v?", "`?` (any one character) at character 2 of 'v?'"),
        ("**/v", "`**/` (zero or more directories) at character 1"),
        ("a/**/b", "`**/` (zero or more directories) at character 3"),
        ("v[!0-9]", "the negated set `[!...]` at character 2"),
        ("v[^0-9]", "the negated set `[^...]` at character 2"),
        ("v[-_]", "'-' in a set at character 3"),
        ("v[a-Z]", "the range `a-Z` at character 3"),
        ("v[9-0]", "the range `9-0` at character 3"),
        ("v[]", "the empty set `[]` at character 2"),
        ("v[", "an unterminated `[` at character 2"),
        ("v[\\]]", "an escape inside `[...]` at character 3"),
        ('v*" # ', "the character '\"' at character 3"),
        ("v 1", "the character ' ' at character 2"),
        ("v{1,2}", "the character '{' at character 2"),
        ("v\\", "a trailing `\\` at character 2"),
        ("a\\/b", "an escaped `/` at character 2"),
    ],
)
def test_refusals_name_the_construct_and_where(pattern: str, message: str) -> None:
    with pytest.raises(FilterRefused) as refused:
        actions_filter(pattern)
    assert str(refused.value).startswith(message)


def test_the_independent_matcher_can_tell_them_apart() -> None:
    # Why each refusal matters: the naive filter would match other refs than the pattern.
    assert fnmatch_pathname("v?", "v1")
    assert not filter_matches("v?", "v1")
    assert filter_matches("v?", "v")
    assert fnmatch_pathname("a/**/b", "a/b")
    assert not filter_matches("a/**/b", "a/b")
    assert not fnmatch_pathname("v+", "vv")
    assert filter_matches("v+", "vv")
    assert fnmatch_pathname("!v", "!v")
    assert not filter_matches("!v", "!v")


REF_CHARACTERS = "ab1.-/+!"
PATTERN_CHARACTERS = REF_CHARACTERS + "*?[]\\^"
REFS = st.lists(
    st.text(alphabet=REF_CHARACTERS, min_size=1, max_size=7).filter(valid_ref), min_size=1, max_size=25
)


@settings(max_examples=400, deadline=None)
@given(pattern=st.text(alphabet=PATTERN_CHARACTERS, min_size=1, max_size=8), refs=REFS)
def test_a_translated_pattern_matches_exactly_the_same_refs(pattern: str, refs: list[str]) -> None:
    try:
        translated = actions_filter(pattern)
    except FilterRefused:
        return
    for ref in refs:
        assert fnmatch_pathname(pattern, ref) == filter_matches(translated, ref), (pattern, translated, ref)


@settings(max_examples=200, deadline=None)
@given(pattern=st.text(alphabet="ab1.-/*[]09", min_size=1, max_size=8))
def test_the_translation_refuses_little_of_the_ordinary(pattern: str) -> None:
    # Plain names, `*` and well-formed digit or letter sets always translate.
    if "[" in pattern or "]" in pattern or "**/" in pattern or pattern.startswith("**/"):
        return
    assert actions_filter(pattern)
