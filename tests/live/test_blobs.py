"""Workflow files by blob id: one request per distinct file per run, none on a repeat, and an entry on
disk that is not the content its name says is ignored."""

from __future__ import annotations

from pathlib import Path

from repoconf.audit.run import audit
from repoconf.github.cache import BLOB_SUFFIX, HttpCache
from repoconf.github.client import GitHub
from repoconf.live.blobs import BlobStore, git_blob_id
from repoconf.policy.loader import LoadedPolicy, load_text
from standin.github import FakeGitHub, blob_id
from tests.conftest import TEMPLATE, TOKEN


def _policy(names: list[str]) -> LoadedPolicy:
    entries = "\n".join(f"  {name}: {{}}" for name in names)
    return load_text(TEMPLATE.read_text().replace("  widgets: {}", entries), "p.yaml")


def _contents(fake: FakeGitHub) -> list[str]:
    return [path for path, _ in fake.requests if "/contents/" in path]


def test_git_blob_ids_are_gits() -> None:
    # `printf 'hello\n' | git hash-object --stdin`
    assert git_blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    assert blob_id("hello\n") == git_blob_id(b"hello\n")  # the stand-in's trees give the same ids


def test_each_distinct_workflow_file_is_fetched_once_per_run(fake: FakeGitHub, tmp_path: Path) -> None:
    names = [f"repo-{index}" for index in range(6)]
    policy = _policy(names)
    for name in names:
        fake.deploy(name, policy.policy.repositories[name])
    changed = fake.repositories["repo-5"]
    changed.files[".github/workflows/ci.yaml"] += "# a different file\n"
    fake.requests.clear()
    with GitHub(fake.base, TOKEN) as github:
        report = audit(github, policy.policy)
    assert report.compliant
    # ci.yaml twice (two contents), release.yaml once, for six repositories
    assert sorted(path.rsplit("/", 1)[1] for path in _contents(fake)) == [
        "ci.yaml",
        "ci.yaml",
        "release.yaml",
    ]


def test_a_repeat_reads_no_workflow_file_and_a_forged_one_on_disk_is_ignored(
    fake: FakeGitHub, policy: LoadedPolicy, tmp_path: Path
) -> None:
    def client() -> GitHub:
        cache = HttpCache.open(tmp_path, TOKEN, explicit=True)
        return GitHub(fake.base, TOKEN, cache=cache)

    with client() as github:
        assert audit(github, policy.policy).compliant
    kept = sorted(tmp_path.glob(f"*{BLOB_SUFFIX}"))
    assert len(kept) == 2
    fake.requests.clear()
    with client() as github:
        assert audit(github, policy.policy).compliant
    assert _contents(fake) == []  # both came from disk: immutable, no revalidation needed
    # a file that is not the content its name says (anyone who can write the directory could put it there)
    forged = "name: ci\non: push\njobs: {}\n"
    kept[0].write_text(forged)
    fake.requests.clear()
    with client() as github:
        report = audit(github, policy.policy)
    assert report.compliant  # the forged text was not believed: the real file was read again
    assert len(_contents(fake)) == 1


def test_a_store_keeps_only_a_blobs_own_content() -> None:
    store = BlobStore()
    assert store.put(git_blob_id(b"on: push\n"), b"on: push\n")
    assert not store.put(git_blob_id(b"on: push\n"), b"on: pull_request\n")
    assert store.get(git_blob_id(b"on: push\n")) == b"on: push\n"
    assert store.get(git_blob_id(b"anything else")) is None
