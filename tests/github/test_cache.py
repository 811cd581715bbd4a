"""Conditional requests with the on-disk cache: a repeat audit of unchanged repositories is nearly free,
a damaged cache changes nothing but speed, and the token never reaches the cache directory.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from repoconf.audit.run import audit
from repoconf.cli.main import main
from repoconf.github.cache import HttpCache, token_identity
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import LoadedPolicy, load
from repoconf.policy.model import RepositorySettings
from standin.github import FakeGitHub
from tests.conftest import TEMPLATE, TOKEN


def client(fake: FakeGitHub, directory: Path, token: str = TOKEN) -> GitHub:
    return GitHub(
        fake.base, token, retry=RetryPolicy(backoff=0.01), cache=HttpCache(directory, token_identity(token))
    )


def test_a_repeat_audit_is_answered_304_with_the_same_findings(
    fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path
) -> None:
    fake.repositories["widgets"].environments["qa"].wait_timer = 5  # some drift, to compare findings
    with client(fake, tmp_path) as github:
        first = audit(github, policy.policy)
    used = fake.used
    with client(fake, tmp_path) as github:
        second = audit(github, policy.policy)
    assert second.as_json()["repositories"] == first.as_json()["repositories"]
    assert second.requests == 22
    assert second.not_modified == 22  # 100% answered 304...
    assert fake.used == used  # ...and GitHub charged none of them
    assert second.as_json()["summary"]["not_modified"] == 22


def test_a_change_is_seen_through_the_cache(fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path) -> None:
    with client(fake, tmp_path) as github:
        assert audit(github, policy.policy).compliant
    fake.repositories["widgets"].variables["NEW"] = "1"
    with client(fake, tmp_path) as github:
        report = audit(github, policy.policy)
    assert [f.path for f in report.repositories[0].findings] == ["variables.NEW"]
    assert report.not_modified == 21  # every answer but the changed listing


def test_damaged_or_foreign_entries_change_nothing_but_speed(
    fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path
) -> None:
    with client(fake, tmp_path) as github:
        expected = audit(github, policy.policy).as_json()["repositories"]
    entries = sorted(tmp_path.glob("*.json"))
    assert len(entries) == 22
    entries[0].write_text("{not json")
    entries[1].write_bytes(entries[1].read_bytes()[:40])  # truncated
    document = json.loads(entries[2].read_text())
    document["content"] = "eyJtYWxpY2lvdXMiOiB0cnVlfQ=="  # another body under the same validators
    entries[2].write_text(json.dumps(document))
    document = json.loads(entries[3].read_text())
    document["url"] = "https://elsewhere.example/x"  # another URL's entry
    entries[3].write_text(json.dumps(document))
    with client(fake, tmp_path) as github:
        report = audit(github, policy.policy)
    assert report.as_json()["repositories"] == expected
    assert report.not_modified == 18  # the four damaged entries were fetched again...
    with client(fake, tmp_path) as github:
        assert audit(github, policy.policy).not_modified == 22  # ...and replaced


def test_another_token_never_sees_an_entry(fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path) -> None:
    fake.read_token = "ghp_other_token_000000"
    with client(fake, tmp_path) as github:
        audit(github, policy.policy)
    with client(fake, tmp_path, "ghp_other_token_000000") as github:
        assert audit(github, policy.policy).not_modified == 0


def test_files_are_private_and_hold_no_token(fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    with client(fake, directory) as github:
        audit(github, policy.policy)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert TOKEN.encode() not in path.read_bytes()
        assert not path.name.startswith(".entry-")  # no temporary file left behind


def test_the_cli_caches_by_default_and_not_with_no_cache(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    assert main(["audit", str(TEMPLATE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["not_modified"] == 0
    assert main(["audit", str(TEMPLATE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["not_modified"] == 22
    assert len(list((cache_home / "repoconf" / "http").glob("*.json"))) == 22
    assert main(["audit", str(TEMPLATE), "--format", "json", "--no-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["not_modified"] == 0
    elsewhere = cache_home / "elsewhere"
    assert main(["audit", str(TEMPLATE), "--format", "json", "--cache-dir", str(elsewhere)]) == 0
    capsys.readouterr()
    assert len(list(elsewhere.glob("*.json"))) == 22


def test_an_unusable_cache_directory_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["audit", str(TEMPLATE), "--api-url", fake.base, "--cache-dir", str(blocker / "c")]) == 2
    assert "--cache-dir: cannot use" in capsys.readouterr().err
    assert fake.requests == []


def test_max_requests_stops_the_run_cleanly(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    policy = tmp_path / "p.yaml"
    policy.write_text(TEMPLATE.read_text() + "  gizmos: {}\n")
    fake.deploy("gizmos", fake_settings(TEMPLATE))
    code = main(
        [
            "audit",
            str(policy),
            "--api-url",
            fake.base,
            "--max-requests",
            "22",
            "--concurrency",
            "1",
            "--format",
            "json",
            "--no-cache",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 3
    report = json.loads(out)
    assert report["repositories"][0]["compliant"] is True
    assert report["repositories"][1]["error"].startswith("stopped before GET /repos/acme/gizmos/")
    assert "this run may send 22 requests (--max-requests)" in err
    assert len(fake.requests) == 22


def test_a_budget_that_would_run_out_stops_before_the_next_repository(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeGitHub("acme", token=TOKEN, rate_limit=30)  # 22 for the first repository, then 8 left
    for name in ("widgets", "gizmos", "gadgets"):
        fake.deploy(name, fake_settings(TEMPLATE))
    fake.start()
    try:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        policy = tmp_path / "p.yaml"
        policy.write_text(TEMPLATE.read_text() + "  gizmos: {}\n  gadgets: {}\n")
        code = main(
            [
                "audit",
                str(policy),
                "--api-url",
                fake.base,
                "--concurrency",
                "1",
                "--format",
                "json",
                "--no-cache",
            ]
        )
        out, err = capsys.readouterr()
    finally:
        fake.stop()
    assert code == 3
    widgets, gizmos, gadgets = json.loads(out)["repositories"]
    assert widgets["compliant"] is True
    assert gizmos["error"].startswith("not read: the run stopped (GitHub's rate limit has 8 request(s) left")
    assert gadgets["error"] == gizmos["error"]
    assert "run again after" in err
    assert len(fake.requests) == 22


def fake_settings(path: Path) -> RepositorySettings:
    return load(path).policy.repositories["widgets"]
