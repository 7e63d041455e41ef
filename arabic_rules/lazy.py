"""`once`: an attribute computed on its first read, for objects made per match or per text."""
from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar, overload

_T = TypeVar("_T")


class once(Generic[_T]):
    """`functools.cached_property` without its lock: computed on the first read, then kept in the
    instance's ``__dict__`` (later reads never reach the descriptor). Python 3.11's takes an RLock
    on every first read, which cost more than most of what a build context computes lazily; an
    object is read by one thread at a time here, so the lock buys nothing."""

    def __init__(self, fn: Callable[[Any], _T]):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> "once[_T]": ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value
