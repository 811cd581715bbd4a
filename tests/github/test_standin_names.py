"""Names as GitHub spells and encodes them, in the stand-in and through repoconf's client.

- An environment's name is one path segment, URL-encoded (GitHub's REST docs, ``environment_name``: "The
  name of the environment. The name must be URL encoded. For example, any slashes in the name must be
  replaced with %2F."): the stand-in routes on the encoded path and decodes each segment it matched, and
  a listing's ``Link`` keeps the encoding.
- A team's slug is GitHub's, derived from its name, lower-case (GitHub's examples: the team "Justice
  League" has slug ``justice-league``); slugs are looked up case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from repoconf.audit.run import audit
from repoconf.describe.policy import import_repository
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import load_text
from standin.apply import apply_policy, grant_reviewers
from standin.github import FakeEnvironment, FakeGitHub, FakeRepository, team, team_slug
from standin.writes import provider_reference, public_key
from tests.github.test_standin import example

WRITE = "ghp_standin_names_writer_00000000001"
READ = "ghp_standin_names_reader_00000000002"
NAMES = ["a/b", "prod eu", "café", "50%", "a#b?c"]
"""Environment names GitHub accepts that a path must encode: a slash, a space, a non-ASCII letter, and
the characters that start an escape, a fragment and a query."""


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    fake = FakeGitHub("acme", token=WRITE, read_token=READ, page_size=2)
    fake.repositories["names"] = FakeRepository()
    fake.start()
    yield fake
    fake.stop()


def _call(fake: FakeGitHub, method: str, path: str, body: object = None) -> httpx.Response:
    url = path if "://" in path else fake.base + path
    return httpx.request(method, url, json=body, headers={"Authorization": f"Bearer {WRITE}"})


def test_an_environment_name_is_one_encoded_segment(server: FakeGitHub) -> None:
    for name in NAMES:
        path = f"/repos/acme/names/environments/{quote(name, safe='')}"
        created = _call(server, "PUT", path, {"wait_timer": 5})
        assert (created.status_code, created.json()["name"]) == (200, name)
        assert _call(server, "GET", path).json()["name"] == name
        key = _call(server, "GET", f"{path}/secrets/public-key")
        assert key.json() == public_key("names", name)  # the environment's own key
        assert _call(server, "POST", f"{path}/variables", {"name": "A", "value": "1"}).status_code == 201
    assert sorted(server.repositories["names"].environments) == sorted(NAMES)
    assert all(env.variables == {"A": "1"} for env in server.repositories["names"].environments.values())
    # Decoded before routing, `a/b` would be two segments; GitHub has no such route.
    assert _call(server, "PUT", "/repos/acme/names/environments/a/b", {}).status_code == 404
    assert _call(server, "GET", "/repos/acme/names/environments/a/b/secrets").status_code == 404


def test_a_listings_next_page_keeps_the_encoded_name(server: FakeGitHub) -> None:
    server.repositories["names"].environments["a/b"] = FakeEnvironment(
        variables={"A": "1", "B": "2", "C": "3"}
    )
    first = _call(server, "GET", "/repos/acme/names/environments/a%2Fb/variables")
    assert [v["name"] for v in first.json()["variables"]] == ["A", "B"]
    following = first.links["next"]["url"]
    assert "/environments/a%2Fb/variables?" in following
    second = _call(server, "GET", following)
    assert [v["name"] for v in second.json()["variables"]] == ["C"]


def test_a_listings_next_page_keeps_an_encoded_parameter(server: FakeGitHub) -> None:
    for index in range(3):
        server.add_deployment("names", "main", "prod & eu", ["success"])
        server.add_deployment("names", f"v{index}", "prod", ["success"])
    first = _call(server, "GET", "/repos/acme/names/deployments?environment=prod%20%26%20eu")
    second = _call(server, "GET", first.links["next"]["url"])
    assert [d["environment"] for d in first.json() + second.json()] == ["prod & eu"] * 3


ENVIRONMENT = """\
      "{name}":
        reviewers: {{teams: [ops], users: [octocat]}}
        wait_timer: 5
        deployment_refs: {{branches: [main], tags: ["v*"]}}
        variables: {{A: "1", B: "2", C: "{name}"}}
        secrets: {{S: {{config: s}}, T: {{external: true}}, U: {{env: U}}}}
"""
POLICY = "version: 1\nowner: acme\nrepositories:\n  names:\n    environments:\n" + "".join(
    ENVIRONMENT.format(name=name) for name in NAMES
)
"""Each environment with reviewers, refs and three variables and secrets: two pages of each with the
stand-in's page size of 2."""


@pytest.mark.parametrize("token", [WRITE, READ], ids=["writer", "reader"])
def test_encoded_environment_names_apply_audit_and_import(token: str) -> None:
    fake = FakeGitHub("acme", token=WRITE, read_token=READ, page_size=2)
    fake.start()
    try:
        apply_policy(fake, POLICY)
        loaded = load_text(POLICY, "policy.yaml")
        grant_reviewers(fake.repositories["names"], loaded.policy.repositories["names"])
        assert sorted(fake.repositories["names"].environments) == sorted(NAMES)
        with GitHub(fake.base, token, timeout=5.0, retry=RetryPolicy(attempts=1, backoff=0.0)) as client:
            report = audit(client, loaded.policy, workers=1)
            imported = load_text(import_repository(client, "acme", "names"), "imported.yaml")
    finally:
        fake.stop()
    [result] = report.repositories
    assert (result.findings, result.unverified, result.error) == ([], [], None)
    environments = imported.policy.repositories["names"].environments
    assert sorted(environments) == sorted(NAMES)
    assert all(env.variables["C"] == name for name, env in environments.items())


def test_a_team_slug_is_githubs() -> None:
    examples = [example("GET_orgs_ORG_teams")[0], provider_reference("GET_orgs_ORG_teams_TEAM_SLUG")]
    assert [team_slug(found["name"]) for found in examples] == [found["slug"] for found in examples]
    assert team_slug("Release-Managers") == "release-managers"
    assert team_slug("  QA & Release / Ops ") == "qa-release-ops"


CASED = """\
version: 1
owner: acme
repositories:
  caps:
    environments:
      qa: {reviewers: {teams: [QA]}}
    access:
      teams: {Ops: push}
    release_tags:
      pattern: "v*"
      created_by: {teams: [Release-Managers]}
"""


def test_a_policys_teams_get_githubs_lower_case_slugs() -> None:
    loaded = load_text(CASED, "policy.yaml")
    applied, deployed = FakeGitHub("acme", token=WRITE), FakeGitHub("acme", token=WRITE)
    applied.start()
    try:
        apply_policy(applied, CASED)
        deployed.deploy("caps", loaded.policy.repositories["caps"])
        slugs = {"qa", "ops", "release-managers"}
        for fake in (applied, deployed):
            repository = fake.repositories["caps"]
            assert fake.teams == slugs
            assert repository.environments["qa"].teams == ["qa"]
            assert repository.teams["ops"] == "push"
            [creation] = [r for r in repository.rulesets if r["bypass_actors"]]
            assert creation["bypass_actors"][0]["actor_id"] == team("acme", "release-managers")["id"]
        # GitHub looks slugs up case-insensitively and answers its own.
        found = _call(applied, "GET", "/orgs/acme/teams/Release-Managers")
        assert (found.status_code, found.json()["slug"]) == (200, "release-managers")
        listed = _call(applied, "GET", "/repos/acme/caps/environments").json()["environments"]
        reviewers = listed[0]["protection_rules"][0]["reviewers"]
        assert [r["reviewer"]["slug"] for r in reviewers] == ["qa"]
    finally:
        applied.stop()


def test_a_repository_is_found_whatever_the_case_of_its_name(server: FakeGitHub) -> None:
    """GitHub finds ``ACME/NAMES`` as ``acme/names`` and answers with the names as created (its REST
    paths take ``owner`` and ``repo`` "The name of the repository without the .git extension. The name is
    not case sensitive."), on every route the stand-in serves."""
    assert _call(server, "GET", "/repos/ACME/NAMES").json()["name"] == "names"
    assert _call(server, "GET", "/repos/Acme/Names/environments").status_code == 200
    assert _call(server, "GET", "/repos/acme/NAMES/teams").status_code == 200
    assert _call(server, "GET", "/repos/acme/NAMES/properties/values").status_code == 200
    assert _call(server, "PUT", "/repos/acme/NAMES/environments/qa", {"wait_timer": 1}).status_code == 200
    assert "qa" in server.repositories["names"].environments
    assert _call(server, "GET", "/repos/acme/other").status_code == 404
    # the organization too: its teams, its repositories, the organization itself
    assert _call(server, "GET", "/orgs/ACME").json()["login"] == "acme"
    assert _call(server, "GET", "/orgs/Acme/teams").status_code == 200
    assert _call(server, "GET", "/orgs/ACME/repos").status_code == 200
    assert _call(server, "GET", "/orgs/other/teams").status_code == 404


def test_import_writes_the_name_the_repository_was_created_with(server: FakeGitHub) -> None:
    with GitHub(server.base, WRITE, timeout=2.0, retry=RetryPolicy(attempts=2, backoff=0.01)) as github:
        text = import_repository(github, "acme", "NAMES")
    assert list(load_text(text, "imported.yaml").policy.repositories) == ["names"]
