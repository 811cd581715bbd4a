"""The distribution installs exactly one import package, named after the product."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, USER_POLICY


def test_the_wheel_installs_only_the_repoconf_package(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("repoconf-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
        assert "repoconf/policy/template.yaml" in archive.namelist()
    assert {top for top in tops if not top.endswith(".dist-info")} == {"repoconf"}

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    # -S: no site-packages, so only what the wheel installed is visible.
    probe = (
        "import json, importlib.metadata as m; "
        "print(json.dumps({k: v for k, v in m.packages_distributions().items() if 'repoconf' in v}))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(target)},
    ).stdout
    assert json.loads(out) == {"repoconf": ["repoconf"]}


def test_the_suite_cannot_read_the_user_policy() -> None:
    # tests/conftest.py installs an audit hook: the user's policy is theirs to edit (README), so a test
    # reading it would turn red when they do.
    with pytest.raises(AssertionError, match="tests must not read"):
        USER_POLICY.read_text()
