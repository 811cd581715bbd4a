"""`repoconf audit` and `repoconf import` as a user runs them, against a loopback GitHub."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from repoconf.cli.main import main
from repoconf.policy.loader import load
from repoconf.policy.model import ProtectionEngine
from repoconf.progress import terminal_progress
from standin.github import FakeGitHub
from tests.conftest import ROOT, TEMPLATE

TOKEN = "ghp_cli_secret_token_abcdef123456"


class _AnyInt:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, int)


ANY_INT = _AnyInt()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    server = FakeGitHub("acme", token=TOKEN)
    server.deploy("widgets", load(TEMPLATE).policy.repositories["widgets"])
    monkeypatch.setenv("GITHUB_API_URL", server.start())
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    yield server
    server.stop()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse refuses an option before any command runs
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


def test_compliant_exit_0(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    code, out, _ = run(capsys, "audit", str(TEMPLATE))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "widgets: compliant"
    assert re.fullmatch(
        r"1/1 repositories compliant, 0 finding\(s\), 0 unreadable, 26 request\(s\); "
        r"rate limit: 4974 left, resets \d\d:\d\d:\d\d UTC",
        lines[1],
    )
    assert len(lines) == 2


def test_drift_exit_1_in_every_format(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    fake.repositories["widgets"].environments["production-release"].wait_timer = 0
    code, out, _ = run(capsys, "audit", str(TEMPLATE))
    assert code == 1
    assert "  changed  environments.production-release.wait_timer: expected 30, found 0" in out
    code, out, _ = run(capsys, "audit", str(TEMPLATE), "--format", "json")
    assert code == 1
    assert json.loads(out) == {
        "repositories": [
            {
                "name": "widgets",
                "compliant": False,
                "findings": [
                    {
                        "kind": "changed",
                        "path": "environments.production-release.wait_timer",
                        "expected": 30,
                        "actual": 0,
                    }
                ],
                "unverified": [],
                "error": None,
            }
        ],
        "summary": {
            "repositories": 1,
            "compliant": 0,
            "findings": 1,
            "errors": 0,
            "requests": 24,  # the workflow files (by blob id) come from the cache without a request
            "not_modified": 24,  # the text run just before filled the cache: nothing changed since
            "rate_limit": {"remaining": ANY_INT, "reset": ANY_INT},
        },
    }
    code, out, _ = run(capsys, "audit", str(TEMPLATE), "--format", "markdown")
    assert code == 1
    assert "| changed | environments\\.production\\-release\\.wait\\_timer | 30 | 0 |" in out


def test_bad_token_exit_3(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_the_right_one_987")
    code, out, err = run(capsys, "audit", str(TEMPLATE))
    assert code == 3
    assert out.startswith("widgets: error\n")
    assert err == (
        "repoconf: error: GET /repos/acme/widgets/environments: GitHub refused the token (401 Bad "
        "credentials): set GITHUB_TOKEN or GH_TOKEN to a valid token\n"
    )
    assert "ghp_not_the_right_one_987" not in out + err


def test_no_token_says_so(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    code, _, err = run(capsys, "audit", str(TEMPLATE))
    assert code == 3
    assert "GET /repos/acme/widgets/environments: no token set" in err
    assert "set GITHUB_TOKEN or GH_TOKEN" in err
    assert "refused the token" not in err


def test_a_403_names_the_permission_of_the_one_table(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    from repoconf.github.permissions import needed

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    path = "/repos/acme/widgets/environments/qa/variables"
    fake.fault(
        re.escape(path),
        status=403,
        body={"message": "Resource not accessible by personal access token"},
        times=99,
    )
    code, out, _ = run(capsys, "audit", str(TEMPLATE))
    assert code == 3
    assert needed("GET", path) == '"Environments: read"'  # environment variables: not "Variables"
    assert 'a fine-grained token needs "Environments: read" on this repository' in out


def test_unreachable_exit_3(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    code, _, err = run(capsys, "audit", str(TEMPLATE), "--api-url", "http://127.0.0.1:9", "--retries", "2")
    assert code == 3
    assert "connection failed" in err


def test_invalid_policy_and_usage_exit_2(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\nowner: acme\n")
    code, _, err = run(capsys, "audit", str(policy))
    assert code == 2
    assert "required field 'repositories' is missing" in err
    code, _, err = run(capsys, "audit", str(TEMPLATE), "--repo", "nope")
    assert code == 2


def test_token_never_in_output_even_on_errors(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    fake.fault(r"/rulesets$", status=418, body={"message": f"teapot saw {TOKEN[:4]}"})
    code, out, _err = run(capsys, "--debug", "audit", str(TEMPLATE), "--format", "json")
    assert code == 3
    [entry] = json.loads(out)["repositories"]
    assert entry["error"] == "GET /repos/acme/widgets/rulesets: HTTP 418 (teapot saw ghp_)"


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    progress = terminal_progress("audited")
    progress(1, 2, "widgets")
    progress(2, 2, "gadgets")
    assert terminal.getvalue() == "\r\x1b[Kaudited 1/2: widgets\r\x1b[Kaudited 2/2: gadgets\n"
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    progress(1, 1, "widgets")
    assert pipe.getvalue() == ""


def test_import_round_trip(capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "import", "acme/widgets")
    assert code == 0
    assert out.startswith("# yaml-language-server: $schema=./policy.schema.json\n")
    imported = tmp_path / "imported.yaml"
    imported.write_text(out)
    policy = load(imported).policy.repositories["widgets"]
    assert policy.environments["production-deploy"].reviewers is not None
    assert policy.environments["production-deploy"].reviewers.teams == ("devops", "senior-engineers")
    # values already live on GitHub: repoconf must not hold (or overwrite) them
    assert policy.secrets["CODECOV_TOKEN"].model_dump() == {"external": True}
    assert policy.environments["production-deploy"].secrets["PYPI_TOKEN"].model_dump() == {"external": True}
    # the 18 live final patterns read back as the entry they expand from, with its bounds
    refs = yaml.safe_load(imported.read_text())["repositories"]["widgets"]["environments"]
    assert refs["qa"]["deployment_refs"]["tags"] == ["v*"]
    assert refs["production-deploy"]["deployment_refs"]["tags"] == [{"versions": "final", "major": [1, 2, 4]}]
    assert policy.release_tags is not None
    assert policy.release_tags.created_by is not None
    assert policy.release_tags.created_by.teams == ("release-managers",)
    code, out, _ = run(capsys, "audit", str(imported))
    assert code == 0, out


def test_import_round_trip_hand_made_repository(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    hand_made = (
        load(TEMPLATE)
        .policy.repositories["widgets"]
        .model_copy(update={"protection_engine": ProtectionEngine.CLASSIC})
    )
    repo = fake.deploy("legacy", hand_made)
    repo.environments["qa"].users = ["octocat"]
    repo.collaborators["octocat"] = "write"
    repo.environments["qa"].can_admins_bypass = True
    repo.environments["qa"].variables["URL"] = "https://qa.example"
    repo.rulesets.append(
        fake.ruleset("legacy", "Protect develop", "branch", ["refs/heads/develop"], [], [], [])
    )
    del repo.files["CHANGELOG.md"]
    code, out, _ = run(capsys, "import", "acme/legacy")
    assert code == 0
    assert "# Rulesets of this repository not created by repoconf (not described here; recreate them" in out
    assert "protection_engine: classic" in out
    assert "the default branch lacks (not required here; add them to required_files once they exist): " in out
    imported = tmp_path / "legacy.yaml"
    imported.write_text(out)
    assert load(imported).policy.repositories["legacy"].required_files == (
        ".github/workflows/release.yaml",
        ".github/actions/",
        "src/**/__init__.py",
        "tests/",
        "pyproject.toml",
    )
    code, out, _ = run(capsys, "audit", str(imported))
    assert code == 0, out


def test_import_of_an_empty_repository_requires_no_file(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    fake.repositories["widgets"].files = {}
    code, out, _ = run(capsys, "import", "acme/widgets")
    assert code == 0
    imported = tmp_path / "empty.yaml"
    imported.write_text(out)
    assert load(imported).policy.repositories["widgets"].required_files is None  # absent: none required


def test_import_missing_repository_exit_3(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    code, _, err = run(capsys, "import", "acme/ghost")
    assert code == 3
    assert "repository acme/ghost not found" in err
    code, _, err = run(capsys, "import", "not a name")
    assert code == 2


def test_one_unreadable_repository_does_not_stop_the_audit(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path
) -> None:
    policy = tmp_path / "p.yaml"
    text = TEMPLATE.read_text()
    policy.write_text(text + "  secret-plans: {}\n  gizmos: {}\n")
    settings = load(TEMPLATE).policy.repositories["widgets"]
    limited = fake.deploy("secret-plans", settings)
    limited.private, limited.plan_has_rulesets = True, False
    fake.deploy("gizmos", settings).environments["qa"].wait_timer = 5
    code, out, _ = run(capsys, "audit", str(policy), "--format", "json")
    assert code == 3
    report = json.loads(out)
    by_name = {entry["name"]: entry for entry in report["repositories"]}
    assert by_name["widgets"]["compliant"] is True
    assert by_name["gizmos"]["findings"][0]["path"] == "environments.qa.wait_timer"
    assert by_name["secret-plans"] == {
        "name": "secret-plans",
        "compliant": False,
        "findings": [],
        "unverified": [],
        "error": "GET /repos/acme/secret-plans/rulesets: rulesets on a private repository need GitHub Pro, "
        "Team or Enterprise (GitHub said: Upgrade to GitHub Pro or make this repository public to enable "
        "this feature.): make the repository public or upgrade its plan",
    }
    assert report["summary"]["errors"] == 1
    for output in ("text", "markdown"):
        code, out, _ = run(capsys, "audit", str(policy), "--format", output)
        assert code == 3
        assert "rulesets on a private repository need GitHub Pro" in out


def test_a_read_only_token_gives_unverified_not_drift(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake.read_token = "ghp_read_only_000"
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_read_only_000")
    # admins may bypass in this policy: the read-only token cannot see bypass actors, so no drift
    policy = tmp_path / "p.yaml"
    policy.write_text(TEMPLATE.read_text().replace("enforce_admins: true", "enforce_admins: false"))
    fake.deploy("widgets", load(policy).policy.repositories["widgets"])
    fake.sends_can_admins_bypass = False  # as GitHub Enterprise Server may answer
    code, out, _ = run(capsys, "audit", str(policy), "--format", "json")
    assert code == 0, out
    [entry] = json.loads(out)["repositories"]
    assert entry["findings"] == []
    assert "branches.main.enforce_admins" in entry["unverified"]
    assert "environments.qa.can_admins_bypass" in entry["unverified"]
    assert "release_tags.bypass_actors" in entry["unverified"]
    assert "release_tags.created_by" in entry["unverified"]
    code, out, _ = run(capsys, "audit", str(policy))
    assert "unverified branches.main.enforce_admins: not visible to this token" in out


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--api-url", "ftp://example.com"], {}, "is not an http(s) API base URL"),
        (["--api-url", "not a url"], {}, "is not an http(s) API base URL"),
        (
            ["--api-url", "https://me:s3cret@ghe.example/api/v3"],
            {},
            "'https://***@ghe.example/api/v3' holds credentials",
        ),
        ([], {"GITHUB_API_URL": "ftp://me:s3cret@ghe.example"}, "'ftp://***@ghe.example' is not an http(s)"),
        ([], {"GITHUB_TOKEN": "ghp_abc\n"}, "holds characters a token never has"),
        ([], {"GITHUB_TOKEN": "ghp_é"}, "holds characters a token never has"),
        (["--max-wait=-1"], {}, "argument --max-wait: '-1': expected a number from 0 to 86400"),
    ],
)
def test_bad_access_options_are_usage_errors_before_any_request(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "audit", str(TEMPLATE), *argv)
    assert code == 2
    assert message in err
    assert "s3cret" not in out + err
    assert fake.requests == []


def test_markdown_escapes_what_github_holds(capsys: pytest.CaptureFixture[str], fake: FakeGitHub) -> None:
    fake.repositories["widgets"].variables["EVIL"] = "`x` | @acme/admins #1\n## heading"
    code, out, _ = run(capsys, "audit", str(TEMPLATE), "--format", "markdown")
    assert code == 1
    row = next(line for line in out.splitlines() if "EVIL" in line)
    assert row.count("|") - row.count("\\|") == 5  # the table row keeps its four cells
    assert "@acme" not in row
    assert "@&#8203;acme" in row
    assert "#1" not in row
    assert "`" not in row.replace("\\`", "")


def test_import_leaves_inherited_rulesets_out_and_names_them(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.org_ruleset("org baseline\n# not: a comment")  # a hostile name cannot break out of the comment
    fake.read_token = "ghp_read_only_111"
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_read_only_111")
    code, out, _ = run(capsys, "import", "acme/widgets")
    assert code == 0
    assert (
        "# Inherited from the organization or enterprise (they apply here but belong to it; left out): "
        "org baseline\\x0a# not: a comment"
    ) in out
    assert (
        "# branches.main.enforce_admins: not visible to this token (write access to the repository's "
        "rulesets (fine-grained token: Administration: write) shows it); written as the strictest value"
    ) in out
    imported = tmp_path / "imported.yaml"
    imported.write_text(out)
    assert "org baseline" not in str(load(imported).policy.model_dump())


@pytest.mark.parametrize("command", [["import", "acme/widgets"], ["audit", str(TEMPLATE)]])
def test_an_html_page_from_github_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, command: list[str]
) -> None:
    fake.fault("/environments$", status=200, raw=b"<html>maintenance</html>", times=5)
    code, out, err = run(capsys, *command)
    assert code == 3
    assert "GitHub's answer is not JSON" in out + err
    assert "Traceback" not in out + err


def test_owner_audits_the_organization_a_stack_manages(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub
) -> None:
    fake.owner = "acme-sandbox"  # the stand-in now serves the sandbox organization only
    fake.repositories["widgets"] = fake.repositories.pop("widgets")
    code, out, _ = run(capsys, "audit", str(TEMPLATE), "--owner", "acme-sandbox", "--format", "json")
    assert code == 0, out
    owners = {p.split(" ", 1)[1].split("/")[2] for p, _ in fake.requests}
    assert owners == {"acme-sandbox"}
    code, _, err = run(capsys, "audit", str(TEMPLATE), "--owner=-bad")
    assert code == 2
    assert "--owner: '-bad' is not a GitHub organization or user name" in err


def test_audit_of_a_stack_reads_its_owner_and_policy(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    stack = tmp_path / "Pulumi.sandbox.yaml"
    stack.write_text(f"config:\n  repoconf:policy: {TEMPLATE}\n")
    assert run(capsys, "audit", "--stack", "sandbox", "--project-dir", str(tmp_path))[0] == 0
    # the stack's owner override: the sandbox organization is audited, where widgets does not exist
    stack.write_text(f"config:\n  repoconf:policy: {TEMPLATE}\n  repoconf:owner: acme-sandbox\n")
    code, out, _ = run(capsys, "audit", "--stack", "sandbox", "--project-dir", str(tmp_path))
    assert code == 1
    assert "repository" in out
    assert any("/repos/acme-sandbox/widgets" in path for path, _ in fake.requests)
    code, _, err = run(
        capsys, "audit", "--stack", "sandbox", "--owner", "acme", "--project-dir", str(tmp_path)
    )
    assert code == 2
    assert "--owner and --stack" in err
