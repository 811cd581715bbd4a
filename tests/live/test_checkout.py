"""A local checkout read as the audit reads a default branch, within the same bounds: what a writer of
the managed repository can put in it (FIFOs, links to devices or outside, huge files) never hangs, never
exhausts memory, and leaves the checks it might produce unverified with the reason.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from repoconf.cli.main import main
from repoconf.concepts.content import MAX_WORKFLOW_FILES, TOO_LARGE, Unusable
from repoconf.live import checkout
from repoconf.live.checkout import read_checkout
from tests.conftest import TEMPLATE

CI = "on: pull_request\njobs:\n  a: {name: Quality Checks}\n"


def test_files_directories_and_workflow_texts(tmp_path: Path) -> None:
    (tmp_path / ".github/workflows/nested").mkdir(parents=True)
    (tmp_path / ".git/objects").mkdir(parents=True)
    (tmp_path / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".github/workflows/ci.yaml").write_text("on: pull_request\n")
    (tmp_path / ".github/workflows/latin1.yml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (tmp_path / ".github/workflows/nested/skip.yml").write_text("")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere/inside.txt").write_text("")
    os.mkfifo(tmp_path / "fifo")
    content = read_checkout(tmp_path)
    assert content.files == {
        ".github/workflows/ci.yaml",
        ".github/workflows/latin1.yml",
        ".github/workflows/nested/skip.yml",
        "elsewhere/inside.txt",
        "link",  # git stores a link as a blob: a file, never followed as a directory
    }
    assert ".git" not in content.directories
    assert {".github", ".github/workflows", "elsewhere"} <= content.directories
    assert "link" not in content.directories
    assert "link/inside.txt" not in content.files
    assert "fifo" not in content.files  # git cannot store a FIFO
    assert content.workflows == {
        ".github/workflows/ci.yaml": "on: pull_request\n",
        ".github/workflows/latin1.yml": Unusable("not UTF-8 text: byte 0xe9 at line 1, column 10"),
    }
    assert content.complete


def _workflow(root: Path, make: str) -> str | Unusable:
    workflows = root / ".github/workflows"
    workflows.mkdir(parents=True)
    target = workflows / "w.yml"
    outside = root.parent / f"{root.name}-outside.yml"
    if make == "fifo":
        os.mkfifo(target)
    elif make == "link to a fifo":
        os.mkfifo(root / "fifo")
        target.symlink_to(root / "fifo")
    elif make == "link to /dev/zero":
        target.symlink_to("/dev/zero")
    elif make == "link outside":
        outside.write_text(CI)
        target.symlink_to(outside)
    elif make == "relative link outside":
        outside.write_text(CI)
        target.symlink_to(f"../../../{outside.name}")
    elif make == "link into .git":
        (root / ".git").mkdir()
        (root / ".git/config").write_text(CI)
        target.symlink_to("../../.git/config")
    elif make == "link loop":
        target.symlink_to("w.yml")
    elif make == "dangling link":
        target.symlink_to("nothing.yml")
    elif make == "link inside":
        (root / "ci.yml").write_text(CI)
        target.symlink_to("../../ci.yml")
    elif make == "13.5 MB":
        target.write_bytes(b"#" * (13_500_000 - 1) + b"\n")
    elif make == "a directory":
        target.mkdir()
    elif make == "unreadable":
        target.write_text(CI)
        target.chmod(0)
    return read_checkout(root).workflows.get(".github/workflows/w.yml", Unusable("not listed"))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("fifo", Unusable("not listed")),  # not a file of the repository at all
        ("link to a fifo", Unusable("cannot be read: not a regular file (a FIFO)")),
        ("link to /dev/zero", Unusable("a symbolic link leaving the checkout")),
        ("link outside", Unusable("a symbolic link leaving the checkout")),
        ("relative link outside", Unusable("a symbolic link leaving the checkout")),
        ("link into .git", Unusable("a symbolic link leaving the checkout")),
        (
            "link loop",
            Unusable("a symbolic link that cannot be followed (Too many levels of symbolic links)"),
        ),
        ("dangling link", Unusable("a symbolic link that cannot be followed (No such file or directory)")),
        ("link inside", CI),  # as GitHub's contents API serves a link's target in the repository
        ("13.5 MB", TOO_LARGE),
        ("a directory", Unusable("not listed")),
    ],
)
def test_hostile_workflow_files_are_never_waited_on_or_read_whole(
    tmp_path: Path, make: str, expected: str | Unusable
) -> None:
    start = time.perf_counter()
    assert _workflow(tmp_path / "repo", make) == expected
    assert time.perf_counter() - start < 2.0


def test_a_file_the_user_cannot_read_is_unreadable_not_undecodable(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    assert _workflow(tmp_path / "repo", "unreadable") == Unusable("cannot be read: Permission denied")


def test_workflow_files_past_the_audits_count_are_not_read(tmp_path: Path) -> None:
    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    for index in range(MAX_WORKFLOW_FILES + 3):
        (workflows / f"w{index:04d}.yml").write_text(CI)
    texts = read_checkout(tmp_path).workflows
    assert sum(isinstance(text, str) for text in texts.values()) == MAX_WORKFLOW_FILES
    assert texts[f".github/workflows/w{MAX_WORKFLOW_FILES + 2:04d}.yml"] == Unusable(
        f"not read: repoconf reads at most {MAX_WORKFLOW_FILES} workflow files of a repository"
    )


def test_a_checkout_past_githubs_tree_size_is_incomplete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkout, "MAX_ENTRIES", 5)
    for index in range(10):
        (tmp_path / f"f{index}").write_text("")
    content = read_checkout(tmp_path)
    assert not content.complete
    assert content.incomplete == "the checkout has more than 5 entries, more than GitHub's tree listing holds"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        ("fifo", None),
        ("link to a fifo", "not a regular file (a FIFO)"),
        ("link to /dev/zero", "a symbolic link leaving the checkout"),
        ("13.5 MB", "larger than 1 MiB: GitHub's contents API sends no text above 1 MB"),
    ],
)
def test_validate_repo_dir_warns_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str, reason: str | None
) -> None:
    root = tmp_path / "widgets"
    _workflow(root, make)
    start = time.perf_counter()
    code = main(["validate", str(TEMPLATE), "--repo-dir", str(root)])
    assert time.perf_counter() - start < 10.0
    err = capsys.readouterr().err
    assert code == 2  # the template requires files this checkout lacks
    assert "Traceback" not in err
    if reason is None:  # a FIFO is no file: no workflow at all, so every check is missing
        assert "runs a job named 'Quality Checks'" in err
    else:
        assert f"'Quality Checks' could not be verified in {root}: .github/workflows/w.yml: " in err
        assert reason in err
