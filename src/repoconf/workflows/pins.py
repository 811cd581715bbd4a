"""The actions and tools every generated workflow uses, pinned: actions by commit SHA with the tag in a
comment (``owner/name@SHA # vX.Y.Z``, the form Dependabot updates SHA and comment together), Python tools
by version. One table, shared by the managed repository's workflows (`repoconf workflow ...`) and the
configuration repository's (`repoconf new`); ``repoconf workflow dependabot`` keeps a managed
repository's copies current afterwards.

How each SHA was checked (the team's verified table is ``../shared/actions-pins.md``, 2026-11-30):
``git rev-list -n1 TAG`` in a mirror of the action's repository, except where a pin says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
SETUP_PYTHON = "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0"
UPLOAD = "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0"
# v8: a digest mismatch fails the download (`digest-mismatch: error` is the default, which is what a
# release wants: the files published are the files built); non-zip artifacts are no longer unzipped, and
# upload-artifact's default (`archive: true`) uploads zips, so `dist/` arrives unzipped as before.
DOWNLOAD = "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1"
ATTEST = "actions/attest-build-provenance@a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32 # v4.1.0"
# The pypi-publish mirror stops at v1.8.14 (2024, no `attestations`), so v1.14.2 could not be checked
# against git here. actions-pins.md lists it "by citation" as dc37677b1e1c…; every independent citation
# in the code index (ten workflows and notes, one "fetched live via gh api") reads dc37677b2e1c…, and the
# b1e1 form has none: the table has a typo. Check before relying on it where the network allows:
# `git ls-remote https://github.com/pypa/gh-action-pypi-publish refs/tags/v1.14.2`.
PYPI_PUBLISH = "pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2"
# Composite; its own `Get OIDC token` step still pins actions/github-script v7.0.1 (node20), which is
# upstream's to bump. Checked in a mirror of codecov/codecov-action (newest ref 2025-12-11).
CODECOV = "codecov/codecov-action@671740ac38dd9b0130fbe1cec585b89eea48d3de # v5.5.2"
# The configuration repository's workflows (`repoconf new`) and the GitHub App walkthrough (docs/guide.md).
PULUMI_ACTIONS = "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d # v7.0.0"
CACHE = "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5"
CREATE_APP_TOKEN = "actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3 # v3.1.1"

ACTIONS = (
    CHECKOUT,
    SETUP_PYTHON,
    UPLOAD,
    DOWNLOAD,
    ATTEST,
    PYPI_PUBLISH,
    CODECOV,
    PULUMI_ACTIONS,
    CACHE,
    CREATE_APP_TOKEN,
)
"""Every pinned action; a test fails when a generated workflow uses another."""

BUILD_VERSION = "1.6.1"
"""PyPA `build`, which makes the sdist and wheel (PyPI, 2026-09)."""
PACKAGING_VERSION = "26.4"
"""PyPA `packaging`, which the release checks use to read versions (PyPI)."""
PYTHON_VERSION = "3.11"
"""The runner's Python for the release checks and the build (the version the suite runs them on)."""

PINNED = re.compile(r"(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # (?P<tag>v\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class Pin:
    """One row of the table, taken apart."""

    action: str
    sha: str
    tag: str

    @property
    def uses(self) -> str:
        """The ``uses:`` value; the tag goes in the line's comment."""
        return f"{self.action}@{self.sha}"


def pin(text: str) -> Pin:
    """``owner/name@SHA # vX.Y.Z`` as its parts; anything else is a bug in this table."""
    match = PINNED.fullmatch(text)
    if match is None:
        raise ValueError(f"not an action pinned by commit with its tag: {text!r}")
    return Pin(match["action"], match["sha"], match["tag"])
