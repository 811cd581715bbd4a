"""Release step: CHANGELOG.md must have a section for the release, which becomes the release notes.

Reads FINAL (the final version, ``1.2.3``: candidates use their final version's section), CHANGELOG
(default ``CHANGELOG.md``) and NOTES (the file to write). A Keep a Changelog section starts with
``## [1.2.3]`` (or ``## [v1.2.3]``, ``## 1.2.3``) and runs to the next ``## `` heading or the link
references at the end.
"""

import os
import re
import sys
from pathlib import Path
from typing import NoReturn


def fail(message: str) -> NoReturn:
    """One ``::error::`` line (GitHub shows it on the run) and exit 1."""
    print(f"::error::{message}")
    sys.exit(1)


def section(text: str, version: str) -> str | None:
    """The body of the version's section, or None without one."""
    heading = re.compile(rf"##\s+\[?v?{re.escape(version)}\]?(\s|$)")
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if heading.match(line):
            body: list[str] = []
            for following in lines[start + 1 :]:
                if following.startswith("## ") or re.match(r"\[[^\]]+\]:\s*\S", following):
                    break
                body.append(following)
            return "\n".join(body).strip()
    return None


def main() -> None:
    """Find the section and write it as the release notes."""
    final = os.environ.get("FINAL", "")
    path = Path(os.environ.get("CHANGELOG", "CHANGELOG.md"))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        fail(f"{path} is missing: add it with a `## [{final}] - YYYY-MM-DD` section (Keep a Changelog)")
    notes = section(text, final)
    if notes is None:
        fail(f"{path} has no `## [{final}]` section: write the release notes there before tagging")
    if not notes:
        fail(f"{path}'s `## [{final}]` section is empty: write the release notes there before tagging")
    Path(os.environ.get("NOTES", "release-notes.md")).write_text(notes + "\n", encoding="utf-8")
    print(f"release notes: the `## [{final}]` section of {path} ({len(notes.splitlines())} lines)")


if __name__ == "__main__":
    main()
