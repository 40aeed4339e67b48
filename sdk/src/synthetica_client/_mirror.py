"""The synchronous objects are mirrors: each method runs its asynchronous twin's on the
``Client``'s loop (``blocking``), so the two clients have one implementation and the same
surface."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from synthetica_client._base import Bound, Data
from synthetica_client.progress import ProgressOption

P = ParamSpec("P")
R = TypeVar("R")


class Blocking:
    """What a ``blocking`` method needs of the object it is on."""

    def _twin(self) -> Any:
        """The asynchronous object that does the work."""
        raise NotImplementedError

    def _runner(self) -> Any:
        """The synchronous Client, whose loop runs the work."""
        raise NotImplementedError

    def _ready(self, progress: ProgressOption) -> Any:
        """This object, once what it waits for is done (a batch: its job)."""
        return self


class Mirror(Blocking, Data):
    """The data of an asynchronous object, with the synchronous client that made it."""

    def _twin(self) -> Any:
        return ASYNC_OF[type(self)].bind(self, self._client._async)

    def _runner(self) -> Any:
        return self._client

    def refresh(self: M) -> M:
        """Reloads this object (in place) and returns it."""
        return self._absorb(self._client._run(self._twin().refresh))


M = TypeVar("M", bound=Mirror)

# Each synchronous object class and its asynchronous twin, both ways (``mirrors``).
ASYNC_OF: dict[type, type[Bound]] = {}
SYNC_OF: dict[type, type[Mirror]] = {}


def mirrors(twin: type[Bound]) -> Callable[[type[M]], type[M]]:
    """Class decorator: this synchronous class mirrors the asynchronous ``twin``; its
    ``in_place`` methods say they answer with it."""

    def register(cls: type[M]) -> type[M]:
        ASYNC_OF[cls] = twin
        SYNC_OF[twin] = cls
        for member in vars(cls).values():
            if getattr(member, "_in_place", False):
                member.__signature__ = member.__signature__.replace(return_annotation=cls)
                member.__annotations__["return"] = cls
        return cls

    return register


def in_place(
    method: Callable[Concatenate[Any, P], Awaitable[Any]],
) -> Callable[Concatenate[M, P], M]:
    """A synchronous method that runs the asynchronous ``method`` of its object's twin and
    takes the answer into this object, which it returns: the object stays current (a dataset
    after a change to its tables, types or rules). Same parameters as ``method``."""
    name = method.__name__

    @functools.wraps(method)
    def run(self: M, *args: P.args, **kwargs: P.kwargs) -> M:
        return self._absorb(self._client._run(getattr(self._twin(), name), *args, **kwargs))

    run.__qualname__ = f"in_place({method.__qualname__})"
    run.__signature__ = inspect.signature(method)
    run.__annotations__ = dict(method.__annotations__)
    run._in_place = True
    return run


class Namespace(Blocking):
    """A synchronous namespace (``client.datasets``, ...) over its asynchronous twin."""

    def __init__(self, client: Any, target: Any) -> None:
        self._c = client
        self._target = target

    def _twin(self) -> Any:
        return self._target

    def _runner(self) -> Any:
        return self._c


def blocking(
    method: Callable[Concatenate[Any, P], Awaitable[Any]],
    returns: type[R],
    *,
    ready_first: bool = False,
    then_wait: bool = False,
) -> Callable[Concatenate[Any, P], R]:
    """A synchronous method that runs the asynchronous ``method`` of its object's twin on the
    client's loop, with the same parameters (and signature, for ``help()``); the answer's
    asynchronous objects come back as their mirrors (``returns`` says which, for type
    checkers).

    Waiting for a job happens here, in the synchronous ``wait()``, where Ctrl-C in a terminal
    asks whether to cancel the job. ``ready_first``: the object (a batch still generating) is
    waited for before the method runs. ``then_wait``: the method runs with ``wait=False``, and
    its answer is waited for after when the caller asked for ``wait``. Both use the method's
    ``progress``."""
    name = method.__name__
    signature = inspect.signature(method)

    @functools.wraps(method)
    def run(self: Blocking, *args: P.args, **kwargs: P.kwargs) -> R:
        if not (ready_first or then_wait):
            return self._runner()._run(getattr(self._twin(), name), *args, **kwargs)
        call = signature.bind(self, *args, **kwargs)
        call.apply_defaults()
        progress = call.arguments["progress"]
        wait_after = then_wait and call.arguments["wait"]
        if then_wait:
            call.arguments["wait"] = False
        ready = self._ready(progress) if ready_first else self
        answer = ready._runner()._run(getattr(ready._twin(), name), *call.args[1:], **call.kwargs)
        return answer.wait(progress=progress) if wait_after else answer

    # What help() and inspect show: the twin's parameters, this method's answer.
    run.__qualname__ = f"blocking({method.__qualname__})"
    run.__signature__ = signature.replace(return_annotation=returns)
    run.__annotations__ = {**method.__annotations__, "return": returns}
    return run
