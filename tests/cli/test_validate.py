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


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_policy_is_valid_without_warnings(capsys: pytest.CaptureFixture[str], template: Path) -> None:
    code, out, err = run(capsys, "validate", str(template), "--strict")
    assert code == 0
    assert err == ""
    assert out.endswith("valid: 1 repositories, 0 warning(s)\n")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (
            "refs/heads/main",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (True, "branch 'main' matches branches pattern 'main'"),
                "production-release": (True, "branch 'main' matches branches pattern 'main'"),
                "production-deploy": (True, "branch 'main' matches branches pattern 'main'"),
            },
        ),
        (
            "refs/tags/v1.2.3-rc1",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (True, "tag 'v1.2.3-rc1' matches tags pattern 'v*'"),
                "production-release": (True, "tag 'v1.2.3-rc1' matches tags pattern 'v*'"),
                "production-deploy": (True, "tag 'v1.2.3-rc1' matches tags pattern 'v*'"),
            },
        ),
        (
            "refs/tags/v1.2.3",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (True, "tag 'v1.2.3' matches tags pattern 'v*'"),
                "production-release": (True, "tag 'v1.2.3' matches tags pattern 'v*'"),
                "production-deploy": (True, "tag 'v1.2.3' matches tags pattern 'v*'"),
            },
        ),
        (
            "refs/heads/feature/x",
            {
                "staging": (True, "no deployment_refs: any ref may deploy"),
                "qa": (False, "branch 'feature/x' matches none of the branches patterns 'main'"),
                "production-release": (
                    False,
                    "branch 'feature/x' matches none of the branches patterns 'main'",
                ),
                "production-deploy": (
                    False,
                    "branch 'feature/x' matches none of the branches patterns 'main'",
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
    assert "    qa                  refused  branch 'dev' matches none of the branches patterns 'main'" in out


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
    relaxed.write_text((data / "checks.yaml").read_text().replace("[a, b, c, d]", "[a, b]"))
    code, out, err = run(capsys, "validate", str(relaxed))
    assert code == 0
    assert "5 warning(s)" in out
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
    assert document["errors"] == 1
    assert document["warnings"] == 5
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
