"""`repoconf import`: a live repository described as a policy entry, from the concepts' tables.

Each concept's table says how a live view is written back (:func:`repoconf.concepts.table.restore_view`).
The entry is written over a *base* — what the repository inherits: nothing for a stand-alone import, the
target policy's ``defaults`` for ``import --into`` — so it holds only what differs (a field equal to the
base is left out, one the base has and GitHub does not is written ``null``), and auditing the result
against the same repository reports it compliant.

It never writes a weaker gate than it can see: what the token cannot see (a ruleset's bypass actors
without write access) is written as the strictest value with a note saying which permission shows it, and
a live value the policy cannot express is written as the strictest value it can, with a note. Secrets
become ``{external: true}``: their values already live on GitHub and repoconf must not hold or overwrite
them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from repoconf.concepts import access, branches, environments, release_tags, secrets_variables
from repoconf.concepts.branches import BranchDeclaration
from repoconf.concepts.content import missing_files
from repoconf.concepts.live import LiveModel, plain
from repoconf.concepts.ruleset_titles import RELEASE_TAG_CREATION_RULESET, RELEASE_TAG_RULESET
from repoconf.concepts.table import Compare, Row, declared_view, live_view, present, restore_view
from repoconf.describe.yaml_text import dump_yaml
from repoconf.errors import ExitCode, RepoconfError
from repoconf.github.client import GitHub
from repoconf.github.responses import parse_answer, parse_answers
from repoconf.live.blobs import BlobStore
from repoconf.live.compare import compare
from repoconf.live.read import LiveRepository, LiveRepositoryInfo, ReadPlan, read_repository
from repoconf.policy.diagnostics import PolicyError
from repoconf.policy.fnmatch import fnmatch_pathname, has_wildcard
from repoconf.policy.loader import LoadedPolicy, load_text
from repoconf.policy.model import (
    GUIDE_REQUIRED_FILES,
    BranchRule,
    Environment,
    ProtectionEngine,
    RepositorySettings,
)
from repoconf.text import printable

NOTHING = RepositorySettings()
"""The base of a stand-alone import: a repository that inherits nothing."""


@dataclass
class Described:
    """A repository's policy entry, and the notes for the person adopting it."""

    entry: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _policy_values(table: tuple[Row[Any, Any], ...], model: Any) -> dict[str, Any]:
    """A model's fields as import would write them (the base a live view is compared with)."""
    return {restored.field: restored.value for restored in restore_view(table, declared_view(table, model))}


def _overlay(
    table: tuple[Row[Any, Any], ...], live: Mapping[str, Any], base: Any, notes: list[str], where: str
) -> dict[str, Any]:
    """The fields of one concept instance that differ from ``base`` (a model, or None: nothing inherited)."""
    inherited = _policy_values(table, base) if base is not None else {}
    written: dict[str, Any] = {}
    fields = {row.field: row for row in table if row.field is not None}
    restored = {item.field: item for item in restore_view(table, live)}
    for name, row in fields.items():
        if row.within is not None and not present(live.get(row.within)):
            continue  # the part it lives in is gone (no pull-request rule): inherited, the audit says why
        item = restored.get(name)
        if item is not None and item.note:
            notes.append(f"{where}.{item.note}")
        value = item.value if item is not None else None
        before = inherited.get(name)
        if row.compare is not Compare.VALUE and isinstance(value, dict) and isinstance(before, dict):
            merged = _overlay_names(value, before, row.compare)
            if merged:
                written[name] = merged
        elif item is None:
            if before is not None:
                written[name] = None  # the base has it, GitHub does not: removed for this repository
        elif value != before:
            written[name] = value
    return written


def _overlay_names(live: dict[str, Any], base: dict[str, Any], compare: Compare) -> dict[str, Any]:
    """Secrets (presence) or variables (values) over the inherited ones, name by name."""
    folded = {name.casefold(): name for name in base}
    written: dict[str, Any] = {}
    for name, value in live.items():
        inherited = folded.pop(name.casefold(), None)
        if inherited is None:
            written[name] = value
        elif compare is Compare.NAMED_VALUES and base[inherited] != value:
            written[inherited] = value  # the policy's spelling: the loader merges by key
    for name in folded.values():
        written[name] = None
    return written


def _environments(live: LiveRepository, base: RepositorySettings, notes: list[str]) -> dict[str, Any]:
    written: dict[str, Any] = {}
    inherited = {name.casefold(): name for name in base.environments}
    for name, answer in live.environments.items():
        view = live_view(environments.TABLE, answer)
        known = inherited.pop(name.casefold(), None)
        parent = base.environments[known] if known is not None else Environment()
        spelled = known or name  # the policy's spelling where it has one: the loader merges by key
        entry = _overlay(environments.TABLE, view, parent, notes, f"environments.{spelled}")
        if known is None or entry:
            written[spelled] = entry
    for name in inherited.values():
        written[name] = None
    return written


def _branches(
    live: LiveRepository, base: RepositorySettings, notes: list[str]
) -> tuple[dict[str, Any], bool]:
    classic = {branch: raw for branch, raw in live.classic.items() if raw is not None}
    use_classic = bool(classic) and not live.branch_rulesets
    table = branches.CLASSIC_TABLE if use_classic else branches.RULESET_TABLE
    if use_classic:
        found: dict[str, Any] = _through_wildcards(classic, base, notes)
    else:
        found = _covered(table, live, base, notes)
        notes.extend(
            f"branches.{branch}: GitHub also has classic protection on {branch}, which a policy on the "
            "ruleset engine cannot say: not written (repoconf leaves it as it is; the audit does not read it)"
            for branch in sorted(classic)
        )
    written: dict[str, Any] = {}
    inherited = dict(base.branches)
    for pattern, raw in found.items():
        view = live_view(table, raw)
        parent = BranchDeclaration(pattern, inherited.pop(pattern, BranchRule()))
        entry = _overlay(table, view, parent, notes, f"branches.{pattern}")
        if pattern not in base.branches or entry:
            written[pattern] = entry
    # Classic protection on GitHub, or none at all under a classic base: a wildcard rule is not readable
    # (a wildcard protecting no branch yet shows nowhere), so the base's is kept, never written removed.
    unreadable = not live.branch_rulesets and (
        use_classic or base.protection_engine is ProtectionEngine.CLASSIC
    )
    for pattern in inherited:
        if unreadable and has_wildcard(pattern):
            notes.append(
                f"branches.{pattern}: a classic rule with a wildcard is visible through GraphQL only, which "
                "import does not read: kept as the policy declares it (the audit lists it unverified)"
            )
            continue
        written[pattern] = None
    return written, use_classic


def _through_wildcards(classic: dict[str, Any], base: RepositorySettings, notes: list[str]) -> dict[str, Any]:
    """Classic protection by rule: REST shows a wildcard rule as each branch it protects, so a protected
    branch the base's wildcard rule matches (and no rule names exactly) is that rule's effect, not a rule.
    GitHub matches classic rules with ``File.fnmatch`` and ``FNM_PATHNAME`` ("About protected branches").
    """
    wildcards = [pattern for pattern in base.branches if has_wildcard(pattern)]
    rules: dict[str, Any] = {}
    for branch, raw in classic.items():
        rule = (
            None
            if branch in base.branches
            else next((pattern for pattern in wildcards if fnmatch_pathname(pattern, branch)), None)
        )
        if rule is None:
            rules[branch] = raw
            continue
        notes.append(
            f"branches.{branch}: protected by a classic rule it matches as {rule!r} (REST shows a wildcard "
            "rule per branch): read as that rule, not written as one of its own"
        )
    return rules


def _covered(
    table: tuple[Row[Any, Any], ...], live: LiveRepository, base: RepositorySettings, notes: list[str]
) -> dict[str, Any]:
    """The branch rulesets by the rule each declares, and each further pattern a ruleset's include
    names (edited on GitHub) as a rule of its own with that ruleset's settings: the policy says one
    pattern per rule, and `pulumi up` narrowing the include must not leave those branches unprotected.
    """
    rules: dict[str, Any] = dict(live.branch_rulesets)
    for pattern, raw in live.branch_rulesets.items():
        for also in live_view(table, raw)["include"]:
            if also in rules or also.startswith("~"):
                continue  # declared already, or GitHub's ~DEFAULT_BRANCH / ~ALL, which no rule can name
            rules[also] = raw
            notes.append(
                f"branches.{also}: covered by the ruleset of {pattern} (its include lists it); written as a "
                f"rule of its own with {pattern}'s settings, which `pulumi up` creates as its own ruleset "
                "(the audit reports it missing until then)"
            )
    return rules


def _release_tags(live: LiveRepository, base: RepositorySettings, notes: list[str]) -> Any:
    if live.release_tags is not None:
        view = live_view(release_tags.PROTECTION_TABLE, live.release_tags)
    elif live.tag_creation is not None:
        # Only the creators' ruleset: the policy says created_by only within release_tags, whose other
        # ruleset forbids its operations to everyone; written with the policy's default operations
        # (stricter than none), on the creators' tags.
        view = live_view(release_tags.PROTECTION_TABLE, live.tag_creation)
        view["protect_from"] = list(release_tags.DEFAULT_OPERATIONS)
        notes.append(
            f"release_tags: GitHub has the {RELEASE_TAG_CREATION_RULESET!r} ruleset without "
            f"{RELEASE_TAG_RULESET!r}, which the policy cannot say (created_by lives in "
            "release_tags); written with the default protect_from, which `pulumi up` adds"
        )
    else:
        return None
    written = _overlay(release_tags.PROTECTION_TABLE, view, base.release_tags, notes, "release_tags")
    inherited_creators = base.release_tags.created_by if base.release_tags else None
    if live.tag_creation is not None:
        creators = live_view(release_tags.CREATION_TABLE, live.tag_creation)
        parent = base.release_tags if inherited_creators is not None else None
        written.update(_overlay(release_tags.CREATION_TABLE, creators, parent, notes, "release_tags"))
    elif inherited_creators is not None:
        written["created_by"] = None
    forbidden = written.get("protect_from", base.release_tags.protect_from if base.release_tags else ())
    creators_kept = written.get("created_by", inherited_creators) is not None
    if "creation" in forbidden and creators_kept:
        # Rulesets add up: creation forbidden to everyone by the first means the creators' bypass of the
        # second lets no one through. The policy keeps one of the two; the stricter is what GitHub does.
        if inherited_creators is not None:
            written["created_by"] = None
        else:
            written.pop("created_by", None)
        notes.append(
            "release_tags.created_by: the release-tags ruleset forbids creating tags to everyone, so the "
            "creators' ruleset lets no one create them; written without created_by (protect_from keeps "
            "creation), which `pulumi up` turns into one ruleset"
        )
    return written


def _access(live: LiveRepository, base: RepositorySettings) -> dict[str, Any] | None:
    """The teams' permissions as GitHub shows them, over the grants the repository inherits (None: the
    teams could not be listed).
    """
    if live.teams is None:
        return None
    restored = access.restore_access(live.teams).get("teams", {})
    inherited = {grant.slug: str(grant.permission) for grant in access.grants(base)}
    written = _overlay_names(restored, inherited, Compare.NAMED_VALUES)
    return {"teams": written} if written else None


def _required_files(live: LiveRepository, base: RepositorySettings) -> list[str] | None:
    """The release guide's entries the default branch satisfies (None: the content was not readable)."""
    if live.content is None or not live.content.complete:
        return None
    absent = set(missing_files(GUIDE_REQUIRED_FILES, live.content))
    return [path for path in GUIDE_REQUIRED_FILES if path not in absent]


def describe_repository(live: LiveRepository, base: RepositorySettings = NOTHING) -> Described:
    """The repository's policy entry over ``base`` (what it inherits), and notes for whoever adopts it."""
    notes: list[str] = []
    entry: dict[str, Any] = {}
    found = _environments(live, base, notes)
    if found:
        entry["environments"] = found
    entry.update(
        _overlay(
            secrets_variables.TABLE,
            live_view(secrets_variables.TABLE, live.actions),
            base,
            notes,
            "repository",
        )
    )
    rules, classic = _branches(live, base, notes)
    if classic and base.protection_engine is not ProtectionEngine.CLASSIC:
        entry["protection_engine"] = "classic"
    elif not classic and live.branch_rulesets and base.protection_engine is ProtectionEngine.CLASSIC:
        entry["protection_engine"] = "ruleset"
    if rules:
        entry["branches"] = rules
    tags = _release_tags(live, base, notes)
    if tags is None and base.release_tags is not None:
        entry["release_tags"] = None
    elif tags:
        entry["release_tags"] = tags
    grants = _access(live, base)
    if grants is not None:
        entry["access"] = grants
    elif live.teams is None and base.access is None:
        notes.append("access: the repository's teams could not be listed; no team grant written")
    files = _required_files(live, base)
    if files is not None and tuple(files) != (base.required_files or ()):
        entry["required_files"] = files
    if live.unmanaged_rulesets:
        notes.append(
            "Rulesets of this repository not created by repoconf (not described here; recreate them as "
            "`branches` or `release_tags`): " + ", ".join(sorted(live.unmanaged_rulesets))
        )
    if live.inherited_rulesets:
        notes.append(
            "Inherited from the organization or enterprise (they apply here but belong to it; left out): "
            + ", ".join(sorted(live.inherited_rulesets))
        )
    if live.content is not None and live.content.complete:
        lacking = missing_files(GUIDE_REQUIRED_FILES, live.content)
        if lacking:
            notes.append(
                "Of the release guide's required files, the default branch lacks (not required here; add "
                "them to required_files once they exist): " + ", ".join(lacking)
            )
    elif live.content is not None:
        notes.append("required_files: the default branch's tree was truncated or unreadable; none written")
    return Described(entry, notes)


def declared_settings(settings: RepositorySettings) -> dict[str, Any]:
    """What a repository's settings declare on GitHub, as the tables see them (secret sources aside):
    two policies that give the same value here configure a repository the same way (the round trip's
    measure of "the same policy").
    """
    engine = branches.table_for(settings.protection_engine)
    return {
        "environments": {
            name.casefold(): declared_view(environments.TABLE, env)
            for name, env in settings.environments.items()
        },
        "actions": declared_view(secrets_variables.TABLE, settings),
        "branches": {
            pattern: declared_view(engine, BranchDeclaration(pattern, rule))
            for pattern, rule in settings.branches.items()
        },
        "protection_engine": str(settings.protection_engine),
        "release_tags": None
        if settings.release_tags is None
        else declared_view(release_tags.PROTECTION_TABLE, settings.release_tags),
        "created_by": None
        if settings.release_tags is None or settings.release_tags.created_by is None
        else declared_view(release_tags.CREATION_TABLE, settings.release_tags),
        "required_files": sorted(settings.required_files or ()),
        "access": {grant.slug.casefold(): str(grant.permission) for grant in access.grants(settings)},
    }


SCHEMA_COMMENT = "# yaml-language-server: $schema=./policy.schema.json"


class LiveBranch(LiveModel):
    """An item of ``GET /repos/{owner}/{repo}/branches`` ("List branches")."""

    name: str
    protected: bool = False


def read_live(github: GitHub, owner: str, name: str) -> LiveRepository:
    """Everything import describes: the repository's settings, the classic protection of each protected
    branch (``GET .../branches?protected=true``: REST reads classic protection per branch, so a wildcard
    rule shows as the branches it protects), and its default branch's content; :class:`NotFound` when
    GitHub has no such repository.
    """
    asked = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    name = parse_answer(LiveRepositoryInfo, github.get(asked), f"GET {asked}").name  # as created
    path = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"
    listing = github.paginate(f"{path}/branches", params={"protected": "true"})
    protected = [branch.name for branch in parse_answers(LiveBranch, listing, f"GET {path}/branches")]
    plan = ReadPlan(tuple(protected), content=True, teams=True, reviewers_on_github=True)
    return read_repository(github, owner, name, plan, blobs=BlobStore(github.cache))


class UnloadableImport(RepoconfError):
    """What import wrote does not load as a policy: a bug (nothing is printed or written)."""

    exit_code = ExitCode.BUG


def reloaded(text: str, file: str, repository: str) -> LoadedPolicy:
    """The written policy loaded as the user will load it; one that does not load is a bug of import's,
    reported as one (never handed to the user to find).
    """
    try:
        return load_text(text, file)
    except PolicyError as error:
        first = error.diagnostics[0].format() if error.diagnostics else str(error)
        raise UnloadableImport(
            f"import described {repository} as a policy that does not load; this is a bug — nothing was "
            f"written ({first})"
        ) from None


def _note_path(note: str) -> str:
    return note.split(":", 1)[0].strip()


def unsaid(settings: RepositorySettings, live: LiveRepository, notes: list[str]) -> list[str]:
    """Import checks itself: the written settings compared with the repository it read, as the audit
    will compare them after adoption. Each difference no note explains yet becomes a note — what the
    policy cannot say (a fixed part GitHub has otherwise, a rule the policy has no word for), what
    `pulumi up` will change and what the audit will keep reporting until then.
    """
    said = [_note_path(note) for note in notes]
    found: list[str] = []
    for finding in compare(settings, live).findings:
        path = finding.path
        if any(path == seen or path.startswith(f"{seen}.") or seen.startswith(f"{path}.") for seen in said):
            continue
        found.append(
            f"{path}: GitHub has {_short(finding.actual)}, which the policy cannot say (it declares "
            f"{_short(finding.expected)}); the audit reports it ({finding.kind}) until `pulumi up` or a "
            "hand edit settles it"
        )
    return found


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(plain(value), sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _standalone(owner: str, name: str, described: Described) -> str:
    header = [
        SCHEMA_COMMENT,
        f"# Imported by `repoconf import {owner}/{name}`: the repository's settings as they are.",
        "# Secrets are {external: true}: their values live on GitHub already and repoconf never holds",
        "# them; change a source to {config: KEY} to have the stack set the value instead.",
    ]
    notes = [printable(f"# {note}") for note in described.notes]  # GitHub's names stay on one line
    document = {"version": 1, "owner": owner, "repositories": {name: described.entry}}
    return "\n".join(header + notes) + "\n" + dump_yaml(document)


def import_repository(github: GitHub, owner: str, name: str) -> str:
    """Read the repository and return a stand-alone policy's YAML text, notes as comments; the text is
    loaded and compared with what was read before it is returned (:func:`unsaid`).
    """
    live = read_live(github, owner, name)
    described = describe_repository(live)
    text = _standalone(owner, live.name, described)
    settings = reloaded(text, "imported policy", live.name).policy.repositories[live.name]
    residual = unsaid(settings, live, described.notes)
    if not residual:
        return text
    return _standalone(owner, live.name, Described(described.entry, described.notes + residual))
