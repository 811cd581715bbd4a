"""Selectors: which repositories each selects, what each selected repository gets (defaults, each selector
in file order, its own entry), where every merged value was written, and the errors when two selectors
disagree on one repository."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repoconf.policy.diagnostics import PolicyError
from repoconf.policy.loader import load, load_text, merge
from repoconf.policy.model import RepositoryMatch
from repoconf.policy.selection import (
    Candidate,
    ListError,
    layered,
    matches,
    parse_candidates,
    possible_conflicts,
    previewed,
    read_candidates,
    resolve,
)
from tests.conftest import TEMPLATE

OWNERS = [
    Candidate("widgets"),
    Candidate("gadgets", frozenset({"python"}), {"tier": ("gold",)}),
    Candidate("sprockets", frozenset({"Python", "cli"})),
    Candidate("cogs", properties={"tier": ("silver", "platinum")}),
    Candidate("sandbox-gold", properties={"tier": ("gold",)}),
    Candidate("legacy-app", archived=True),
    Candidate("old"),
    Candidate("py-fork", frozenset({"python"}), fork=True),
    Candidate("py-archived", frozenset({"python"}), archived=True),
]


def rule(**fields: Any) -> RepositoryMatch:
    return RepositoryMatch.model_validate(fields)


@pytest.mark.parametrize(
    ("fields", "selected"),
    [
        ({"topics": ["python"]}, {"gadgets", "sprockets"}),  # topics compared as GitHub stores them
        ({"topics": ["cli", "docs"]}, {"sprockets"}),  # any of the topics
        ({"properties": {"tier": "gold"}}, {"gadgets", "sandbox-gold"}),
        ({"properties": {"tier": ["platinum"]}}, {"cogs"}),  # one value of a multi-select is enough
        ({"properties": {"tier": "gold"}, "topics": ["python"]}, {"gadgets"}),  # every criterion holds
        ({"names": ["*"], "exclude": ["sandbox-*", "COGS"]}, {"widgets", "gadgets", "sprockets", "old"}),
        ({"names": ["LEGACY-*", "old"]}, {"old"}),  # case-insensitive; archived left out
        ({"names": ["legacy-*"], "archived": True}, {"legacy-app"}),
        ({"topics": ["python"], "forks": True}, {"gadgets", "sprockets", "py-fork"}),
        ({"topics": ["python"], "archived": True}, {"gadgets", "sprockets", "py-archived"}),
    ],
)
def test_what_a_rule_selects(fields: dict[str, Any], selected: set[str]) -> None:
    assert {c.name for c in OWNERS if matches(rule(**fields), c)} == selected


def test_a_rule_needs_a_criterion() -> None:
    with pytest.raises(ValueError, match="give at least one of `topics`, `properties` or `names`"):
        rule(archived=True)


def test_merge_order_defaults_selectors_in_file_order_then_the_entry(data: Path) -> None:
    loaded = load(data / "selectors.yaml")
    assert list(loaded.policy.repositories) == ["gadgets", "widgets"]  # explicit only, until resolved
    resolved = resolve(loaded, OWNERS)
    repositories = resolved.policy.repositories
    # the explicit entries first, in file order, then the selected ones by name
    assert list(repositories) == ["gadgets", "widgets", "cogs", "legacy-app", "old", "sprockets"]
    assert resolved.selection is not None
    assert resolved.selection.selected == {
        "gadgets": ("python", "gold"),
        "sprockets": ("python",),
        "cogs": ("gold",),
        "legacy-app": ("legacy",),
        "old": ("legacy",),
    }
    gadgets = repositories["gadgets"]
    assert gadgets.environments["qa"].wait_timer == 5  # python over defaults
    assert gadgets.environments["qa"].reviewers is not None  # mappings merge: defaults' reviewers kept
    assert set(gadgets.environments) == {"qa", "pypi"}
    assert gadgets.variables == {"TIER": "gold", "OWN": "yes"}  # gold, then the entry
    assert repositories["widgets"] == loaded.policy.repositories["widgets"]  # no selector: unchanged
    assert repositories["cogs"].variables == {"TIER": "gold"}
    assert repositories["legacy-app"].environments["qa"].wait_timer == 15


def test_every_merged_value_is_located_where_it_was_written(data: Path) -> None:
    resolved = resolve(load(data / "selectors.yaml"), OWNERS)
    text = (data / "selectors.yaml").read_text().splitlines()

    def line(path: tuple[str | int, ...], repository: str) -> str:
        return text[resolved.location(repository, path).line - 1].strip()

    assert line(("environments", "qa", "wait_timer"), "gadgets") == "qa: {wait_timer: 5}"
    assert line(("environments", "qa", "reviewers"), "gadgets") == "reviewers: {teams: [qa]}"
    assert line(("variables", "TIER"), "gadgets") == "variables: {TIER: gold}"
    assert line(("variables", "OWN"), "gadgets") == 'variables: {OWN: "yes"}'
    assert line(("environments", "qa", "wait_timer"), "legacy-app") == "qa: {wait_timer: 15}"
    assert resolved.origin("gadgets", ("variables", "OWN")) == ("repositories", "gadgets", "variables", "OWN")


def test_a_policy_without_selectors_is_left_as_it_is() -> None:
    loaded = load(TEMPLATE)
    assert loaded.selection is None
    assert resolve(loaded, OWNERS) is loaded
    assert previewed(loaded) is loaded
    assert possible_conflicts(loaded) == []


SELECTED_ONLY = """\
version: 1
owner: acme
defaults:
  environments:
    qa: {wait_timer: 0}
selectors:
  python:
    match: {topics: [python]}
    settings:
      environments:
        qa: {wait_timer: 5}
  gold:
    match: {properties: {tier: gold}}
    settings:
      environments:
        qa: {wait_timer: 10}
"""


def test_two_selectors_that_disagree_are_an_error_per_repository_at_the_later_one() -> None:
    loaded = load_text(SELECTED_ONLY, "p.yaml")
    assert loaded.policy.repositories == {}
    owners = [
        Candidate("a", frozenset({"python"}), {"tier": ("gold",)}),
        Candidate("b", frozenset({"python"}), {"tier": ("gold",)}),
        Candidate("c", frozenset({"python"})),
    ]
    with pytest.raises(PolicyError) as caught:
        resolve(loaded, owners)
    assert caught.value.lines() == [
        f"p.yaml:16:26: error: selectors.gold.settings.environments.qa.wait_timer: repository {name!r} is "
        "selected by 'python' too, which sets this differently (line 11): selectors that select one "
        "repository must agree; make them agree, narrow one `match`, or set the value in the repository's "
        "own entry"
        for name in ("a", "b")
    ]


def test_the_repositorys_own_entry_settles_what_its_selectors_disagree_on() -> None:
    text = SELECTED_ONLY + "repositories:\n  a:\n    environments:\n      qa: {wait_timer: 7}\n"
    resolved = resolve(
        load_text(text, "p.yaml"), [Candidate("a", frozenset({"python"}), {"tier": ("gold",)})]
    )
    assert resolved.policy.repositories["a"].environments["qa"].wait_timer == 7


def test_without_a_list_the_possible_disagreement_is_a_warning() -> None:
    [warning] = possible_conflicts(load_text(SELECTED_ONLY, "p.yaml"))
    assert warning.format() == (
        "p.yaml:16:26: warning: selectors.gold.settings.environments.qa.wait_timer: selector 'python' sets "
        "this differently (line 11): a repository both select would be an error (`--repositories-from FILE` "
        "checks the owner's repositories); make them agree, or make sure no repository matches both"
    )
    disjoint = SELECTED_ONLY.replace("{topics: [python]}", "{names: [a, b]}").replace(
        "{properties: {tier: gold}}", "{names: [c]}"
    )
    assert possible_conflicts(load_text(disjoint, "p.yaml")) == []


def test_previews_stand_for_what_a_repository_only_one_selector_selects_gets() -> None:
    preview = previewed(load_text(SELECTED_ONLY, "p.yaml"))
    assert {name: s.environments["qa"].wait_timer for name, s in preview.policy.repositories.items()} == {
        "selector:python": 5,
        "selector:gold": 10,
    }


def test_a_selector_must_be_valid_on_its_own_and_with_the_others() -> None:
    alone = SELECTED_ONLY.replace("qa: {wait_timer: 10}", "qa: {wait_timer: 99999}")
    with pytest.raises(PolicyError) as caught:
        load_text(alone, "p.yaml")
    assert caught.value.lines() == [
        "p.yaml:16:26: error: selectors.gold.settings.environments.qa.wait_timer: expected less than or "
        "equal to 43200"
    ]
    # each valid alone, not together: classic protection cannot pin a check's app
    together = """\
version: 1
owner: acme
selectors:
  classic:
    match: {topics: [legacy]}
    settings: {protection_engine: classic}
  pinned:
    match: {topics: [python]}
    settings:
      branches:
        main:
          required_status_checks: [{context: Tests, app_id: 15368}]
"""
    loaded = load_text(together, "p.yaml")
    with pytest.raises(PolicyError) as caught:
        resolve(loaded, [Candidate("x", frozenset({"legacy", "python"}))])
    [line] = caught.value.lines()
    assert line.startswith(
        "p.yaml:12:36: error: selectors.pinned.settings.branches.main.required_status_checks[0]:"
    )
    assert "classic branch protection cannot" in line


def test_selectors_alone_choose_the_repositories_and_neither_is_an_error() -> None:
    assert load_text(SELECTED_ONLY, "p.yaml").policy.repositories == {}
    with pytest.raises(PolicyError, match="required field 'repositories' is missing"):
        load_text("version: 1\nowner: acme\n", "p.yaml")


def test_selector_errors_are_located() -> None:
    bad = SELECTED_ONLY.replace("match: {topics: [python]}", "match: {topics: [Python], color: red}")
    with pytest.raises(PolicyError) as caught:
        load_text(bad, "p.yaml")
    assert [line.split(": error: ", 1)[1].split(":", 1)[0] for line in caught.value.lines()] == [
        "selectors.python.match.topics[0]",
        "selectors.python.match.color",
    ]


# -- the list of repositories ------------------------------------------------------------------------------


def test_a_list_holds_names_and_json_objects() -> None:
    text = (
        "# acme's repositories\n\nwidgets\n"
        '{"name": "gadgets", "topics": ["python"], "properties": {"tier": "gold", "team": ["a", "b"], '
        '"none": null}, "archived": false, "fork": true, "html_url": "ignored"}\n'
    )
    assert parse_candidates(text, "r.txt") == [
        Candidate("widgets"),
        Candidate("gadgets", frozenset({"python"}), {"tier": ("gold",), "team": ("a", "b")}, False, True),
    ]


def test_a_listed_repository_round_trips_through_its_line() -> None:
    import json

    candidate = Candidate("gadgets", frozenset({"python"}), {"tier": ("gold",), "team": ("a", "b")}, True)
    assert parse_candidates(json.dumps(candidate.as_json()), "r.txt") == [candidate]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "widgets\nnot a name\n",
            "r.txt:2:1: error: name: 'not a name' is not a repository name: a repository name has 1–100 "
            "letters, digits, `.`, `-` or `_`",
        ),
        (
            '{"name": "x",}\n',
            "r.txt:1:14: error: not JSON (Expecting property name enclosed in double quotes): write one "
            "repository name or one JSON object per line",
        ),
        (
            '{"topics": []}\n',
            "r.txt:1:1: error: name: Field required (a name, topics, properties, archived, fork)",
        ),
        ('{"name": "x", "archived": "no"}\n', "r.txt:1:1: error: archived: Input should be a valid boolean"),
        (
            "widgets\nWidgets\n",
            "r.txt:2:1: error: name: repository 'Widgets' is listed twice (first at line 1; GitHub "
            "compares names case-insensitively)",
        ),
    ],
)
def test_a_bad_list_is_a_located_error(text: str, line: str) -> None:
    with pytest.raises(ListError) as caught:
        parse_candidates(text, "r.txt")
    assert caught.value.lines() == [line]


def test_a_list_is_read_bounded(tmp_path: Path) -> None:
    binary = tmp_path / "repos.bin"
    binary.write_bytes(b"widgets\n\xff\n")
    with pytest.raises(ListError) as caught:
        read_candidates(binary)
    assert caught.value.lines() == [f"{binary}:2:1: error: not UTF-8 text: byte 0xff at line 2, column 1"]
    with pytest.raises(ListError) as caught:
        read_candidates(Path("/dev/zero"))  # never read whole
    assert caught.value.lines() == [
        "/dev/zero:1:1: error: larger than 64 MiB: a list of 100,000 repositories takes about 20 MiB"
    ]


# -- the merge of layers is the loader's ----------------------------------------------------------------

LEAF = st.one_of(st.integers(0, 3), st.none(), st.lists(st.integers(0, 3), max_size=2))
TREE = st.recursive(
    LEAF, lambda inner: st.dictionaries(st.sampled_from("abc"), inner, max_size=3), max_leaves=8
)
LAYER = st.dictionaries(st.sampled_from("abc"), TREE, max_size=3)


@given(LAYER, LAYER)
def test_two_layers_merge_as_the_loader_merges_an_entry(base: dict[str, Any], entry: dict[str, Any]) -> None:
    merged, origins = layered([(base, ("defaults",)), (entry, ("repositories", "r"))])
    assert merged == merge(base, ("defaults",), entry, ("repositories", "r"), (), {})
    _each_value_from_its_writer(merged, origins, {("defaults",): base, ("repositories", "r"): entry})


@given(LAYER, LAYER, LAYER)
def test_each_merged_value_comes_from_the_last_layer_that_wrote_it(
    base: dict[str, Any], middle: dict[str, Any], top: dict[str, Any]
) -> None:
    layers = {("defaults",): base, ("selectors", "s", "settings"): middle, ("repositories", "r"): top}
    merged, origins = layered([(value, at) for at, value in layers.items()])
    _each_value_from_its_writer(merged, origins, layers)


def _each_value_from_its_writer(merged: Any, origins: dict[Any, Any], layers: dict[Any, Any]) -> None:
    def walk(value: Any, path: tuple[Any, ...]) -> None:
        origin = origins[path]
        prefix = next(at for at in layers if origin[: len(at)] == at)
        written: Any = layers[prefix]
        for element in origin[len(prefix) :]:
            written = written[element]
        if not isinstance(value, dict):
            assert written == value, (path, origin)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))

    walk(merged, ())
