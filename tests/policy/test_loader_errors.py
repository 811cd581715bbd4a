"""Every kind of policy error: the full one-line message and its location."""

from __future__ import annotations

import textwrap

import pytest

from repoconf.policy.diagnostics import PolicyError
from repoconf.policy.loader import load_text

HEADER = "version: 1\nowner: acme\n"


def errors(body: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_text(HEADER + textwrap.dedent(body), "p.yaml")
    return [d.format() for d in caught.value.diagnostics]


CASES = [
    (
        "unknown key with suggestion",
        """\
        defaults:
          environments:
            qa: {wait_timr: 5}
        repositories: {w: {}}
        """,
        "p.yaml:5:10: error: defaults.environments.qa.wait_timr: unknown key 'wait_timr'; "
        "did you mean 'wait_timer'? (expected one of: can_admins_bypass, deployment_refs, "
        "prevent_self_review, protect, reviewers, secrets, variables, wait_timer) "
        "(in repository 'w', which inherits it)",
    ),
    (
        "unknown top-level key",
        """\
        repositorys: {w: {}}
        repositories: {w: {}}
        """,
        "p.yaml:3:1: error: repositorys: unknown key 'repositorys'; did you mean 'repositories'? "
        "(expected one of: defaults, github, owner, repositories, selectors, version)",
    ),
    (
        "wrong type",
        """\
        repositories:
          w:
            environments:
              qa: {prevent_self_review: "yes"}
        """,
        "p.yaml:6:33: error: repositories.w.environments.qa.prevent_self_review: expected true or false",
    ),
    (
        "quoted number",
        """\
        repositories:
          w:
            environments:
              qa: {wait_timer: "30"}
        """,
        "p.yaml:6:24: error: repositories.w.environments.qa.wait_timer: "
        "expected a whole number (write the number without quotes)",
    ),
    (
        "out of range",
        """\
        repositories:
          w:
            environments:
              qa: {wait_timer: 50000}
        """,
        "p.yaml:6:24: error: repositories.w.environments.qa.wait_timer: expected less than or equal to 43200",
    ),
    (
        "literal secret",
        """\
        repositories:
          w:
            secrets:
              PYPI_TOKEN: pypi-AgEIcHlwaS5vcmc
        """,
        "p.yaml:6:19: error: repositories.w.secrets.PYPI_TOKEN: a secret must name its source, "
        "`{config: KEY}`, `{env: VAR}` or `{external: true}`, never hold a value: move the value to "
        "`pulumi config set --secret KEY`, an environment variable, or GitHub itself",
    ),
    (
        "bad secret name",
        """\
        repositories:
          w:
            secrets:
              GITHUB_TOKEN: {env: T}
        """,
        "p.yaml:6:7: error: repositories.w.secrets.GITHUB_TOKEN: invalid name 'GITHUB_TOKEN': "
        "names must not start with GITHUB_",
    ),
    (
        "variable names collide case-insensitively",
        """\
        repositories:
          w:
            variables: {region: a, REGION: b}
        """,
        "p.yaml:5:16: error: repositories.w.variables: variable names 'region' and 'REGION' "
        "collide: GitHub compares them case-insensitively",
    ),
    (
        "environment names collide",
        """\
        repositories:
          w:
            environments: {QA: {}, qa: {}}
        """,
        "p.yaml:5:19: error: repositories.w.environments: environment names 'QA' and 'qa' "
        "collide: GitHub compares them case-insensitively",
    ),
    (
        "bad repository name",
        """\
        repositories:
          "my repo": {}
        """,
        "p.yaml:4:3: error: repositories.my repo: invalid name 'my repo': "
        "a repository name has 1–100 letters, digits, `.`, `-` or `_`",
    ),
    (
        "duplicate key",
        """\
        repositories:
          w: {}
          w: {}
        """,
        "p.yaml:5:3: error: repositories.w: duplicate key 'w' (first written at line 4); "
        "YAML would silently keep only the last one",
    ),
    (
        "mutually exclusive deployment refs",
        """\
        repositories:
          w:
            environments:
              qa:
                deployment_refs: {protected: true, branches: [main]}
        """,
        "p.yaml:7:26: error: repositories.w.environments.qa.deployment_refs: `protected` and "
        "`branches`/`tags` are mutually exclusive: keep one of them",
    ),
    (
        "missing required field",
        """\
        repositories:
          w:
            release_tags: {except: ["v*-rc*"]}
        """,
        "p.yaml:5:19: error: repositories.w.release_tags.pattern: required field 'pattern' is missing",
    ),
    (
        "closed set",
        """\
        repositories:
          w: {protection_engine: rules}
        """,
        "p.yaml:4:26: error: repositories.w.protection_engine: expected 'ruleset' or 'classic'",
    ),
    (
        "bad override of a default: protected over inherited branches",
        """\
        defaults:
          environments:
            qa: {deployment_refs: {branches: [main]}}
        repositories:
          w:
            environments:
              qa: {deployment_refs: {protected: true}}
        """,
        "p.yaml:9:29: error: repositories.w.environments.qa.deployment_refs: `protected` and "
        "`branches`/`tags` are mutually exclusive: keep one of them",
    ),
    (
        "bad value in defaults fails only once merged, naming the repository",
        """\
        defaults:
          environments:
            qa: {deployment_refs: {protected: true}}
        repositories:
          a: {}
          b:
            environments:
              qa: {deployment_refs: {tags: ["v*"]}}
        """,
        "p.yaml:10:29: error: repositories.b.environments.qa.deployment_refs: `protected` and "
        "`branches`/`tags` are mutually exclusive: keep one of them",
    ),
    (
        "unquoted version-like variable",
        """\
        repositories:
          w: {variables: {PYTHON: 3.10}}
        """,
        "p.yaml:4:27: error: repositories.w.variables.PYTHON: expected a string "
        "(quote the value so YAML keeps it as written, e.g. '3.10')",
    ),
    (
        "YAML syntax",
        """\
        repositories:
          w: {environments: [}
        """,
        "p.yaml:4:22: error: invalid YAML: expected the node content, but found '}'",
    ),
    (
        "merge keys",
        """\
        repositories:
          w:
            <<: {adopt: true}
        """,
        "p.yaml:5:5: error: repositories.w: YAML merge keys (<<) are not supported; "
        "put shared settings in `defaults`",
    ),
    (
        "external that is not true",
        """\
        repositories:
          w:
            secrets:
              PYPI_TOKEN: {external: false}
        """,
        "p.yaml:6:30: error: repositories.w.secrets.PYPI_TOKEN.external: `external` is `true` or absent: "
        "for a value repoconf holds, write `{config: KEY}` or `{env: VAR}` instead",
    ),
    (
        "unknown version kind",
        """\
        repositories:
          w:
            environments:
              qa: {deployment_refs: {tags: [{versions: beta}]}}
        """,
        "p.yaml:6:48: error: repositories.w.environments.qa.deployment_refs.tags[0].versions: expected "
        "'final' or 'candidate'",
    ),
    (
        "tag entry of the wrong type",
        """\
        repositories:
          w:
            environments:
              qa: {deployment_refs: {tags: [5]}}
        """,
        "p.yaml:6:37: error: repositories.w.environments.qa.deployment_refs.tags[0]: a deployment tag "
        "entry is an fnmatch pattern (`v*`) or `{versions: final}` / `{versions: candidate}`",
    ),
    (
        "version prefix with a wildcard",
        """\
        repositories:
          w:
            environments:
              qa: {deployment_refs: {tags: [{versions: final, prefix: "v*"}]}}
        """,
        "p.yaml:6:63: error: repositories.w.environments.qa.deployment_refs.tags[0].prefix: a version "
        "prefix is literal text: letters, digits, `.`, `_`, `/` or `-`, no wildcards",
    ),
    (
        "require_up_to_date without a check",
        """\
        repositories:
          w:
            branches: {main: {require_up_to_date: true}}
        """,
        "p.yaml:5:43: error: repositories.w.branches.main.require_up_to_date: `require_up_to_date` needs "
        "at least one required status check (GitHub's status-check rule cannot exist without one, so it "
        "would never be applied): add `required_status_checks` or remove `require_up_to_date`",
    ),
    (
        "an app pin under classic protection",
        """\
        repositories:
          w:
            protection_engine: classic
            branches: {main: {required_status_checks: [Unit, {context: Lint, app_id: 7}]}}
        """,
        "p.yaml:6:54: error: repositories.w.branches.main.required_status_checks[1]: check 'Lint' pins "
        "app 7, which classic branch protection cannot (the provider sets check names only): use "
        "`protection_engine: ruleset`, or write the check's name alone",
    ),
    (
        "more approvals than classic protection allows",
        """\
        repositories:
          w:
            protection_engine: classic
            branches: {main: {required_approvals: 7}}
        """,
        "p.yaml:6:43: error: repositories.w.branches.main.required_approvals: classic branch protection "
        "requires at most 6 approvals (rulesets up to 10): lower it, or use `protection_engine: ruleset`",
    ),
    (
        "more approvals than a ruleset allows",
        """\
        repositories:
          w:
            branches: {main: {required_approvals: 11}}
        """,
        "p.yaml:5:43: error: repositories.w.branches.main.required_approvals: expected less than or equal "
        "to 10",
    ),
    (
        "created_by and creation forbidden to everyone",
        """\
        repositories:
          w:
            release_tags: {pattern: "v*", protect_from: [creation], created_by: {roles: [admin]}}
        """,
        "p.yaml:5:19: error: repositories.w.release_tags: `created_by` lets some people create release "
        "tags, `protect_from: [creation]` forbids it to everyone: keep one of them",
    ),
    (
        "unknown repository role",
        """\
        repositories:
          w:
            release_tags: {pattern: "v*", created_by: {roles: [owner]}}
        """,
        "p.yaml:5:56: error: repositories.w.release_tags.created_by.roles[0]: expected 'admin', "
        "'maintain' or 'write'",
    ),
]


@pytest.mark.parametrize(
    ("body", "expected"), [(b, e) for _, b, e in CASES if e], ids=[name for name, _, e in CASES if e]
)
def test_error_message_and_location(body: str, expected: str) -> None:
    assert errors(body) == [expected]


def test_wrong_version_and_owner() -> None:
    with pytest.raises(PolicyError) as caught:
        load_text("version: 2\nowner: -bad\nrepositories: {w: {}}\n", "p.yaml")
    assert [d.format() for d in caught.value.diagnostics] == [
        "p.yaml:1:10: error: version: expected 1",
        "p.yaml:2:8: error: owner: a GitHub login has 1–39 letters, digits or single hyphens, and neither "
        "starts nor ends with a hyphen",
    ]


def test_errors_are_collected_not_first_only() -> None:
    found = errors(
        """\
        defaults:
          environments:
            qa: {wait_timer: -1}
        repositories:
          a: {variables: {X: 1}}
          b: {protection_engine: nope}
        """
    )
    assert [line.split(": error: ")[0] for line in found] == ["p.yaml:5:22", "p.yaml:7:22", "p.yaml:8:26"]


def test_defaults_error_after_merge_names_every_repository() -> None:
    found = errors(
        """\
        defaults:
          environments:
            qa: {reviewers: {teams: [qa]}, deployment_refs: {protected: true}}
        repositories:
          a: {environments: {qa: {deployment_refs: {branches: [main]}}}}
          b: {environments: {qa: {deployment_refs: {branches: [main]}}}}
        """
    )
    assert len(found) == 2
    assert found[0].startswith("p.yaml:7:")
    assert found[1].startswith("p.yaml:8:")


def test_partial_default_completed_by_some_repositories() -> None:
    # `defaults` may be partial; the error is at the default's line and names only the repositories
    # that inherit the gap.
    found = errors(
        """\
        defaults:
          release_tags: {except: ["v*-rc*"]}
        repositories:
          a: {release_tags: {pattern: "v*"}}
          b: {}
          c: {}
        """
    )
    assert found == [
        "p.yaml:4:17: error: defaults.release_tags.pattern: required field 'pattern' is missing "
        "(in repositories 'b', 'c', which inherit it)"
    ]


def test_empty_and_non_mapping_documents() -> None:
    with pytest.raises(PolicyError) as caught:
        load_text("", "p.yaml")
    assert caught.value.diagnostics[0].format() == "p.yaml:1:1: error: the policy file is empty"
    with pytest.raises(PolicyError) as caught:
        load_text("- a\n- b\n", "p.yaml")
    assert "must be a mapping" in caught.value.diagnostics[0].format()


def test_top_level_errors_do_not_hide_repository_errors() -> None:
    with pytest.raises(PolicyError) as caught:
        load_text("version: 2\nowner: acme\nrepositories:\n  w: {adopt: maybe}\n", "p.yaml")
    assert [d.format() for d in caught.value.diagnostics] == [
        "p.yaml:1:10: error: version: expected 1",
        "p.yaml:4:14: error: repositories.w.adopt: expected true or false",
    ]
