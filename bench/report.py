"""Write one section of docs/benchmarks.md, replacing the previous figures of that section."""

from __future__ import annotations

import datetime
from pathlib import Path

from bench.machine import describe

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TITLE = "# Benchmarks\n\nFigures written by the scripts in `bench/`, run as written; each section says how.\n"


def write_section(name: str, command: str, table: list[str], notes: list[str]) -> None:
    """Replace the ``## name`` section of docs/benchmarks.md with fresh figures."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else TITLE
    start_marker = f"<!-- bench:{name} -->"
    end_marker = f"<!-- /bench:{name} -->"
    section = "\n".join(
        [
            start_marker,
            f"## {name}",
            "",
            f"Run: `{command}` on {datetime.date.today().isoformat()}.",
            f"Machine: {describe()}.",
            "",
            *table,
            "",
            *notes,
            end_marker,
        ]
    )
    if start_marker in text:
        before = text[: text.index(start_marker)]
        after = text[text.index(end_marker) + len(end_marker) :]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
