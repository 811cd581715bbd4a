"""The policy → resource mapping of SPEC §4, asserted on what the program declares under mocks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from repoconf.policy.fnmatch import fnmatch_pathname
from repoconf.policy.loader import load, load_text
from repoconf.program.errors import ProgramError
from repoconf.render.mocks import fake_id
from repoconf.render.run import Rendering, render
from tests.conftest import TEMPLATE
from tests.program.conftest import by_name, of_type

ENV_TYPE = "github:index/repositoryEnvironment:RepositoryEnvironment"


@pytest.fixture(scope="module")
def default_rendering() -> Rendering:
    return render(load(TEMPLATE))


def test_component_and_provider(default_rendering: Rendering) -> None:
    resources = by_name(default_rendering)
    assert resources["github"].type == "pulumi:providers:github"
    assert resources["github"].inputs["owner"] == "acme"
    assert resources["widgets"].type == "repoconf:index:Repository"
    assert resources["widgets"].parent is None


def test_environments_with_seed_reviewers_and_timers(default_rendering: Rendering) -> None:
    environments = {d.name: d.inputs for d in of_type(default_rendering, "RepositoryEnvironment")}
    assert sorted(environments) == [
        "widgets/production-deploy",
        "widgets/production-release",
        "widgets/qa",
        "widgets/staging",
    ]

    def team(slug: str) -> int:
        return fake_id("team", slug)

    assert "reviewers" not in environments["widgets/staging"]
    assert "deploymentBranchPolicy" not in environments["widgets/staging"]
    assert environments["widgets/qa"]["reviewers"] == [{"teams": [team("qa")], "users": []}]
    assert environments["widgets/qa"]["waitTimer"] == 0
    assert environments["widgets/production-release"]["waitTimer"] == 30
    assert environments["widgets/production-release"]["reviewers"] == [
        {"teams": [team("release-managers")], "users": []}
    ]
    deploy = environments["widgets/production-deploy"]
    # sorted by slug: a set on GitHub and in the provider
    assert deploy["reviewers"] == [{"teams": [team("devops"), team("senior-engineers")], "users": []}]
    assert deploy["preventSelfReview"] is True
    for inputs in environments.values():
        assert inputs["canAdminsBypass"] is False  # explicit: the provider would default to true


def test_gated_environments_allow_the_release_tags(default_rendering: Rendering) -> None:
    resources = by_name(default_rendering)
    for env in ("qa", "production-release", "production-deploy"):
        assert resources[f"widgets/{env}"].inputs["deploymentBranchPolicy"] == {
            "customBranchPolicies": True,
            "protectedBranches": False,
        }
        assert not [name for name in resources if name.startswith(f"widgets/{env}/branch/")]
    for env in ("qa", "production-release"):  # approval only: one pattern admits RC and production tags
        tag = resources[f"widgets/{env}/tag/v*"]
        assert tag.inputs == {"tagPattern": "v*", "environment": env, "repository": "widgets"}
    final = resources["widgets/production-deploy/tag/v[0-9].[0-9].[0-9]"]
    assert final.inputs == {
        "tagPattern": "v[0-9].[0-9].[0-9]",
        "environment": "production-deploy",
        "repository": "widgets",
    }
    assert final.parent == "widgets/production-deploy"
    assert final.depends_on == ["widgets/production-deploy"]


def _tag_patterns(rendering: Rendering, env: str) -> list[str]:
    return [
        d.inputs["tagPattern"]
        for d in of_type(rendering, "RepositoryEnvironmentDeploymentPolicy")
        if d.inputs["environment"] == env and "tagPattern" in d.inputs
    ]


FINALS = ["v1.2.3", "v2.0.0", "v10.20.300", "v24.3.1", "v2024.8.30"]
CANDIDATES = ["v1.2.3-rc1", "v1.2.3-rc12", "v2024.8.30-rc1"]
OTHER_V = ["v1.2", "v1.2.3.4", "v1.2.3-beta1", "v1.2.3rc1", "v202.8.30"]
NEITHER = ["1.2.3", "release-1.2.3"]


@pytest.mark.parametrize(
    ("env", "admitted"),
    [
        ("production-deploy", FINALS),  # the PyPI token: final versions only, SemVer-like and CalVer
        ("production-release", FINALS + CANDIDATES + OTHER_V),  # approval only: every v tag
        ("qa", FINALS + CANDIDATES + OTHER_V),
    ],
)
def test_rendered_tag_patterns_admit_exactly_the_guides_tags(
    default_rendering: Rendering, env: str, admitted: list[str]
) -> None:
    """The patterns the program hands GitHub, matched independently: by Ruby's File.fnmatch where ruby
    is installed (GitHub's matcher), else by repoconf's table-checked one."""
    patterns = _tag_patterns(default_rendering, env)
    tags = FINALS + CANDIDATES + OTHER_V + NEITHER
    if shutil.which("ruby"):
        script = (
            "require 'json'; p, t = JSON.parse(STDIN.read); "
            "t.each { |n| puts p.any? { |x| File.fnmatch(x, n, File::FNM_PATHNAME) } }"
        )
        stdin = json.dumps([patterns, tags])
        command = ["ruby", "-e", script]
        answer = subprocess.run(command, input=stdin, capture_output=True, text=True, check=True)
        matched = dict(zip(tags, (line == "true" for line in answer.stdout.split()), strict=True))
    else:
        matched = {tag: any(fnmatch_pathname(p, tag) for p in patterns) for tag in tags}
    assert [tag for tag in tags if matched[tag]] == admitted


def test_created_by_is_a_creation_ruleset_only_its_teams_bypass(default_rendering: Rendering) -> None:
    resources = by_name(default_rendering)
    creation = resources["widgets/release-tag-creation"].inputs
    assert creation["name"] == "repoconf release tag creation"
    assert creation["target"] == "tag"
    assert creation["rules"] == {"creation": True}
    refs = {"includes": ["refs/tags/v*"], "excludes": ["refs/tags/v*-rc*"]}
    assert creation["conditions"]["refName"] == refs
    assert creation["bypassActors"] == [
        {"actorId": fake_id("team", "release-managers"), "actorType": "Team", "bypassMode": "always"}
    ]
    tags = resources["widgets/release-tags"].inputs
    assert tags["bypassActors"] == []  # deletion and update: no one, release managers included
    assert tags["rules"] == {"deletion": True, "update": True, "nonFastForward": True}


def test_created_by_roles_use_githubs_role_ids() -> None:
    text = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    required_files: []\n    release_tags:\n"
        "      pattern: 'v*'\n      created_by: {roles: [maintain, admin]}\n"
    )
    bypass = by_name(render(load_text(text, "p.yaml")))["w/release-tag-creation"].inputs["bypassActors"]
    # integrations/terraform-provider-github, website/docs/r/repository_ruleset.html.markdown: maintain 2,
    # write 4, admin 5
    assert sorted((actor["actorType"], actor["actorId"]) for actor in bypass) == [
        ("RepositoryRole", 2),
        ("RepositoryRole", 5),
    ]


def test_secrets(default_rendering: Rendering) -> None:
    resources = by_name(default_rendering)
    repository_secrets = sorted(d.name for d in of_type(default_rendering, "ActionsSecret"))
    assert repository_secrets == [
        "widgets/secret/CODECOV_TOKEN",
        "widgets/secret/TEST_PYPI_TOKEN",
    ]
    # PYPI_TOKEN is {external: true}: set on GitHub, no resource, no value in the stack
    assert "widgets/production-deploy/secret/PYPI_TOKEN" not in resources
    assert of_type(default_rendering, "ActionsEnvironmentSecret") == []


def test_environment_secrets_held_by_the_stack() -> None:
    text = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    required_files: []\n    environments:\n"
        "      deploy:\n        secrets: {PYPI_TOKEN: {config: pypiToken}, OTHER: {external: true}}\n"
    )
    rendering = render(load_text(text, "p.yaml"))
    pypi = by_name(rendering)["w/deploy/secret/PYPI_TOKEN"]
    assert pypi.inputs == {
        "environment": "deploy",
        "repository": "w",
        "secretName": "PYPI_TOKEN",
        "value": "[secret]",
    }
    assert "plaintextValue" not in pypi.inputs
    assert pypi.depends_on == ["w/deploy"]
    assert [d.name for d in of_type(rendering, "ActionsEnvironmentSecret")] == [pypi.name]


def test_main_ruleset(default_rendering: Rendering) -> None:
    main = by_name(default_rendering)["widgets/branch/main"]
    assert main.type == "github:index/repositoryRuleset:RepositoryRuleset"
    assert main.inputs["name"] == "repoconf branch main"
    assert main.inputs["target"] == "branch"
    assert main.inputs["enforcement"] == "active"
    assert main.inputs["bypassActors"] == []  # enforce_admins: no bypass for anyone
    assert main.inputs["conditions"] == {"refName": {"includes": ["refs/heads/main"], "excludes": []}}
    rules = main.inputs["rules"]
    assert rules["requiredStatusChecks"] == {
        "requiredChecks": [  # sorted by name: a set on GitHub and in the provider
            {"context": "Integration Tests"},
            {"context": "Quality Checks"},
            {"context": "Security Scans"},
            {"context": "Unit Tests"},
        ],
        "strictRequiredStatusChecksPolicy": True,
        "doNotEnforceOnCreate": False,
    }
    assert rules["requiredLinearHistory"] is True
    assert rules["pullRequest"] == {
        "requiredApprovingReviewCount": 1,
        "dismissStaleReviewsOnPush": True,
        "requireCodeOwnerReview": False,
        "requireLastPushApproval": False,
        "requiredReviewThreadResolution": False,
    }
    assert rules["deletion"] is True
    assert rules["nonFastForward"] is True


def test_release_tag_ruleset_excludes_rc_tags(default_rendering: Rendering) -> None:
    tags = by_name(default_rendering)["widgets/release-tags"]
    assert tags.inputs["name"] == "repoconf release tags"
    assert tags.inputs["target"] == "tag"
    assert tags.inputs["conditions"] == {
        "refName": {"includes": ["refs/tags/v*"], "excludes": ["refs/tags/v*-rc*"]}
    }
    assert tags.inputs["rules"] == {"deletion": True, "update": True, "nonFastForward": True}


def test_protect_reaches_environments_their_children_and_the_security_rulesets(
    default_rendering: Rendering,
) -> None:
    protected = ("widgets/production-release", "widgets/production-deploy", "widgets/branch/main")
    for declaration in default_rendering.declarations:
        expected = declaration.name.startswith(protected) or declaration.name in (
            "widgets/release-tags",
            "widgets/release-tag-creation",
        )
        assert declaration.protect is expected, declaration.name


def test_branch_rules_are_protected_as_their_policy_says(data: Path) -> None:
    rules = ("RepositoryRuleset", "BranchProtection")
    rendering = render(load(data / "engines.yaml"))
    assert not [d.name for d in rendering.declarations if d.type.endswith(rules) and d.protect]
    text = (
        (data / "engines.yaml")
        .read_text()
        .replace("enforce_admins: false", "enforce_admins: false\n      protect: true")
    )
    protected = render(load_text(text, "engines.yaml"))
    assert sorted(d.name for d in protected.declarations if d.type.endswith(rules) and d.protect) == [
        "classic/branch/main",
        "rules/branch/main",
    ]


def test_both_protection_engines(data: Path) -> None:
    rendering = render(load(data / "engines.yaml"))
    resources = by_name(rendering)
    ruleset = resources["rules/branch/main"]
    assert ruleset.type == "github:index/repositoryRuleset:RepositoryRuleset"
    assert ruleset.inputs["bypassActors"] == [
        {"actorId": 5, "actorType": "RepositoryRole", "bypassMode": "always"}
    ]
    assert ruleset.inputs["rules"]["requiredStatusChecks"]["requiredChecks"] == [
        {"context": "Lint", "integrationId": 15368},
        {"context": "Unit Tests"},
    ]
    classic = resources["classic/branch/main"]
    assert classic.type == "github:index/branchProtection:BranchProtection"
    assert classic.inputs["repositoryId"] == "R_fake_acme/classic"
    assert classic.inputs["pattern"] == "main"
    assert classic.inputs["enforceAdmins"] is False
    assert classic.inputs["requiredStatusChecks"] == [{"contexts": ["Lint", "Unit Tests"], "strict": False}]
    assert classic.inputs["requiredPullRequestReviews"][0]["requiredApprovingReviewCount"] == 2
    assert classic.import_id == "classic:main"
    assert rendering.lookups["github:index/getRepository:getRepository"] == 1


def test_protected_refs_variables_and_adoption(data: Path) -> None:
    resources = by_name(render(load(data / "engines.yaml")))
    deploy = resources["rules/deploy"]
    assert deploy.inputs["deploymentBranchPolicy"] == {
        "protectedBranches": True,
        "customBranchPolicies": False,
    }
    assert deploy.inputs["reviewers"] == [
        {"users": [fake_id("user", "alice")], "teams": [fake_id("team", "ops")]}
    ]
    assert not [name for name in resources if name.startswith("rules/deploy/branch")]
    variable = resources["rules/deploy/variable/REGION"]
    assert variable.inputs == {
        "environment": "deploy",
        "repository": "rules",
        "variableName": "REGION",
        "value": "eu-west-1",
    }
    assert variable.protect is True
    assert resources["rules/variable/PYTHON_VERSION"].inputs["value"] == "3.12"
    assert resources["rules/deploy"].import_id is None
    assert resources["classic/deploy"].import_id == "classic:deploy"


def test_overrides_and_null_removal_reach_resources(data: Path) -> None:
    resources = by_name(render(load(data / "merge.yaml")))
    assert resources["widgets/qa"].inputs["waitTimer"] == 5
    assert resources["gadgets/qa"].inputs["waitTimer"] == 10
    assert "widgets/staging" in resources
    assert "gadgets/staging" not in resources
    assert "gadgets/sandbox" in resources
    assert "gadgets/qa/tag/release-*" in resources
    assert "gadgets/qa/tag/v*" not in resources
    assert "widgets/release-tags" in resources
    assert "gadgets/release-tags" not in resources
    assert resources["gadgets/branch/main"].type == "github:index/branchProtection:BranchProtection"


def test_logical_names_do_not_depend_on_policy_order() -> None:
    header = "version: 1\nowner: acme\nrepositories:\n"
    first = header + "  a:\n    environments: {x: {}, y: {secrets: {S: {env: S}}}}\n  b: {}\n"
    second = header + "  b: {}\n  a:\n    environments: {y: {secrets: {S: {env: S}}}, x: {}}\n"
    names = [
        sorted(d.name for d in render(load_text(text, "p.yaml")).declarations) for text in (first, second)
    ]
    assert names[0] == names[1]
    assert "a/y/secret/S" in names[0]


def test_repo_filter(data: Path) -> None:
    rendering = render(load(data / "merge.yaml"), {"gadgets"})
    assert rendering.repositories == 1
    assert not [d for d in rendering.declarations if d.name.startswith("widgets")]


@pytest.mark.parametrize(
    ("environments", "location", "message"),
    [
        (
            "      release-tags: {}\n",
            "7:19",
            "declares the resource 'w/release-tags', which environments.release-tags declares too",
        ),
        (
            "      a: {deployment_refs: {branches: [x]}}\n      a/branch/x: {}\n",
            "7:19",
            "declares the resource 'w/a/branch/x', which environments.a.deployment_refs declares too",
        ),
    ],
)
def test_no_resource_can_hide_another(environments: str, location: str, message: str) -> None:
    text = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    environments:\n"
        + environments
        + "    release_tags: {pattern: 'v*'}\n"
    )
    with pytest.raises(ProgramError) as caught:
        render(load_text(text, "p.yaml"))
    [line] = caught.value.lines()
    assert line.startswith(f"p.yaml:{location}: error: ")
    assert message in line


def test_the_program_refuses_what_validate_refuses() -> None:
    # prevent_self_review without reviewers: GitHub keeps no reviewers rule to hold it, so a deploy
    # would leave drift that every audit reports; the program stops with validate's located error.
    text = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    environments:\n"
        "      qa: {prevent_self_review: true}\n"
    )
    with pytest.raises(ProgramError) as caught:
        render(load_text(text, "p.yaml"))
    [line] = caught.value.lines()
    assert line.startswith("p.yaml:6:")
    assert "repositories.w.environments.qa.prevent_self_review" in line
    assert "without reviewers does nothing on GitHub" in line


def test_the_program_deploys_despite_warnings() -> None:
    # a warning (one user reviewer with prevent_self_review) is validate --strict's to refuse, not the
    # program's: the policy still deploys.
    text = (
        "version: 1\nowner: acme\nrepositories:\n  w:\n    environments:\n"
        "      qa: {prevent_self_review: true, reviewers: {users: [octocat]}}\n"
    )
    assert render(load_text(text, "p.yaml")).repositories == 1
