"""`repoconf pr-comment`: the preview workflow's one pull-request comment (the policy diff), kept current."""

from __future__ import annotations

from pathlib import Path

from repoconf.cli.access import GitHubAccess, split_full_name
from repoconf.errors import ExitCode, UsageError
from repoconf.ops.pr_comment import comment_text, upsert


def pr_comment_command(
    repository: str,
    number: int,
    *,
    body_file: Path,
    marker: str,
    author: str,
    run_url: str | None,
    access: GitHubAccess,
) -> ExitCode:
    """Create or edit the marked comment on pull request ``number`` with the file's text."""
    split_full_name(repository, "--repository")
    if number < 1:
        raise UsageError(f"--pull-request {number}: a pull request number is 1 or more")
    if not marker.replace("-", "").isalnum():
        raise UsageError(f"--marker {marker!r}: letters, digits and '-' only")
    try:
        body = body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--body-file: cannot read {body_file}: {error}") from None
    where = f"the job summary of {run_url}" if run_url else "the job summary"
    text = comment_text(marker, body, f"\n\n… cut to fit GitHub's comment size; the full text is in {where}")
    with access.open() as github:
        action, comment = upsert(github, repository, number, text, marker, author)
    print(f"pull-request comment: {action} ({comment})")
    return ExitCode.OK
