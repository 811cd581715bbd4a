"""`repoconf diff` on the policy model: every weakening and strengthening kind, table-driven."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from repoconf.concepts import access, branches, environments, release_tags, secrets_variables
from repoconf.policy.loader import load_text
from repoconf.policy.model import Policy
from repoconf.review.diff import VALUE_CHANGED, Status, diff_policies
from repoconf.review.formats import FORMATS
from repoconf.text import markdown_text

BASE: dict[str, Any] = {
    "version": 1,
    "owner": "acme",
    "repositories": {
        "widgets": {
            "environments": {
                "staging": {},
                "qa": {
                    "reviewers": {"users": ["alice", "bob"], "teams": ["qa"]},
                    "wait_timer": 30,
                    "prevent_self_review": True,
                    "deployment_refs": {"branches": ["main"], "tags": ["v[0-9].[0-9].[0-9]"]},
                    "variables": {"URL": "https://qa.example"},
                    "protect": True,
                },
                "production-deploy": {
                    "reviewers": {"teams": ["devops"]},
                    "deployment_refs": {"tags": ["v[0-9].[0-9].[0-9]"]},
                    "secrets": {"PYPI_TOKEN": {"config": "pypiToken"}},
                },
            },
            "secrets": {"CODECOV_TOKEN": {"env": "CODECOV_TOKEN"}},
            "branches": {
                "main": {
                    "required_approvals": 2,
                    "dismiss_stale_reviews": True,
                    "require_code_owner_reviews": True,
                    "require_last_push_approval": True,
                    "required_status_checks": ["Unit Tests", "Quality Checks"],
                    "require_up_to_date": True,
                    "linear_history": True,
                    "enforce_admins": True,
                    "protect": True,
                },
                "develop": {"required_approvals": 1},
            },
            "release_tags": {
                "pattern": "v*",
                "protect_from": ["deletion", "update"],
                "except": [],
                "created_by": {"teams": ["release-managers"], "roles": ["admin"]},
                "protect": True,
            },
            "required_files": ["CHANGELOG.md"],
            "access": {"teams": {"qa": "push", "devops": "pull"}},
        }
    },
}


def policy(document: dict[str, Any]) -> Policy:
    return load_text(yaml.safe_dump(document), "p.yaml").policy


def widgets(document: dict[str, Any]) -> dict[str, Any]:
    repository: dict[str, Any] = document["repositories"]["widgets"]
    return repository


def qa(document: dict[str, Any]) -> dict[str, Any]:
    environment: dict[str, Any] = widgets(document)["environments"]["qa"]
    return environment


def main_rule(document: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = widgets(document)["branches"]["main"]
    return rule


def tags(document: dict[str, Any]) -> dict[str, Any]:
    release: dict[str, Any] = widgets(document)["release_tags"]
    return release


Edit = Callable[[dict[str, Any]], Any]

# (id, edit, path of the one change, the reason it weakens a gate or None, before, after)
CASES: list[tuple[str, Edit, str, str | None]] = [
    (
        "reviewer removed",
        lambda d: qa(d)["reviewers"].update(users=["alice"]),
        "environments.qa.reviewers",
        "reviewer(s) removed: bob",
    ),
    (
        "reviewers emptied",
        lambda d: qa(d).update(reviewers={"users": [], "teams": []}),
        "environments.qa.reviewers",
        "no reviewer is left: deployments need no approval",
    ),
    (
        "reviewer added",
        lambda d: qa(d)["reviewers"].update(teams=["qa", "leads"]),
        "environments.qa.reviewers",
        None,
    ),
    (
        "wait timer lowered",
        lambda d: qa(d).update(wait_timer=5),
        "environments.qa.wait_timer",
        "the wait before qa deploys is shorter",
    ),
    ("wait timer raised", lambda d: qa(d).update(wait_timer=60), "environments.qa.wait_timer", None),
    (
        "self review allowed",
        lambda d: qa(d).update(prevent_self_review=False),
        "environments.qa.prevent_self_review",
        "whoever starts a deployment may now approve it",
    ),
    (
        "admins may bypass",
        lambda d: qa(d).update(can_admins_bypass=True),
        "environments.qa.can_admins_bypass",
        "administrators may now skip the reviewers and the wait",
    ),
    (
        "RC tags admitted",
        lambda d: qa(d)["deployment_refs"].update(tags=["v*"]),
        "environments.qa.deployment_refs",
        "refs/tags/v1.2.3-rc1 can now deploy to qa",
    ),
    (
        "any ref admitted",
        lambda d: qa(d).pop("deployment_refs"),
        "environments.qa.deployment_refs",
        "refs/heads/develop, refs/heads/feature/x, refs/tags/v1.2.3-rc1, refs/tags/1.2.3, refs/tags/nightly "
        "can now deploy to qa",
    ),
    (
        "refs narrowed",
        lambda d: qa(d)["deployment_refs"].update(branches=[]),
        "environments.qa.deployment_refs",
        None,
    ),
    (
        "environment unprotected",
        lambda d: qa(d).update(protect=False),
        "environments.qa.protect",
        "`pulumi destroy` or a removal from the policy may now delete it",
    ),
    (
        "gated environment removed",
        lambda d: widgets(d)["environments"].pop("production-deploy"),
        "environments.production-deploy",
        "production-deploy and its gate are gone: a workflow naming it gets a new, unprotected environment "
        "(GitHub creates environments on first use)",
    ),
    (
        "ungated environment removed",
        lambda d: widgets(d)["environments"].pop("staging"),
        "environments.staging",
        None,
    ),
    ("environment added", lambda d: widgets(d)["environments"].update(docs={}), "environments.docs", None),
    (
        "variable value changed",
        lambda d: qa(d)["variables"].update(URL="https://elsewhere.example"),
        "environments.qa.variables.URL",
        None,
    ),
    (
        "approvals raised",
        lambda d: main_rule(d).update(required_approvals=3),
        "branches.main.required_approvals",
        None,
    ),
    (
        "approvals lowered",
        lambda d: main_rule(d).update(required_approvals=1),
        "branches.main.required_approvals",
        "fewer approvals are needed to merge",
    ),
    (
        "required check removed",
        lambda d: main_rule(d).update(required_status_checks=["Unit Tests"]),
        "branches.main.required_status_checks",
        "required status check(s) removed: Quality Checks: pull requests may merge without them",
    ),
    (
        "required check added",
        lambda d: main_rule(d)["required_status_checks"].append("Security Scans"),
        "branches.main.required_status_checks",
        None,
    ),
    (
        "stale reviews kept",
        lambda d: main_rule(d).update(dismiss_stale_reviews=False),
        "branches.main.dismiss_stale_reviews",
        "an approval survives new pushes",
    ),
    (
        "code owners dropped",
        lambda d: main_rule(d).update(require_code_owner_reviews=False),
        "branches.main.require_code_owner_reviews",
        "code owners no longer have to approve",
    ),
    (
        "last pusher may approve",
        lambda d: main_rule(d).update(require_last_push_approval=False),
        "branches.main.require_last_push_approval",
        "whoever pushed last may approve their own change",
    ),
    (
        "up to date dropped",
        lambda d: main_rule(d).update(require_up_to_date=False),
        "branches.main.require_up_to_date",
        "a pull request may merge without the latest base",
    ),
    (
        "linear history dropped",
        lambda d: main_rule(d).update(linear_history=False),
        "branches.main.linear_history",
        "merge commits are allowed",
    ),
    (
        "admins not enforced",
        lambda d: main_rule(d).update(enforce_admins=False),
        "branches.main.enforce_admins",
        "administrators may bypass the rule",
    ),
    (
        "branch rule unprotected",
        lambda d: main_rule(d).update(protect=False),
        "branches.main.protect",
        "`pulumi destroy` or a removal from the policy may now delete it",
    ),
    (
        "branch rule removed",
        lambda d: widgets(d)["branches"].pop("develop"),
        "branches.develop",
        "branches matching develop lose their protection",
    ),
    ("branch rule added", lambda d: widgets(d)["branches"].update(release={}), "branches.release", None),
    (
        "release tags unprotected entirely",
        lambda d: widgets(d).update(release_tags=None),
        "release_tags",
        "release tags lose their protection",
    ),
    (
        "tag operation allowed",
        lambda d: tags(d).update(protect_from=["deletion"]),
        "release_tags.protect_from",
        "release tags may now be subject to: update",
    ),
    (
        "tag operation forbidden",
        lambda d: tags(d).update(protect_from=["deletion", "update", "force_push"]),
        "release_tags.protect_from",
        None,
    ),
    (
        "tag exception added",
        lambda d: tags(d).update(**{"except": ["v*-rc*"]}),
        "release_tags.except",
        "tags matching v*-rc* are no longer protected",
    ),
    (
        "anyone may create release tags",
        lambda d: tags(d).pop("created_by"),
        "release_tags.created_by",
        "anyone with write access may now push a release tag",
    ),
    (
        "a team may now create release tags",
        lambda d: tags(d)["created_by"]["teams"].append("interns"),
        "release_tags.created_by",
        "team:interns may now create release tags",
    ),
    (
        "a role may now create release tags",
        lambda d: tags(d)["created_by"]["roles"].append("write"),
        "release_tags.created_by",
        "role:write may now create release tags",
    ),
    (
        "fewer may create release tags",
        lambda d: tags(d)["created_by"].update(roles=[]),
        "release_tags.created_by",
        None,
    ),
    (
        "final versions widened to every v tag",
        lambda d: d["repositories"]["widgets"]["environments"]["production-deploy"]["deployment_refs"].update(
            tags=["v*"]
        ),
        "environments.production-deploy.deployment_refs",
        "refs/tags/v1.2.3-rc1 can now deploy to production-deploy",
    ),
    (
        "a pattern replaced by the final versions",
        lambda d: qa(d)["deployment_refs"].update(tags=[{"versions": "final"}]),
        "environments.qa.deployment_refs",
        None,
    ),
    (
        "release tags unprotected in Pulumi",
        lambda d: tags(d).update(protect=False),
        "release_tags.protect",
        "`pulumi destroy` or a removal from the policy may now delete it",
    ),
    (
        "gated secret at repository scope",
        lambda d: widgets(d)["secrets"].update(PYPI_TOKEN={"config": "pypiToken"}),
        "secrets.PYPI_TOKEN",
        "every workflow may now read PYPI_TOKEN without the gate of production-deploy",
    ),
    (
        "release pattern changed",
        lambda d: tags(d).update(pattern="release-*"),
        "release_tags.pattern",
        None,
    ),
    ("secret removed", lambda d: widgets(d)["secrets"].clear(), "secrets", None),
    (
        "environment secret added",
        lambda d: qa(d).update(secrets={"QA_PASSWORD": {"external": True}}),
        "environments.qa.secrets",
        None,
    ),
    (
        "environment variable added",
        lambda d: qa(d)["variables"].update(TIER="gold"),
        "environments.qa.variables",
        None,
    ),
    ("repository variable added", lambda d: widgets(d).update(variables={"TIER": "gold"}), "variables", None),
    ("required file added", lambda d: widgets(d)["required_files"].append("tests/"), "required_files", None),
    (
        "team permission lowered",
        lambda d: widgets(d)["access"]["teams"].update(qa="pull"),
        "access.teams.qa.permission",
        "the team's permission is lowered from push to pull",
    ),
    (
        "team permission raised",
        lambda d: widgets(d)["access"]["teams"].update(devops="maintain"),
        "access.teams.devops.permission",
        None,
    ),
    (
        "team grant removed",
        lambda d: widgets(d)["access"]["teams"].pop("devops"),
        "access.teams.devops",
        "team devops loses its permission on the repository (Pulumi removes the grant)",
    ),
    (
        "team grant added",
        lambda d: widgets(d)["access"]["teams"].update(ops="pull"),
        "access.teams.ops",
        None,
    ),
    ("engine changed", lambda d: widgets(d).update(protection_engine="classic"), "protection_engine", None),
]


@pytest.mark.parametrize(
    ("edit", "path", "why"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_each_change_and_whether_it_weakens_a_gate(edit: Edit, path: str, why: str | None) -> None:
    head = copy.deepcopy(BASE)
    edit(head)
    result = diff_policies(policy(BASE), policy(head))
    (repository,) = result.repositories
    assert repository.status is Status.CHANGED
    found = {change.path: change for change in repository.changes}
    assert path in found, found
    assert found[path].why == why
    assert found[path].weakens is (why is not None)
    others = [c for c in repository.changes if c.path != path]
    # a secret newly at repository scope is listed as a name, then flagged as the gate it bypasses
    assert all(c.path == "secrets" and not c.weakens for c in others), others
    assert result.weakening == (why is not None)


def test_identical_and_reordered_policies_have_no_changes() -> None:
    assert diff_policies(policy(BASE), policy(BASE)).changes == 0
    reordered = copy.deepcopy(BASE)
    environments = widgets(reordered)["environments"]
    widgets(reordered)["environments"] = dict(reversed(list(environments.items())))
    qa(reordered)["reviewers"]["users"] = ["bob", "alice"]
    main_rule(reordered)["required_status_checks"] = ["Quality Checks", "Unit Tests"]
    tags(reordered)["protect_from"] = ["update", "deletion"]
    result = diff_policies(policy(BASE), policy(reordered))
    assert result.changes == 0
    assert [r.status for r in result.repositories] == [Status.UNCHANGED]


def test_repositories_added_and_removed() -> None:
    head = copy.deepcopy(BASE)
    head["repositories"]["gizmos"] = copy.deepcopy(widgets(head))
    del head["repositories"]["widgets"]
    result = diff_policies(policy(BASE), policy(head))
    assert [(r.name, r.status) for r in result.repositories] == [
        ("gizmos", Status.ADDED),
        ("widgets", Status.REMOVED),
    ]
    assert result.as_json()["summary"] == {"changes": 2, "weakening": 0}
    only = diff_policies(policy(BASE), policy(head), ["gizmos"])
    assert [r.name for r in only.repositories] == ["gizmos"]


@pytest.mark.parametrize("output", sorted(FORMATS))
def test_values_never_appear(output: str) -> None:
    head = copy.deepcopy(BASE)
    qa(head)["variables"]["URL"] = "https://changed.example"
    text = FORMATS[output](diff_policies(policy(BASE), policy(head)))
    assert "qa.example" not in text
    assert "changed.example" not in text
    assert (markdown_text(VALUE_CHANGED) if output == "markdown" else VALUE_CHANGED) in text


def test_formats_show_the_weakened_gate() -> None:
    head = copy.deepcopy(BASE)
    qa(head)["wait_timer"] = 0
    qa(head)["reviewers"]["teams"] = ["qa", "leads"]
    result = diff_policies(policy(BASE), policy(head))
    text = FORMATS["text"](result).splitlines()
    assert text == [
        "widgets: changed",
        '    environments.qa.reviewers: {"teams": ["qa"], "users": ["alice", "bob"]} -> '
        '{"teams": ["leads", "qa"], "users": ["alice", "bob"]}',
        "  ! environments.qa.wait_timer: 30 -> 0  (weakens: the wait before qa deploys is shorter)",
        "2 change(s) in 1 of 1 repositories, 1 weakening a gate",
    ]
    markdown = FORMATS["markdown"](result)
    assert "### Weakened gates" in markdown
    assert "- **widgets** environments\\.qa\\.wait\\_timer: the wait before qa deploys is shorter" in markdown
    assert "| environments\\.qa\\.wait\\_timer | 30 | 0 | the wait before qa deploys is shorter |" in markdown


def test_markdown_draws_heads_flow_with_the_change_marked() -> None:
    head = copy.deepcopy(BASE)
    qa(head)["deployment_refs"]["tags"] = ["v*"]
    markdown = FORMATS["markdown"](diff_policies(policy(BASE), policy(head)))
    flow = markdown[markdown.index("```mermaid\n") : markdown.index("```\n\n| setting")]
    assert "ref2 ==>|new| env1" in flow  # RC tags -> qa
    assert "  style env1 stroke:" in flow
    unchanged = FORMATS["markdown"](diff_policies(policy(BASE), policy(BASE)))
    assert "```mermaid" not in unchanged


def test_every_policy_setting_of_every_table_has_a_case() -> None:
    """A row added to a table without a diff case here fails, naming the path to cover."""
    wanted = {f"environments.qa.{row.key}" for row in environments.TABLE if row.field}
    wanted |= {f"environments.qa.{option.field}" for option in environments.OPTIONS}
    wanted |= {row.key for row in secrets_variables.TABLE if row.field}
    wanted |= {f"branches.main.{row.key}" for row in branches.RULESET_TABLE if row.field}
    wanted |= {f"branches.main.{option.field}" for option in branches.OPTIONS}
    tables = (*release_tags.PROTECTION_TABLE, *release_tags.CREATION_TABLE)
    wanted |= {f"release_tags.{row.key}" for row in tables if row.field}
    wanted |= {f"release_tags.{option.field}" for option in release_tags.OPTIONS}
    wanted |= {f"access.teams.qa.{row.key}" for row in access.TABLE if row.field}
    covered = {path for _, _, path, _ in CASES}
    assert sorted(wanted - covered) == []


# -- names GitHub compares case-insensitively ------------------------------------------------------------


def _changes(head: dict[str, Any]) -> dict[str, tuple[Any, Any, str | None]]:
    (repository,) = diff_policies(policy(BASE), policy(head)).repositories
    return {change.path: (change.before, change.after, change.why) for change in repository.changes}


def test_an_empty_pattern_list_is_no_change() -> None:
    """`branches: []` beside tags admits what no `branches` admits (import used to write it): no change."""
    head = copy.deepcopy(BASE)
    refs = widgets(head)["environments"]["production-deploy"]["deployment_refs"]
    assert "branches" not in refs
    refs["branches"] = []
    assert _changes(head) == {}
    refs["branches"] = ["main"]  # and a real change is still one
    assert list(_changes(head)) == ["environments.production-deploy.deployment_refs"]


def test_respelled_reviewers_and_variables_are_the_same_names() -> None:
    head = copy.deepcopy(BASE)
    qa(head)["reviewers"] = {"users": ["Alice", "BOB"], "teams": ["QA"]}  # the same accounts, the same ids
    assert _changes(head) == {}
    qa(head)["variables"] = {"url": "https://elsewhere.example"}  # respelled and changed: both shown
    assert _changes(head) == {
        "environments.qa.variables": (["URL"], ["url"], None),
        "environments.qa.variables.url": (VALUE_CHANGED, VALUE_CHANGED, None),
    }


def test_a_gated_secret_respelled_at_repository_scope_is_still_read_without_the_gate() -> None:
    head = copy.deepcopy(BASE)
    widgets(head)["secrets"]["pypi_token"] = {"config": "pypiToken"}  # the environment holds PYPI_TOKEN
    found = _changes(head)
    assert found["secrets.pypi_token"] == (
        None,
        "present",
        "every workflow may now read pypi_token without the gate of production-deploy",
    )


def test_a_respelled_environment_is_paired_and_its_replacement_explained() -> None:
    head = copy.deepcopy(BASE)
    environments_ = widgets(head)["environments"]
    environments_["Production-Deploy"] = environments_.pop("production-deploy")
    environments_["QA"] = environments_.pop("qa")
    environments_["Staging"] = environments_.pop("staging")
    environments_["QA"]["wait_timer"] = 5
    found = _changes(head)
    assert found == {
        "environments.Production-Deploy": (
            "production-deploy",
            "Production-Deploy",
            "environment production-deploy is respelled Production-Deploy: the same environment to GitHub, "
            "another resource to Pulumi, which creates Production-Deploy (GitHub updates production-deploy) "
            "then deletes production-deploy, which GitHub deletes: production-deploy and its gate are gone, "
            "while Pulumi's state holds Production-Deploy",
        ),
        # qa is `protect`ed: Pulumi refuses to delete it (`pulumi up` fails), nothing is lost
        "environments.QA": ("qa", "QA", None),
        "environments.QA.wait_timer": (30, 5, "the wait before QA deploys is shorter"),
        # no gate to lose
        "environments.Staging": ("staging", "Staging", None),
    }


def test_a_respelled_team_grant_is_paired_and_its_replacement_explained() -> None:
    head = copy.deepcopy(BASE)
    teams = widgets(head)["access"]["teams"]
    teams["DevOps"] = teams.pop("devops")
    teams["QA"] = "pull"
    del teams["qa"]
    found = _changes(head)
    assert found == {
        "access.teams.DevOps": (
            "devops",
            "DevOps",
            "team grant devops is respelled DevOps: the same team grant to GitHub, another resource to "
            "Pulumi, which creates DevOps (GitHub updates devops) then deletes devops, which GitHub "
            "deletes: team devops loses its permission, while Pulumi's state holds the grant",
        ),
        "access.teams.QA": (
            "qa",
            "QA",
            "team grant qa is respelled QA: the same team grant to GitHub, another resource to Pulumi, "
            "which creates QA (GitHub updates qa) then deletes qa, which GitHub deletes: team qa loses its "
            "permission, while Pulumi's state holds the grant",
        ),
        "access.teams.QA.permission": ("push", "pull", "the team's permission is lowered from push to pull"),
    }
