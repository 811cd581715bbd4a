"""`repoconf import OWNER/REPO --into POLICY`: add a live repository to an existing policy file.

The file is edited with ruamel.yaml's round-trip mode, so its comments, key order and quoting stay as
they were; the new entry is appended under ``repositories`` with the notes as comments above it. The
entry holds only what differs from what the repository would inherit from ``defaults`` and the selectors
that select it (the loader's own merge decides that: the policy is loaded with the new repository as
``{}`` and its selectors resolved against the repository as GitHub describes it), and the edited text is
loaded and validated before the file is replaced (atomically), so a policy is never half-written.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from repoconf.describe.policy import Described, describe_repository, reloaded, unsaid
from repoconf.errors import UsageError
from repoconf.live.read import LiveRepository
from repoconf.policy.loader import LoadedPolicy, load_text
from repoconf.policy.model import RepositorySettings
from repoconf.policy.selection import Candidate, resolve
from repoconf.text import printable


def _yaml() -> YAML:
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 4096  # never fold a long line the user wrote on one
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.brace_single_entry_mapping_in_flow_sequence = True  # `[{versions: final}]` stays as written
    handler.representer.add_representer(type(None), _null)
    return handler


def _null(representer: Any, value: None) -> Any:
    """``null`` written out: an entry that removes what ``defaults`` gives reads as such."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _document(text: str, file: str) -> Any:
    try:
        document = _yaml().load(text)
    except YAMLError as error:
        first = printable(str(error).splitlines()[0] if str(error) else type(error).__name__)
        raise UsageError(f"{file}: not YAML ruamel.yaml can edit: {first}") from None
    if isinstance(document, CommentedMap) and "repositories" not in document and "selectors" in document:
        document["repositories"] = CommentedMap()  # a policy whose selectors choose every repository so far
    if not isinstance(document, CommentedMap) or not isinstance(document.get("repositories"), CommentedMap):
        raise UsageError(f"{file}: expected a policy with a `repositories` mapping to add the repository to")
    return document


def _dump(document: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def inherited(
    text: str, file: str, repository: str, candidate: Candidate | None = None
) -> RepositorySettings:
    """What ``repository`` inherits in the policy ``text``: its merged settings with an empty entry, and
    with the selectors that select it (``candidate``: the repository as they look at it).
    """
    document = _document(text, file)
    if repository.casefold() in {str(known).casefold() for known in document["repositories"]}:
        raise UsageError(
            f"{file}: repository {repository!r} is already in the policy: edit its entry, or remove it and "
            "import again"
        )
    document["repositories"] = CommentedMap({repository: {}})
    loaded = load_text(_dump(document), file)
    if candidate is not None:
        loaded = resolve(loaded, [candidate])
    return loaded.policy.repositories[repository]


def added(text: str, file: str, repository: str, described: Described) -> tuple[str, LoadedPolicy]:
    """The policy text with the repository's entry appended, and the policy it loads as."""
    document = _document(text, file)
    repositories = document["repositories"]
    repositories[repository] = _commented(described.entry)
    notes = ["Imported by `repoconf import --into` from GitHub; only what differs from defaults."]
    notes += described.notes
    repositories.yaml_set_comment_before_after_key(
        repository, before="\n".join(printable(note) for note in notes), indent=2
    )
    edited = _dump(document)
    return edited, reloaded(edited, file, repository)


def imported_into(
    text: str, file: str, repository: str, live: LiveRepository, base: RepositorySettings
) -> tuple[str, Described]:
    """The policy text with the live repository added as ``repository`` over what it inherits
    (``base``), checked: the edited policy is loaded and compared with the repository, and what it
    cannot say becomes a note.
    """
    described = describe_repository(live, base)
    edited, loaded = added(text, file, repository, described)
    residual = unsaid(loaded.policy.repositories[repository], live, described.notes)
    if residual:
        described = Described(described.entry, described.notes + residual)
        edited, _ = added(text, file, repository, described)
    return edited, described


def _commented(value: Any) -> Any:
    """Plain data as ruamel's round-trip types (so it dumps in block style like the rest of the file)."""
    if isinstance(value, dict):
        return CommentedMap((key, _commented(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_commented(item) for item in value]
    return value


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (a temporary file beside it, then a rename)."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.chmod(temporary, path.stat().st_mode & 0o777)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
