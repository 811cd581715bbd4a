"""Merge semantics: defaults deep-merged with each repository's entry."""

from __future__ import annotations

from pathlib import Path

from repoconf.policy.loader import load, merge
from repoconf.policy.model import ConfigSource, EnvSource, ProtectionEngine


def test_repository_inheriting_everything(data: Path) -> None:
    widgets = load(data / "merge.yaml").policy.repositories["widgets"]
    assert list(widgets.environments) == ["staging", "qa"]
    assert widgets.environments["qa"].wait_timer == 5
    assert widgets.secrets == {"PYPI_TOKEN": ConfigSource(config="pypiToken")}
    assert widgets.release_tags is not None
    assert widgets.release_tags.except_ == ("v*-rc*",)


def test_mappings_merge_lists_replace_null_removes(data: Path) -> None:
    gadgets = load(data / "merge.yaml").policy.repositories["gadgets"]
    qa = gadgets.environments["qa"]
    assert qa.wait_timer == 10
    assert qa.reviewers is not None
    assert qa.reviewers.teams == ("qa",)
    assert qa.deployment_refs is not None
    # branches inherited (mapping merge), tags replaced (list replaces)
    assert qa.deployment_refs.branches == ("main",)
    assert qa.deployment_refs.tags == ("release-*",)
    assert "staging" not in gadgets.environments
    assert "sandbox" in gadgets.environments
    assert gadgets.branches["main"].required_status_checks == ("Unit Tests",)
    assert gadgets.release_tags is None
    assert gadgets.protection_engine is ProtectionEngine.CLASSIC
    assert gadgets.variables == {"REGION": "eu"}


def test_secret_source_replaces_whole(data: Path) -> None:
    gadgets = load(data / "merge.yaml").policy.repositories["gadgets"]
    assert gadgets.secrets["PYPI_TOKEN"] == EnvSource(env="PYPI_TOKEN")


def test_merge_records_where_each_value_was_written() -> None:
    origins: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}
    merged = merge(
        {"a": {"x": 1, "y": [1, 2]}, "b": 2},
        ("defaults",),
        {"a": {"x": 3}, "b": None},
        ("repositories", "r"),
        (),
        origins,
    )
    assert merged == {"a": {"x": 3, "y": [1, 2]}}
    assert origins[("a", "x")] == ("repositories", "r", "a", "x")
    assert origins[("a", "y", 1)] == ("defaults", "a", "y", 1)


def test_locations_of_merged_values(data: Path) -> None:
    loaded = load(data / "merge.yaml")
    assert loaded.location("gadgets", ("environments", "qa", "wait_timer")).line == 24
    assert loaded.location("widgets", ("environments", "qa", "wait_timer")).line == 8
