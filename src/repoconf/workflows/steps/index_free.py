"""Release step: the version must not exist on the target index yet (asked before any approval).

Reads PROJECT, VERSION and INDEX_URL (``https://test.pypi.org`` for candidates, ``https://pypi.org`` for
finals) and asks the index's JSON API, ``GET {INDEX_URL}/pypi/{PROJECT}/{VERSION}/json``: 404 means the
version is free; 200 fails with the existing release's URL (an index never accepts a file twice, so the
upload would fail after the approvals and the wait). Any other answer (an error, a redirect, a body too
large, a deadline; :mod:`careful_http`) is retried twice, then fails the job with one ``::error::`` line:
the release stops rather than guess.
"""

import os
import sys
import time
import urllib.parse
from typing import NoReturn

from repoconf.workflows.steps.careful_http import Unusable, fetch, remaining

ATTEMPTS = 3


def fail(message: str) -> NoReturn:
    """One ``::error::`` line (GitHub shows it on the run) and exit 1."""
    print(f"::error::{message}")
    sys.exit(1)


def main() -> None:
    """Ask the index; fail when the version exists or the index cannot answer."""
    index = os.environ.get("INDEX_URL", "https://pypi.org").rstrip("/")
    project, version = os.environ.get("PROJECT", ""), os.environ.get("VERSION", "")
    if not project or not version:
        fail("PROJECT and VERSION must be set (the version step's outputs)")
    url = f"{index}/pypi/{urllib.parse.quote(project)}/{urllib.parse.quote(version)}/json"
    problem = ""
    for attempt in range(ATTEMPTS):
        try:
            answer = fetch(url, {"Accept": "application/json", "User-Agent": "repoconf-release-step"})
        except Unusable as error:
            problem = str(error)
        else:
            if answer.status == 404:
                print(f"{project} {version} is not on {index} yet")
                return
            if answer.status == 200:
                fail(
                    f"{project} {version} already exists on {index}: {index}/project/{project}/{version}/ — "
                    "bump the version (an index never accepts the same file twice)"
                )
            redirect = " redirect, not followed" if 300 <= answer.status < 400 else ""
            problem = f"HTTP {answer.status}{redirect}"
        if attempt + 1 < ATTEMPTS and remaining() > 2 * (attempt + 1):
            time.sleep(2 * (attempt + 1))
    fail(f"could not ask {index} whether {project} {version} exists ({problem}): retry the job")


if __name__ == "__main__":
    main()
