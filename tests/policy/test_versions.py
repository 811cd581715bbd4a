"""`{versions: final}` / `{versions: candidate}`: the expanded patterns match exactly what they claim.

Each tag of the table is matched against every expanded pattern by repoconf's matcher and, where ``ruby``
is installed, by Ruby's ``File.fnmatch(pattern, tag, File::FNM_PATHNAME)`` itself, the function GitHub
matches deployment tag policies with.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from pydantic import ValidationError

from repoconf.policy.fnmatch import fnmatch_pathname
from repoconf.policy.model import MAX_DEPLOYMENT_POLICIES, DeploymentRefs, VersionTags
from repoconf.policy.versions import (
    Bounds,
    VersionKind,
    as_entries,
    candidate_patterns,
    final_patterns,
    version_patterns,
)

FINAL, CANDIDATE, NEITHER = "final", "candidate", "neither"
TAGS = [
    ("v1.2.3", FINAL),
    ("v2.0.0", FINAL),
    ("v10.20.300", FINAL),
    ("v0.0.0", FINAL),
    ("v99.99.999", FINAL),
    ("v1.2.3-rc1", CANDIDATE),
    ("v1.2.3-rc12", CANDIDATE),
    ("v10.20.300-rc99", CANDIDATE),
    ("v1.2", NEITHER),
    ("v1.2.3.4", NEITHER),
    ("v1.2.3-beta1", NEITHER),
    ("v1.2.3rc1", NEITHER),
    ("1.2.3", NEITHER),
    ("v1.2.3-rc", NEITHER),
    ("v1.2.3-rc123", NEITHER),
    ("v1.2.3-rc1.post1", NEITHER),
    ("v100.0.0", NEITHER),  # beyond the documented bounds: refused, not guessed
    ("v1.2.3/x", NEITHER),
    ("vx.y.z", NEITHER),
    ("release/v1.2.3", NEITHER),
]


def _ours(kind: VersionKind, tag: str) -> bool:
    return any(fnmatch_pathname(pattern, tag) for pattern in version_patterns(kind, "v"))


@pytest.mark.parametrize(("tag", "expected"), TAGS)
def test_each_tag_is_in_exactly_its_set(tag: str, expected: str) -> None:
    assert _ours(VersionKind.FINAL, tag) is (expected == FINAL)
    assert _ours(VersionKind.CANDIDATE, tag) is (expected == CANDIDATE)


@pytest.mark.skipif(shutil.which("ruby") is None, reason="ruby is not installed (apt-get install ruby)")
def test_ruby_agrees_on_every_pattern_and_tag() -> None:
    patterns = [*final_patterns("v"), *candidate_patterns("v")]
    cases = [[pattern, tag] for pattern in patterns for tag, _ in TAGS]
    script = (
        "require 'json'; JSON.parse(STDIN.read).each { |p, n| puts File.fnmatch(p, n, File::FNM_PATHNAME) }"
    )
    answer = subprocess.run(
        ["ruby", "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True
    )
    assert answer.stdout.split() == [str(fnmatch_pathname(p, n)).lower() for p, n in cases]


def test_the_bounds_give_twelve_finals_and_twenty_four_candidates() -> None:
    assert len(set(final_patterns("v"))) == 12
    assert len(set(candidate_patterns("v"))) == 24
    assert final_patterns("")[0] == "[0-9].[0-9].[0-9]"


def test_a_prefix_is_literal() -> None:
    refs = DeploymentRefs(tags=(VersionTags(versions=VersionKind.FINAL, prefix="release-"),))
    assert any(fnmatch_pathname(p, "release-1.2.3") for p in refs.tag_patterns())
    assert not any(fnmatch_pathname(p, "v1.2.3") for p in refs.tag_patterns())
    with pytest.raises(ValidationError, match="literal text"):
        VersionTags.model_validate({"versions": "final", "prefix": "v*"})


def test_patterns_and_entries_mix_without_duplicates() -> None:
    refs = DeploymentRefs.model_validate(
        {"tags": [{"versions": "final"}, "v[0-9].[0-9].[0-9]", {"versions": "candidate"}, "x*"]}
    )
    patterns = refs.tag_patterns()
    assert len(patterns) == 12 + 24 + 1
    assert dict(refs.tag_sources())["v[0-9].[0-9].[0-9]"] == "{versions: final}"
    assert dict(refs.tag_sources())["x*"] == "'x*'"


def test_an_environment_holds_at_most_the_bound() -> None:
    branches = [f"b{i}" for i in range(MAX_DEPLOYMENT_POLICIES - 36)]
    DeploymentRefs.model_validate(
        {"branches": branches, "tags": [{"versions": "final"}, {"versions": "candidate"}]}
    )
    with pytest.raises(ValidationError, match=f"expand to {MAX_DEPLOYMENT_POLICIES + 1} deployment"):
        DeploymentRefs.model_validate(
            {"branches": [*branches, "one-more"], "tags": [{"versions": "final"}, {"versions": "candidate"}]}
        )


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="'final' or 'candidate'"):
        DeploymentRefs.model_validate({"tags": [{"versions": "beta"}]})


def test_collapse_inverts_the_expansion() -> None:
    live = [*candidate_patterns("v"), "hotfix-*", *final_patterns("v")]
    assert as_entries(live) == [{"versions": "candidate"}, {"versions": "final"}, "hotfix-*"]
    partial = list(final_patterns("v"))[:-1]
    assert as_entries(partial) == partial
    assert as_entries(list(final_patterns(""))) == [{"versions": "final", "prefix": ""}]


CALVER = Bounds(major=(1, 2, 4), minor=(1, 2), patch=(1, 2, 3))
"""The shipped policy's final versions: SemVer-like and calendar versions."""
CALVER_TAGS = [
    ("v2024.8.30", FINAL),
    ("v24.3.1", FINAL),
    ("v1.2.3", FINAL),
    ("v10.20.300", FINAL),
    ("v2024.12.1", FINAL),
    ("v2024.8.30-rc1", CANDIDATE),
    ("v24.3.1-rc2", CANDIDATE),
    ("v202.8.30", NEITHER),  # three digits: outside the bounds
    ("v20240.1.1", NEITHER),
    ("v2024.08.030.1", NEITHER),
    ("v2024.8", NEITHER),
    ("v2024.8.30.post1", NEITHER),
    ("v2024.8.30rc1", NEITHER),
]


def _matched(patterns: tuple[str, ...], tags: list[str]) -> list[bool]:
    """Whether any pattern matches each tag, by Ruby's File.fnmatch where ruby is installed (GitHub's
    matcher), else by repoconf's."""
    if shutil.which("ruby") is None:
        return [any(fnmatch_pathname(p, tag) for p in patterns) for tag in tags]
    script = (
        "require 'json'; p, t = JSON.parse(STDIN.read); "
        "t.each { |n| puts p.any? { |x| File.fnmatch(x, n, File::FNM_PATHNAME) } }"
    )
    answer = subprocess.run(
        ["ruby", "-e", script], input=json.dumps([patterns, tags]), capture_output=True, text=True, check=True
    )
    return [line == "true" for line in answer.stdout.split()]


@pytest.mark.parametrize("kind", [VersionKind.FINAL, VersionKind.CANDIDATE])
def test_calendar_bounds_admit_calver_and_semver_and_never_the_other_kind(kind: VersionKind) -> None:
    tags = [tag for tag, _ in CALVER_TAGS]
    expected = [label == kind for _, label in CALVER_TAGS]
    assert _matched(version_patterns(kind, "v", CALVER), tags) == expected
    assert len(final_patterns("v", CALVER)) == 18


def test_bounds_are_validated_and_written_back() -> None:
    entry = VersionTags.model_validate({"versions": "final", "major": [4, 1, 2]})
    assert entry.major == (1, 2, 4)
    assert entry.describe() == "{versions: final, major: [1, 2, 4]}"
    assert as_entries(list(entry.patterns())) == [{"versions": "final", "major": [1, 2, 4]}]
    for bad, message in (
        ({"major": []}, "at least 1 item"),
        ({"major": [0]}, "greater than or equal to 1"),
        ({"major": [9]}, "less than or equal to 8"),
        ({"major": [1, 1]}, "each digit count once"),
        ({"candidate": [3]}, "only for `versions: candidate`"),
    ):
        with pytest.raises(ValidationError, match=message):
            VersionTags.model_validate({"versions": "final", **bad})
