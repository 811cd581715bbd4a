"""Release step: the tag and the package's version must name the same release (PEP 440).

Reads TAG (``vX.Y.Z`` or ``vX.Y.Z-rcN``) and the package's version the way the build will: a static
``[project] version`` in pyproject.toml; a dynamic version from ``__version__`` in the package's
``__init__.py`` (setuptools ``attr:``, hatch ``path``, or ``src/<package>/__init__.py``); or a version
setuptools-scm / hatch-vcs derive from the tag itself. Writes ``version`` (normalized, ``1.2.3rc1``),
``final`` (``1.2.3``), ``prerelease`` (``true`` for ``rcN``), ``project`` (the normalized name, which must
be a PEP 508 name: the environments' URLs and the install check use it), ``source`` (where the version was
read) and ``version_file`` (the file holding ``__version__``, or nothing) to GITHUB_OUTPUT; on a mismatch, one
``::error::`` line naming both, exit 1.
"""

import ast
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any, NoReturn

try:
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version
except ImportError:  # pragma: no cover - the workflow installs it first
    sys.exit("::error::the release checks need `packaging`: python -m pip install packaging")

TAG = re.compile(r"v(\d+)\.(\d+)\.(\d+)(?:-rc(\d+))?")
NAME = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)
"""A project name (PEP 508, the core metadata ``Name``)."""
SCM_BACKENDS = ("setuptools_scm", "setuptools-scm", "hatch-vcs", "hatch_vcs")


def fail(message: str) -> NoReturn:
    """One ``::error::`` line (GitHub shows it on the run) and exit 1."""
    print(f"::error::{message}")
    sys.exit(1)


def tag_version(tag: str) -> Version:
    """``v1.2.3`` → 1.2.3, ``v1.2.3-rc1`` → 1.2.3rc1; anything else fails."""
    match = TAG.fullmatch(tag)
    if match is None:
        fail(f"tag {tag} is neither vX.Y.Z nor vX.Y.Z-rcN: release tags name a final version or a candidate")
    major, minor, patch, candidate = match.groups()
    return Version(f"{major}.{minor}.{patch}" + (f"rc{candidate}" if candidate else ""))


def version_in(path: Path) -> str | None:
    """The string assigned to ``__version__`` in a Python file, read without running it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        named = any(isinstance(target, ast.Name) and target.id == "__version__" for target in targets)
        value = node.value
        if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def package_version(
    root: Path, project: dict[str, Any], tool: dict[str, Any], requires: list[str]
) -> tuple[str | None, str, str]:
    """(version, where it was read, the file holding ``__version__`` or "") as the build will see it;
    None for a version derived from the tag.
    """
    if "version" in project and "version" not in project.get("dynamic", []):
        return str(project["version"]), "pyproject.toml [project] version", ""
    if (
        any(backend in " ".join(requires) for backend in SCM_BACKENDS)
        or "setuptools_scm" in tool
        or (tool.get("hatch", {}).get("version", {}).get("source") == "vcs")
    ):
        return None, "the tag itself (setuptools-scm / hatch-vcs)", ""
    attr = tool.get("setuptools", {}).get("dynamic", {}).get("version", {}).get("attr")
    candidates: list[Path] = []
    if attr:
        module = attr.rsplit(".", 1)[0].replace(".", "/")
        candidates += [
            root / "src" / module / "__init__.py",
            root / module / "__init__.py",
            root / "src" / f"{module}.py",
            root / f"{module}.py",
        ]
    hatch_path = tool.get("hatch", {}).get("version", {}).get("path")
    if hatch_path:
        candidates.append(root / hatch_path)
    name = str(project.get("name", "")).replace("-", "_").lower()
    candidates += [root / "src" / name / "__init__.py", root / name / "__init__.py"]
    for path in candidates:
        found = version_in(path)
        if found is not None:
            relative = path.relative_to(root).as_posix()
            return found, f"__version__ in {relative}", relative
    fail("cannot find the package's version: set [project] version, or __version__ in its __init__.py")


def main() -> None:
    """Check the tag against the package's version; write the outputs."""
    root = Path(os.environ.get("PACKAGE_DIR", "."))
    expected = tag_version(os.environ.get("TAG", ""))
    try:
        pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        fail(f"cannot read pyproject.toml: {error}")
    project = pyproject.get("project", {})
    tool = pyproject.get("tool", {})
    requires = pyproject.get("build-system", {}).get("requires", [])
    name = str(project.get("name", ""))
    if not NAME.fullmatch(name):
        fail(
            f"pyproject.toml [project] name {name!r} is not a project name (PEP 508): letters, digits, . _ -"
        )
    found, source, version_file = package_version(root, project, tool, requires)
    if found is not None:
        try:
            version = Version(found)
        except InvalidVersion:
            fail(f"{source} is {found!r}, which is not a PEP 440 version")
        if version != expected:
            tag = os.environ["TAG"]
            fail(
                f"tag {tag} is version {expected}, but {source} says {version}: "
                f"set it to {expected} and tag again"
            )
    outputs = {
        "version": str(expected),
        "prerelease": "true" if expected.is_prerelease else "false",
        "final": expected.base_version,
        "project": canonicalize_name(name),
        "source": source,
        "version_file": version_file,
    }
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.writelines(f"{key}={value}\n" for key, value in outputs.items())
    kind = "candidate" if expected.is_prerelease else "final"
    print(f"release {expected} ({kind}); version read from {source}")


if __name__ == "__main__":
    main()
