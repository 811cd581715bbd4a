"""Release step: the version must not exist on the target index yet (asked before any approval).

Reads PROJECT, VERSION and INDEX_URL (``https://test.pypi.org`` for candidates, ``https://pypi.org`` for
finals) and asks the index's JSON API, ``GET {INDEX_URL}/pypi/{PROJECT}/{VERSION}/json``: 404 means the
version is free; 200 fails with the existing release's URL (an index never accepts a file twice, so the
upload would fail after the approvals and the wait).
"""

import os
import sys
import time
import urllib.error
import urllib.request
from typing import NoReturn


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
    url = f"{index}/pypi/{project}/{version}/json"
    problem = ""
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=20) as answer:  # noqa: S310 - an https index URL
                answer.read()
            fail(
                f"{project} {version} already exists on {index}: {index}/project/{project}/{version}/ — "
                "bump the version (an index never accepts the same file twice)"
            )
        except urllib.error.HTTPError as error:
            if error.code == 404:
                print(f"{project} {version} is not on {index} yet")
                return
            problem = f"HTTP {error.code}"
        except (urllib.error.URLError, TimeoutError) as error:
            problem = str(getattr(error, "reason", error))
        time.sleep(2 * (attempt + 1))
    fail(f"could not ask {index} whether {project} {version} exists ({problem}): retry the job")


if __name__ == "__main__":
    main()
