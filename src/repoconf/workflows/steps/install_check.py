"""Release step: install exactly the version QA is asked to approve, in a clean environment, and check it.

For a candidate (``SOURCE=index``) the wheel comes from the index QA installs from (``INDEX_URL``, Test
PyPI's simple index) and nowhere else: ``pip download --no-deps --only-binary=:all: --index-url INDEX_URL
PROJECT==VERSION``, retried while the index has not listed the upload yet; its SHA-256 must equal the
wheel this run built (``DIST``), so what QA approves is what the build made. For a production tag without
an approved candidate (``SOURCE=artifact``; finals never go to Test PyPI) the wheel is the build's own.

Then, in a new virtual environment: ``pip install --index-url DEPENDENCY_INDEX_URL WHEEL`` (the package
from that file, its dependencies from PyPI only); from an empty directory, in isolated mode, the installed
distribution's version and each top-level module's ``__version__`` must be VERSION (PEP 440 equality);
and, when ``SMOKE_COMMAND`` is set, that command runs in the checkout with the environment first on
``PATH`` and must exit 0.

Everything it did — and nothing it did not — goes to the job summary, which the ``qa`` reviewers see on
the run's page before they approve; ``installed``, ``sha256`` and ``modules`` go to GITHUB_OUTPUT. Any
failure is one ``::error::`` line and exit 1: ``qa`` is then never asked.
"""

import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NoReturn

from packaging.version import InvalidVersion, Version

ATTEMPTS = int(os.environ.get("ATTEMPTS", "10"))
WAIT_SECONDS = float(os.environ.get("WAIT_SECONDS", "30"))
STEP_SECONDS = float(os.environ.get("STEP_SECONDS", "900"))
STARTED = time.monotonic()
QUIET_PIP = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
"""pip asks no index about its own updates: only the indexes named here are asked anything."""

PROBE = """\
import importlib, importlib.metadata as metadata, json, sys
dist = metadata.distribution(sys.argv[1])
tops = (dist.read_text("top_level.txt") or "").split()
if not tops:
    for file in dist.files or []:
        top = file.parts[0]
        if len(file.parts) == 1 and top.endswith(".py"):
            tops.append(top[:-3])
        elif len(file.parts) > 1 and not top.endswith((".dist-info", ".data")) and top != "__pycache__":
            tops.append(top)
modules = {}
for top in sorted(set(name for name in tops if name.isidentifier())):
    module = importlib.import_module(top)
    version = getattr(module, "__version__", None)
    modules[top] = version if isinstance(version, str) else None
print(json.dumps({"version": dist.version, "modules": modules}))
"""


def fail(message: str, summary: list[str]) -> NoReturn:
    """One ``::error::`` line, the summary so far with the failure, exit 1."""
    print(f"::error::{message}")
    write_summary([*summary, f"| **failed** | {message} |"])
    sys.exit(1)


def remaining() -> float:
    """Seconds left of the step's deadline."""
    return STEP_SECONDS - (time.monotonic() - STARTED)


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """A command within the step's deadline, its output captured."""
    kwargs["env"] = {**kwargs.get("env", os.environ), **QUIET_PIP}
    return subprocess.run(  # noqa: S603 - fixed commands, the package name and version checked
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=max(1.0, remaining()),
        **kwargs,
    )


def sha256(path: Path) -> str:
    """The file's SHA-256, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_summary(lines: list[str]) -> None:
    """Append the table to the job summary (shown on the run's page, where QA approves)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write("### What QA is asked to approve\n\n| | |\n| --- | --- |\n")
            out.writelines(line + "\n" for line in lines)
            out.write("\n")


def built_wheel(dist: Path, summary: list[str]) -> Path:
    """The one wheel the build made."""
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) != 1:
        fail(f"{dist} holds {len(wheels)} wheels; the build makes exactly one", summary)
    return wheels[0]


def download(project: str, version: str, index: str, built: Path, summary: list[str]) -> Path:
    """The wheel of PROJECT==VERSION from the index only, once listed there; it must be the built one."""
    target = Path(tempfile.mkdtemp(prefix="from-index-"))
    problem = ""
    for attempt in range(ATTEMPTS):
        done = run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--no-cache-dir",
                "--index-url",
                index,
                "--dest",
                str(target),
                f"{project}=={version}",
            ]
        )
        found = sorted(target.glob("*.whl"))
        if done.returncode == 0 and len(found) == 1:
            if found[0].name != built.name or sha256(found[0]) != sha256(built):
                fail(
                    f"{index} serves {found[0].name} (sha256 {sha256(found[0])}), not the wheel this run "
                    f"built ({built.name}, sha256 {sha256(built)})",
                    summary,
                )
            return found[0]
        problem = (done.stderr.strip().splitlines() or ["no wheel"])[-1][:200]
        if attempt + 1 < ATTEMPTS and remaining() > WAIT_SECONDS:
            print(f"{project}=={version} not installable from {index} yet ({problem}); waiting")
            time.sleep(WAIT_SECONDS)
    fail(f"{project}=={version} could not be downloaded from {index}: {problem}", summary)


def main() -> None:
    """Install, check, smoke-test; write the summary and the outputs."""
    project, version = os.environ.get("PROJECT", ""), os.environ.get("VERSION", "")
    source = os.environ.get("SOURCE", "artifact")
    index = os.environ.get("INDEX_URL", "https://test.pypi.org/simple/")
    dependencies = os.environ.get("DEPENDENCY_INDEX_URL", "https://pypi.org/simple/")
    smoke = os.environ.get("SMOKE_COMMAND", "").strip()
    summary = [f"| package | `{project}` {version} |"]
    try:
        expected = Version(version)
    except InvalidVersion:
        fail(f"VERSION {version!r} is not a PEP 440 version", summary)
    if not project or source not in ("index", "artifact"):
        fail("PROJECT, VERSION and SOURCE (index or artifact) must be set", summary)
    built = built_wheel(Path(os.environ.get("DIST", "dist")), summary)
    if source == "index":
        wheel = download(project, version, index, built, summary)
        summary.append(f"| installed from | {index} (`{wheel.name}`, the file this run built) |")
    else:
        wheel = built
        summary.append(f"| installed from | this run's build (`{wheel.name}`; finals are not on Test PyPI) |")
    summary.append(f"| sha256 | `{sha256(wheel)}` |")
    venv = Path(tempfile.mkdtemp(prefix="qa-venv-"))
    # no pip inside: this Python's pip installs into it (`pip --python`), so nothing but the package and
    # its dependencies is in the environment
    created = run([sys.executable, "-m", "venv", "--clear", "--without-pip", str(venv)])
    if created.returncode != 0:
        fail(f"python -m venv failed: {created.stderr.strip()[-200:]}", summary)
    python = venv / "bin" / "python"
    installed = run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-cache-dir",
            "--index-url",
            dependencies,
            str(wheel),
        ]
    )
    if installed.returncode != 0:
        fail(f"pip install {wheel.name} failed: {installed.stderr.strip()[-300:]}", summary)
    summary.append(f"| dependencies from | {dependencies} only |")
    probe = run([str(python), "-I", "-c", PROBE, project], cwd=tempfile.mkdtemp(prefix="empty-"))
    if probe.returncode != 0:
        fail(f"importing {project} failed: {probe.stderr.strip()[-300:]}", summary)
    found = json.loads(probe.stdout)
    if Version(found["version"]) != expected:
        fail(f"the installed {project} is version {found['version']}, not {version}", summary)
    for module, module_version in found["modules"].items():
        if module_version is not None and Version(module_version) != expected:
            fail(f"{module}.__version__ is {module_version}, not {version}", summary)
    modules = ", ".join(
        f"`{name}`" + (f" (`__version__` {value})" if value else "")
        for name, value in found["modules"].items()
    )
    summary.append(f"| installed version | {found['version']} |")
    summary.append(f"| imported | {modules or 'no top-level module'} |")
    if smoke:
        environment = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
        done = run(["bash", "-e", "-o", "pipefail", "-c", smoke], env=environment)
        print(done.stdout[-4000:], end="")
        print(done.stderr[-4000:], end="", file=sys.stderr)
        if done.returncode != 0:
            fail(f"the smoke command `{smoke}` exited {done.returncode}", summary)
        summary.append(f"| smoke command | `{smoke}`: exit 0 |")
    else:
        summary.append("| smoke command | none configured (`repoconf workflow release --smoke-command`) |")
    write_summary(summary)
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
        output.write(f"installed={found['version']}\nsha256={sha256(wheel)}\n")
        output.write(f"modules={' '.join(found['modules'])}\n")
    smoked = f"smoke command {shlex.quote(smoke)} passed" if smoke else "no smoke command"
    print(f"{project} {found['version']} installed from {wheel.name} and checked; {smoked}")


if __name__ == "__main__":
    main()
