"""Ref matching as GitHub applies deployment branch and tag policies."""

from __future__ import annotations

import pytest

from repoconf.policy.refs import Ref, RefKind, ref_matches


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("main", "main", True),
        ("main", "main2", False),
        ("v*", "v1.2.3", True),
        ("v*", "v1.2.3-rc1", True),
        ("v*-rc*", "v1.2.3", False),
        ("release/*", "release/1.0", True),
        ("release/*", "release/1/hotfix", False),
        ("release/**", "release/1/hotfix", True),
        ("release/*/*", "release/1/hotfix", True),
        ("v[0-9]*", "v1.0", True),
        ("v[0-9]*", "vx", False),
        ("V*", "v1", False),
    ],
)
def test_fnmatch_semantics(pattern: str, name: str, matches: bool) -> None:
    assert ref_matches(pattern, name) is matches


def test_parse_refs() -> None:
    assert Ref.parse("refs/tags/v1.2.3") == Ref(RefKind.TAG, "v1.2.3")
    assert Ref.parse("refs/heads/feature/x") == Ref(RefKind.BRANCH, "feature/x")
    with pytest.raises(ValueError, match="not a full ref"):
        Ref.parse("v1.2.3")
