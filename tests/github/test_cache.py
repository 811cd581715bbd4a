"""Conditional requests with the on-disk cache: a repeat audit of unchanged repositories is nearly free,
an entry nobody with the token wrote changes nothing (not even a forged one answered by a 304), the cache
owns only the directory it creates, and the token never reaches the cache directory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from repoconf.audit.run import audit
from repoconf.cli.main import main
from repoconf.github.cache import MARKER, MARKER_TEXT, HttpCache, cache_key
from repoconf.github.client import GitHub, RetryPolicy
from repoconf.policy.loader import LoadedPolicy
from standin.github import FakeGitHub
from tests.conftest import ROOT, TEMPLATE, TOKEN

ENVIRONMENTS = "/repos/acme/widgets/environments"


def opened(directory: Path, token: str = TOKEN) -> HttpCache:
    cache = HttpCache.open(directory, token, explicit=True)
    assert cache is not None
    return cache


def client(fake: FakeGitHub, directory: Path, token: str = TOKEN) -> GitHub:
    return GitHub(fake.base, token, retry=RetryPolicy(backoff=0.01), cache=opened(directory, token))


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.entry"))


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
    assert second.requests == 24  # 19 per repository, 5 per run: workflow files come from disk
    assert second.not_modified == 24  # 100% answered 304...
    assert fake.used == used  # ...and GitHub charged none of them
    assert second.as_json()["summary"]["not_modified"] == 24


def test_a_change_is_seen_through_the_cache(fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path) -> None:
    with client(fake, tmp_path) as github:
        assert audit(github, policy.policy).compliant
    fake.repositories["widgets"].variables["NEW"] = "1"
    with client(fake, tmp_path) as github:
        report = audit(github, policy.policy)
    assert [f.path for f in report.repositories[0].findings] == ["variables.NEW"]
    assert report.not_modified == 23  # every answer but the changed listing


def _current_etag(fake: FakeGitHub, path: str) -> str:
    """What an attacker learns by asking GitHub (the validator of the answer as it is now)."""
    answer = httpx.get(fake.base + path, headers={"Authorization": f"Bearer {TOKEN}"})
    return answer.headers["etag"]


def _forge(entry: Path, etag: str, key: bytes | None) -> None:
    """The cached (compliant) body under today's validator; signed with ``key``, or left with the MAC
    it had (what anyone who can write the directory but lacks the token can do).
    """
    mac, _, payload = entry.read_bytes().partition(b"\n")
    document = json.loads(payload)
    document["headers"]["etag"] = etag
    forged = json.dumps(document).encode()
    if key is not None:
        mac = hmac.new(key, b"entry\n" + forged, hashlib.sha256).hexdigest().encode()
    entry.write_bytes(mac + b"\n" + forged)


@pytest.mark.parametrize("signer", ["no key", "another token's key", "a plain SHA-256", "the token's key"])
def test_a_forged_entry_answered_304_cannot_hide_drift(
    fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path, signer: str
) -> None:
    with client(fake, tmp_path) as github:
        assert audit(github, policy.policy).compliant
    fake.repositories["widgets"].environments["qa"].wait_timer = 5  # drift, after the cache was filled
    url = fake.base + ENVIRONMENTS + "?per_page=100"
    entry = opened(tmp_path)._name(url)
    assert entry.exists()
    etag = _current_etag(fake, ENVIRONMENTS + "?per_page=100")
    if signer == "a plain SHA-256":  # what format 1 checked: anyone can compute it
        _forge(entry, etag, None)
        payload = entry.read_bytes().partition(b"\n")[2]
        entry.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    else:
        keys = {"no key": None, "another token's key": cache_key("ghp_someone_else"), "the token's key": None}
        _forge(entry, etag, keys[signer] if signer != "the token's key" else cache_key(TOKEN))
    with client(fake, tmp_path) as github:
        report = audit(github, policy.policy)
    if signer == "the token's key":
        # Whoever holds the token can sign anything: why drift.yml's token must be one no pull request
        # sees (docs/security.md). This also shows the check above fails without the MAC.
        assert report.compliant
    else:
        assert [f.path for f in report.repositories[0].findings] == ["environments.qa.wait_timer"]
        assert report.not_modified == 23  # the forged entry was not even offered as a validator


def test_damaged_or_foreign_entries_change_nothing_but_speed(
    fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path
) -> None:
    with client(fake, tmp_path) as github:
        expected = audit(github, policy.policy).as_json()["repositories"]
    found = entries(tmp_path)
    assert len(found) == 26
    found[0].write_text("{not json")
    found[1].write_bytes(found[1].read_bytes()[:40])  # truncated
    found[2].write_bytes(found[3].read_bytes())  # another URL's genuine entry under this URL's name
    found[4].unlink()
    os.mkfifo(found[4])  # a FIFO in place of an entry: never waited on
    found[5].unlink()
    found[5].symlink_to("/dev/zero")  # a link: never followed
    with found[6].open("r+b") as file:
        file.truncate(50 << 30)  # 50 GiB, sparse: refused by its size, never read
    key = cache_key(TOKEN)
    deep = b"[" * 100_000 + b"]" * 100_000  # signed by the key's holder, still never trusted to parse
    found[7].write_bytes(hmac.new(key, b"entry\n" + deep, hashlib.sha256).hexdigest().encode() + b"\n" + deep)
    start = time.monotonic()
    with client(fake, tmp_path) as github:
        report = audit(github, policy.policy)
    assert time.monotonic() - start < 20
    assert report.as_json()["repositories"] == expected
    # the damaged entries this run asks for (not the workflow files', which come by blob id) were fetched
    # again...
    assert 24 - 8 <= report.not_modified < 24
    with client(fake, tmp_path) as github:
        assert audit(github, policy.policy).not_modified == 24  # ...and replaced


def test_another_token_never_sees_an_entry(fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path) -> None:
    fake.read_token = "ghp_other_token_000000"
    with client(fake, tmp_path) as github:
        audit(github, policy.policy)
    with client(fake, tmp_path, "ghp_other_token_000000") as github:
        assert audit(github, policy.policy).not_modified == 0


def test_without_a_token_there_is_no_key_and_no_cache(tmp_path: Path) -> None:
    assert HttpCache.open(tmp_path / "cache", None, explicit=True) is None
    assert not (tmp_path / "cache").exists()


def test_files_are_private_and_hold_no_token(fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    old = os.umask(0o277)  # a umask that would leave the directory unwritable: repoconf created it
    try:
        with client(fake, directory) as github:
            audit(github, policy.policy)
    finally:
        os.umask(old)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert (directory / MARKER).read_bytes() == MARKER_TEXT
    for path in directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert TOKEN.encode() not in path.read_bytes()
        assert not path.name.startswith((".entry-", ".marker-"))  # no temporary file left behind
    names = {path.name for path in entries(directory)}
    assert not any("widgets" in name or "acme" in name for name in names)  # names say nothing


def test_the_cli_caches_by_default_and_not_with_no_cache(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    assert main(["audit", str(TEMPLATE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["not_modified"] == 0
    assert main(["audit", str(TEMPLATE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["not_modified"] == 24
    assert len(entries(cache_home / "repoconf" / "http")) == 26
    assert main(["audit", str(TEMPLATE), "--format", "json", "--no-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["not_modified"] == 0
    elsewhere = cache_home / "elsewhere"
    assert main(["audit", str(TEMPLATE), "--format", "json", "--cache-dir", str(elsewhere)]) == 0
    capsys.readouterr()
    assert len(entries(elsewhere)) == 26


def test_the_default_directory_of_an_older_repoconf_is_taken_over(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = cache_home / "repoconf" / "http"
    old.mkdir(parents=True, mode=0o700)
    (old / f"{'0' * 64}.json").write_text('{"format": 1}')  # format 1: no marker, no MAC
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake.base)
    assert main(["audit", str(TEMPLATE)]) == 0
    capsys.readouterr()
    assert (old / MARKER).exists()
    assert len(entries(old)) == 26


def _audit(capsys: pytest.CaptureFixture[str], fake: FakeGitHub, *argv: str) -> tuple[int, str]:
    try:
        code = main(["audit", str(TEMPLATE), "--api-url", fake.base, *argv])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


SYSTEM_TMP = Path("/tmp")  # noqa: S108 - only its mode and name are read, to show they stay as they are


@pytest.mark.parametrize("kind", ["a shared 1777 directory", "a link to it", "the system's /tmp", "a file"])
def test_a_directory_repoconf_did_not_make_is_never_changed(
    capsys: pytest.CaptureFixture[str],
    fake: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    (shared / "someone-elses-file").write_text("x")
    target = {
        "a shared 1777 directory": shared,
        "a link to it": tmp_path / "link",
        "the system's /tmp": SYSTEM_TMP,
        "a file": shared / "someone-elses-file",
    }[kind]
    if kind == "a link to it":
        target.symlink_to(shared, target_is_directory=True)
    watched = SYSTEM_TMP if target == SYSTEM_TMP else shared

    def state() -> tuple[int, list[str]]:
        listed = [] if watched == SYSTEM_TMP else sorted(p.name for p in watched.iterdir())
        return watched.stat().st_mode, listed

    before = state()
    code, err = _audit(capsys, fake, "--cache-dir", str(target))
    assert code == 2
    assert f"--cache-dir {target}: " in err
    assert "(or pass --no-cache)" in err
    assert state() == before  # mode unchanged, nothing written
    assert not (SYSTEM_TMP / MARKER).exists()
    assert fake.requests == []


def test_an_empty_directory_is_used_as_it_is(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    empty = tmp_path / "empty"
    empty.mkdir()
    empty.chmod(0o755)
    assert _audit(capsys, fake, "--cache-dir", str(empty))[0] == 0
    assert stat.S_IMODE(empty.stat().st_mode) == 0o755  # not repoconf's to chmod
    assert (empty / MARKER).read_bytes() == MARKER_TEXT  # from now on, repoconf's cache
    (empty / "notes.txt").write_text("mine")  # a marked directory may hold more
    code, _ = _audit(capsys, fake, "--cache-dir", str(empty), "--format", "json")
    assert code == 0


def test_an_empty_cache_dir_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    code, err = _audit(capsys, fake, "--cache-dir", "")
    assert code == 2
    assert "argument --cache-dir: an empty path names no directory" in err
    assert list(tmp_path.iterdir()) == []  # the working directory did not become a cache
    assert fake.requests == []


def test_another_users_directory_is_refused(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a directory to another user here")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    os.chown(theirs, 12345, 12345)
    code, err = _audit(capsys, fake, "--cache-dir", str(theirs))
    assert code == 2
    assert "belongs to another user" in err
    assert list(theirs.iterdir()) == []


def test_an_unusable_cache_directory_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["audit", str(TEMPLATE), "--api-url", fake.base, "--cache-dir", str(blocker / "c")]) == 2
    assert f"--cache-dir {blocker / 'c'}: cannot use it" in capsys.readouterr().err
    assert fake.requests == []


def _limited(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes, and passing it fails the write (EFBIG)
    instead of killing the process: a full disk, as a write sees it.
    """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize(("limit", "written"), [(0, False), (200, True)])
def test_a_full_disk_turns_caching_off_with_one_warning(
    fake: FakeGitHub, tmp_path: Path, limit: int, written: bool
) -> None:
    cache = tmp_path / "cache"
    environment = {**os.environ, "GITHUB_TOKEN": TOKEN, "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "repoconf.cli.main", "audit", str(TEMPLATE), "--api-url", fake.base]
    finished = subprocess.run(
        [*argv, "--cache-dir", str(cache), "--format", "json"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        preexec_fn=lambda: _limited(limit),
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    warnings = [line for line in finished.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert f"repoconf: warning: cannot write the HTTP cache in {cache} (File too large)" in warnings[0]
    assert warnings[0].endswith("caching is off for the rest of this run")
    assert json.loads(finished.stdout)["summary"]["compliant"] == 1
    assert (cache / MARKER).exists() is written
    assert entries(cache) == []


def test_entries_are_authenticated_whole(tmp_path: Path) -> None:
    cache = opened(tmp_path)
    cache.store("https://x/a", {"etag": 'W/"1"', "authorization": "Bearer no"}, b'{"a": 1}')
    entry = cache.lookup("https://x/a")
    assert entry is not None
    assert entry.content == b'{"a": 1}'
    assert entry.headers == {"etag": 'W/"1"'}  # only what it needs: never an Authorization header
    raw = cache._name("https://x/a").read_bytes()
    document = json.loads(raw.partition(b"\n")[2])
    assert set(document) == {"format", "url", "headers", "content"}
    assert base64.b64decode(document["content"]) == b'{"a": 1}'
    for flipped in range(0, len(raw), max(1, len(raw) // 40)):  # any byte changed: ignored
        damaged = bytearray(raw)
        damaged[flipped] ^= 0x01
        cache._name("https://x/a").write_bytes(bytes(damaged))
        assert cache.lookup("https://x/a") is None


def test_a_default_directory_linked_to_a_shared_one_is_refused(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    shared = cache_home / "shared"
    shared.mkdir(mode=0o1777)
    (shared / "someone-elses-file").write_text("x")
    (cache_home / "repoconf").mkdir()
    (cache_home / "repoconf" / "http").symlink_to(shared, target_is_directory=True)
    mode = shared.stat().st_mode
    code, err = _audit(capsys, fake)
    assert code == 2
    assert f"the default cache directory {cache_home / 'repoconf' / 'http'}: exists, is not empty" in err
    assert shared.stat().st_mode == mode
    assert sorted(p.name for p in shared.iterdir()) == ["someone-elses-file"]


def test_without_a_home_the_cache_is_off_with_a_warning(
    capsys: pytest.CaptureFixture[str], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    def nowhere(cls: type[Path]) -> Path:
        raise RuntimeError("Could not determine home directory.")  # as pathlib says for an unknown user

    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/not/allowed")  # the XDG spec wants an absolute path
    monkeypatch.setattr(Path, "home", classmethod(nowhere))
    code, err = _audit(capsys, fake, "--format", "json")
    assert code == 0
    assert "no home directory and no XDG_CACHE_HOME: the HTTP cache is off" in err
    assert not Path("relative").exists()
