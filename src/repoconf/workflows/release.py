"""`repoconf workflow release`: the release workflow a configured repository runs.

It implements the release guide's flow with that repository's policy (docs/release-workflow.md). On a
release tag: the required checks (the `ci` workflow), a build that checks tag, version, index and notes
before anything is asked of anyone, and the build's provenance attested.

- An RC tag (`vX.Y.Z-rcN`) publishes to Test PyPI through `staging`, drafts a GitHub pre-release, installs
  exactly that version from Test PyPI in a clean environment (import, version, smoke command; the result is
  the job summary QA sees), then waits for QA's approval in `qa` and the release managers' in
  `production-release` ("RC Validation Process").
- A production tag (`vX.Y.Z`) asks whether reviewers approved a candidate of its version for this code
  (:mod:`repoconf.workflows.steps.candidate_approved`: the candidate's own release run and its review
  history, never deployments). Without one it is installed from its build and passes `qa` and
  `production-release` itself. Then the GitHub release is created as a draft, PyPI gets the files through
  `production-deploy` (its reviewers approve), and only after the upload the release is published: a
  rejected or failed deploy leaves a draft.

Uploads use trusted publishing (no token; PEP 740 attestations) unless ``--token-upload`` asks for the
`TEST_PYPI_TOKEN` / `PYPI_TOKEN` secrets. Before writing anything, every job's environment is checked
against the policy with the same rules as ``repoconf validate --explain-ref``: it must exist and accept
the tags that trigger it, and `production-deploy` must refuse release candidates (the workflow's own
conditions are no gate: anyone who can push a tag can push a workflow too). The trigger is the policy's
release-tag pattern as an exact Actions filter (:mod:`repoconf.workflows.filters`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from repoconf.policy.diagnostics import Problem
from repoconf.policy.fnmatch import fnmatch_pathname
from repoconf.policy.loader import LoadedPolicy
from repoconf.policy.model import RepositorySettings
from repoconf.policy.refs import Ref, RefKind, explain
from repoconf.workflows.ci import ci_problems
from repoconf.workflows.document import Commented, Script, emit, uses
from repoconf.workflows.errors import WorkflowError
from repoconf.workflows.filters import FilterRefused, actions_filter
from repoconf.workflows.pins import (
    ATTEST,
    BUILD_VERSION,
    CHECKOUT,
    DOWNLOAD,
    PACKAGING_VERSION,
    PYPI_PUBLISH,
    PYTHON_VERSION,
    SETUP_PYTHON,
    UPLOAD,
)

RC_TAG = "v1.2.3-rc1"
PRODUCTION_TAG = "v1.2.3"
DEFAULT_TAG_PATTERN = "v*"
RUNNER = "ubuntu-24.04"


@dataclass(frozen=True)
class Gate:
    """A job that deploys to an environment, and the kind of tag that triggers it."""

    job: str
    environment: str
    sample_tags: tuple[str, ...]
    approval: bool
    """Its reviewers approve a release (the approved-candidate check asks for their reviews)."""


GATES = (
    Gate("publish-test-pypi", "staging", (RC_TAG,), approval=False),
    Gate("qa", "qa", (RC_TAG, PRODUCTION_TAG), approval=True),
    Gate("production-release", "production-release", (RC_TAG, PRODUCTION_TAG), approval=True),
    Gate("production-deploy", "production-deploy", (PRODUCTION_TAG,), approval=False),
)
PYPI_ENVIRONMENT = "production-deploy"
APPROVALS = tuple(gate.environment for gate in GATES if gate.approval)
"""The environments whose approvals make a candidate approved."""
DEFAULT_VERSION_FILES = ("pyproject.toml", "CHANGELOG.md")
"""Files a production tag may change after its approved candidate (besides the version module the build
finds): release notes freely, others only in lines that assign the version."""

TEST_PYPI = "https://test.pypi.org"
PYPI = "https://pypi.org"
TEST_PYPI_BASE = "${{ vars.TEST_PYPI_URL || '" + TEST_PYPI + "' }}"
PYPI_BASE = "${{ vars.PYPI_URL || '" + PYPI + "' }}"


@dataclass(frozen=True)
class ReleaseOptions:
    """What `repoconf workflow release` was asked for besides the policy."""

    token_upload: bool = False
    """Upload with the TEST_PYPI_TOKEN / PYPI_TOKEN secrets instead of trusted publishing."""
    smoke_command: str = ""
    """A shell command run against the installed package before QA is asked."""
    version_files: tuple[str, ...] = ()
    """More files a production tag may change after its approved candidate."""
    provenance: bool = True
    """Attest the built distributions (actions/attest-build-provenance)."""


def check_gates(settings: RepositorySettings, token_upload: bool) -> list[Problem]:
    """Every gate's environment exists and accepts the tag that triggers its job; with tokens, the
    tokens the publishing jobs read are declared where those jobs can see them.
    """
    problems: list[Problem] = []
    for gate in GATES:
        environment = settings.environments.get(gate.environment)
        if environment is None:
            problems.append(
                Problem(
                    ("environments",),
                    f"job {gate.job!r} needs environment {gate.environment!r}, which the policy does "
                    "not declare",
                )
            )
            continue
        for tag in gate.sample_tags:
            verdict = explain(settings, environment, Ref(RefKind.TAG, tag))
            if not verdict.allowed:
                problems.append(
                    Problem(
                        ("environments", gate.environment, "deployment_refs"),
                        f"environment {gate.environment!r} refuses tag {tag} (job {gate.job!r}): "
                        f"{verdict.reason}",
                    )
                )
        if gate.environment == PYPI_ENVIRONMENT:
            verdict = explain(settings, environment, Ref(RefKind.TAG, RC_TAG))
            if verdict.allowed:
                problems.append(
                    Problem(
                        ("environments", gate.environment, "deployment_refs"),
                        f"environment {gate.environment!r} admits release candidate {RC_TAG} "
                        f"({verdict.reason}): a workflow pushed with an RC tag could reach PyPI; "
                        "use `tags: [{versions: final}]`",
                    )
                )
    if token_upload:
        for secret, holder in (("TEST_PYPI_TOKEN", "staging"), ("PYPI_TOKEN", "production-deploy")):
            scoped = settings.environments.get(holder)
            if secret not in settings.secrets and (scoped is None or secret not in scoped.secrets):
                problems.append(
                    Problem(
                        ("secrets",),
                        f"secret {secret!r} is declared neither for the repository nor for environment "
                        f"{holder!r}; add it, or drop --token-upload (trusted publishing needs no token)",
                    )
                )
    return problems


def tag_trigger(settings: RepositorySettings) -> tuple[str, list[Problem]]:
    """The release-tag pattern as the workflow's exact tag filter, and why it cannot be one."""
    pattern = settings.release_tags.pattern if settings.release_tags else DEFAULT_TAG_PATTERN
    where = ("release_tags", "pattern") if settings.release_tags else ("release_tags",)
    problems = [
        Problem(
            where,
            f"release tag pattern {pattern!r} does not match {tag}: the workflow would never run for it",
        )
        for tag in (RC_TAG, PRODUCTION_TAG)
        if not fnmatch_pathname(pattern, tag)
    ]
    try:
        return actions_filter(pattern), problems
    except FilterRefused as refused:
        return "", [*problems, Problem(where, f"release tag pattern cannot be a workflow trigger: {refused}")]


def option_problems(options: ReleaseOptions) -> list[str]:
    """Command-line values the workflow cannot hold."""
    problems = []
    if "${{" in options.smoke_command:
        problems.append(
            "--smoke-command: `${{` would be evaluated by GitHub as an expression; use $VARIABLES"
        )
    for path in options.version_files:
        if not re.fullmatch(r"[^/\s][^\s]*", path) or ".." in path.split("/") or "${{" in path:
            problems.append(f"--version-file {path!r}: a relative path in the repository, no spaces or `..`")
    return problems


STEPS_PACKAGE = "repoconf.workflows.steps"
INLINED = re.compile(rf"^from {re.escape(STEPS_PACKAGE)}\.(\w+) import .*$", re.MULTILINE)


def step_script(name: str) -> str:
    """A release step's script (``repoconf/workflows/steps/NAME.py``), with the step modules it imports
    inlined in place of the import, so the managed repository needs nothing of repoconf; the suite runs
    the same text.
    """
    steps = resources.files(STEPS_PACKAGE)

    def inline(match: re.Match[str]) -> str:
        return steps.joinpath(f"{match.group(1)}.py").read_text(encoding="utf-8").rstrip("\n")

    text = INLINED.sub(inline, steps.joinpath(f"{name}.py").read_text(encoding="utf-8"))
    if "${{" in text:  # GitHub would evaluate it as an expression
        raise ValueError(f"{name}.py must not contain an Actions expression")
    if STEPS_PACKAGE in text.replace(f'"{STEPS_PACKAGE}"', ""):
        raise ValueError(f"{name}.py imports a step module in a way the generator cannot inline")
    return text


def python_step(name: str, script: str, env: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A step running one of the step scripts on the job's Python."""
    return {"name": name, **extra, "env": env, "shell": "python", "run": Script(step_script(script))}


def download(artifact: str, path: str | None = None) -> dict[str, Any]:
    """Download one of the build's artifacts (v8 fails on a digest mismatch)."""
    return {"uses": uses(DOWNLOAD), "with": {"name": artifact, "path": path or "."}}


def setup_python() -> dict[str, Any]:
    """The runner's Python, pinned."""
    return {"uses": uses(SETUP_PYTHON), "with": {"python-version": PYTHON_VERSION}}


def tools(*names: str) -> dict[str, Any]:
    """Install the release tools at their pinned versions."""
    pinned = {"build": BUILD_VERSION, "packaging": PACKAGING_VERSION}
    wanted = " ".join(f'"{tool}=={pinned[tool]}"' for tool in names)
    return {"name": "Install the release tools (pinned)", "run": f"python -m pip install {wanted}"}


def index_page(base: str) -> str:
    """The package's page on an index, for an environment's URL (name read from pyproject.toml)."""
    return f"{base}/project/${{{{ needs.build.outputs.project }}}}/${{{{ needs.build.outputs.version }}}}/"


def publish_job(environment: str, options: ReleaseOptions, test_index: bool) -> dict[str, Any]:
    """Upload dist/ to an index from a job bound to the environment."""
    publish: dict[str, Any] = {"uses": uses(PYPI_PUBLISH)}
    settings: dict[str, Any] = {"repository-url": f"{TEST_PYPI}/legacy/"} if test_index else {}
    if options.token_upload:
        secret = "TEST_PYPI_TOKEN" if test_index else "PYPI_TOKEN"
        # An explicit choice (--token-upload), for indexes without trusted publishing.
        settings["password"] = Commented(
            f"${{{{ secrets.{secret} }}}}", "zizmor: ignore[use-trusted-publishing] (--token-upload)"
        )
    else:
        settings["attestations"] = True  # PEP 740, signed with the job's OIDC identity
    if settings:
        publish["with"] = settings
    return {
        "name": "Publish to Test PyPI" if test_index else "Publish to PyPI",
        "runs-on": RUNNER,
        "timeout-minutes": 15,
        "environment": {"name": environment, "url": index_page(TEST_PYPI if test_index else PYPI)},
        "permissions": {} if options.token_upload else {"id-token": "write"},
        "steps": [download("dist", "dist/"), publish],
    }


def release_step(name: str, command: str) -> dict[str, Any]:
    """A `gh release` command with the job's token; the tag and repository come from the environment."""
    return {
        "name": name,
        "env": {"GH_TOKEN": "${{ github.token }}", "TAG": "${{ github.ref_name }}"},
        "run": command,
    }


CI_WORKFLOW = ".github/workflows/ci.yaml"


def checks_workflow(enterprise_server: bool) -> Any:
    """The `ci` workflow this one calls: `$/` names this repository at the running commit (github.com,
    runner 2.336+); GitHub Enterprise Server has no `$/`, where `./` means the same for a workflow
    triggered in this repository.
    """
    if enterprise_server:
        return Commented(
            f"./{CI_WORKFLOW}", "zizmor: ignore[self-repository] GitHub Enterprise Server has no $/"
        )
    return f"$/{CI_WORKFLOW}"


def release_document(
    settings: RepositorySettings, trigger: str, options: ReleaseOptions, enterprise_server: bool = False
) -> dict[str, Any]:
    """The workflow as data (the policy already checked)."""
    attest_needed = ["attest"] if options.provenance else []
    version_files = "\n".join(
        [*DEFAULT_VERSION_FILES, "${{ needs.build.outputs.version_file }}", *options.version_files]
    )
    jobs: dict[str, Any] = {
        "checks": {
            "name": "Checks",
            "uses": checks_workflow(enterprise_server),
            "permissions": {"contents": "read"},
            "secrets": {"CODECOV_TOKEN": "${{ secrets.CODECOV_TOKEN }}"},
        },
        "build": {
            "name": "Build",
            "needs": "checks",
            "runs-on": RUNNER,
            "timeout-minutes": 20,
            "permissions": {"contents": "read"},
            "outputs": {
                name: f"${{{{ steps.version.outputs.{name} }}}}"
                for name in ("prerelease", "version", "final", "project", "version_file")
            },
            "steps": [
                {
                    "uses": uses(CHECKOUT),
                    "with": {
                        "persist-credentials": False,
                        "fetch-depth": Commented(0, "setuptools-scm and hatch-vcs read the tag's history"),
                    },
                },
                setup_python(),
                tools("build", "packaging"),
                python_step(
                    "Check the tag and the package's version name one release (PEP 440)",
                    "release_version",
                    {"TAG": "${{ github.ref_name }}"},
                    id="version",
                ),
                python_step(
                    "Check the version is not on the index yet (before any approval)",
                    "index_free",
                    {
                        "PROJECT": "${{ steps.version.outputs.project }}",
                        "VERSION": "${{ steps.version.outputs.version }}",
                        "INDEX_URL": "${{ steps.version.outputs.prerelease == 'true' && "
                        f"(vars.TEST_PYPI_URL || '{TEST_PYPI}') || (vars.PYPI_URL || '{PYPI}') }}}}",
                        "STEP_SECONDS": "120",
                    },
                    **{"timeout-minutes": 3},
                ),
                python_step(
                    "Take the release notes from CHANGELOG.md",
                    "changelog_notes",
                    {"FINAL": "${{ steps.version.outputs.final }}", "NOTES": "release-notes.md"},
                ),
                {"name": "Build sdist and wheel", "run": "python -m build"},
                {
                    "uses": uses(UPLOAD),
                    "with": {
                        "name": "release-notes",
                        "path": "release-notes.md",
                        "if-no-files-found": "error",
                    },
                },
                {
                    "uses": uses(UPLOAD),
                    "with": {"name": "dist", "path": "dist/", "if-no-files-found": "error"},
                },
            ],
        },
    }
    if options.provenance:
        jobs["attest"] = {
            "name": "Attest the build's provenance",
            "needs": "build",
            "runs-on": RUNNER,
            "timeout-minutes": 10,
            "permissions": {"id-token": "write", "attestations": "write"},
            "steps": [download("dist", "dist/"), {"uses": uses(ATTEST), "with": {"subject-path": "dist/*"}}],
        }
    jobs["publish-test-pypi"] = {
        "needs": "build",
        "if": "needs.build.outputs.prerelease == 'true'",
        **publish_job("staging", options, test_index=True),
    }
    jobs["draft-prerelease"] = {
        "name": "Draft the GitHub pre-release",
        "needs": ["build", *attest_needed, "publish-test-pypi"],
        "runs-on": RUNNER,
        "timeout-minutes": 10,
        "permissions": {"contents": "write"},
        "steps": [
            download("dist", "dist/"),
            download("release-notes"),
            release_step(
                "Create the draft pre-release",
                'gh release create "$TAG" dist/* --repo "$GITHUB_REPOSITORY" --draft --prerelease '
                '--verify-tag --title "$TAG" --notes-file release-notes.md',
            ),
        ],
    }
    jobs["candidate"] = {
        "name": "Find an approved release candidate",
        "needs": "build",
        "if": "needs.build.outputs.prerelease == 'false'",
        "runs-on": RUNNER,
        "timeout-minutes": 10,
        # a job-level block replaces the workflow's: the runs, their reviews and the comparison
        "permissions": {"actions": "read", "contents": "read"},
        "outputs": {
            name: f"${{{{ steps.candidate.outputs.{name} }}}}" for name in ("approved", "candidate", "run")
        },
        "steps": [
            setup_python(),
            python_step(
                "Look for a candidate of this version that reviewers approved for this code",
                "candidate_approved",
                {
                    "GH_TOKEN": "${{ github.token }}",
                    "TAG": "${{ github.ref_name }}",
                    "APPROVALS": " ".join(APPROVALS),
                    "VERSION_FILES": Script(version_files + "\n"),
                    "STEP_SECONDS": "240",
                },
                id="candidate",
                **{"timeout-minutes": 5},
            ),
        ],
    }
    install_env: dict[str, Any] = {
        "PROJECT": "${{ needs.build.outputs.project }}",
        "VERSION": "${{ needs.build.outputs.version }}",
        "SOURCE": "${{ needs.build.outputs.prerelease == 'true' && 'index' || 'artifact' }}",
        "INDEX_URL": f"{TEST_PYPI_BASE}/simple/",
        "DEPENDENCY_INDEX_URL": f"{PYPI_BASE}/simple/",
        "DIST": "dist",
        "STEP_SECONDS": "900",
    }
    install_steps: list[dict[str, Any]] = []
    if options.smoke_command:
        install_env["SMOKE_COMMAND"] = options.smoke_command
        install_steps.append({"uses": uses(CHECKOUT), "with": {"persist-credentials": False}})
    jobs["install"] = {
        "name": "Install what QA approves, and check it",
        "needs": ["build", "publish-test-pypi", "candidate"],
        # a candidate once on Test PyPI; a production tag without an approved candidate, from its build
        "if": "${{ !cancelled() && needs.build.result == 'success' && "
        "((needs.build.outputs.prerelease == 'true' && needs.publish-test-pypi.result == 'success') || "
        "(needs.build.outputs.prerelease == 'false' && needs.candidate.result == 'success' && "
        "needs.candidate.outputs.approved == 'false')) }}",
        "runs-on": RUNNER,
        "timeout-minutes": 30,
        "permissions": {"contents": "read"},
        "outputs": {"installed": "${{ steps.install.outputs.installed }}"},
        "steps": [
            *install_steps,
            download("dist", "dist/"),
            setup_python(),
            tools("packaging"),
            python_step(
                "Install exactly this version in a clean environment; import, version, smoke command",
                "install_check",
                install_env,
                id="install",
                **{"timeout-minutes": 20},
            ),
        ],
    }
    jobs["qa"] = {
        "name": "QA approval",
        "needs": ["build", "install", "draft-prerelease"],
        "if": "${{ !cancelled() && needs.install.result == 'success' && "
        "(needs.draft-prerelease.result == 'success' || needs.build.outputs.prerelease == 'false') }}",
        "runs-on": RUNNER,
        "timeout-minutes": 5,
        "environment": "qa",
        "permissions": {},
        "steps": [
            {
                "name": "Record QA's approval",
                "env": {"INSTALLED": "${{ needs.install.outputs.installed }}"},
                "run": 'echo "QA approved $GITHUB_REF_NAME (version $INSTALLED, as installed and checked by '
                'the install job)" >> "$GITHUB_STEP_SUMMARY"',
            }
        ],
    }
    jobs["production-release"] = {
        "name": "Release-manager approval",
        "needs": "qa",
        "runs-on": RUNNER,
        "timeout-minutes": 5,
        "environment": "production-release",
        "permissions": {},
        "steps": [
            {
                "name": "Record the release managers' approval",
                "run": 'echo "Release managers approved $GITHUB_REF_NAME after the environment\'s wait" '
                '>> "$GITHUB_STEP_SUMMARY"',
            }
        ],
    }
    jobs["github-release"] = {
        "name": "Draft the GitHub release",
        "needs": ["build", *attest_needed, "candidate", "production-release"],
        # a production tag: after its candidate's approvals, or after passing them itself
        "if": "${{ !cancelled() && needs.build.outputs.prerelease == 'false' && "
        + "".join(f"needs.{job}.result == 'success' && " for job in attest_needed)
        + "needs.candidate.result == 'success' && (needs.candidate.outputs.approved == 'true' || "
        "needs.production-release.result == 'success') }}",
        "runs-on": RUNNER,
        "timeout-minutes": 10,
        "permissions": {"contents": "write"},
        "steps": [
            download("dist", "dist/"),
            download("release-notes"),
            release_step(
                "Create the release as a draft (published after the PyPI upload)",
                'gh release create "$TAG" dist/* --repo "$GITHUB_REPOSITORY" --draft --verify-tag '
                '--title "$TAG" --notes-file release-notes.md',
            ),
        ],
    }
    jobs["production-deploy"] = {
        "needs": ["build", "github-release"],
        **publish_job(PYPI_ENVIRONMENT, options, False),
    }
    jobs["publish-release"] = {
        "name": "Publish the GitHub release",
        "needs": "production-deploy",
        "runs-on": RUNNER,
        "timeout-minutes": 5,
        "permissions": {"contents": "write"},
        "steps": [
            release_step(
                "Publish the draft now that PyPI has the files",
                'gh release edit "$TAG" --repo "$GITHUB_REPOSITORY" --draft=false --latest',
            )
        ],
    }
    return {
        "name": "release",
        "on": {"push": {"tags": [trigger]}},
        "permissions": {},
        "concurrency": {"group": "release-${{ github.ref_name }}", "cancel-in-progress": False},
        "jobs": jobs,
    }


HEADER = """\
Generated by `repoconf workflow release` for {repository} from its repoconf policy: every job's
environment exists in the policy and accepts the tags that trigger it. Regenerate after a policy change.
docs/release-workflow.md in repoconf explains each job, its permissions and how to retry.

RC tags (vX.Y.Z-rcN): checks, build, Test PyPI through `staging`, a draft pre-release, the version
installed from Test PyPI and checked, then QA's approval in `qa` and the release managers' in
`production-release`.
Production tags (vX.Y.Z): checks, build; unless reviewers approved a candidate of the version for this
code (its release run's review history), `qa` and `production-release` first; a draft GitHub release;
PyPI through `production-deploy`; the release is published after the upload."""


def release_workflow(loaded: LoadedPolicy, repository: str, options: ReleaseOptions | None = None) -> str:
    """The workflow's YAML text; raises :class:`WorkflowError`, located in the policy file, when the
    repository's settings make it impossible.
    """
    options = options or ReleaseOptions()
    settings = loaded.policy.repositories[repository]
    trigger, trigger_problems = tag_trigger(settings)
    problems = check_gates(settings, options.token_upload) + trigger_problems + ci_problems(settings)
    if problems:
        raise WorkflowError(
            [loaded.diagnose(repository, problem, "release-workflow") for problem in problems]
        )
    document = release_document(settings, trigger, options, enterprise_server=loaded.policy.github.custom)
    return emit(document, HEADER.format(repository=repository))
