"""The owner's repositories as the selectors look at them, read over GitHub's REST API.

- ``GET /orgs/{org}/repos`` (``type=all``, 100 a page): every repository the token can see, each with its
  ``topics``, ``archived`` and ``fork`` (REST docs, "List organization repositories");
- ``GET /orgs/{org}/properties/values`` (100 a page), only when a selector asks for custom properties:
  every repository with its custom property values, a string, a list (multi-select) or null (REST docs,
  "List custom property values for organization repositories").

So resolving the selectors of 1,000 repositories costs 10 requests (20 with properties), whatever the
policy says. A single repository (``import --into``, ``adopt``) costs ``GET /repos/{owner}/{repo}`` and,
with properties, ``GET /repos/{owner}/{repo}/properties/values``.

What a token cannot see, it cannot select: a fine-grained token limited to some repositories selects among
those only (docs/guide.md, "Selecting repositories").
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from repoconf.concepts.live import LiveModel
from repoconf.github.client import GitHub
from repoconf.github.errors import Forbidden, GitHubError, NotFound, UnusableResponse
from repoconf.github.permissions import needed
from repoconf.github.responses import parse_answer, parse_answers
from repoconf.policy.identifiers import RepositoryName
from repoconf.policy.loader import Selection
from repoconf.policy.selection import Candidate, property_values


class LiveListedRepository(LiveModel):
    """An item of ``GET /orgs/{org}/repos`` (a minimal repository), or ``GET /repos/{owner}/{repo}``. The
    name becomes the program's resource names: it must be a name GitHub gives a repository.
    """

    name: RepositoryName
    topics: tuple[str, ...] = ()
    archived: bool = False
    fork: bool = False


class LivePropertyValue(LiveModel):
    """One custom property of a repository: a string, a list of strings (multi-select), or null."""

    property_name: str
    value: str | list[str] | None = None


class LiveRepositoryProperties(LiveModel):
    """An item of ``GET /orgs/{org}/properties/values``."""

    repository_name: RepositoryName
    properties: tuple[LivePropertyValue, ...] = ()


def needs_properties(selection: Selection) -> bool:
    """Whether a selector looks at custom properties (only then are they read)."""
    return any(rule.properties for rule in selection.matches.values())


def _path(*parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in parts)


def _refused(error: Forbidden | NotFound, owner: str) -> GitHubError:
    """A 403 or 404 of the organization's listings as a cause and what to do."""
    if isinstance(error, NotFound):
        return GitHubError(
            f"{error.method} {error.path}: HTTP 404: {owner} is no organization this token can see; "
            "selectors choose among an organization's repositories: check the owner and the token, or "
            "list the repositories by name under `repositories`"
        )
    permission = needed(error.method, error.path) or "a permission this read needs"
    return GitHubError(
        f"{error.method} {error.path}: HTTP 403 ({error.message or 'Forbidden'}): a fine-grained token "
        f"needs {permission} on {owner}, a classic token the read:org scope"
    )


def _values(properties: Iterable[LivePropertyValue]) -> dict[str, tuple[str, ...]]:
    found = {item.property_name: property_values(item.value) for item in properties}
    return {name: values for name, values in found.items() if values}


def read_inventory(github: GitHub, owner: str, properties: bool) -> list[Candidate]:
    """Every repository of the organization ``owner`` the token can see; with ``properties``, with their
    custom property values. A :class:`GitHubError` (one line) when the listing cannot be read.
    """
    repos = _path("orgs", owner, "repos")
    try:
        listed = parse_answers(
            LiveListedRepository, github.paginate(repos, params={"type": "all"}), f"GET {repos}"
        )
        values: dict[str, dict[str, tuple[str, ...]]] = {}
        if properties:
            path = _path("orgs", owner, "properties", "values")
            for item in parse_answers(LiveRepositoryProperties, github.paginate(path), f"GET {path}"):
                values[item.repository_name.casefold()] = _values(item.properties)
    except (Forbidden, NotFound) as error:
        raise _refused(error, owner) from None
    return [
        Candidate(
            item.name,
            frozenset(item.topics),
            values.get(item.name.casefold(), {}),
            item.archived,
            item.fork,
        )
        for item in listed
    ]


def read_candidate(github: GitHub, owner: str, name: str, properties: bool) -> Candidate | None:
    """One repository as the selectors look at it, or None when it does not exist (or the token cannot
    see it).
    """
    repo = _path("repos", owner, name)
    try:
        item = parse_answer(LiveListedRepository, github.get(repo), f"GET {repo}")
    except NotFound:
        return None
    values: dict[str, tuple[str, ...]] = {}
    if properties:
        path = f"{repo}/properties/values"
        try:
            raw = github.get(path)
        except Forbidden as error:
            raise _refused(error, owner) from None
        if not isinstance(raw, list):
            raise UnusableResponse(f"GET {path}: GitHub's answer is not an array")
        values = _values(parse_answers(LivePropertyValue, raw, f"GET {path}"))
    return Candidate(item.name, frozenset(item.topics), values, item.archived, item.fork)
