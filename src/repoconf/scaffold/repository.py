"""The files of a configuration repository, from the installed repoconf.

``Pulumi.yaml`` and the stack settings are built as data and written with a YAML library; the workflows
and the README are package templates (``templates/``) whose ``@@NAME@@`` placeholders take values that are
checked first (pins from :mod:`repoconf.workflows.pins`, names validated here), so the result parses as
YAML (the tests parse it and run actionlint on it).

**How a configuration repository installs repoconf:** ``requirements.txt`` holds one requirement line
that everything installs: the workflows (``pip install -r requirements.txt``), Pulumi (``toolchain: pip``
installs it into ``.venv``) and people. It pins this version: ``repoconf @ git+https://HOST/OWNER/repoconf@REF``
(a tag ``vX.Y.Z`` or a commit), or ``repoconf==X.Y.Z`` from a package index the user controls. The plain
pin is never the default: the project called ``repoconf`` on PyPI is another one, and a workflow holding
the organisation's tokens must not install whatever that name publishes. The default is how the running
repoconf was installed, when that is a git commit (PEP 610's ``direct_url.json``); otherwise
``--requirement`` is required. Upgrading is bumping that line, installing it and applying what
``repoconf new --check .`` reports. repoconf's own
repository installs itself from its checkout (``-e .``), so its program code (``src/**``,
``pyproject.toml``) triggers its previews and deploys too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata, resources

import yaml

from repoconf.policy.loader import DEFAULT_POLICY, load_text
from repoconf.policy.model import ConfigSource, EnvSource, Policy
from repoconf.policy.schema import policy_schema
from repoconf.policy.template import starter_policy
from repoconf.project import OWNER, POLICY, PROGRAM_KEYS, PROJECT_FILE, stack_file
from repoconf.workflows import pins

PACKAGE = "repoconf"
PULUMI_CLI_VERSION = "3.259.0"
"""The Pulumi CLI the deploy workflow installs: pinned, since update plans are a preview feature whose
behaviour a CLI upgrade may change (docs/guide.md, "Plan, approve, apply")."""
MAIN = "infra/__main__.py"
REQUIREMENTS = "requirements.txt"
SCHEMA = "config/policy.schema.json"
WORKFLOWS = tuple(f".github/workflows/{name}.yml" for name in ("preview", "drift", "deploy"))
OWNED = (MAIN, REQUIREMENTS, SCHEMA, *WORKFLOWS)
"""Files repoconf keeps: ``--check`` compares them whole. The others are written once and yours."""
TRIGGER_PATHS = ("config/**", "infra/**", "imports/**", "Pulumi*.yaml", REQUIREMENTS)
CHECKOUT_PATHS = ("src/**", "pyproject.toml")
"""What else changes the program when repoconf is installed from the repository's own checkout."""
_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v[\w.-]+$")
_GIT_URL = r"https://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]{1,5})?(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+"
"""An https URL of a git repository, ASCII only: a host of dotted labels (no look-alike letters), path
segments that are names (never `.` or `..`), nothing a requirement line could read as more."""
_COMMIT = r"[0-9a-f]{40}"


def _index_pin(version: str) -> re.Pattern[str]:
    """``repoconf==VERSION`` (``version``: a pattern), one line."""
    return re.compile(rf"{PACKAGE}[ \t]*==[ \t]*{version}", re.ASCII)


def _git_pin(ref: str) -> re.Pattern[str]:
    """``repoconf @ git+URL@REF`` (``ref``: a pattern): groups the text before the ref, and the ref."""
    return re.compile(rf"({PACKAGE} @ git\+{_GIT_URL}@)({ref})", re.ASCII)


def version() -> str:
    """The installed repoconf's version (its distribution metadata)."""
    return metadata.version(PACKAGE)


class Source(StrEnum):
    """Where a configuration repository installs repoconf from."""

    INDEX = "index"
    GIT = "git"
    CHECKOUT = "checkout"


@dataclass(frozen=True)
class Requirement:
    """The one line of ``requirements.txt`` that installs repoconf."""

    line: str
    source: Source

    @classmethod
    def pinned(cls, line: str | None = None) -> Requirement:
        """``line`` (default: :func:`installed_requirement`) checked to install this version; a
        :class:`ValueError` says what is expected otherwise.
        """
        current = version()
        text = (line if line is not None else installed_requirement()).strip(" \t")
        if text == "-e .":
            return cls(text, Source.CHECKOUT)
        if _index_pin(re.escape(current)).fullmatch(text):
            return cls(text, Source.INDEX)
        git = _git_pin(rf"v?{re.escape(current)}|{_COMMIT}").fullmatch(text)
        if git is not None:
            if re.fullmatch(_COMMIT, git.group(2)):
                _check_commit(text)
            return cls(text, Source.GIT)
        raise ValueError(
            f"{text!r} does not install repoconf {current}: use `{PACKAGE} @ "
            f"git+https://github.com/OWNER/repoconf@v{current}` (or @COMMIT), `{PACKAGE}=={current}` from "
            "a package index you control, or (repoconf's own checkout) `-e .`"
        )

    @classmethod
    def bumped(cls, line: str) -> Requirement:
        """``line`` (an older pin) moved to this version in the same form: the index pin stays an index
        pin, a git tag pin keeps its repository; any other line gets the default.
        """
        current = version()
        if _index_pin(r"[A-Za-z0-9.+-]+").fullmatch(line):
            return cls.pinned(f"{PACKAGE}=={current}")
        tagged = _git_pin(r"v?[0-9][A-Za-z0-9.+-]*").fullmatch(line)
        if tagged is not None:
            v = "v" if tagged.group(2).startswith("v") else ""
            return cls.pinned(f"{tagged.group(1)}{v}{current}")
        return cls.pinned()

    @property
    def trigger_paths(self) -> tuple[str, ...]:
        """The paths whose change runs the preview and the deploy."""
        return TRIGGER_PATHS + (CHECKOUT_PATHS if self.source is Source.CHECKOUT else ())


NO_DEFAULT = (
    "this repoconf was not installed from a git commit, so there is no safe default requirement: pass "
    "--requirement 'repoconf @ git+https://github.com/OWNER/repoconf@v{version}' (the repository you "
    "install repoconf from), or 'repoconf=={version}' from a package index you control (the `repoconf` "
    "project on PyPI is another one: never the default)"
)


def _check_commit(line: str) -> None:
    """A commit pin is this repoconf when it is the commit this repoconf was installed from; one that
    cannot be compared (repoconf not installed from git) is taken as the user's word.
    """
    try:
        installed = installed_requirement()
    except ValueError:
        return
    if line != installed:
        raise ValueError(
            f"{line!r} pins another commit than this repoconf's ({installed!r}): pin the one installed, or "
            "install the one pinned"
        )


def installed_requirement(direct_url: str | None = None) -> str:
    """The requirement line that installs exactly the running repoconf: its git commit, read from PEP
    610's ``direct_url.json`` (``direct_url``: that file's text; default: the installed distribution's).
    A :class:`ValueError` (:data:`NO_DEFAULT`) when it was installed any other way (an index, an archive,
    a local directory): none of those can be named safely in a workflow.
    """
    if direct_url is None:
        direct_url = metadata.distribution(PACKAGE).read_text("direct_url.json")
    try:
        found = json.loads(direct_url) if direct_url else {}
    except ValueError:
        found = {}
    vcs = found.get("vcs_info") if isinstance(found, dict) else None
    url, commit = (found.get("url"), vcs.get("commit_id")) if isinstance(vcs, dict) else (None, None)
    if (
        isinstance(vcs, dict)
        and vcs.get("vcs") == "git"
        and isinstance(url, str)
        and isinstance(commit, str)
        and re.fullmatch(_GIT_URL, url, re.ASCII)
        and re.fullmatch(_COMMIT, commit)
    ):
        return f"{PACKAGE} @ git+{url}@{commit}"
    raise ValueError(NO_DEFAULT.format(version=version()))


def _template(name: str) -> str:
    return resources.files("repoconf.scaffold").joinpath("templates", name).read_text(encoding="utf-8")


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    leftover = re.search(r"@@[A-Z_]+@@", text)
    if leftover is not None:  # a template names a value this module does not give: a bug, not input
        raise AssertionError(f"unfilled placeholder {leftover.group()}")
    return text


def _pin(value: str) -> str:
    if _PIN.fullmatch(value) is None:  # the pins are constants; this guards the YAML they land in
        raise AssertionError(f"not an action pinned by commit: {value!r}")
    return value


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


@dataclass(frozen=True)
class Scaffold:
    """One configuration repository: its owner, first repository, Pulumi project and first stack."""

    owner: str
    repository: str
    project: str
    stack: str
    requirement: Requirement
    stack_owner: str | None = None
    """The first stack's ``owner`` override (a sandbox organization), or None."""
    policy: Policy | None = None
    """The policy whose secret sources the project and workflows declare (``--check``: the repository's
    own); None: the starter policy."""

    def policy_text(self) -> str:
        """The starter policy, checked to load (the template is tested to; this guards the names)."""
        text = starter_policy(self.owner, self.repository)
        load_text(text, DEFAULT_POLICY)
        return text

    def _policy(self) -> Policy:
        return self.policy or load_text(self.policy_text(), DEFAULT_POLICY).policy

    def _sources(self) -> tuple[dict[str, list[str]], list[str]]:
        """``{config: KEY}`` keys (with the secrets reading each) and ``{env: VAR}`` names of the policy."""
        config: dict[str, list[str]] = {}
        env: list[str] = []
        for settings in self._policy().repositories.values():
            scopes = [settings.secrets, *(e.secrets for e in settings.environments.values())]
            for secrets in scopes:
                for name, source in secrets.items():
                    if isinstance(source, ConfigSource):
                        config.setdefault(source.config, [])
                        if name not in config[source.config]:
                            config[source.config].append(name)
                    elif isinstance(source, EnvSource) and source.env not in env:
                        env.append(source.env)
        return config, env

    def project_file(self) -> str:
        """``Pulumi.yaml``: the program's keys and one secret key per ``{config: KEY}`` source, declared
        bare, i.e. in the project's own namespace (:mod:`repoconf.project`).
        """
        config: dict[str, dict[str, object]] = {
            key.name: {"type": "string", "default": key.default, "description": key.description}
            for key in PROGRAM_KEYS
        }
        secrets, _ = self._sources()
        for key, names in secrets.items():
            config[key] = {
                "type": "string",
                "secret": True,
                "description": f"The value of the policy's secret {', '.join(names)} "
                f"(`pulumi config set --secret {key} VALUE`).",
            }
        data = {
            "name": self.project,
            "description": f"GitHub repository settings of {self.owner}, as code (repoconf).",
            "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
            "main": "infra/",
            "config": config,
        }
        head = (
            "# The Pulumi project of this configuration repository (written by `repoconf new`).\n"
            "# Config keys are declared bare: Pulumi keeps them in the project's namespace, so a stack\n"
            f"# sets them as `{self.project}:KEY` (`pulumi config set owner ORG`). `secret: true` makes\n"
            "# the engine refuse a value set without --secret; the program refuses one too. A\n"
            "# `{config: KEY}` secret added to the policy needs its key declared here the same way;\n"
            "# `{external: true}` ones need none.\n"
        )
        return head + _yaml(data)

    def stack_file(self) -> str:
        """``Pulumi.<stack>.yaml``: the policy path and, when given, the owner override."""
        config = {f"{self.project}:{POLICY.name}": POLICY.default}
        if self.stack_owner:
            config[f"{self.project}:{OWNER.name}"] = self.stack_owner
        head = (
            f"# The `{self.stack}` stack. `{self.project}:{OWNER.name}` overrides the policy's owner for "
            "this stack only\n# (e.g. a sandbox organization). Secret values are added with\n"
            "# `pulumi config set --secret KEY VALUE`, which stores them here encrypted (`secure: ...`);\n"
            "# none is ever committed in clear.\n"
        )
        return head + _yaml({"config": config})

    def workflow(self, path: str) -> str:
        """One of the three workflows."""
        _, env = self._sources()
        values = {
            "CHECKOUT": _pin(pins.CHECKOUT),
            "SETUP_PYTHON": _pin(pins.SETUP_PYTHON),
            "CACHE": _pin(pins.CACHE),
            "PULUMI_ACTIONS": _pin(pins.PULUMI_ACTIONS),
            "UPLOAD": _pin(pins.UPLOAD),
            "DOWNLOAD": _pin(pins.DOWNLOAD),
            "PULUMI_VERSION": PULUMI_CLI_VERSION,
            "STACK": self.stack,
            "INSTALL": f"python3.11 -m venv .venv && .venv/bin/pip install -r {REQUIREMENTS}",
            "PATHS": "\n".join(f"      - {json.dumps(p)}" for p in self.requirement.trigger_paths),
            "PROGRAM_ENV": "\n".join(f"          {name}: ${{{{ secrets.{name} }}}}" for name in env),
        }
        return _fill(_template(path.rsplit("/", 1)[-1]), values)

    def requirements(self) -> str:
        """``requirements.txt``: the one line that installs repoconf."""
        return (
            "# repoconf for the workflows, Pulumi (toolchain: pip) and you. Upgrade: change the version,\n"
            "# install it, then apply what `repoconf new --check .` reports.\n"
            f"{self.requirement.line}\n"
        )

    def files(self) -> dict[str, str]:
        """Every file, by path relative to the repository's root."""
        files = {
            PROJECT_FILE: self.project_file(),
            stack_file(self.stack): self.stack_file(),
            MAIN: _template("main.py.txt"),
            REQUIREMENTS: self.requirements(),
            DEFAULT_POLICY: self.policy_text(),
            SCHEMA: json.dumps(policy_schema(), indent=2, ensure_ascii=False) + "\n",
            ".gitignore": ".venv/\n__pycache__/\n",
            "README.md": _fill(
                _template("README.md"),
                {"PROJECT": self.project, "OWNER": self.owner, "STACK": self.stack, "VERSION": version()},
            ),
        }
        files.update({path: self.workflow(path) for path in WORKFLOWS})
        return files


def project_problems(expected: str, actual: str) -> list[str]:
    """What ``Pulumi.yaml`` (``actual``) lacks of what repoconf needs (``expected``, this version's):
    the runtime, ``main`` and each key the program reads, declared as this version declares it. Other
    keys and comments are the user's and not compared.
    """
    want = yaml.safe_load(expected)
    try:
        have = yaml.safe_load(actual)
    except (yaml.YAMLError, ValueError) as error:
        return [f"{PROJECT_FILE}: cannot be read as YAML ({error})"]
    except RecursionError:  # PyYAML recurses once per level of nesting
        return [f"{PROJECT_FILE}: cannot be read as YAML (nested too deep)"]
    if not isinstance(have, dict):
        return [f"{PROJECT_FILE}: expected a mapping"]
    problems = [
        f"{PROJECT_FILE}: {field}: {have.get(field)!r}, this version writes {want[field]!r}"
        for field in ("runtime", "main")
        if have.get(field) != want[field]
    ]
    config = have.get("config")
    declared: dict[str, object] = config if isinstance(config, dict) else {}
    for key, declaration in want["config"].items():
        if declared.get(key) != declaration and declared.get(f"{have.get('name')}:{key}") != declaration:
            problems.append(f"{PROJECT_FILE}: config.{key}: this version declares {json.dumps(declaration)}")
    return problems
