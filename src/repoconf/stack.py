"""The stack's run: read the stack config, load the policy, resolve its selectors over REST, keep the
stack's group, declare, export.

``infra/__main__.py`` (what ``Pulumi.yaml``'s ``main: infra/`` runs) only calls :func:`run`. It lives above
both the program (:mod:`repoconf.program`, which never speaks HTTP) and the GitHub reader
(:mod:`repoconf.live`): a policy with selectors is resolved against the owner's repositories before
anything is declared, so a repository that gains a selected topic is declared by the next run without
an edit of the policy. A policy without selectors makes no request here.

For a directory ``main``, the engine makes that directory the working directory and runs ``.`` there
(pulumi/pulumi ``pkg/engine/project.go``, ``getPwdMain``: "if maininfo.IsDir() { pwd = main; main = "." }"),
so a relative ``policy`` is resolved against the project root (where ``Pulumi.yaml`` is), never
against the working directory.

The stack config keys live in the project's own namespace, whatever the project is called: ``Pulumi.yaml``
declares them bare and ``pulumi.Config()`` reads the project's namespace (:mod:`repoconf.project` says
why Pulumi requires it).

**Which GitHub and which token resolve the selectors: the provider's.** The token is the stack's
``github:token``, else ``GITHUB_TOKEN`` (terraform-provider-github v6.13.0 ``github/provider.go``:
``EnvDefaultFunc("GITHUB_TOKEN", nil)``); the REST base URL is the stack's ``github:baseUrl``, else the
policy's ``github.api_url`` when it names a host, else ``GITHUB_BASE_URL`` (the provider's default), else
github.com's, read as the provider reads a base URL (``github/config.go``, ``getBaseURL``). A stack that
authenticates as a GitHub App (``github:appAuth``) gives the program no token it can use: it needs
``GITHUB_TOKEN`` set to an installation token for the read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import httpx
import pulumi

from repoconf.errors import DiagnosticError, RepoconfError, UsageError
from repoconf.github.client import DEFAULT_API_URL, GitHub, RetryPolicy, resolve_token
from repoconf.live.inventory import needs_properties, read_inventory
from repoconf.policy.groups import Group, share
from repoconf.policy.loader import DEFAULT_POLICY, LoadedPolicy, load
from repoconf.policy.selection import resolve
from repoconf.program.compose import ProviderSettings, declare, export_summary
from repoconf.program.errors import StackConfigError
from repoconf.program.secrets import StackSecrets
from repoconf.project import GROUP, OWNER, POLICY, PROJECT_FILE

GHEC_HOST = re.compile(r"(api\.)?[A-Za-z0-9-]+\.ghe\.com")
"""GitHub Enterprise Cloud with data residency (the provider's ``GHECHostMatch``/``GHECAPIHostMatch``)."""
GHES_REST_PATH = "api/v3"


def project_root(start: Path | None = None) -> Path:
    """The directory holding ``Pulumi.yaml``: the engine's root directory, else the nearest ancestor of
    ``start`` (the working directory) that has the project file, else ``start`` itself.

    The engine's value is used only when it holds the project file: Pulumi's mocks report a placeholder.
    """
    root = pulumi.runtime.get_root_directory()
    if root and (Path(root) / PROJECT_FILE).is_file():
        return Path(root)
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory
    return here


def policy_path(configured: str | None, root: Path) -> Path:
    """The policy file the stack uses: ``policy`` (default ``config/policy.yaml``) under ``root``."""
    path = Path(configured or DEFAULT_POLICY)
    return path if path.is_absolute() else root / path


def rest_url(base_url: str) -> str:
    """The REST API base of a provider ``baseUrl``, as the provider derives it: github.com and ghe.com
    hosts serve the API at ``https://api.HOST/``, any other host (GitHub Enterprise Server) under
    ``api/v3/``, whether the URL names that path or not.
    """
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise StackConfigError(
            f"github:baseUrl/GITHUB_BASE_URL: {base_url!r} is not an http(s) URL (e.g. "
            "https://github.example.com/ for GitHub Enterprise Server)"
        )
    if url.host in ("github.com", "api.github.com"):
        return DEFAULT_API_URL
    if GHEC_HOST.fullmatch(url.host):
        return f"https://api.{url.host.removeprefix('api.')}"
    path = url.path.strip("/").removesuffix(GHES_REST_PATH).strip("/")
    origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
    return "/".join(part for part in (origin, path, GHES_REST_PATH) if part)


def github_access(loaded: LoadedPolicy, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The REST base URL and the token the selectors are read with: the provider's (the module's
    description says which, in which order).
    """
    environ = os.environ if environ is None else environ
    configured = pulumi.runtime.get_config("github:baseUrl")
    if configured:
        api_url = rest_url(configured)
    elif loaded.policy.github.custom:
        api_url = loaded.policy.github.api_url
    elif environ.get("GITHUB_BASE_URL"):
        api_url = rest_url(environ["GITHUB_BASE_URL"])
    else:
        api_url = DEFAULT_API_URL
    token = pulumi.runtime.get_config("github:token") or environ.get("GITHUB_TOKEN")
    try:
        token = resolve_token({"GITHUB_TOKEN": token} if token else {})
    except UsageError:
        raise StackConfigError(
            "github:token/GITHUB_TOKEN holds characters a token never has: set it to the token alone"
        ) from None
    if not token:
        app = pulumi.runtime.get_config("github:appAuth") is not None
        raise StackConfigError(
            "the policy's selectors are resolved with the stack's GitHub token, and there is none: "
            + (
                "the stack authenticates as a GitHub App (github:appAuth), whose token the program cannot "
                "make: set GITHUB_TOKEN to an installation token (actions/create-github-app-token)"
                if app
                else "set github:token (`pulumi config set --secret github:token`) or GITHUB_TOKEN"
            )
        )
    return api_url, token


def selected(loaded: LoadedPolicy, owner: str, api_url: str, token: str) -> LoadedPolicy:
    """The policy with the repositories its selectors select among ``owner``'s, read over REST."""
    if loaded.selection is None:
        return loaded
    with GitHub(api_url, token, retry=RetryPolicy(max_wait=300.0)) as github:
        candidates = read_inventory(github, owner, needs_properties(loaded.selection))
    return resolve(loaded, candidates)


def stack_group(text: str | None) -> Group | None:
    """The stack's ``group`` (``K/N``), or None when it declares every repository."""
    if not text:
        return None
    try:
        return Group.parse(text)
    except ValueError as error:
        raise StackConfigError(f"stack config {pulumi.Config().full_key(GROUP.name)}: {error}") from None


def run() -> None:
    """Run the program for the current stack; located one-line errors end it, never a traceback, and
    nothing is declared after an error.
    """
    config = pulumi.Config()  # the project's namespace
    try:
        group = stack_group(config.get(GROUP.name))
        loaded = load(policy_path(config.get(POLICY.name), project_root()))
        owner = config.get(OWNER.name) or None
        provider_settings = ProviderSettings.from_config(pulumi.Config("github"))
        if loaded.selection is not None:
            api_url, token = github_access(loaded)
            loaded = selected(loaded, owner or loaded.policy.owner, api_url, token)
        declared = declare(
            share(loaded, group), StackSecrets(), owner=owner, provider_settings=provider_settings
        )
    except DiagnosticError as error:
        raise pulumi.RunError("\n".join(error.lines())) from None
    except RepoconfError as error:
        raise pulumi.RunError(str(error)) from None
    export_summary(declared)
