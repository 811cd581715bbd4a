"""An emulator of the Pulumi GitHub provider's writes: what `pulumi up` sends GitHub for the resources
a program declares.

pulumi-github 6.15 is terraform-provider-github v6.13.0 behind Pulumi's Terraform bridge: the bridge
turns a resource's Pulumi inputs (camelCase; a ``maxItemsOne`` block as an object) into the Terraform
configuration (snake_case; every block a list), the Terraform plugin SDK applies each attribute's
``Default`` and orders every ``TypeSet`` by its hash, and the provider's Create builds request bodies
from that with go-github (REST) or githubv4 (GraphQL). This module does the same, written from those
sources (each resource's function names the file and function it follows), never from repoconf's own
model: it does not import repoconf. Field names and which fields are left out come from go-github's
request structs (v88.0.0, what v6.13.0 uses): ``omitempty`` leaves out a zero value, a non-nil pointer
is sent even when it points to false or 0, a nil slice without ``omitempty`` is sent as ``null``.

Secrets are not encrypted with libsodium (no dependency for a stand-in): the provider's
``box.SealAnonymous`` output is stood in for by random bytes of the same length (48 bytes of overhead
plus the plaintext), so no value can leak through a request body, and the stand-in checks the key id.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

import httpx

# -- Terraform schemas (the attributes the provider reads), and the bridge's names -------------------


@dataclass(frozen=True)
class Attr:
    """One Terraform attribute: ``kind`` string | int | bool | list | set; ``elem`` a primitive kind or
    a nested block; ``default`` the schema's Default; ``max_one`` the bridge's ``maxItemsOne`` (the
    Pulumi input is the block itself, not a list); ``pulumi`` the Pulumi name where the bridge does not
    simply camelCase the Terraform name (it pluralizes list and set names).
    """

    kind: str
    elem: str | Block | None = None
    default: Any = None
    max_one: bool = False
    pulumi: str | None = None

    def pulumi_name(self, name: str) -> str:
        """The Pulumi input name of the Terraform attribute ``name``."""
        if self.pulumi is not None:
            return self.pulumi
        head, *rest = name.split("_")
        return head + "".join(part[:1].upper() + part[1:] for part in rest)


Block = dict[str, Attr]

STRING, INT, BOOL = Attr("string"), Attr("int"), Attr("bool")
FALSE = Attr("bool", default=False)

ENVIRONMENT: Block = {  # resource_github_repository_environment.go, resourceGithubRepositoryEnvironment
    "repository": STRING,
    "environment": STRING,
    "can_admins_bypass": Attr("bool", default=True),
    "prevent_self_review": FALSE,
    "wait_timer": INT,
    "reviewers": Attr("list", {"teams": Attr("set", "int"), "users": Attr("set", "int")}),
    "deployment_branch_policy": Attr(
        "list", {"protected_branches": BOOL, "custom_branch_policies": BOOL}, max_one=True
    ),
}
DEPLOYMENT_POLICY: Block = {  # resource_github_repository_environment_deployment_policy.go
    "repository": STRING,
    "environment": STRING,
    "branch_pattern": STRING,
    "tag_pattern": STRING,
}
SECRET: Block = {  # resource_github_actions_secret.go, resourceGithubActionsSecret
    "repository": STRING,
    "secret_name": STRING,
    "key_id": STRING,
    "value": STRING,
    "value_encrypted": STRING,
    "encrypted_value": STRING,
    "plaintext_value": STRING,
    "destroy_on_drift": BOOL,
}
ENVIRONMENT_SECRET: Block = {"environment": STRING, **SECRET}  # resource_github_actions_environment_secret.go
VARIABLE: Block = {"repository": STRING, "variable_name": STRING, "value": STRING}  # ..._actions_variable.go
ENVIRONMENT_VARIABLE: Block = {"environment": STRING, **VARIABLE}  # ..._actions_environment_variable.go
RULESET: Block = {  # resource_github_repository_ruleset.go, resourceGithubRepositoryRuleset
    "name": STRING,
    "target": STRING,
    "repository": STRING,
    "enforcement": STRING,
    "bypass_actors": Attr("list", {"actor_id": INT, "actor_type": STRING, "bypass_mode": STRING}),
    "conditions": Attr(
        "list",
        {
            "ref_name": Attr(
                "list",
                {
                    "include": Attr("list", "string", pulumi="includes"),
                    "exclude": Attr("list", "string", pulumi="excludes"),
                },
                max_one=True,
            )
        },
        max_one=True,
    ),
    "rules": Attr(
        "list",
        {
            "creation": BOOL,
            "update": BOOL,
            "update_allows_fetch_and_merge": FALSE,
            "deletion": BOOL,
            "required_linear_history": BOOL,
            "required_signatures": BOOL,
            "non_fast_forward": BOOL,
            "required_deployments": Attr(
                "list", {"required_deployment_environments": Attr("list", "string")}, max_one=True
            ),
            "pull_request": Attr(
                "list",
                {
                    "allowed_merge_methods": Attr("list", "string"),
                    "dismiss_stale_reviews_on_push": FALSE,
                    "require_code_owner_review": FALSE,
                    "require_last_push_approval": FALSE,
                    "required_approving_review_count": Attr("int", default=0),
                    "required_review_thread_resolution": FALSE,
                },
                max_one=True,
            ),
            "required_status_checks": Attr(
                "list",
                {
                    "required_check": Attr(
                        "set",
                        {"context": STRING, "integration_id": Attr("int", default=0)},
                        pulumi="requiredChecks",
                    ),
                    "strict_required_status_checks_policy": BOOL,
                    "do_not_enforce_on_create": FALSE,
                },
                max_one=True,
            ),
        },
        max_one=True,
    ),
}
BRANCH_PROTECTION: Block = {  # resource_github_branch_protection.go (names: util_v4_consts.go)
    "repository_id": STRING,
    "pattern": STRING,
    "allows_deletions": FALSE,
    "allows_force_pushes": FALSE,
    "enforce_admins": FALSE,
    "require_signed_commits": FALSE,
    "required_linear_history": FALSE,
    "require_conversation_resolution": FALSE,
    "lock_branch": FALSE,
    "required_pull_request_reviews": Attr(
        "list",
        {
            "required_approving_review_count": Attr("int", default=1),
            "require_code_owner_reviews": BOOL,
            "dismiss_stale_reviews": BOOL,
            "restrict_dismissals": BOOL,
            "dismissal_restrictions": Attr("set", "string"),
            "pull_request_bypassers": Attr("set", "string"),
            "require_last_push_approval": FALSE,
        },
    ),
    "required_status_checks": Attr("list", {"strict": BOOL, "contexts": Attr("set", "string")}),
    "restrict_pushes": Attr(
        "list", {"blocks_creations": Attr("bool", default=True), "push_allowances": Attr("set", "string")}
    ),
    "force_push_bypassers": Attr("set", "string"),
}


class EmulatorError(Exception):
    """A declaration the emulator cannot apply, or a GitHub answer the provider would fail on."""


def _serialize(value: Any, attr: Attr) -> str:
    """terraform-plugin-sdk's ``SerializeValueForHash`` (helper/schema/serialize.go)."""
    if value is None:
        return ";"
    if attr.kind == "bool":
        text = "1" if value else "0"
    elif attr.kind in ("int", "string"):
        text = str(value)
    elif attr.kind in ("list", "set"):
        members = "".join(_serialize_member(item, attr.elem) for item in value)
        text = ("(" if attr.kind == "list" else "{") + members + (")" if attr.kind == "list" else "}")
    else:
        raise EmulatorError(f"cannot hash a {attr.kind}")
    return text + ";"


def _serialize_member(value: Any, elem: str | Block | None) -> str:
    if isinstance(elem, dict):  # SerializeResourceForHash: "k:value;" for each attribute, sorted
        return "<" + "".join(f"{key}:{_serialize(value[key], elem[key])}" for key in sorted(elem)) + ">;"
    return _serialize(value, Attr(str(elem)))


def set_order(items: Iterable[Any], elem: str | Block | None) -> list[Any]:
    """A TypeSet's elements as ``Set.List()`` returns them: one per hash code (the SDK's default
    ``HashSchema``/``HashResource``, crc32 of the serialization), sorted by the code's decimal text.
    """
    by_code: dict[str, Any] = {}
    for item in items:
        text = (
            "".join(f"{key}:{_serialize(item[key], elem[key])}" for key in sorted(elem))
            if isinstance(elem, dict)
            else _serialize(item, Attr(str(elem)))
        )
        by_code.setdefault(str(zlib.crc32(text.encode())), item)
    return [by_code[code] for code in sorted(by_code)]


def terraform_config(block: Block, inputs: dict[str, Any] | None, where: str) -> dict[str, Any]:
    """Pulumi inputs as the provider's ``d.Get`` sees them: Terraform names, every attribute present
    (its Default, else its zero value), blocks as lists, sets in hash order.
    """
    given = dict(inputs or {})
    names = {attr.pulumi_name(key): key for key, attr in block.items()}
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise EmulatorError(
            f"{where}: inputs {unknown} are not in the emulated schema: add them (from the provider's source)"
        )
    return {
        key: _convert(attr, given.get(attr.pulumi_name(key)), f"{where}.{key}") for key, attr in block.items()
    }


def _convert(attr: Attr, raw: Any, where: str) -> Any:
    zero = {"string": "", "int": 0, "bool": False}
    if attr.kind in zero:
        if raw is None:
            return attr.default if attr.default is not None else zero[attr.kind]
        return int(raw) if attr.kind == "int" else raw
    if isinstance(attr.elem, dict):
        items = ([] if raw is None else [raw]) if attr.max_one else list(raw or [])
        converted: list[Any] = [terraform_config(attr.elem, item, where) for item in items]
    else:
        converted = [int(item) if attr.elem == "int" else item for item in raw or []]
    return set_order(converted, attr.elem) if attr.kind == "set" else converted


# -- the HTTP side -----------------------------------------------------------------------------------


def path_escape(text: str) -> str:
    """Go's ``url.PathEscape`` (the provider escapes environment names with it)."""
    return quote(text, safe="$&+,:;=@")


@dataclass
class Sent:
    """One request the provider sent: method, path (with query) and JSON body (None: no body)."""

    method: str
    path: str
    body: Any


@dataclass
class Applied:
    """A resource the emulator created: its Terraform id and configuration."""

    type: str
    name: str
    id: str
    config: dict[str, Any]


class Declared(Protocol):
    """What the emulator needs of a declaration (``Declaration`` from repoconf.render.mocks fits)."""

    @property
    def type(self) -> str:
        """The Pulumi type token."""

    @property
    def name(self) -> str:
        """The logical name."""

    @property
    def parent(self) -> str | None:
        """The parent's logical name."""

    @property
    def inputs(self) -> dict[str, Any]:
        """The inputs as the program passed them."""

    @property
    def depends_on(self) -> list[str]:
        """Logical names it depends on."""


@dataclass
class Resource:
    """A declaration in the shape of ``repoconf render --format json``."""

    type: str
    name: str
    parent: str | None
    inputs: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, declared: Declared | dict[str, Any]) -> Resource:
        """From a render JSON item or a ``Declaration``."""
        if isinstance(declared, dict):
            options = declared.get("options") or {}
            return cls(
                declared["type"],
                declared["name"],
                declared.get("parent"),
                declared.get("inputs") or {},
                list(options.get("depends_on") or []),
            )
        return cls(declared.type, declared.name, declared.parent, declared.inputs, list(declared.depends_on))


class GitHubError(EmulatorError):
    """GitHub answered an error; the provider fails the resource with it."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"{method} {path}: {status} {message}")


class Provider:
    """terraform-provider-github's writes against ``base_url`` (a GitHub REST API root) as ``owner``."""

    def __init__(self, base_url: str, token: str, owner: str) -> None:
        self.owner = owner
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github.v3+json",  # go-github's default media type
                "X-GitHub-Api-Version": "2022-11-28",
            },
            timeout=10.0,
        )
        self.sent: list[Sent] = []
        self.applied: dict[str, Applied] = {}

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()

    # -- requests ----------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, missing_ok: bool = False) -> Any:
        """Send one request as go-github does (JSON body); the decoded answer, None for 204 or a
        tolerated 404. An error status raises :class:`GitHubError`.
        """
        self.sent.append(Sent(method, path, body))
        response = self.http.request(
            method,
            path,
            content=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"} if body is not None else None,
        )
        answer = response.json() if response.content else None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise GitHubError(method, path, response.status_code, answer)
        return answer

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One githubv4 request (``POST /graphql``); GraphQL errors raise as the client does."""
        answer = self.request("POST", "/graphql", {"query": query, "variables": variables})
        if answer.get("errors"):
            raise EmulatorError(f"POST /graphql: {answer['errors'][0].get('message')}")
        return dict(answer["data"])

    def _repo(self, name: str) -> str:
        return f"/repos/{self.owner}/{name}"

    def _repository(self, name: str) -> dict[str, Any]:
        """``client.Repositories.Get``: most Creates read the repository (its id) after writing."""
        return dict(self.request("GET", self._repo(name)))

    # -- applying ------------------------------------------------------------------------------------

    def apply(self, declared: Sequence[Declared | dict[str, Any]]) -> None:
        """Create every resource, dependencies first (a resource's parent and ``depends_on``), as
        `pulumi up` on an empty stack does.
        """
        for resource in order(declared):
            self.applied[resource.name] = self.create(resource)

    def reapply(self, declared: Sequence[Declared | dict[str, Any]]) -> None:
        """`pulumi up --refresh` after the state was changed outside: each resource the provider's Read
        still finds is updated with its declared inputs, each it does not is created again.
        """
        for resource in order(declared):
            known = self.applied.get(resource.name)
            if known is not None and self.exists(known):
                self.applied[resource.name] = self.update(resource, known)
            else:
                self.applied[resource.name] = self.create(resource)

    def create(self, resource: Resource) -> Applied:
        """The provider's Create for this resource."""
        kind = KINDS.get(resource.type)
        if kind is None:
            raise EmulatorError(
                f"{resource.name}: no emulation of {resource.type}: add it from the provider's source"
            )
        config = terraform_config(kind.schema, resource.inputs, resource.name)
        return Applied(resource.type, resource.name, kind.create(self, config), config)

    def update(self, resource: Resource, known: Applied) -> Applied:
        """The provider's Update for this resource (sent whether or not anything changed)."""
        kind = KINDS[resource.type]
        config = terraform_config(kind.schema, resource.inputs, resource.name)
        return Applied(resource.type, resource.name, kind.update(self, config, known.id), config)

    def exists(self, known: Applied) -> bool:
        """Whether the provider's Read still finds the resource (it drops it from state on a 404)."""
        return KINDS[known.type].exists(self, known.config, known.id)

    def import_resource(self, type_: str, name: str, import_id: str) -> Applied:
        """`pulumi import` of one resource: the provider's Importer for its type (what it parses from the
        import id and reads), then its Read; a resource the Read does not find fails the import. The
        state holds what the Importer set; the next `pulumi up` (:meth:`reapply`) updates it with the
        program's inputs instead of creating it.
        """
        kind = KINDS.get(type_)
        if kind is None or kind.importer is None:
            raise EmulatorError(
                f"{name}: no emulation of importing {type_}: add it from the provider's source"
            )
        resource_id, config = kind.importer(self, import_id)
        if not kind.exists(self, config, resource_id):
            raise EmulatorError(f"{name}: {type_} {import_id!r} does not exist: nothing to import")
        self.applied[name] = Applied(type_, name, resource_id, config)
        return self.applied[name]

    def import_document(self, document: dict[str, Any]) -> list[str]:
        """`pulumi import --file`: every entry with an id, under its logical name (a ``component`` entry
        is created empty and sends nothing); the names imported.
        """
        imported = []
        for entry in document["resources"]:
            if "id" in entry:
                self.import_resource(entry["type"], entry["name"], entry["id"])
                imported.append(entry["name"])
        return imported

    # -- github_repository_environment ---------------------------------------------------------------

    @staticmethod
    def environment_body(d: dict[str, Any]) -> dict[str, Any]:
        """``createUpdateEnvironmentData`` (resource_github_repository_environment.go) marshalled by
        go-github's ``CreateUpdateEnvironment.MarshalJSON``: a nil wait_timer is sent as 0, reviewers
        and deployment_branch_policy as null when not set (no omitempty: null clears them), teams
        before users, each in set order.
        """
        reviewers = None
        if d["reviewers"]:  # d.GetOk("reviewers")
            block = d["reviewers"][0]
            reviewers = [{"type": "Team", "id": team} for team in block["teams"]]
            reviewers += [{"type": "User", "id": user} for user in block["users"]]
        policy = None
        if d["deployment_branch_policy"]:
            chosen = d["deployment_branch_policy"][0]
            policy = {
                "protected_branches": chosen["protected_branches"],
                "custom_branch_policies": chosen["custom_branch_policies"],
            }
        return {
            "wait_timer": d["wait_timer"],
            "reviewers": reviewers,
            "can_admins_bypass": d["can_admins_bypass"],
            "deployment_branch_policy": policy,
            "prevent_self_review": d["prevent_self_review"],
        }

    def _environment_path(self, d: dict[str, Any]) -> str:
        return f"{self._repo(d['repository'])}/environments/{path_escape(d['environment'])}"

    def create_environment(self, d: dict[str, Any]) -> str:
        """``resourceGithubRepositoryEnvironmentCreate``: PUT the environment, then read the repository."""
        self.request("PUT", self._environment_path(d), self.environment_body(d))
        self._repository(d["repository"])
        return f"{d['repository']}:{d['environment']}"

    def update_environment(self, d: dict[str, Any], resource_id: str) -> str:
        """``resourceGithubRepositoryEnvironmentUpdate``: the same PUT."""
        self.request("PUT", self._environment_path(d), self.environment_body(d))
        return resource_id

    def environment_exists(self, d: dict[str, Any], resource_id: str) -> bool:
        """``resourceGithubRepositoryEnvironmentRead``: GET the environment."""
        return self.request("GET", self._environment_path(d), missing_ok=True) is not None

    # -- github_repository_environment_deployment_policy ---------------------------------------------

    def create_deployment_policy(self, d: dict[str, Any]) -> str:
        """``resourceGithubRepositoryEnvironmentDeploymentPolicyCreate``: POST ``{name, type}``
        (``DeploymentBranchPolicyRequest``), type ``tag`` when there is no branch pattern.
        """
        kind, pattern = ("branch", d["branch_pattern"]) if d["branch_pattern"] else ("tag", d["tag_pattern"])
        policy = self.request(
            "POST", f"{self._environment_path(d)}/deployment-branch-policies", {"name": pattern, "type": kind}
        )
        self._repository(d["repository"])
        return str(policy["id"])

    def update_deployment_policy(self, d: dict[str, Any], policy_id: str) -> str:
        """``resourceGithubRepositoryEnvironmentDeploymentPolicyUpdate``: PUT ``{name}`` only."""
        pattern = d["branch_pattern"] or d["tag_pattern"]
        path = f"{self._environment_path(d)}/deployment-branch-policies/{policy_id}"
        self.request("PUT", path, {"name": pattern})
        return policy_id

    def deployment_policy_exists(self, d: dict[str, Any], policy_id: str) -> bool:
        """``resourceGithubRepositoryEnvironmentDeploymentPolicyRead``: GET the policy by id."""
        path = f"{self._environment_path(d)}/deployment-branch-policies/{policy_id}"
        return self.request("GET", path, missing_ok=True) is not None

    # -- github_actions_secret and github_actions_environment_secret ---------------------------------

    @staticmethod
    def sealed(plaintext: str) -> str:
        """Stands in for ``encryptPlaintext`` (``box.SealAnonymous``): base64 of as many random bytes
        as the sealed box would have.
        """
        return base64.b64encode(os.urandom(48 + len(plaintext.encode()))).decode()

    def _secret_body(self, d: dict[str, Any], key_path: str) -> dict[str, Any]:
        """The key and value steps shared by every secret Create and Update: a given encrypted value is
        sent as is; otherwise the public key is read and the plaintext sealed with it.
        """
        key_id = d["key_id"]
        encrypted = d["value_encrypted"] or d["encrypted_value"]
        if not key_id or not encrypted:
            key_id = self.request("GET", key_path)["key_id"]
        if not encrypted:
            encrypted = self.sealed(d["value"] or d["plaintext_value"])
        return {"key_id": key_id, "encrypted_value": encrypted}  # go-github's EncryptedSecret

    def create_secret(self, d: dict[str, Any]) -> str:
        """``resourceGithubActionsSecretCreate``: read the repository, the public key, PUT the sealed
        value, then GET the secret for its timestamps.
        """
        repo = self._repo(d["repository"])
        self._repository(d["repository"])
        body = self._secret_body(d, f"{repo}/actions/secrets/public-key")
        self.request("PUT", f"{repo}/actions/secrets/{d['secret_name']}", body)
        self.request("GET", f"{repo}/actions/secrets/{d['secret_name']}", missing_ok=True)
        return f"{d['repository']}:{d['secret_name']}"

    def update_secret(self, d: dict[str, Any], resource_id: str) -> str:
        """``resourceGithubActionsSecretUpdate``: the public key, PUT, GET."""
        repo = self._repo(d["repository"])
        body = self._secret_body(d, f"{repo}/actions/secrets/public-key")
        self.request("PUT", f"{repo}/actions/secrets/{d['secret_name']}", body)
        self.request("GET", f"{repo}/actions/secrets/{d['secret_name']}", missing_ok=True)
        return resource_id

    def secret_exists(self, d: dict[str, Any], resource_id: str) -> bool:
        """``resourceGithubActionsSecretRead``: GET the secret."""
        path = f"{self._repo(d['repository'])}/actions/secrets/{d['secret_name']}"
        return self.request("GET", path, missing_ok=True) is not None

    def _environment_secrets(self, d: dict[str, Any]) -> str:
        """go-github's environment secret calls address the repository by id:
        ``repositories/{id}/environments/{env}/secrets``.
        """
        repository_id = self._repository(d["repository"])["id"]
        return f"/repositories/{repository_id}/environments/{path_escape(d['environment'])}/secrets"

    def create_environment_secret(self, d: dict[str, Any]) -> str:
        """``resourceGithubActionsEnvironmentSecretCreate``
        (resource_github_actions_environment_secret.go): as the repository's, by repository id.
        """
        base = self._environment_secrets(d)
        body = self._secret_body(d, f"{base}/public-key")
        self.request("PUT", f"{base}/{d['secret_name']}", body)
        self.request("GET", f"{base}/{d['secret_name']}", missing_ok=True)
        return f"{d['repository']}:{d['environment']}:{d['secret_name']}"

    def update_environment_secret(self, d: dict[str, Any], resource_id: str) -> str:
        """``resourceGithubActionsEnvironmentSecretUpdate``: as Create."""
        self.create_environment_secret(d)
        return resource_id

    def environment_secret_exists(self, d: dict[str, Any], resource_id: str) -> bool:
        """``resourceGithubActionsEnvironmentSecretRead``: GET the secret by repository id."""
        return (
            self.request("GET", f"{self._environment_secrets(d)}/{d['secret_name']}", missing_ok=True)
            is not None
        )

    # -- github_actions_variable and github_actions_environment_variable -----------------------------

    def _variables(self, d: dict[str, Any]) -> str:
        if "environment" in d:
            return f"{self._environment_path(d)}/variables"
        return f"{self._repo(d['repository'])}/actions/variables"

    def create_variable(self, d: dict[str, Any]) -> str:
        """``resourceGithubActionsVariableCreate`` / ``resourceGithubActionsEnvironmentVariableCreate``:
        POST ``{name, value}`` (go-github's ``ActionsVariable``), read the repository, GET the variable.
        """
        self.request("POST", self._variables(d), {"name": d["variable_name"], "value": d["value"]})
        self._repository(d["repository"])
        self.request("GET", f"{self._variables(d)}/{d['variable_name']}", missing_ok=True)
        scope = f":{d['environment']}" if "environment" in d else ""
        return f"{d['repository']}{scope}:{d['variable_name']}"

    def update_variable(self, d: dict[str, Any], resource_id: str) -> str:
        """``resourceGithubActionsVariableUpdate`` / ``...EnvironmentVariableUpdate``: PATCH, GET."""
        path = f"{self._variables(d)}/{d['variable_name']}"
        self.request("PATCH", path, {"name": d["variable_name"], "value": d["value"]})
        self.request("GET", path, missing_ok=True)
        return resource_id

    def variable_exists(self, d: dict[str, Any], resource_id: str) -> bool:
        """The variable Reads: GET the variable."""
        return self.request("GET", f"{self._variables(d)}/{d['variable_name']}", missing_ok=True) is not None

    # -- github_repository_ruleset --------------------------------------------------------------------

    @staticmethod
    def ruleset_body(d: dict[str, Any]) -> dict[str, Any]:
        """``resourceGithubRulesetObject`` (util_rules.go) as go-github's ``RepositoryRuleset`` marshals
        it: ``source`` is the bare repository name; ``bypass_actors`` always an array
        (``expandBypassActors``); ``conditions`` left out when none (``omitempty`` pointer).
        """
        body: dict[str, Any] = {
            "name": d["name"],
            "target": d["target"],
            "source_type": "Repository",
            "source": d["repository"],
            "enforcement": d["enforcement"],
            "bypass_actors": [_bypass_actor(actor) for actor in d["bypass_actors"]],
        }
        conditions = _conditions(d["conditions"])
        if conditions is not None:
            body["conditions"] = conditions
        body["rules"] = _rules(d["rules"])
        return body

    def create_ruleset(self, d: dict[str, Any]) -> str:
        """``resourceGithubRepositoryRulesetCreate``: read the repository (refuse an archived one),
        POST the ruleset.
        """
        if self._repository(d["repository"]).get("archived"):
            raise EmulatorError(
                f"cannot create ruleset on archived repository {self.owner}/{d['repository']}"
            )
        created = self.request("POST", f"{self._repo(d['repository'])}/rulesets", self.ruleset_body(d))
        return str(created["id"])

    def update_ruleset(self, d: dict[str, Any], ruleset_id: str) -> str:
        """``resourceGithubRepositoryRulesetUpdate``: read the repository, PUT the ruleset."""
        if self._repository(d["repository"]).get("archived"):
            return ruleset_id  # "Repository is archived, skipping ruleset update"
        updated = self.request(
            "PUT", f"{self._repo(d['repository'])}/rulesets/{ruleset_id}", self.ruleset_body(d)
        )
        return str(updated["id"])

    def ruleset_exists(self, d: dict[str, Any], ruleset_id: str) -> bool:
        """``resourceGithubRepositoryRulesetRead``: ``GetRuleset(..., includesParents=false)``."""
        path = f"{self._repo(d['repository'])}/rulesets/{ruleset_id}?includes_parents=false"
        return self.request("GET", path, missing_ok=True) is not None

    # -- github_branch_protection (GraphQL) ----------------------------------------------------------

    def _repository_node_id(self, given: str) -> str:
        """``getRepositoryID`` (util_v4_repository.go): the input as a node id if ``node(id:)`` finds it,
        else as a repository name.
        """
        found = self.request("POST", "/graphql", {"query": NODE_ID_QUERY, "variables": {"id": given}})
        node = (found.get("data") or {}).get("node")
        if node is not None and node.get("id") == given:
            return given
        data = self.graphql(REPOSITORY_ID_QUERY, {"name": given, "owner": self.owner})
        return str(data["repository"]["id"])

    def _protection_input(self, d: dict[str, Any]) -> dict[str, Any]:
        """``branchProtectionResourceData`` (util_v4_branch_protection.go) as the mutation input.
        Actor lists the provider resolves (``getActorIds``) are not declared by the program; an input
        naming one is refused rather than sent unresolved.
        """
        reviews = d["required_pull_request_reviews"][0] if d["required_pull_request_reviews"] else None
        checks = d["required_status_checks"][0] if d["required_status_checks"] else None
        pushes = d["restrict_pushes"][0] if d["restrict_pushes"] else None
        actors = (reviews or {}).get("dismissal_restrictions") or (reviews or {}).get(
            "pull_request_bypassers"
        )
        if actors or (pushes or {}).get("push_allowances") or d["force_push_bypassers"]:
            raise EmulatorError("branch protection actor lists are not emulated (getActorIds)")
        return {
            "allowsDeletions": d["allows_deletions"],
            "allowsForcePushes": d["allows_force_pushes"],
            "blocksCreations": bool(pushes and pushes["blocks_creations"]),
            "bypassForcePushActorIds": [],  # githubv4IDSliceEmpty: []
            "bypassPullRequestActorIds": [],
            "dismissesStaleReviews": bool(reviews and reviews["dismiss_stale_reviews"]),
            "isAdminEnforced": d["enforce_admins"],
            "pattern": d["pattern"],
            "pushActorIds": None,  # githubv4IDSlice of nothing: a nil slice, sent as null
            "requiredApprovingReviewCount": reviews["required_approving_review_count"] if reviews else 0,
            "requiredStatusCheckContexts": list(checks["contexts"]) if checks else [],
            "requiresApprovingReviews": reviews is not None,
            "requiresCodeOwnerReviews": bool(reviews and reviews["require_code_owner_reviews"]),
            "requiresCommitSignatures": d["require_signed_commits"],
            "requiresConversationResolution": d["require_conversation_resolution"],
            "requiresLinearHistory": d["required_linear_history"],
            "requiresStatusChecks": checks is not None,
            "requiresStrictStatusChecks": bool(checks and checks["strict"]),
            "restrictsPushes": pushes is not None,
            "restrictsReviewDismissals": bool(reviews and reviews["restrict_dismissals"]),
            "reviewDismissalActorIds": None,
            "lockBranch": d["lock_branch"],
            "requireLastPushApproval": bool(reviews and reviews["require_last_push_approval"]),
        }

    def create_branch_protection(self, d: dict[str, Any]) -> str:
        """``resourceGithubBranchProtectionCreate``: resolve the repository id, run
        ``createBranchProtectionRule``, then the Read (``node(id:)`` on the rule).
        """
        given = {"repositoryId": self._repository_node_id(d["repository_id"]), **self._protection_input(d)}
        data = self.graphql(CREATE_PROTECTION_MUTATION, {"input": given})
        rule_id = str(data["createBranchProtectionRule"]["branchProtectionRule"]["id"])
        self.graphql(READ_PROTECTION_QUERY, {"id": rule_id})
        return rule_id

    def update_branch_protection(self, d: dict[str, Any], rule_id: str) -> str:
        """``resourceGithubBranchProtectionUpdate``: ``updateBranchProtectionRule``, then the Read."""
        self._repository_node_id(d["repository_id"])
        given = {"branchProtectionRuleId": rule_id, **self._protection_input(d)}
        data = self.graphql(UPDATE_PROTECTION_MUTATION, {"input": given})
        rule_id = str(data["updateBranchProtectionRule"]["branchProtectionRule"]["id"])
        self.graphql(READ_PROTECTION_QUERY, {"id": rule_id})
        return rule_id

    def branch_protection_exists(self, d: dict[str, Any], rule_id: str) -> bool:
        """``resourceGithubBranchProtectionRead``: gone when GitHub cannot resolve the node."""
        answer = self.request(
            "POST", "/graphql", {"query": READ_PROTECTION_QUERY, "variables": {"id": rule_id}}
        )
        return bool((answer.get("data") or {}).get("node"))


def _bypass_actor(actor: dict[str, Any]) -> dict[str, Any]:
    """``expandBypassActors``: an actor id of 0 is nil, left out (``omitempty``)."""
    found: dict[str, Any] = {}
    if actor["actor_id"]:
        found["actor_id"] = actor["actor_id"]
    found["actor_type"] = actor["actor_type"]
    found["bypass_mode"] = actor["bypass_mode"]
    return found


def _conditions(given: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``expandConditions`` (repository rulesets: ref_name only)."""
    if not given:
        return None
    conditions: dict[str, Any] = {}
    if given[0]["ref_name"]:
        ref_name = given[0]["ref_name"][0]
        conditions["ref_name"] = {"include": list(ref_name["include"]), "exclude": list(ref_name["exclude"])}
    return conditions


def _rules(given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``expandRules`` marshalled by go-github's ``RepositoryRulesetRules.MarshalJSON``: one rule per
    set field, in the struct's order; parameterless rules without ``parameters``; ``update`` with
    parameters only when ``update_allows_fetch_and_merge`` is true.
    """
    if not given:
        return []
    rules = given[0]
    found: list[dict[str, Any]] = []
    if rules["creation"]:
        found.append({"type": "creation"})
    if rules["update"]:
        fetch_and_merge = rules["update_allows_fetch_and_merge"]
        found.append(
            {"type": "update", "parameters": {"update_allows_fetch_and_merge": True}}
            if fetch_and_merge
            else {"type": "update"}
        )
    if rules["deletion"]:
        found.append({"type": "deletion"})
    if rules["required_linear_history"]:
        found.append({"type": "required_linear_history"})
    if rules["required_deployments"]:
        environments = rules["required_deployments"][0]["required_deployment_environments"]
        found.append(
            {
                "type": "required_deployments",
                "parameters": {"required_deployment_environments": list(environments)},
            }
        )
    if rules["required_signatures"]:
        found.append({"type": "required_signatures"})
    if rules["pull_request"]:
        pull = rules["pull_request"][0]
        parameters: dict[str, Any] = {}
        if pull["allowed_merge_methods"]:  # omitempty
            parameters["allowed_merge_methods"] = list(pull["allowed_merge_methods"])
        parameters.update(
            dismiss_stale_reviews_on_push=pull["dismiss_stale_reviews_on_push"],
            require_code_owner_review=pull["require_code_owner_review"],
            require_last_push_approval=pull["require_last_push_approval"],
            required_approving_review_count=pull["required_approving_review_count"],
            required_review_thread_resolution=pull["required_review_thread_resolution"],
        )
        found.append({"type": "pull_request", "parameters": parameters})
    if rules["required_status_checks"]:
        status = rules["required_status_checks"][0]
        checks = []
        for check in status["required_check"]:
            item: dict[str, Any] = {"context": check["context"]}
            if check["integration_id"]:
                item["integration_id"] = check["integration_id"]
            checks.append(item)
        found.append(
            {
                "type": "required_status_checks",
                "parameters": {
                    "do_not_enforce_on_create": status["do_not_enforce_on_create"],
                    "required_status_checks": checks,
                    "strict_required_status_checks_policy": status["strict_required_status_checks_policy"],
                },
            }
        )
    if rules["non_fast_forward"]:
        found.append({"type": "non_fast_forward"})
    return found


# Query texts as shurcooL/graphql's constructQuery/constructMutation writes them from the provider's
# structs (field names lowerCamelCased, arguments from the `graphql` tags, variables sorted).
NODE_ID_QUERY = "query($id:ID!){node(id:$id){id}}"
"""``repositoryNodeIDExists`` (util_v4_repository.go)."""
REPOSITORY_ID_QUERY = "query($name:String!$owner:String!){repository(owner:$owner, name:$name){id}}"
"""``getRepositoryID`` by name (util_v4_repository.go)."""
CREATE_PROTECTION_MUTATION = (
    "mutation($input:CreateBranchProtectionRuleInput!)"
    "{createBranchProtectionRule(input: $input){branchProtectionRule{id}}}"
)
UPDATE_PROTECTION_MUTATION = (
    "mutation($input:UpdateBranchProtectionRuleInput!)"
    "{updateBranchProtectionRule(input: $input){branchProtectionRule{id}}}"
)
_ACTOR = "{nodes{actor{... on App{id,name,slug},... on Team{id,name,slug},... on User{id,name,login}}}}"
READ_PROTECTION_QUERY = (
    "query($id:ID!){node(id: $id){... on BranchProtectionRule{repository{id,name},"
    f"pushAllowances(first: 100){_ACTOR},reviewDismissalAllowances(first: 100){_ACTOR},"
    f"bypassForcePushAllowances(first: 100){_ACTOR},bypassPullRequestAllowances(first: 100){_ACTOR},"
    "allowsDeletions,allowsForcePushes,blocksCreations,dismissesStaleReviews,id,isAdminEnforced,pattern,"
    "requiredApprovingReviewCount,requiredStatusCheckContexts,requiresApprovingReviews,"
    "requiresCodeOwnerReviews,requiresCommitSignatures,requiresLinearHistory,requiresConversationResolution,"
    "requiresStatusChecks,requiresStrictStatusChecks,restrictsPushes,restrictsReviewDismissals,"
    "requireLastPushApproval,lockBranch}}}"
)
"""The ``BranchProtectionRule`` struct of util_v4_branch_protection.go, read by
``resourceGithubBranchProtectionRead``."""


@dataclass(frozen=True)
class Kind:
    """One resource type: its Terraform schema and the provider's Create, Update, Read and Importer (the
    resource id and configuration it leaves in the state; None: not emulated).
    """

    schema: Block
    create: Callable[[Provider, dict[str, Any]], str]
    update: Callable[[Provider, dict[str, Any], str], str]
    exists: Callable[[Provider, dict[str, Any], str], bool]
    importer: Callable[[Provider, str], tuple[str, dict[str, Any]]] | None = None


TEAM_REPOSITORY: Block = {  # resource_github_team_repository.go, resourceGithubTeamRepository
    "team_id": STRING,
    "repository": STRING,
    "permission": Attr("string", default="pull"),
}


def _team_repository_path(provider: Provider, d: dict[str, Any]) -> str:
    """go-github v88 ``Teams.AddTeamRepoByID`` / ``IsTeamRepoByID``:
    ``organizations/{org_id}/team/{team_id}/repos/{owner}/{repo}``; the org id is what config.go's
    ``Organizations.Get`` read when the provider started.
    """
    organization = provider.request("GET", f"/orgs/{quote(provider.owner, safe='')}")
    team_id = int(d["team_id"])  # getTeamID: an integer is the team's id (util_team.go)
    return f"/organizations/{organization['id']}/team/{team_id}/repos/{provider.owner}/{d['repository']}"


def _create_team_repository(provider: Provider, d: dict[str, Any]) -> str:
    """``resourceGithubTeamRepositoryCreate``: PUT ``{"permission": ...}``, then its Read (GET)."""
    path = _team_repository_path(provider, d)
    provider.request("PUT", path, {"permission": d["permission"]})
    provider.request("GET", path, missing_ok=True)
    return f"{int(d['team_id'])}:{d['repository']}"


def _update_team_repository(provider: Provider, d: dict[str, Any], resource_id: str) -> str:
    """``resourceGithubTeamRepositoryUpdate``: the same PUT with the new permission, then GET."""
    _create_team_repository(provider, d)
    return resource_id


def _team_repository_exists(provider: Provider, d: dict[str, Any], resource_id: str) -> bool:
    """``resourceGithubTeamRepositoryRead``: 404 removes it from state."""
    return provider.request("GET", _team_repository_path(provider, d), missing_ok=True) is not None


# -- the Importers (`pulumi import`): each parses the import id as the provider's does and reads what it
# reads; the id and configuration are what the Read and Update above then use.


def _parse_id(import_id: str, count: int, expected: str) -> list[str]:
    """``parseID`` (util.go): split on ``:`` into exactly ``count`` parts (the last keeps the rest)."""
    parts = import_id.split(":", count - 1)
    if not import_id or len(parts) != count:
        raise EmulatorError(f"invalid id ({import_id}), expected format {expected}")
    return parts


def _unescape(part: str) -> str:
    """``unescapeIDPart`` (util.go): ``??`` back to ``:``."""
    return part.replace("??", ":")


def _import_environment(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """``resourceGithubRepositoryEnvironmentImport``: ``<repository>:<environment>``, the repository read."""
    repository, environment = _parse_id(import_id, 2, "<repository>:<environment>")
    provider._repository(repository)
    return import_id, {"repository": repository, "environment": _unescape(environment)}


def _import_deployment_policy(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """``resourceGithubRepositoryEnvironmentDeploymentPolicyImport``: ``<repository>:<environment>:
    <policy_id>``; the emulator keys the resource by its ``policy_id``, as its Create does.
    """
    repository, environment, policy = _parse_id(import_id, 3, "<repository>:<environment>:<policy_id>")
    provider._repository(repository)
    if not policy.isdigit():
        raise EmulatorError(f"invalid policy ID: {policy}")
    return policy, {"repository": repository, "environment": _unescape(environment)}


def _import_secret(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """``resourceGithubActionsSecretImport``: ``<repository>:<name>``; the repository and secret read."""
    repository, name = _parse_id(import_id, 2, "<repository>:<secret_name>")
    provider._repository(repository)
    provider.request("GET", f"{provider._repo(repository)}/actions/secrets/{name}")
    return import_id, {"repository": repository, "secret_name": name}


def _import_environment_secret(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """``resourceGithubActionsEnvironmentSecretImport``: ``<repository>:<environment>:<name>``, read by
    repository id.
    """
    repository, environment, name = _parse_id(import_id, 3, "<repository>:<environment>:<secret_name>")
    config = {"repository": repository, "environment": _unescape(environment), "secret_name": name}
    provider.request("GET", f"{provider._environment_secrets(config)}/{name}")
    return import_id, config


def _import_variable(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """``resourceGithubActionsVariableImport``: ``<repository>:<name>``; the repository and variable read."""
    repository, name = _parse_id(import_id, 2, "<repository>:<variable_name>")
    config = {"repository": repository, "variable_name": name}
    provider._repository(repository)
    provider.request("GET", f"{provider._variables(config)}/{name}")
    return import_id, config


def _import_environment_variable(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """``resourceGithubActionsEnvironmentVariableImport``: ``<repository>:<environment>:<name>``."""
    repository, environment, name = _parse_id(import_id, 3, "<repository>:<environment>:<variable_name>")
    config = {"repository": repository, "environment": _unescape(environment), "variable_name": name}
    provider._repository(repository)
    provider.request("GET", f"{provider._variables(config)}/{name}")
    return import_id, config


def _import_ruleset(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """``resourceGithubRepositoryRulesetImport``: ``<repository>:<ruleset_id>``; the repository read (its
    name as GitHub spells it), then the ruleset; the resource id is the ruleset's.
    """
    repository, ruleset = _parse_id(import_id, 2, "<repository>:<ruleset_id>")
    if not ruleset.isdigit() or int(ruleset) == 0:
        raise EmulatorError(f"`ruleset_id` must be a number other than 0: {ruleset}")
    name = str(provider._repository(repository)["name"])
    found = provider.request("GET", f"{provider._repo(name)}/rulesets/{int(ruleset)}?includes_parents=false")
    return str(found["id"]), {"repository": name}


def _import_team_repository(provider: Provider, import_id: str) -> tuple[str, dict[str, Any]]:
    """The team repository Importer: ``<team id or slug>:<repository>``; ``getTeamID`` reads a slug's id
    (util_team.go, ``Teams.GetTeamBySlug``).
    """
    team, repository = _parse_id(import_id, 2, "<team_id>:<repository>")
    team_id = (
        int(team)
        if team.isdigit()
        else int(
            provider.request("GET", f"/orgs/{quote(provider.owner, safe='')}/teams/{quote(team, safe='')}")[
                "id"
            ]
        )
    )
    return f"{team_id}:{repository}", {"team_id": str(team_id), "repository": repository}


KINDS: dict[str, Kind] = {
    "github:index/teamRepository:TeamRepository": Kind(
        TEAM_REPOSITORY,
        _create_team_repository,
        _update_team_repository,
        _team_repository_exists,
        _import_team_repository,
    ),
    "github:index/repositoryEnvironment:RepositoryEnvironment": Kind(
        ENVIRONMENT,
        Provider.create_environment,
        Provider.update_environment,
        Provider.environment_exists,
        _import_environment,
    ),
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": Kind(
        DEPLOYMENT_POLICY,
        Provider.create_deployment_policy,
        Provider.update_deployment_policy,
        Provider.deployment_policy_exists,
        _import_deployment_policy,
    ),
    "github:index/actionsSecret:ActionsSecret": Kind(
        SECRET, Provider.create_secret, Provider.update_secret, Provider.secret_exists, _import_secret
    ),
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": Kind(
        ENVIRONMENT_SECRET,
        Provider.create_environment_secret,
        Provider.update_environment_secret,
        Provider.environment_secret_exists,
        _import_environment_secret,
    ),
    "github:index/actionsVariable:ActionsVariable": Kind(
        VARIABLE,
        Provider.create_variable,
        Provider.update_variable,
        Provider.variable_exists,
        _import_variable,
    ),
    "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": Kind(
        ENVIRONMENT_VARIABLE,
        Provider.create_variable,
        Provider.update_variable,
        Provider.variable_exists,
        _import_environment_variable,
    ),
    "github:index/repositoryRuleset:RepositoryRuleset": Kind(
        RULESET, Provider.create_ruleset, Provider.update_ruleset, Provider.ruleset_exists, _import_ruleset
    ),
    "github:index/branchProtection:BranchProtection": Kind(
        BRANCH_PROTECTION,
        Provider.create_branch_protection,
        Provider.update_branch_protection,
        Provider.branch_protection_exists,
    ),
}
"""The resource types the emulator applies, by Pulumi type token. Components and the provider
resource itself make no requests."""
NO_REQUESTS = ("pulumi:providers:", "repoconf:")


def order(declared: Sequence[Declared | dict[str, Any]]) -> list[Resource]:
    """The resources that make requests, each after the ones it depends on (its parent and
    ``depends_on``), otherwise in the given order.
    """
    resources = [Resource.of(item) for item in declared]
    by_name = {resource.name: resource for resource in resources}
    placed: list[Resource] = []
    seen: set[str] = set()

    def place(resource: Resource, path: tuple[str, ...]) -> None:
        if resource.name in seen:
            return
        if resource.name in path:
            raise EmulatorError(f"dependency cycle: {' -> '.join((*path, resource.name))}")
        for dependency in [resource.parent, *resource.depends_on]:
            if dependency in by_name:
                place(by_name[dependency], (*path, resource.name))
        seen.add(resource.name)
        if not resource.type.startswith(NO_REQUESTS):
            placed.append(resource)

    for resource in resources:
        place(resource, ())
    return placed
