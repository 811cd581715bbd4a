"""`repoconf validate` and `repoconf schema` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from repoconf.cli.main import main
from repoconf.policy.schema import policy_schema
from tests.conftest import ROOT

FINAL, RC = "v[0-9].[0-9].[0-9]", "v[0-9].[0-9].[0-9]-rc[0-9]"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_policy_is_valid_without_warnings(capsys: pytest.CaptureFixture[str], template: Path) -> None:
    code, out, err = run(capsys, "validate", str(template), "--strict")
    assert code == 0
    assert err == ""
    assert out.endswith("valid: 1 repositories, 0 warning(s)\n")


NO_BRANCH = "deployment_refs lists no branches, so no branch may deploy"
PRODUCTION = "{versions: final, major: [1, 2, 4]}"


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (
            "refs/heads/main",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (False, NO_BRANCH),
                "production-release": (False, NO_BRANCH),
                "production-deploy": (False, NO_BRANCH),
            },
        ),
        (
            "refs/tags/v1.2.3-rc1",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (True, "tag 'v1.2.3-rc1' matches tags pattern 'v*'"),
                "production-release": (True, "tag 'v1.2.3-rc1' matches tags pattern 'v*'"),
                "production-deploy": (
                    False,
                    f"tag 'v1.2.3-rc1' matches none of the tags patterns {PRODUCTION} (18 patterns)",
                ),
            },
        ),
        (
            "refs/tags/v1.2.3",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (True, "tag 'v1.2.3' matches tags pattern 'v*'"),
                "production-release": (True, "tag 'v1.2.3' matches tags pattern 'v*'"),
                "production-deploy": (
                    True,
                    f"tag 'v1.2.3' matches tags pattern {FINAL!r} (from {PRODUCTION})",
                ),
            },
        ),
        (
            "refs/tags/v2024.8.30",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (True, "tag 'v2024.8.30' matches tags pattern 'v*'"),
                "production-release": (True, "tag 'v2024.8.30' matches tags pattern 'v*'"),
                "production-deploy": (
                    True,
                    "tag 'v2024.8.30' matches tags pattern 'v[0-9][0-9][0-9][0-9].[0-9].[0-9][0-9]' "
                    f"(from {PRODUCTION})",
                ),
            },
        ),
    ],
)
def test_explain_ref_on_default_policy(
    capsys: pytest.CaptureFixture[str],
    template: Path,
    ref: str,
    expected: dict[str, tuple[bool, str]],
) -> None:
    code, out, _ = run(capsys, "validate", str(template), "--explain-ref", ref, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["explain"]["ref"] == ref
    [repository] = document["explain"]["repositories"]
    assert repository["name"] == "widgets"
    assert {e["name"]: (e["allowed"], e["reason"]) for e in repository["environments"]} == expected


def test_explain_ref_text(capsys: pytest.CaptureFixture[str], template: Path) -> None:
    code, out, _ = run(capsys, "validate", str(template), "--explain-ref", "refs/heads/dev")
    assert code == 0
    assert "deployments from refs/heads/dev:" in out
    assert f"    qa                  refused  {NO_BRANCH}" in out


def test_explain_ref_needs_a_full_ref(capsys: pytest.CaptureFixture[str], template: Path) -> None:
    code, _, err = run(capsys, "validate", str(template), "--explain-ref", "v1.2.3")
    assert code == 2
    assert "write refs/heads/BRANCH or refs/tags/TAG" in err


def test_invalid_policy_exit_2_one_line_per_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nowner: acme\nrepositories:\n  w: {adopt: yes please}\n")
    code, out, err = run(capsys, "validate", str(policy))
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"{policy}:4:14: error: repositories.w.adopt: expected true or false",
        f"{policy}: invalid: 1 error(s)",
    ]


def test_warnings_pass_unless_strict(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    relaxed = tmp_path / "checks.yaml"
    text = (data / "checks.yaml").read_text().replace("[a, b, c, d]", "[a, b]")
    relaxed.write_text(
        text.replace("{protected: true}\n      prevent_self_review: true\n", "{protected: true}\n")
    )
    code, out, err = run(capsys, "validate", str(relaxed))
    assert code == 0
    assert "6 warning(s)" in out
    assert ": warning: " in err
    code, _, err = run(capsys, "validate", str(relaxed), "--strict")
    assert code == 2
    assert "(--strict)" in err


def test_json_output_shape(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    code, out, err = run(capsys, "validate", str(data / "checks.yaml"), "--format", "json")
    assert code == 2
    assert err == ""
    document = json.loads(out)
    assert document["valid"] is False
    assert document["errors"] == 2
    assert document["warnings"] == 6
    assert set(document["diagnostics"][0]) == {
        "file",
        "line",
        "column",
        "severity",
        "rule",
        "path",
        "repository",
        "environment",
        "message",
    }


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert f"{tmp_path / 'nope.yaml'}:1:1: error: no such file" in err


def test_literal_secret_never_echoed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    secret = "pypi-AgEIcHlwaS5vcmcCJDk2ZmQ0"
    policy = tmp_path / "p.yaml"
    policy.write_text(
        f"version: 1\nowner: acme\nrepositories:\n  w:\n    secrets:\n      PYPI_TOKEN: {secret}\n"
        f"    environments:\n      e: {{secrets: {{T: [{secret}]}}, variables: {{V: [{secret}]}}}}\n"
    )
    for fmt in ("text", "json"):
        code, out, err = run(capsys, "validate", str(policy), "--format", fmt)
        assert code == 2
        assert secret not in out + err
        assert "secrets.PYPI_TOKEN" in out + err


def test_schema_command_matches_committed_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    committed = json.loads((ROOT / "config" / "policy.schema.json").read_text())
    assert json.loads(out) == committed == policy_schema(), (
        "config/policy.schema.json is stale: run `repoconf schema > config/policy.schema.json`"
    )


def test_schema_describes_every_field() -> None:
    definitions = policy_schema()["$defs"]
    for name, definition in definitions.items():
        for field, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_default_policy_points_editors_at_schema(template: Path) -> None:
    assert template.read_text().splitlines()[0] == ("# yaml-language-server: $schema=./policy.schema.json")


def test_validate_does_not_import_pulumi(template: Path) -> None:
    probe = (
        "import sys; from repoconf.cli.main import main; code = main(['validate', sys.argv[1]]); "
        "assert 'pulumi' not in sys.modules and 'httpx' not in sys.modules, 'heavy import'; "
        "sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(template)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_internal_errors_are_reported_without_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, template: Path
) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("boom with details")

    monkeypatch.setattr("repoconf.cli.commands.validate.run_checks", broken)
    code, _, err = run(capsys, "validate", str(template))
    assert code == 70
    assert "Traceback" not in err
    assert "internal error (RuntimeError)" in err
    code, _, err = run(capsys, "--debug", "validate", str(template))
    assert "Traceback" in err


@pytest.fixture
def checkout(tmp_path: Path, template: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A checkout holding the guide's files and the workflows repoconf generates for the template."""
    root = tmp_path / "widgets"
    for directory in (".github/workflows", ".github/actions/setup", "src/widgets", "tests", ".git"):
        (root / directory).mkdir(parents=True)
    for file in ("CHANGELOG.md", "pyproject.toml", "src/widgets/__init__.py", "tests/test_x.py"):
        (root / file).write_text("")
    (root / ".github/actions/setup/action.yml").write_text("")
    for kind, file in (("release", "release.yaml"), ("ci", "ci.yaml")):
        assert main(["workflow", kind, str(template)]) == 0
        (root / ".github/workflows" / file).write_text(capsys.readouterr().out)
    return root


def test_a_checkout_with_repoconfs_workflows_holds_everything(
    capsys: pytest.CaptureFixture[str], template: Path, checkout: Path
) -> None:
    code, _out, err = run(capsys, "validate", str(template), "--strict", "--repo-dir", str(checkout))
    assert (code, err) == (0, "")


def test_a_checkout_missing_a_file_and_a_check_producer(
    capsys: pytest.CaptureFixture[str], template: Path, checkout: Path
) -> None:
    (checkout / "CHANGELOG.md").unlink()
    (checkout / ".git" / "CHANGELOG.md").write_text("")  # git's own directory is not the repository
    ci = checkout / ".github/workflows/ci.yaml"
    ci.write_text(ci.read_text().replace("name: Security Scans", "name: Security Scan"))
    code, out, err = run(capsys, "validate", str(template), "--repo-dir", str(checkout), "--format", "json")
    assert code == 2
    found = {(d["path"], d["rule"], d["severity"]) for d in json.loads(out)["diagnostics"]}
    assert found == {
        ("defaults.required_files[4]", "content", "error"),
        ("defaults.branches.main.required_status_checks[2]", "content", "error"),
    }
    code, out, err = run(capsys, "validate", str(template), "--repo-dir", str(checkout))
    lines = err.splitlines()
    assert lines[0].startswith(f"{template}:")
    assert "has no file 'CHANGELOG.md': add it, or remove it from required_files" in lines[0]
    assert "runs a job named 'Security Scans' on pull requests to main" in lines[1]


def test_repo_dir_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, template: Path) -> None:
    code, _, err = run(capsys, "validate", str(template), "--repo-dir", str(tmp_path / "nowhere"))
    assert code == 2
    assert "not a directory" in err
    many = tmp_path / "many.yaml"
    many.write_text(template.read_text() + "  gizmos: {}\n")
    code, _, err = run(capsys, "validate", str(many), "--repo-dir", str(tmp_path))
    assert code == 2
    assert "name the checkout's with --repo NAME" in err
    code, _, err = run(capsys, "validate", str(many), "--repo-dir", str(tmp_path), "--repo", "nope")
    assert code == 2
    assert "--repo: nope not in the policy (it has: gizmos, widgets)" in err
    # GitHub's names are case-insensitive: the policy's gizmos, whose checkout lacks its required files
    code, _, err = run(capsys, "validate", str(many), "--repo-dir", str(tmp_path), "--repo", "GIZMOS")
    assert (code, "--repo" in err) == (2, False)
    assert "has no file 'CHANGELOG.md'" in err


def test_an_unreadable_workflow_makes_a_missing_producer_a_warning(
    capsys: pytest.CaptureFixture[str], template: Path, checkout: Path
) -> None:
    ci = checkout / ".github/workflows/ci.yaml"
    ci.write_text(ci.read_text().replace("name: Security Scans", "name: Security Scan"))
    (checkout / ".github/workflows/scan.yml").write_bytes(b"name: \xff\n")  # could hold the job: unknown
    code, _out, err = run(capsys, "validate", str(template), "--repo-dir", str(checkout))
    assert code == 0
    assert (
        "warning: defaults.branches.main.required_status_checks[2]: 'Security Scans' could not be verified"
        in err
    )
    assert run(capsys, "validate", str(template), "--strict", "--repo-dir", str(checkout))[0] == 2
