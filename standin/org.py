"""The organization's listings the selectors read, in the shapes of GitHub's reference examples.

- ``GET /orgs/{org}/repos`` ("List organization repositories", minimal-repository items): every
  repository with its ``topics``, ``archived`` and ``fork``; ``type`` filters as GitHub documents (``all``,
  the default, ``public``, ``private``, ``forks``, ``sources``; ``member`` lists them all here);
- ``GET /orgs/{org}/properties/values`` ("List custom property values for organization repositories"):
  every repository, with ``properties`` as ``{property_name, value}`` items (``[]`` when none is set);
- ``GET /repos/{owner}/{repo}/properties/values`` ("Get all custom property values for a repository").

Both listings page as the others do (standin/github.py: 100 a page at most, ``Link`` headers), building
only the page asked for (an organization of 5,000 repositories is read in 50 pages). An unknown
organization is a 404, as GitHub answers for one the token cannot see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, overload

from standin.github import API_DOCS, FakeRepository, _id, _reference_text, decoded, user

if TYPE_CHECKING:
    from standin.github import FakeGitHub

TYPES: dict[str, Callable[[FakeRepository], bool]] = {
    "all": lambda repository: True,
    "member": lambda repository: True,
    "public": lambda repository: not repository.private,
    "private": lambda repository: repository.private,
    "forks": lambda repository: repository.fork,
    "sources": lambda repository: not repository.fork,
}
"""``type`` of "List organization repositories" (default ``all``)."""


class Listing(Sequence[dict[str, Any]]):
    """A listing's items, each built when its page is sent."""

    def __init__(self, keys: list[str], item: Callable[[str], dict[str, Any]]) -> None:
        self._keys = keys
        self._item = item

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._item(key) for key in self._keys[index]]
        return self._item(self._keys[index])


def _not_found() -> tuple[int, Any]:
    return 404, {"message": "Not Found", "documentation_url": API_DOCS, "status": "404"}


def minimal_repository(fake: FakeGitHub, name: str, repository: FakeRepository) -> dict[str, Any]:
    """GitHub's minimal-repository example, renamed to this repository, with its state."""
    text = _reference_text("GET_orgs_ORG_repos").replace("octocat/Hello-World", f"{fake.owner}/{name}")
    found: dict[str, Any] = json.loads(text)[0]
    rid = _id("repo:" + name)
    found.update(
        id=rid,
        node_id=f"R_kgDO{rid}",
        name=name,
        full_name=f"{fake.owner}/{name}",
        owner=user(fake.owner),
        private=repository.private,
        visibility="private" if repository.private else "public",
        fork=repository.fork,
        archived=repository.archived,
        topics=list(repository.topics),
        default_branch=repository.default_branch,
    )
    return found


def _properties(repository: FakeRepository) -> list[dict[str, Any]]:
    return [{"property_name": key, "value": value} for key, value in sorted(repository.properties.items())]


def route(fake: FakeGitHub, method: str, path: str, query: dict[str, list[str]], raw: bytes) -> Any:
    """The answer to a request this module serves, or None."""
    del raw  # reads only
    if method != "GET":
        return None
    found = re.fullmatch(r"/orgs/([^/]+)/(repos|properties/values)", path)
    if found is not None:
        owner, listing = decoded(found)
        if owner.casefold() != fake.owner.casefold():
            return _not_found()
        if listing == "repos":
            kind = query.get("type", ["all"])[0]
            if kind not in TYPES:
                return 422, {"message": "Validation Failed", "documentation_url": API_DOCS, "status": "422"}
            listed = [name for name, repository in fake.repositories.items() if TYPES[kind](repository)]
            return 200, (
                None,
                Listing(listed, lambda name: minimal_repository(fake, name, fake.repositories[name])),
            )
        return 200, (
            None,
            Listing(
                list(fake.repositories),
                lambda name: {
                    "repository_id": _id("repo:" + name),
                    "repository_name": name,
                    "repository_full_name": f"{fake.owner}/{name}",
                    "properties": _properties(fake.repositories[name]),
                },
            ),
        )
    found = re.fullmatch(r"/repos/([^/]+)/([^/]+)/properties/values", path)
    if found is not None:
        known = fake.named(*decoded(found))
        if known is None:
            return _not_found()
        return 200, _properties(fake.repositories[known])
    return None
