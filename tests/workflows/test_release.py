"""`repoconf workflow release`: consistent with the policy, emitted by a YAML library and read back, exact
triggers, least privilege, and accepted by actionlint and zizmor (regular persona) — alone and with the
`ci` workflow and the Dependabot configuration it belongs with.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from repoconf.policy.loader import load as load_policy
from repoconf.policy.refs import Ref, RefKind, explain
from repoconf.workflows.document import UnfaithfulYaml, emit
from repoconf.workflows.pins import ACTIONS, pin
from tests.conftest import ROOT, TEMPLATE
from tests.workflows.actionlint import actionlint
from tests.workflows.runner import generate, load

GHES = "version: 1\ngithub: {api_url: https://ghe.example.com/api/v3}\n"


def zizmor(directory: Path) -> dict[str, Any]:
    """zizmor's findings on a repository directory (regular persona, offline, JSON)."""
    binary = shutil.which("zizmor")
    assert binary is not None, "zizmor is not installed: pip install -e '.[test]'"
    done = subprocess.run(
        [binary, "--offline", "--persona", "regular", "--format", "json", "--no-progress", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 10, 11, 12, 13, 14), done.stderr  # 1x: findings of some severity
    return {"code": done.returncode, "findings": json.loads(done.stdout or "[]")}


def generated_set(capsys: pytest.CaptureFixture[str], root: Path, policy: Path, *release_args: str) -> Path:
    """ci.yaml, release.yaml and dependabot.yml as a managed repository holds them."""
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for kind, target in (
        ("ci", workflows / "ci.yaml"),
        ("release", workflows / "release.yaml"),
        ("dependabot", root / ".github" / "dependabot.yml"),
    ):
        code, out, err = generate(capsys, kind, str(policy), *(release_args if kind == "release" else ()))
        assert code == 0, err
        target.write_text(out)
    return root


@pytest.mark.parametrize("release_args", [(), ("--token-upload",), ("--smoke-command", "pytest tests/smoke")])
def test_actionlint_and_zizmor_report_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, release_args: tuple[str, ...]
) -> None:
    root = generated_set(capsys, tmp_path, TEMPLATE, *release_args)
    workflows = sorted((root / ".github" / "workflows").glob("*.yaml"))
    result = actionlint(*workflows)
    assert result.returncode == 0, result.stdout
    audit = zizmor(root)
    assert audit["findings"] == [], json.dumps(audit["findings"], indent=1)[:3000]
    assert audit["code"] == 0


def test_zizmor_can_fail(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yaml").write_text(
        "on: push\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: echo ${{ github.event.head_commit.message }}\n"
    )
    assert {finding["ident"] for finding in zizmor(tmp_path)["findings"]} >= {"unpinned-uses", "artipacked"}


def test_enterprise_server_calls_ci_by_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEMPLATE.read_text().replace("version: 1\n", GHES))
    root = generated_set(capsys, tmp_path / "repo", policy)
    release = (root / ".github" / "workflows" / "release.yaml").read_text()
    assert load(release)["jobs"]["checks"]["uses"] == "./.github/workflows/ci.yaml"  # GHES has no `$/`
    assert actionlint(*sorted((root / ".github" / "workflows").glob("*.yaml"))).returncode == 0
    assert zizmor(root)["findings"] == []


def test_the_shape_of_the_default_workflow(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = generate(capsys, "release", str(TEMPLATE))
    assert code == 0, err
    workflow = load(out)
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {}  # every job says what it needs
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        assert "permissions" in job, name
        if "uses" not in job:  # a reusable workflow's jobs set their own (ci: 30 minutes)
            assert 0 < job["timeout-minutes"] <= 30, name
    assert jobs["candidate"]["permissions"] == {"actions": "read", "contents": "read"}
    for name in ("github-release", "draft-prerelease", "publish-release"):
        assert jobs[name]["permissions"] == {"contents": "write"}
    assert jobs["attest"]["permissions"] == {"id-token": "write", "attestations": "write"}
    for name, index in (
        ("publish-test-pypi", "https://test.pypi.org"),
        ("production-deploy", "https://pypi.org"),
    ):
        environment = jobs[name]["environment"]
        # the package's page on the index, its name read from pyproject.toml at build time
        assert environment["url"] == (
            f"{index}/project/${{{{ needs.build.outputs.project }}}}/${{{{ needs.build.outputs.version }}}}/"
        )
        assert jobs[name]["permissions"] == {"id-token": "write"}
        assert jobs[name]["steps"][-1]["with"].get("attestations") is True  # PEP 740
        assert "password" not in jobs[name]["steps"][-1]["with"]
    assert "--draft" in jobs["github-release"]["steps"][-1]["run"]
    assert "--draft=false" in jobs["publish-release"]["steps"][-1]["run"]
    assert jobs["publish-release"]["needs"] == "production-deploy"
    build_steps = " ".join(str(step.get("run", "")) for step in jobs["build"]["steps"])
    assert re.search(r'"build==\d+\.\d+(\.\d+)?" "packaging==\d+(\.\d+)+"', build_steps)


def test_every_action_is_pinned_by_sha_from_one_table(capsys: pytest.CaptureFixture[str]) -> None:
    pinned = {pin(row).uses: pin(row).tag for row in ACTIONS}
    for kind in ("release", "ci"):
        _, out, _ = generate(capsys, kind, str(TEMPLATE))
        lines = [line.strip() for line in out.splitlines() if re.match(r"\s*(- )?uses: ", line)]
        assert lines
        for line in lines:
            value = line.removeprefix("- ").removeprefix("uses: ")
            if value.startswith("$/"):
                continue  # this repository, at the running commit
            action, _, comment = value.partition("  # ")
            assert pinned.get(action) == comment, line


def test_pins_agree_with_the_verified_table() -> None:
    # shared/ lies beside the clone (CI, the lead's checkout) or beside the worktrees' folder
    tables = [base / "shared" / "actions-pins.md" for base in (ROOT.parent, ROOT.parent.parent)]
    table = next((path for path in tables if path.is_file()), None)
    if table is None:
        pytest.skip("the shared pin table is not beside this clone")
    text = table.read_text()
    unverifiable = {"pypa/gh-action-pypi-publish", "codecov/codecov-action"}  # documented in pins.py
    for row in ACTIONS:
        pinned = pin(row)
        if pinned.action in unverifiable:
            continue
        line = next(line for line in text.splitlines() if f"| {pinned.action} | {pinned.tag}" in line)
        assert f"`{pinned.sha}`" in line, row
        assert "mirror" in line, row


def test_every_environment_accepts_its_tag(capsys: pytest.CaptureFixture[str]) -> None:
    # The generated gates, checked independently against the policy with the explain-ref rules.
    _, out, _ = generate(capsys, "release", str(TEMPLATE))
    settings = load_policy(TEMPLATE).policy.repositories["widgets"]
    tags = {
        "publish-test-pypi": ["v1.2.3-rc1"],
        "qa": ["v1.2.3-rc1", "v1.2.3"],
        "production-release": ["v1.2.3-rc1", "v1.2.3"],
        "production-deploy": ["v1.2.3"],
    }
    for name, job in load(out)["jobs"].items():
        environment = job.get("environment")
        if environment is None:
            continue
        env_name = environment["name"] if isinstance(environment, dict) else environment
        for tag in tags[name]:
            assert explain(settings, settings.environments[env_name], Ref(RefKind.TAG, tag)).allowed, name
    deploy = settings.environments["production-deploy"]
    assert not explain(settings, deploy, Ref(RefKind.TAG, "v1.2.3-rc1")).allowed


def test_a_production_environment_that_admits_candidates_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    finals, every = "          - {versions: final, major: [1, 2, 4]}", '          - "v*"'
    policy.write_text(TEMPLATE.read_text().replace(finals, every))
    code, out, err = generate(capsys, "release", str(policy))
    assert code == 2
    assert out == ""
    assert err.splitlines()[0].endswith(
        "error: defaults.environments.production-deploy.deployment_refs: environment 'production-deploy' "
        "admits release candidate v1.2.3-rc1 (tag 'v1.2.3-rc1' matches tags pattern 'v*'): a workflow "
        "pushed with an RC tag could reach PyPI; use `tags: [{versions: final}]`"
    )


def test_override_that_refuses_a_tag(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        TEMPLATE.read_text()
        + "  gadgets:\n    environments:\n      qa: {deployment_refs: {branches: [main], tags: null}}\n"
        "      staging: null\n"
    )
    code, out, err = generate(capsys, "release", str(policy), "--repo", "gadgets")
    assert code == 2
    assert out == ""
    line = (
        TEMPLATE.read_text().count("\n") + 3
    )  # the override's environments mapping starts on its third line
    assert err.splitlines() == [
        f"{policy}:{line}:7: error: repositories.gadgets.environments: job 'publish-test-pypi' needs "
        "environment 'staging', which the policy does not declare",
        f"{policy}:{line}:29: error: repositories.gadgets.environments.qa.deployment_refs: environment 'qa' "
        "refuses tag v1.2.3-rc1 (job 'qa'): deployment_refs lists no tags, so no tag may deploy",
        f"{policy}:{line}:29: error: repositories.gadgets.environments.qa.deployment_refs: environment 'qa' "
        "refuses tag v1.2.3 (job 'qa'): deployment_refs lists no tags, so no tag may deploy",
    ]


def test_tokens_are_needed_only_for_a_token_upload(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEMPLATE.read_text().replace("    TEST_PYPI_TOKEN: {config: testPypiToken}\n", ""))
    code, _, err = generate(capsys, "release", str(policy), "--token-upload")
    assert code == 2
    assert (
        "secret 'TEST_PYPI_TOKEN' is declared neither for the repository nor for environment 'staging'" in err
    )
    assert generate(capsys, "release", str(policy))[0] == 0  # trusted publishing: no token at all
    assert generate(capsys, "release", str(policy), "--trusted-publishing")[0] == 0


def test_several_repositories_need_repo(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    for kind in ("release", "ci", "dependabot"):
        code, _, err = generate(capsys, kind, str(data / "merge.yaml"))
        assert code == 2
        assert "--repo: the policy has 2 repositories: widgets, gadgets" in err


# -- hostile patterns: the exact trigger, or a located error naming the construct --------------------


def with_pattern(tmp_path: Path, pattern: str) -> Path:
    policy = tmp_path / "policy.yaml"
    quoted = json.dumps(pattern)  # a YAML double-quoted scalar
    text = TEMPLATE.read_text().replace(
        '    pattern: "v*"                  # production and RC tags', f"    pattern: {quoted}"
    )
    assert quoted in text
    policy.write_text(text)
    return policy


@pytest.mark.parametrize(
    ("pattern", "trigger"),
    [
        ("v*", "v*"),
        ("v\\*", None),  # fnmatch: a literal `*`, which no tag holds: matches nothing, and so no sample
        ("v[0-9]*", "v[0-9]*"),
        ("v**", "v*"),  # fnmatch: `**` within a name is `*`; in a filter it would cross `/`
        ("ma\\x69n", None),
        ("v+*", None),
    ],
)
def test_a_pattern_becomes_its_exact_trigger(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pattern: str, trigger: str | None
) -> None:
    code, out, err = generate(capsys, "release", str(with_pattern(tmp_path, pattern)))
    if trigger is None:  # the pattern admits no release tag: refused as such, located
        assert code == 2
        assert "defaults.release_tags.pattern: release tag pattern" in err
        assert "does not match v1.2.3" in err
    else:
        assert code == 0, err
        assert load(out)["on"]["push"]["tags"] == [trigger]


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ('v*" # ', "the character '\"' at character 3"),
        ("v?.*", "`?` (any one character) at character 2"),
        ("**/v*", "`**/` (zero or more directories) at character 1"),
        ("v[!a]*", "the negated set `[!...]` at character 2"),
        ("v[.]*", "'.' in a set at character 3"),
        ("v[0-9", "an unterminated `[` at character 2"),
        ("v*\\", "a trailing `\\` at character 3"),
    ],
)
def test_a_pattern_without_an_exact_trigger_is_a_located_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pattern: str, construct: str
) -> None:
    policy = with_pattern(tmp_path, pattern)
    code, out, err = generate(capsys, "release", str(policy))
    assert code == 2
    assert out == ""
    line = next(line for line in policy.read_text().splitlines() if line.startswith("    pattern: "))
    number = policy.read_text().splitlines().index(line) + 1
    [refusal] = [entry for entry in err.splitlines() if "cannot be a workflow trigger" in entry]
    assert refusal.startswith(
        f"{policy}:{number}:14: error: defaults.release_tags.pattern: release tag pattern cannot be a "
        f"workflow trigger: {construct}"
    )


def test_a_branch_pattern_without_an_exact_trigger_is_a_located_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        TEMPLATE.read_text().replace("  branches:\n    main:\n", '  branches:\n    "release/?":\n')
    )
    for kind in ("ci", "release"):
        code, out, err = generate(capsys, kind, str(policy))
        assert code == 2
        assert out == ""
        assert "defaults.branches.release/?: branch pattern cannot be a workflow trigger: `?` (any one" in err


def test_what_is_printed_is_what_was_meant() -> None:
    # The read-back check can fail: a value no YAML reader gives back equal (NaN) is refused.
    assert emit({"name": "x", "on": "push", "tags": ["yes", "0o7", "1_000", "", "on"]}, "h").count("'") == 10
    with pytest.raises(UnfaithfulYaml, match="does not read back as generated at values"):
        emit({"values": float("nan")}, "header")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--smoke-command", "echo ${{ secrets.PYPI_TOKEN }}"],
            "--smoke-command: `${{` would be evaluated by GitHub",
        ),
        (["--version-file", "../etc/passwd"], "--version-file '../etc/passwd': a relative path"),
        (["--version-file", "/abs"], "--version-file '/abs': a relative path"),
    ],
)
def test_options_the_workflow_cannot_hold_are_refused(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = generate(capsys, "release", str(TEMPLATE), *argv)
    assert code == 2
    assert out == ""
    assert message in err


def test_options_reach_the_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = generate(
        capsys,
        "release",
        str(TEMPLATE),
        "--smoke-command",
        'python -c "import widgets" && pytest tests/smoke',
        "--version-file",
        "docs/changelog.rst",
        "--no-provenance",
    )
    assert code == 0, err
    jobs = load(out)["jobs"]
    assert "attest" not in jobs
    assert "attest" not in jobs["github-release"]["needs"]
    install = jobs["install"]["steps"][-1]["env"]
    assert install["SMOKE_COMMAND"] == 'python -c "import widgets" && pytest tests/smoke'
    assert jobs["install"]["steps"][0]["with"] == {"persist-credentials": False}  # the checkout it runs in
    files = jobs["candidate"]["steps"][-1]["env"]["VERSION_FILES"].splitlines()
    assert files == [
        "pyproject.toml",
        "CHANGELOG.md",
        "${{ needs.build.outputs.version_file }}",
        "docs/changelog.rst",
    ]


def test_dependabot_keeps_the_action_pins_current(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = generate(capsys, "dependabot", str(TEMPLATE))
    assert code == 0, err
    [update] = load(out)["updates"]
    assert update["package-ecosystem"] == "github-actions"
    assert update["directory"] == "/"
    assert update["cooldown"]["default-days"] >= 1
