"""The default branch's content as the audit reads it over REST, within bounds: whatever the repository's
writers put in its tree, the read ends in content (complete or not, each unusable workflow with its
reason), never in an error of the repository and never past the audit's request budget.
"""

from __future__ import annotations

from repoconf.concepts.content import MAX_WORKFLOW_FILES, TOO_LARGE, Unusable
from repoconf.github.client import GitHub
from repoconf.live.read import read_content
from standin.github import FakeGitHub

TREE = "/repos/acme/widgets/git/trees/HEAD"


def test_a_workflow_above_githubs_text_limit_is_too_large(github: GitHub, fake: FakeGitHub) -> None:
    fake.repositories["widgets"].files[".github/workflows/big.yml"] = "#" * (1 << 20) + "\n"
    content = read_content(github, "acme", "widgets")
    assert content.workflows[".github/workflows/big.yml"] == TOO_LARGE
    assert isinstance(content.workflows[".github/workflows/ci.yaml"], str)


def test_workflow_files_past_the_count_cost_no_request(github: GitHub, fake: FakeGitHub) -> None:
    files = fake.repositories["widgets"].files
    for index in range(MAX_WORKFLOW_FILES + 20):
        files[f".github/workflows/z{index:04d}.yml"] = "on: push\njobs: {a: {}}\n"
    content = read_content(github, "acme", "widgets")
    reads = [path for path, _ in fake.requests if "/contents/" in path]
    assert len(reads) == MAX_WORKFLOW_FILES
    skipped = [text for text in content.workflows.values() if isinstance(text, Unusable)]
    assert len(skipped) == len(content.workflows) - MAX_WORKFLOW_FILES


def test_a_tree_past_the_clients_bounds_is_incomplete_content_not_an_error(
    github: GitHub, fake: FakeGitHub
) -> None:
    fake.fault(f"{TREE}$", status=200, padding=40 << 20, times=9)
    content = read_content(github, "acme", "widgets")
    assert not content.complete
    assert content.incomplete.startswith(
        f"the default branch's tree cannot be used (GET {TREE}: GitHub's answer"
    )
    assert "larger than 32 MiB" in content.incomplete


def test_a_workflow_answer_that_is_not_usable_is_its_reason(github: GitHub, fake: FakeGitHub) -> None:
    ci = "/repos/acme/widgets/contents/.github/workflows/ci.yaml"
    fake.fault(f"{ci}$", status=200, raw=b"[" * 5000 + b"]" * 5000)
    content = read_content(github, "acme", "widgets")
    text = content.workflows[".github/workflows/ci.yaml"]
    assert isinstance(text, Unusable)
    assert (
        text.reason
        == f"its content cannot be used (GET {ci}: GitHub's answer nests deeper than 64 levels: not read)"
    )
    fake.fault(f"{ci}$", status=403, body={"message": "Resource not accessible"})
    assert read_content(github, "acme", "widgets").workflows[".github/workflows/ci.yaml"] == Unusable(
        "GitHub answered 403 for its content"
    )
