"""Ref matching as GitHub applies deployment branch and tag policies."""

from __future__ import annotations

import pytest

from repoconf.policy.refs import Ref, RefKind


def test_parse_refs() -> None:
    assert Ref.parse("refs/tags/v1.2.3") == Ref(RefKind.TAG, "v1.2.3")
    assert Ref.parse("refs/heads/feature/x") == Ref(RefKind.BRANCH, "feature/x")
    with pytest.raises(ValueError, match="not a full ref"):
        Ref.parse("v1.2.3")
