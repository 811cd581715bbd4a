"""`repoconf diff` as a pull-request job runs it: files or git refs, exit codes, located errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from repoconf.cli.main import main
from tests.conftest import TEMPLATE


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repository(tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit holds the template as config/policy.yaml."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config/policy.yaml").write_text(template.read_text())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "policy"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_pull_request_against_its_base(capsys: pytest.CaptureFixture[str], repository: Path) -> None:
    policy = repository / "config/policy.yaml"
    code, out, _ = run(capsys, "diff", "git:main:config/policy.yaml", str(policy))
    assert code == 0
    assert out.endswith("0 change(s) in 0 of 1 repositories, 0 weakening a gate\n")
    policy.write_text(policy.read_text().replace("wait_timer: 30", "wait_timer: 45"))
    code, out, _ = run(capsys, "diff", "git:main:config/policy.yaml", str(policy), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["summary"] == {"changes": 1, "weakening": 0}
    assert document["repositories"][0]["changes"] == [
        {
            "path": "environments.production-release.wait_timer",
            "before": 30,
            "after": 45,
            "weakens": False,
            "why": None,
        }
    ]
    assert run(capsys, "diff", "git:main:config/policy.yaml", str(policy), "--fail-on-weakening")[0] == 0
    policy.write_text(policy.read_text().replace("wait_timer: 45", "wait_timer: 0"))
    assert run(capsys, "diff", "git:main:config/policy.yaml", str(policy), "--fail-on-weakening")[0] == 1


def test_an_invalid_side_is_located(capsys: pytest.CaptureFixture[str], repository: Path) -> None:
    policy = repository / "config/policy.yaml"
    policy.write_text(policy.read_text().replace("wait_timer: 30", "wait_timer: soon"))
    code, _, err = run(capsys, "diff", "git:main:config/policy.yaml", str(policy))
    assert code == 2
    line = (
        TEMPLATE.read_text()
        .splitlines()
        .index("      wait_timer: 30               # minutes between approval and release")
        + 1
    )
    assert err.startswith(f"{policy}:{line}:19: error: defaults.environments.production-release.wait_timer: ")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "git:nope:config/policy.yaml",
            "git:nope:config/policy.yaml: config/policy.yaml does not exist at nope",
        ),
        ("git:main:missing.yaml", "git:main:missing.yaml: missing.yaml does not exist at main"),
        ("git:main", "git:main: expected git:REF:PATH, e.g. git:origin/main:config/policy.yaml"),
        ("git:--output=x:p.yaml", "a ref cannot start with '-'"),
        # a path is taken literally: git's pathspec magic never reads a glob as "no file, empty policy"
        ("git:main:config/*.yaml", "config/*.yaml does not exist at main"),
        ("git:main:config/nothing*.yaml", "config/nothing*.yaml does not exist at main"),
        ("git:main::(glob)config/*", "does not exist at main"),
        ("git:main:config", "config is a directory at main"),
        ("git:main:config/policy.yaml\nHEAD:x", "cannot hold a line break or NUL"),
        ("git:\x1b[31mmain:x", "git:\\x1b[31mmain:x: x does not exist at \\x1b[31mmain"),
    ],
)
def test_bad_git_sources(
    capsys: pytest.CaptureFixture[str], repository: Path, source: str, message: str
) -> None:
    code, _, err = run(capsys, "diff", source, "config/policy.yaml")
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert "\x1b" not in err
    assert err.count("\n") == 1  # one line


def test_a_large_blob_is_refused_before_it_is_read(
    capsys: pytest.CaptureFixture[str], repository: Path
) -> None:
    # 5 MiB of one repeated line: git stores it compressed; repoconf asks its size before reading it
    (repository / "big.yaml").write_bytes(b"# padding\n" * (512 * 1024))
    subprocess.run(["git", "add", "big.yaml"], cwd=repository, check=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "commit", "-q", "-m", "big"], cwd=repository, check=True)
    code, _, err = run(capsys, "diff", "git:main:big.yaml", "config/policy.yaml")
    assert code == 2
    assert "git:main:big.yaml: 5,242,880 bytes, larger than 4 MiB, which no policy is" in err
