"""Settings tables: each GitHub concept lists its settings once, as rows, and every side is derived.

A :class:`Row` says, for one setting of a concept (or one part of a resource that repoconf fixes, such as
a branch ruleset's ``deletion`` rule):

- ``declared``: the policy's value as a *view* (plain JSON, the form findings and diffs show);
- ``read``: the same view from GitHub's REST answer (or :data:`UNVERIFIED` when the token cannot see it);
- ``provider``: the pulumi-github input the program sets, and ``encode`` from the view to that input;
- ``judge``: how ``repoconf diff`` judges a change (the one-line reason it weakens a gate, or None);
- ``restore``: how ``repoconf import`` writes a live view back as a policy value, and ``strictest``, what
  it writes when the token cannot see the setting (never a weaker gate than it can see);
- ``compare``: whether the audit compares it as one value or as a set of names.

The program's resource inputs (:func:`provider_inputs`), the audit's expected and live views
(:func:`declared_view`, :func:`live_view`), the diff's judgements (:func:`judge_changes`) and import's
values (:func:`restore_view`) are all computed from the rows, so a setting is written once. Settings that
are child resources (deployment policies, secrets, variables) or need look-ups keep a little hand-written
code in the program; each such place says why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from repoconf.concepts.live import UNVERIFIED, Unverified

Model = TypeVar("Model")
Live = TypeVar("Live")


class Omit:
    """An encoded value the program leaves out of the resource's inputs (the provider's default)."""

    def __repr__(self) -> str:
        return "omit"


OMIT = Omit()


class Compare(StrEnum):
    """How the audit compares a row: one value, or a set of names reported one by one."""

    VALUE = "value"
    NAMES = "names"
    """Secret names: each missing or extra name is its own finding (values cannot be read)."""
    NAMED_VALUES = "named values"
    """Variables: each missing, extra or changed name is its own finding."""


Resolve = Callable[[str, str], int]
"""A look-up the program gives encoders: (``"users"`` | ``"teams"``, name) → GitHub's numeric id."""


def _same(left: Any, right: Any) -> bool:
    return bool(left == right)


def _no_lookup(kind: str, name: str) -> int:
    raise LookupError(f"{kind[:-1]} {name!r}: this row needs no look-up")


@dataclass(frozen=True)
class Row(Generic[Model, Live]):
    """One setting of a concept: its policy view, live view, provider input, diff and import rules."""

    key: str
    """The path segment of findings and diffs: the policy field's name, or the fixed part's name."""
    declared: Callable[[Model], Any]
    read: Callable[[Live], Any]
    provider: str | None = None
    """The provider input the program sets (dotted, pulumi-github's Python names; a number indexes a
    list), or None when the row is no input of the concept's own resource."""
    encode: Callable[[Any, Resolve], Any] | None = None
    """View → provider input value (None: the view itself; :data:`OMIT` leaves the input out)."""
    field: str | None = None
    """The policy field this row is; None for what repoconf declares the same for every policy."""
    judge: Callable[[Any, Any], str | None] | None = None
    """``repoconf diff``: (before, after) views → why the change weakens a gate, or None."""
    restore: Callable[[Any], Any] | None = None
    """``repoconf import``: live view → policy value (None: the view as it is)."""
    strictest: Any = None
    """What import writes when the token cannot see the setting (None: nothing, the field's default)."""
    hidden_by: str | None = None
    """When GitHub hides the setting from some tokens: the permission that shows it."""
    compare: Compare = Compare.VALUE
    same: Callable[[Any, Any], bool | Unverified] = _same
    """Equality the audit uses (names GitHub compares case-insensitively use :func:`same_folded`);
    :data:`UNVERIFIED` when the live view is too partly known to say (a bypass team without a name)."""
    within: str | None = None
    """The key of the row this one lives inside (a rule and its parameters): the program sets this input
    only while that row's input is set, and the audit compares it only while GitHub has that row's part
    (a missing rule is one finding, not one per parameter)."""

    @property
    def fixed(self) -> bool:
        """Declared by repoconf for every policy (no policy field): never imported, never diffed."""
        return self.field is None

    def encoded(self, view: Any, resolve: Resolve = _no_lookup) -> Any:
        """The provider input value for a view."""
        return view if self.encode is None else self.encode(view, resolve)


@dataclass(frozen=True)
class Option:
    """A policy field that is no GitHub setting but a Pulumi resource option (``protect``): the program
    sets it, the audit cannot see it, ``repoconf diff`` judges it.
    """

    field: str
    what: str
    judge: Callable[[Any, Any], str | None] | None = None


def declared_view(table: Iterable[Row[Model, Any]], model: Model) -> dict[str, Any]:
    """Policy → view: every row's declared value, by key."""
    return {row.key: row.declared(model) for row in table}


def live_view(table: Iterable[Row[Any, Live]], raw: Live) -> dict[str, Any]:
    """Live → view: every row's value read from GitHub's answer, by key."""
    return {row.key: row.read(raw) for row in table}


def provider_inputs(
    table: Iterable[Row[Model, Any]], model: Model, resolve: Resolve = _no_lookup
) -> dict[str, Any]:
    """The program's inputs for the concept's resource, nested by the rows' dotted provider paths."""
    rows = list(table)
    encoded: dict[str, Any] = {}
    for row in rows:
        declared = row.declared(model)
        encoded[row.key] = declared if row.provider is None else row.encoded(declared, resolve)
    inputs: dict[str, Any] = {}
    for row in rows:
        value = encoded[row.key]
        if row.provider is None or isinstance(value, Omit):
            continue
        container = encoded[row.within] if row.within is not None else True
        if isinstance(container, Omit) or not container:
            continue
        _put(inputs, row.provider.split("."), value)
    return inputs


def _put(target: dict[str, Any] | list[Any], path: list[str], value: Any) -> None:
    head, rest = path[0], path[1:]
    if isinstance(target, list):
        index = int(head)
        while len(target) <= index:
            target.append({})
        if rest:
            _put(target[index], rest, value)
        else:
            target[index] = value
        return
    if not rest:
        target[head] = value
        return
    if head not in target:
        target[head] = [] if rest[0].isdigit() else {}
    _put(target[head], rest, value)


def present(view: Any) -> bool:
    """Whether a view holds the part a ``within`` row lives in: a rule that is there, a reviewer list
    with a name in it (a view of empty lists is no reviewers rule at all).
    """
    if isinstance(view, dict):
        return any(present(item) for item in view.values())
    return bool(view)


def same_folded(left: Any, right: Any) -> bool:
    """Equality where GitHub compares names case-insensitively (logins, slugs, secret names)."""
    return bool(_folded(left) == _folded(right))


def _folded(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return sorted(_folded(item) for item in value)
    if isinstance(value, dict):
        return {key: _folded(item) for key, item in value.items()}
    return value


# -- diff judgements ------------------------------------------------------------------------------------


def lower_weakens(why: str) -> Callable[[Any, Any], str | None]:
    """A smaller number weakens the gate (fewer approvals, a shorter wait)."""
    return lambda before, after: why if after < before else None


def off_weakens(why: str) -> Callable[[Any, Any], str | None]:
    """Turning the setting off weakens the gate."""
    return lambda before, after: why if before and not after else None


def on_weakens(why: str) -> Callable[[Any, Any], str | None]:
    """Turning the setting on weakens the gate (an administrator bypass)."""
    return lambda before, after: why if after and not before else None


def removal_weakens(why: str) -> Callable[[Any, Any], str | None]:
    """Names removed from a list weaken the gate; ``why`` takes ``{}``, the removed names."""

    def judge(before: Any, after: Any) -> str | None:
        kept = {str(name).casefold() for name in after or ()}
        gone = [str(name) for name in before or () if str(name).casefold() not in kept]
        return why.format(", ".join(gone)) if gone else None

    return judge


def addition_weakens(why: str) -> Callable[[Any, Any], str | None]:
    """Names added to a list weaken the gate (more people may bypass); ``why`` takes the added names."""

    def judge(before: Any, after: Any) -> str | None:
        return removal_weakens(why)(after, before)

    return judge


@dataclass(frozen=True)
class Judged:
    """One changed setting between two policies, and why it weakens a gate (None: it does not)."""

    key: str
    before: Any
    after: Any
    why: str | None


def judge_changes(table: Iterable[Row[Model, Any]], before: Model, after: Model) -> list[Judged]:
    """Every policy setting of the table that differs between two models, judged by its row."""
    changes: list[Judged] = []
    for row in table:
        if row.fixed:
            continue
        old, new = row.declared(before), row.declared(after)
        if old == new:
            continue
        why = row.judge(old, new) if row.judge is not None else None
        changes.append(Judged(row.key, old, new, why))
    return changes


# -- import -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    """A policy value written back from a live view, with a note when the token could not see it."""

    field: str
    value: Any
    note: str | None = None


def restore_view(
    table: Iterable[Row[Any, Any]], view: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> list[Restored]:
    """Import: each policy field of the table written back from the live view.

    A value the token cannot see is written as the row's strictest value with a note saying which
    permission shows it (never weaker than the truth); a field equal to ``defaults`` (the policy's
    value for it, when the import is merged into a policy) is left out.
    """
    found: list[Restored] = []
    for row in table:
        if row.fixed or row.field is None:
            continue
        if row.within is not None and not present(view.get(row.within)):
            continue  # the part it lives in is not there (no pull-request rule): the field's default
        value = view.get(row.key)
        if isinstance(value, Unverified):
            if row.strictest is None:
                continue
            shows = f" ({row.hidden_by} shows it)" if row.hidden_by else ""
            found.append(
                Restored(
                    row.field,
                    row.strictest,
                    f"{row.field}: not visible to this token{shows}; written as the strictest value",
                )
            )
            continue
        restored = row.restore(value) if row.restore is not None else value
        if isinstance(restored, Omit):
            continue
        if isinstance(restored, Unrepresentable):
            found.append(Restored(row.field, restored.strictest, restored.note))
            continue
        if defaults is not None and row.field in defaults and defaults[row.field] == restored:
            continue
        found.append(Restored(row.field, restored))
    return found


@dataclass(frozen=True)
class Unrepresentable:
    """A live value the policy cannot express: import writes ``strictest`` and says why in ``note``."""

    strictest: Any
    note: str


def unverified_keys(view: Mapping[str, Any]) -> list[str]:
    """The keys of a live view whose value this token cannot see."""
    return [key for key, value in view.items() if value is UNVERIFIED]
