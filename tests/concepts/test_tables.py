"""Every field of every policy model is in a settings table (or is marked as no GitHub setting), and every
row's provider input is an input of the resource the program declares."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator
from typing import Any

import pulumi_github as github
import pulumi_github._inputs as inputs
import pytest
from pydantic import BaseModel

from repoconf.concepts import access, branches, environments, release_tags, repository, secrets_variables
from repoconf.concepts.table import Option, Row
from repoconf.policy import model
from repoconf.policy.model import PolicyDocument

SETTINGS: dict[type[BaseModel], tuple[str, list[Row[Any, Any]], tuple[Option, ...]]] = {
    model.Environment: (
        "repoconf.concepts.environments.TABLE",
        list(environments.TABLE),
        environments.OPTIONS,
    ),
    model.BranchRule: (
        "repoconf.concepts.branches.RULESET_TABLE and CLASSIC_TABLE",
        [*branches.RULESET_TABLE, *branches.CLASSIC_TABLE],
        branches.OPTIONS,
    ),
    model.ReleaseTags: (
        "repoconf.concepts.release_tags.PROTECTION_TABLE or CREATION_TABLE",
        [*release_tags.PROTECTION_TABLE, *release_tags.CREATION_TABLE],
        release_tags.OPTIONS,
    ),
}
"""Each settings model, the table(s) that must list its fields, and its Pulumi options."""

VALUE_FIELDS = {
    **environments.VALUE_FIELDS,
    **branches.VALUE_FIELDS,
    **release_tags.VALUE_FIELDS,
    **access.VALUE_FIELDS,
}


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation mentions (through unions, containers and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def reachable(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model reachable from ``root`` through its fields."""
    seen: list[type[BaseModel]] = []
    pending = [root]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.append(current)
        for info in current.model_fields.values():
            pending.extend(_models(info.annotation))
    return seen


def uncovered(models: list[type[BaseModel]]) -> list[str]:
    """Fields in no table, no option, no value-model row and not marked as no GitHub setting: each with
    the table to edit."""
    problems: list[str] = []
    for cls in models:
        for name, info in cls.model_fields.items():
            spelled = info.alias or name
            if f"{cls.__name__}.{name}" in repository.NOT_SETTINGS:
                continue
            if cls in SETTINGS:
                where, rows, options = SETTINGS[cls]
                listed = {row.field for row in rows} | {option.field for option in options}
                if spelled not in listed:
                    problems.append(f"{cls.__name__}.{name}: add a row for it to {where}")
            elif cls is model.RepositorySettings:
                mapped = set(repository.STRUCTURE) | {option.field for option in repository.OPTIONS}
                if name not in mapped:
                    problems.append(
                        f"RepositorySettings.{name}: map it in repoconf.concepts.repository.STRUCTURE "
                        "(or give it a concept table)"
                    )
            elif cls.__name__ in VALUE_FIELDS:
                if name not in VALUE_FIELDS[cls.__name__]:
                    problems.append(
                        f"{cls.__name__}.{name}: the row that maps {cls.__name__} as a whole ignores it: "
                        "extend that row and its concept's VALUE_FIELDS"
                    )
            else:
                problems.append(
                    f"{cls.__name__}.{name}: {cls.__name__} is in no table: list it in a concept's table, "
                    "VALUE_FIELDS, or repoconf.concepts.repository.NOT_SETTINGS"
                )
    return problems


def test_every_policy_field_is_in_a_table() -> None:
    models: list[type[BaseModel]] = [*reachable(PolicyDocument), model.Policy]
    assert model.Environment in models
    assert model.TagCreators in models
    assert uncovered(models) == []


def test_a_field_added_to_a_model_alone_fails_with_the_table_to_edit() -> None:
    class Widened(model.Environment):
        deployment_freeze: bool = False

    SETTINGS[Widened] = SETTINGS[model.Environment]
    try:
        assert uncovered([Widened]) == [
            "Widened.deployment_freeze: add a row for it to repoconf.concepts.environments.TABLE"
        ]
    finally:
        del SETTINGS[Widened]

    class Reviewers(model.Reviewers):
        apps: tuple[str, ...] = ()

    assert uncovered([Reviewers]) == [
        "Reviewers.apps: the row that maps Reviewers as a whole ignores it: extend that row and its "
        "concept's VALUE_FIELDS"
    ]


def test_both_engines_map_every_branch_rule_setting() -> None:
    for table in (branches.RULESET_TABLE, branches.CLASSIC_TABLE):
        fields = {row.field for row in table if row.field}
        assert fields == set(model.BranchRule.model_fields) - {"protect"}


def test_each_row_key_is_unique_in_its_table() -> None:
    tables = (
        environments.TABLE,
        secrets_variables.TABLE,
        branches.RULESET_TABLE,
        branches.CLASSIC_TABLE,
        release_tags.PROTECTION_TABLE,
        release_tags.CREATION_TABLE,
    )
    for table in tables:
        keys = [row.key for row in table]
        assert len(keys) == len(set(keys)), keys
        for row in table:
            if row.within is not None:
                assert row.within in keys, (row.key, row.within)


def _input_type(annotation: Any) -> Any:
    """The provider's Args class behind a parameter's ``Input[...]`` annotation (forward references
    included), or None for a plain value."""
    if isinstance(annotation, typing.ForwardRef):
        name = annotation.__forward_arg__
        return getattr(inputs, name, None) if name.endswith("Args") else None
    if isinstance(annotation, type) and annotation.__name__.endswith("Args"):
        return annotation
    for argument in typing.get_args(annotation):
        found = _input_type(argument)
        if found is not None:
            return found
    return None


def _check_path(cls: Any, path: list[str]) -> str | None:
    """Why ``path`` is no input of the pulumi-github resource or Args class ``cls`` (None: it is)."""
    head, rest = path[0], path[1:]
    if head.isdigit():
        return _check_path(cls, rest) if rest else None
    parameters = inspect.signature(cls.__init__).parameters
    if head not in parameters:
        known = sorted(name for name in parameters if name not in ("self", "__self__"))
        return f"{cls.__name__} has no input {head!r} (it has {', '.join(known)})"
    if not rest:
        return None
    nested = _input_type(parameters[head].annotation)
    if nested is None:
        return f"{cls.__name__}.{head} has no fields"
    return _check_path(nested, rest)


RESOURCES: list[tuple[str, tuple[Row[Any, Any], ...], Any]] = [
    ("environments.TABLE", environments.TABLE, github.RepositoryEnvironmentArgs),
    ("branches.RULESET_TABLE", branches.RULESET_TABLE, github.RepositoryRulesetArgs),
    ("branches.CLASSIC_TABLE", branches.CLASSIC_TABLE, github.BranchProtectionArgs),
    ("release_tags.PROTECTION_TABLE", release_tags.PROTECTION_TABLE, github.RepositoryRulesetArgs),
    ("release_tags.CREATION_TABLE", release_tags.CREATION_TABLE, github.RepositoryRulesetArgs),
    ("access.TABLE", access.TABLE, github.TeamRepositoryArgs),
]


@pytest.mark.parametrize(("name", "table", "args"), RESOURCES, ids=[name for name, _, _ in RESOURCES])
def test_every_provider_input_exists_in_pulumi_github(name: str, table: Any, args: Any) -> None:
    problems = [
        f"{row.key}: {problem}"
        for row in table
        if row.provider is not None and (problem := _check_path(args, row.provider.split("."))) is not None
    ]
    assert problems == []


def test_the_path_check_can_fail() -> None:
    assert _check_path(github.RepositoryRulesetArgs, ["rules", "pull_request", "required_count"]) == (
        "RepositoryRulesetRulesPullRequestArgs has no input 'required_count' (it has "
        "allowed_merge_methods, dismiss_stale_reviews_on_push, require_code_owner_review, "
        "require_last_push_approval, required_approving_review_count, required_review_thread_resolution, "
        "required_reviewers)"
    )


def test_unions_are_walked() -> None:
    """The walk goes through `X | Y`, Annotated and containers: the secret sources and version sets."""
    assert model.VersionTags in reachable(PolicyDocument)
    assert model.ExternalSource in reachable(PolicyDocument)
