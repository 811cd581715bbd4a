"""`repoconf pr-comment`: the preview workflow's one pull-request comment (the policy diff), kept current."""

from __future__ import annotations

from pathlib import Path

from repoconf.cli.access import GitHubAccess, read_text_file, split_full_name
from repoconf.errors import ExitCode, UsageError
from repoconf.github.errors import GitHubError, NotFound
from repoconf.ops.pr_comment import comment_text, upsert

MAX_BODY_FILE_BYTES = 16 << 20
"""A `repoconf diff --format markdown` of any policy fits; the comment keeps 65,536 characters of it."""


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
    body = read_text_file(body_file, "--body-file", MAX_BODY_FILE_BYTES)
    where = f"the job summary of {run_url}" if run_url else "the job summary"
    text = comment_text(marker, body, f"\n\n… cut to fit GitHub's comment size; the full text is in {where}")
    with access.open() as github:
        try:
            action, comment = upsert(github, repository, number, text, marker, author)
        except NotFound as error:
            raise GitHubError(
                f"{error}: {repository} has no pull request #{number}, or the token cannot see it (check "
                "--repository, --pull-request and that the token has Pull requests: write there)"
            ) from None
    print(f"pull-request comment: {action} ({comment})")
    return ExitCode.OK
