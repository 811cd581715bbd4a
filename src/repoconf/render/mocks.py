"""Pulumi mocks that record what the program declares.

The mock monitor sees each registration as the engine would: type, logical name, parent, protect,
import id, dependencies and inputs with secret markers intact, so the record masks every secret input
as ``[secret]``. Look-ups answer with stable fake ids derived from the name, and are counted.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pulumi.runtime import Mocks, rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs

SECRET_MASK = "[secret]"
STACK_TYPE = "pulumi:pulumi:Stack"


def fake_id(kind: str, name: str) -> int:
    """A stable fake numeric id for a look-up (the same name always gets the same id)."""
    digest = hashlib.sha256(f"{kind}:{name}".encode()).digest()
    return 1_000_000 + int.from_bytes(digest[:4], "big") % 9_000_000


def _urn_name(urn: str) -> str:
    return urn.split("::", 3)[3]


def mask(value: Any) -> Any:
    """Replace every secret (wire form) with ``[secret]``; integral floats back to ints; keys sorted.

    The keys of a deserialized protobuf ``Struct`` come in no fixed order (it is a map), so they are
    sorted here: every format prints inputs in one order and two renders compare equal byte for byte.
    """
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return SECRET_MASK
        return {key: mask(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [mask(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Declaration:
    """One resource as the program declared it."""

    type: str
    name: str
    parent: str | None
    inputs: dict[str, Any]
    protect: bool
    import_id: str | None
    depends_on: list[str]


class RenderMocks(Mocks):
    """Answers look-ups with fake ids and resources with their own inputs."""

    def __init__(self) -> None:
        self.lookups: Counter[str] = Counter()

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        """A resource's state is its inputs; its id is derived from its name."""
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Stable fake answers to the provider's look-ups."""
        token = args.token
        self.lookups[token] += 1
        if token == "github:index/getUser:getUser":
            login = str(args.args.get("username"))
            return {"id": str(fake_id("user", login)), "login": login, "username": login}, []
        if token == "github:index/getTeam:getTeam":
            slug = str(args.args.get("slug"))
            return {"id": str(fake_id("team", slug)), "slug": slug, "nodeId": f"T_fake_{slug}"}, []
        if token == "github:index/getRepository:getRepository":
            full_name = str(args.args.get("fullName") or args.args.get("full_name"))
            return {"nodeId": f"R_fake_{full_name}", "fullName": full_name, "id": full_name}, []
        return {}, []


class RecordingMonitor(MockMonitor):
    """The mock monitor, keeping every registration's options and masked inputs.

    The mock monitor runs in Pulumi's executor threads and gives each thread an event loop it never
    closes; left to the garbage collector, those loops print "Exception ignored ... Invalid file
    descriptor" at exit. The monitor remembers them so :meth:`close` can close them cleanly.
    """

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.declarations: list[Declaration] = []
        self._thread_loops: set[asyncio.AbstractEventLoop] = set()

    def _track_loop(self) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        try:
            self._thread_loops.add(asyncio.get_event_loop())
        except RuntimeError:  # this call needed no loop (the stack's own registration)
            return

    def Invoke(self, request: Any) -> Any:
        """Answer a look-up through the mocks."""
        response = super().Invoke(request)  # type: ignore[no-untyped-call]
        self._track_loop()
        return response

    def close(self) -> None:
        """Close the event loops the mock monitor created in worker threads."""
        for loop in self._thread_loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()
        self._thread_loops.clear()

    def RegisterResource(self, request: Any) -> Any:
        """Record the registration, then let the mock monitor answer it."""
        if request.type != STACK_TYPE:
            parent = _urn_name(request.parent) if request.parent else None
            self.declarations.append(
                Declaration(
                    type=request.type,
                    name=request.name,
                    parent=None if f"::{STACK_TYPE}::" in request.parent else parent,
                    inputs=mask(rpc.deserialize_properties(request.object)),
                    protect=bool(request.protect),
                    import_id=request.importId or None,
                    depends_on=sorted(_urn_name(urn) for urn in request.dependencies),
                )
            )
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        self._track_loop()
        return response
