"""The docs hold: their commands run as written, their permission tables are the code's, and they cite
nothing that does not ship.

Commands: every line of a fenced ``sh`` block of README.md and docs/*.md that starts with ``repoconf`` is
run with bash, as written, in a configuration repository `repoconf new` wrote (an empty directory for
``init`` and ``new``), except the commands that need GitHub (audit, import, adopt, drift-issue,
pr-comment) and lines with a ``...`` placeholder. A pipe's right-hand side is the reader's business
(``| git apply``) and is left out.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from repoconf.github.permissions import IDENTITIES, markdown_table
from repoconf.workflows import pins
from tests.conftest import REQUIREMENT, ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NETWORK = {"audit", "import", "adopt", "drift-issue", "pr-comment"}


def commands() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for block in re.findall(r"```sh\n(.*?)```", doc.read_text(), re.DOTALL):
            for line in re.sub(r"\\\n\s*", " ", block).splitlines():  # a `\` continues the line
                line = line.strip()
                if not line.startswith("repoconf ") or "..." in line or "…" in line:
                    continue
                if shlex.split(line, comments=True)[1] in NETWORK:
                    continue
                found.append((doc.name, line))
    return found


def test_the_docs_have_commands_to_run() -> None:
    run = {shlex.split(line, comments=True)[1] for _, line in commands()}
    assert {"validate", "render", "diff", "workflow", "new", "init", "schema"} <= run


def _workspace(tmp_path: Path, line: str) -> Path:
    if line.startswith(("repoconf init", "repoconf new")) and "--check" not in line:
        work = tmp_path / "empty"
        work.mkdir()
        return work
    work = tmp_path / "config"
    assert (
        subprocess.run(
            [
                sys.executable,
                "-m",
                "repoconf.cli.main",
                "new",
                str(work),
                "--owner",
                "acme",
                "--repo",
                "widgets",
                *REQUIREMENT,
            ],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    # what the examples refer to: a checkout of the managed repository beside it, two policies to diff,
    # and the base branch `git:origin/main:...` reads
    (tmp_path / "widgets" / ".github" / "workflows").mkdir(parents=True)
    for name in ("old.yaml", "new.yaml"):
        (work / name).write_text((work / "config" / "policy.yaml").read_text())
    (work / "repos.jsonl").write_text('widgets\n{"name": "py-tools", "topics": ["python"]}\n')  # a list
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    subprocess.run([*git, "update-ref", "refs/remotes/origin/main", "HEAD"], check=True)
    return work


@pytest.mark.parametrize(("doc", "line"), commands(), ids=[f"{d}: {c}" for d, c in commands()])
def test_every_offline_command_of_the_docs_runs_as_written(tmp_path: Path, doc: str, line: str) -> None:
    work = _workspace(tmp_path, line)
    command = line.split(" | ", 1)[0]
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    result = subprocess.run(
        ["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    # 0, or 1 where the command's answer is "something differs" (diff, new --check, validate findings);
    # a checkout without the required files is what the --repo-dir example shows failing
    allowed = {0, 1} | ({2} if "--repo-dir" in command else set())
    assert result.returncode in allowed, f"{doc}: {line}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("identity", sorted(IDENTITIES))
def test_the_permission_tables_are_the_codes(identity: str) -> None:
    guide = (ROOT / "docs" / "guide.md").read_text()
    marked = re.search(
        rf"<!-- permissions:{identity} -->\n(.*?)\n<!-- /permissions:{identity} -->", guide, re.DOTALL
    )
    assert marked is not None, identity
    assert marked.group(1) == markdown_table(identity), (
        "regenerate the table from repoconf.github.permissions"
    )


def test_the_github_app_walkthrough_uses_the_pinned_action() -> None:
    guide = (ROOT / "docs" / "guide.md").read_text()
    uses = re.findall(r"uses: (actions/create-github-app-token@\S+ # \S+)", guide)
    assert uses == [pins.CREATE_APP_TOKEN]


def test_no_reference_to_what_does_not_ship() -> None:
    for doc in [*DOCS, ROOT / "CHANGELOG.md"]:
        text = doc.read_text()
        assert not re.search(r"\bSPEC\b", text), doc.name
        assert "release guide" not in text.lower(), doc.name
        for target in re.findall(r"\]\(((?!https?://|#)[^)#]+)", text):
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"
