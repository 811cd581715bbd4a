"""Groups: a repository's stack depends on its name alone, growing the number of groups moves only what
the new groups take, and the groups are even."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repoconf.policy.groups import MAX_GROUPS, Group, group_of, jump, share
from repoconf.policy.loader import load_text

NAMES = st.from_regex(r"[A-Za-z0-9._-]{1,100}", fullmatch=True)


REFERENCE = {
    0: [0] * 20,
    1: [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17],
    0xDEADBEEF: [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16],
    0x0DDC0FFEEBADF00D: [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15],
}
"""Buckets 1, 2, … of four keys, "generated from the reference C++ code" of the paper (dgryski/go-jump,
jump_test.go)."""


@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_jump_matches_the_reference_implementation(key: int) -> None:
    assert [jump(key, buckets) for buckets in range(1, len(REFERENCE[key]) + 1)] == REFERENCE[key]


@given(NAMES, st.integers(1, 200), st.integers(1, 50))
def test_growing_moves_a_repository_only_into_a_new_group(name: str, groups: int, more: int) -> None:
    before, after = group_of(name, groups), group_of(name, groups + more)
    assert 0 <= before < groups
    assert after == before or after >= groups


@given(NAMES)
def test_the_group_ignores_case_as_github_compares_names(name: str) -> None:
    assert group_of(name, 16) == group_of(name.upper(), 16) == group_of(name.lower(), 16)


def test_groups_are_even_and_growing_moves_a_fair_share() -> None:
    names = [f"repository-{index}" for index in range(5000)]
    counts = [0] * 8
    for name in names:
        counts[group_of(name, 8)] += 1
    assert all(500 <= count <= 750 for count in counts), counts  # 625 each on average
    moved = sum(group_of(name, 8) != group_of(name, 10) for name in names)
    assert 0.15 < moved / len(names) < 0.25  # 2/10 of them, into groups 8 and 9


@pytest.mark.parametrize("text", ["0/8", "7/8", " 3/8 ", f"0/{MAX_GROUPS}"])
def test_a_group_is_k_of_n(text: str) -> None:
    assert str(Group.parse(text)) == text.strip()


@pytest.mark.parametrize("text", ["8/8", "-1/8", "1/0", "a/b", "3", "03/8", f"0/{MAX_GROUPS + 1}", ""])
def test_anything_else_is_refused_with_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="expected K/N, the group K"):
        Group.parse(text)


def test_a_share_keeps_the_groups_repositories() -> None:
    names = [f"r{index}" for index in range(40)]
    text = "version: 1\nowner: acme\nrepositories:\n" + "".join(f"  {name}: {{}}\n" for name in names)
    loaded = load_text(text, "p.yaml")
    shares = [share(loaded, Group(index, 4)).policy.repositories for index in range(4)]
    assert sorted(name for kept in shares for name in kept) == sorted(names)  # each in exactly one
    assert all(kept for kept in shares)
    assert share(loaded, None) is loaded
