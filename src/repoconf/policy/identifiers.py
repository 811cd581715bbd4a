"""Names exactly as GitHub accepts them: one validator per kind of name, each saying what is wrong.

Each ``*_problem`` function returns None for a name GitHub accepts, else a message in policy words (never
repeating a value that looks like a credential). The Annotated types below attach them to the policy
model, with the JSON Schema pattern editors use. Every check is anchored (``fullmatch``): ``re.match``
with ``$`` would accept a trailing newline.

Sources: GitHub's documentation for usernames and organization names ("may only contain alphanumeric
characters or single hyphens, and cannot begin or end with a hyphen", at most 39 characters), repository
names (letters, digits, ``.``, ``-``, ``_``; at most 100; never ``.`` or ``..``), environment names (at
most 255 characters, case-insensitive), Actions secret and variable names ("Names can only contain
alphanumeric characters or underscores", "must not start with the ``GITHUB_`` prefix", "must not start
with a number", case-insensitive).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field

from repoconf.policy.fnmatch import pattern_problem

LOGIN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
LOGIN_SCHEMA = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"
REPOSITORY = re.compile(r"[A-Za-z0-9._-]{1,100}")
REPOSITORY_SCHEMA = r"^[A-Za-z0-9._-]{1,100}$"
TEAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
TEAM_SCHEMA = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
ACTIONS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ACTIONS_NAME_SCHEMA = r"^[A-Za-z_][A-Za-z0-9_]*$"
MAX_LOGIN = 39
TOPIC = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
TOPIC_SCHEMA = r"^[a-z0-9][a-z0-9-]{0,49}$"
PROPERTY_NAME = re.compile(r"[A-Za-z0-9_$#-]{1,75}")
PROPERTY_NAME_SCHEMA = r"^[A-Za-z0-9_$#-]{1,75}$"
MAX_PROPERTY_VALUE = 75
REPOSITORY_PATTERN = re.compile(r"[A-Za-z0-9._*?!\[\]-]{1,100}")
REPOSITORY_PATTERN_SCHEMA = r"^[A-Za-z0-9._*?!\[\]-]{1,100}$"
SELECTOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
SELECTOR_SCHEMA = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
MAX_ENVIRONMENT_NAME = 255
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

TOKEN_SHAPES = re.compile(
    r"pypi-[A-Za-z0-9_-]{16,}"  # PyPI and Test PyPI API tokens
    r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"  # GitHub tokens
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # Codecov (a UUID)
)


def looks_like_token(text: str) -> bool:
    """Whether ``text`` has the shape of a PyPI, GitHub or Codecov credential."""
    return TOKEN_SHAPES.search(text) is not None


def login_problem(text: str) -> str | None:
    """A GitHub user or organization login."""
    if len(text) > MAX_LOGIN or LOGIN.fullmatch(text) is None:
        return (
            "a GitHub login has 1–39 letters, digits or single hyphens, and neither starts nor ends with a "
            "hyphen"
        )
    return None


def repository_problem(text: str) -> str | None:
    """A repository name."""
    if REPOSITORY.fullmatch(text) is None:
        return "a repository name has 1–100 letters, digits, `.`, `-` or `_`"
    if text in (".", ".."):
        return f"{text!r} is not a repository name GitHub accepts"
    return None


def environment_problem(text: str) -> str | None:
    """An environment name."""
    if not text.strip() or len(text) > MAX_ENVIRONMENT_NAME:
        return f"an environment name has 1–{MAX_ENVIRONMENT_NAME} characters, not only spaces"
    if CONTROL.search(text):
        return "an environment name cannot contain control characters (newlines, escape sequences)"
    return None


def actions_name_problem(text: str) -> str | None:
    """An Actions secret or variable name."""
    if looks_like_token(text):
        return "this looks like a credential, not a name (not shown): never put a value in the policy"
    if ACTIONS_NAME.fullmatch(text) is None:
        return "use letters, digits and underscores, not starting with a digit"
    if text.upper().startswith("GITHUB_"):
        return "names must not start with GITHUB_"
    return None


def team_problem(text: str) -> str | None:
    """A team slug."""
    if TEAM.fullmatch(text) is None:
        return "a team slug has 1–100 letters, digits, `.`, `-` or `_`, starting with a letter or digit"
    return None


def _validator(problem: Callable[[str], str | None]) -> AfterValidator:
    def check(text: str) -> str:
        found = problem(text)
        if found is not None:
            raise ValueError(found)
        return text

    return AfterValidator(check)


Login = Annotated[str, _validator(login_problem), Field(json_schema_extra={"pattern": LOGIN_SCHEMA})]
RepositoryName = Annotated[
    str, _validator(repository_problem), Field(json_schema_extra={"pattern": REPOSITORY_SCHEMA})
]
EnvironmentName = Annotated[str, _validator(environment_problem)]
ActionsName = Annotated[
    str, _validator(actions_name_problem), Field(json_schema_extra={"pattern": ACTIONS_NAME_SCHEMA})
]
TeamSlug = Annotated[str, _validator(team_problem), Field(json_schema_extra={"pattern": TEAM_SCHEMA})]
RefPattern = Annotated[str, _validator(pattern_problem)]


def required_path_problem(text: str) -> str | None:
    """A required file: a path relative to the repository's root, a ``**`` glob, or a directory ending
    in ``/``.
    """
    if not text or text in ("/", "."):
        return "a required path cannot be empty"
    if text.startswith("/") or any(part == ".." for part in text.split("/")):
        return "a required path is relative to the repository's root, without `..`"
    if text.count("[") != text.count("]"):
        return "an unterminated `[` in a glob: close it with `]`"
    return pattern_problem(text.rstrip("/"))


RequiredPath = Annotated[str, _validator(required_path_problem)]
"""A path (``CHANGELOG.md``), a glob (``src/**/__init__.py``) or a directory (``tests/``)."""


def topic_problem(text: str) -> str | None:
    """A repository topic (GitHub: "must start with a lowercase letter or number, consist of 50
    characters or less, and can include hyphens").
    """
    if TOPIC.fullmatch(text) is None:
        return "a topic has 1–50 lowercase letters, digits or hyphens, starting with a letter or digit"
    return None


def property_name_problem(text: str) -> str | None:
    """A custom property's name (GitHub: at most 75 characters, letters, digits, `_`, `-`, `$`, `#`)."""
    if PROPERTY_NAME.fullmatch(text) is None:
        return "a custom property name has 1–75 letters, digits, `_`, `-`, `$` or `#`"
    return None


def property_value_problem(text: str) -> str | None:
    """A custom property's value as a selector asks for it (GitHub: at most 75 characters)."""
    if not text or len(text) > MAX_PROPERTY_VALUE or CONTROL.search(text):
        return f"a custom property value has 1–{MAX_PROPERTY_VALUE} characters and no control characters"
    return None


def repository_pattern_problem(text: str) -> str | None:
    """A repository name pattern: a repository name's characters, `*`, `?` and `[...]` sets."""
    if REPOSITORY_PATTERN.fullmatch(text) is None:
        return (
            "a name pattern has 1–100 of a repository name's characters (letters, digits, `.`, `-`, `_`) "
            "and the wildcards `*`, `?`, `[...]`"
        )
    if text.count("[") != text.count("]"):
        return "an unterminated `[` in a name pattern: close it with `]`"
    return None


def selector_problem(text: str) -> str | None:
    """A selector's name (repoconf's: it names the selector in messages)."""
    if SELECTOR.fullmatch(text) is None:
        return "a selector name has 1–63 letters, digits, `.`, `-` or `_`, starting with a letter or digit"
    return None


Topic = Annotated[str, _validator(topic_problem), Field(json_schema_extra={"pattern": TOPIC_SCHEMA})]
PropertyName = Annotated[
    str, _validator(property_name_problem), Field(json_schema_extra={"pattern": PROPERTY_NAME_SCHEMA})
]
PropertyValue = Annotated[str, _validator(property_value_problem)]
RepositoryPattern = Annotated[
    str,
    _validator(repository_pattern_problem),
    Field(json_schema_extra={"pattern": REPOSITORY_PATTERN_SCHEMA}),
]
SelectorName = Annotated[
    str, _validator(selector_problem), Field(json_schema_extra={"pattern": SELECTOR_SCHEMA})
]
"""A branch or tag pattern (Ruby fnmatch): non-empty, bounded, no control characters."""
