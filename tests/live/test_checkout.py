"""A local checkout read as the audit reads a default branch."""

from __future__ import annotations

from pathlib import Path

from repoconf.live.checkout import read_checkout


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
    content = read_checkout(tmp_path)
    assert content.files == {
        ".github/workflows/ci.yaml",
        ".github/workflows/latin1.yml",
        ".github/workflows/nested/skip.yml",
        "elsewhere/inside.txt",
    }
    assert ".git" not in content.directories
    assert {".github", ".github/workflows", "elsewhere"} <= content.directories
    assert "link/inside.txt" not in content.files  # a link to a directory is not followed
    assert content.workflows == {
        ".github/workflows/ci.yaml": "on: pull_request\n",
        ".github/workflows/latin1.yml": None,  # not UTF-8: its checks are unverified
    }
    assert content.complete
