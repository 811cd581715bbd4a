"""Merge semantics: defaults deep-merged with each repository's entry."""

from __future__ import annotations

from pathlib import Path

from repoconf.policy.loader import REMOVED, load, load_text, merge
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


def test_merge_records_where_the_source_changes() -> None:
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
    # one entry per merge point (both sides had it), kept key and removed key; ("a", "y", 1) follows
    # from its nearest ancestor
    assert origins == {
        (): ("repositories", "r"),
        ("a",): ("repositories", "r", "a"),
        ("a", "x"): ("repositories", "r", "a", "x"),
        ("a", "y"): ("defaults", "a", "y"),
        ("b",): REMOVED,
    }


def test_every_merged_value_is_traced_to_where_it_was_written() -> None:
    text = (
        "version: 1\nowner: acme\ndefaults:\n  environments:\n    qa:\n      wait_timer: 1\n"
        "      deployment_refs: {branches: [main, dev]}\n  variables: {A: '1'}\n"
        "repositories:\n  r:\n    environments:\n      qa: {wait_timer: 3}\n    variables: null\n"
    )
    loaded = load_text(text, "p.yaml")
    qa = ("environments", "qa")
    assert loaded.origin("r", (*qa, "wait_timer")) == ("repositories", "r", *qa, "wait_timer")
    assert loaded.location("r", (*qa, "wait_timer")).line == 12
    branch = (*qa, "deployment_refs", "branches", 1)
    assert loaded.origin("r", branch) == ("defaults", *branch)
    assert (loaded.location("r", branch).line, loaded.location("r", branch).column) == (7, 42)
    # a value never written: its nearest written ancestor; a value a null removed: the entry holding it
    assert loaded.origin("r", (*qa, "reviewers", "teams")) == ("repositories", "r", *qa)
    assert loaded.origin("r", ("variables", "A")) == ("repositories", "r")


def test_locations_of_merged_values(data: Path) -> None:
    loaded = load(data / "merge.yaml")
    assert loaded.location("gadgets", ("environments", "qa", "wait_timer")).line == 24
    assert loaded.location("widgets", ("environments", "qa", "wait_timer")).line == 8
