"""Secret and Personal: values whose repr, str and log lines never show them (decision 100).

A password, a token or a key is a `Secret`; an email or a person's name is `Personal`.
`.reveal()` is the one way to the value: call it where the value is used (hashed, compared,
sent), never earlier. Two of a kind are equal when their values are.

As payload fields they travel as JSON strings: subclass one with a `meta` (length, pattern)
and decode with `dec_hook`, which checks the string against it (the same errors as a plain
`Annotated[str, Meta(...)]`), and describe it with `schema_hook`, which gives that string's
schema. `secret_fields(payload)` names a payload's Secret fields (decision 34).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_origin

import msgspec

__all__ = [
    "Personal",
    "Secret",
    "Sensitive",
    "dec_hook",
    "enc_hook",
    "reveal",
    "schema_hook",
    "secret_fields",
    "sensitive_fields",
    "string_info",
]

V = TypeVar("V")


class Sensitive(Generic[V]):
    """A value shown as `mask` wherever it is printed, logged or compared by repr."""

    __slots__ = ("_value",)
    mask: ClassVar[str] = "***"
    meta: ClassVar[msgspec.Meta] = msgspec.Meta()  # what a payload field's string must be

    def __init__(self, value: V) -> None:
        self._value = value

    def reveal(self) -> V:
        """The value itself."""
        return self._value

    def _kind(self) -> type[Sensitive[Any]]:
        return Personal if isinstance(self, Personal) else Secret

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.mask!r})"

    def __str__(self) -> str:
        return self.mask

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sensitive) or other._kind() is not self._kind():
            return NotImplemented
        return bool(self._value == other._value)

    def __hash__(self) -> int:
        return hash((self._kind(), self._value))


class Secret(Sensitive[V]):
    """A password, token, code or key."""

    __slots__ = ()
    mask = "***"


class Personal(Sensitive[V]):
    """A value about a person (an email, a name): forgettable, never in a log line."""

    __slots__ = ()
    mask = "<personal>"


def reveal(value: Sensitive[V] | V) -> V:
    """The value inside `value`, or `value` itself when it is not wrapped."""
    return value.reveal() if isinstance(value, Sensitive) else value


def _sensitive_type(kind: Any) -> type[Sensitive[Any]] | None:
    kind = get_origin(kind) or kind  # Secret[str] is Secret
    return kind if isinstance(kind, type) and issubclass(kind, Sensitive) else None


def dec_hook(kind: Any, raw: Any) -> Any:
    """msgspec's dec_hook: a JSON string into the Sensitive field's type, checked by its meta."""
    wrapper = _sensitive_type(kind)
    if wrapper is None:
        raise NotImplementedError(f"no decoding into {kind!r}")
    try:
        return wrapper(msgspec.convert(raw, Annotated[str, wrapper.meta]))
    except msgspec.ValidationError as error:  # a ValueError: msgspec adds the field's path
        raise ValueError(str(error)) from None


def enc_hook(value: Any) -> Any:
    """msgspec's enc_hook: a Sensitive value as its mask (what is encoded is never revealed)."""
    if isinstance(value, Sensitive):
        return value.mask
    raise NotImplementedError(f"no encoding of {type(value).__name__}")


def schema_hook(kind: Any) -> dict[str, Any]:
    """msgspec's schema_hook: a Sensitive field's type as the string its meta describes."""
    wrapper = _sensitive_type(kind)
    if wrapper is None:
        raise NotImplementedError(f"no schema for {kind!r}")
    schema = msgspec.json.schema(Annotated[str, wrapper.meta])
    if issubclass(wrapper, Secret):
        schema["writeOnly"] = True  # sent, never answered
    return schema


def string_info(info: msgspec.inspect.Type) -> msgspec.inspect.Type:
    """A Sensitive field's msgspec.inspect type as the string it travels as (its meta's
    constraints included); any other type unchanged."""
    wrapper = _sensitive_type(info.cls) if isinstance(info, msgspec.inspect.CustomType) else None
    return info if wrapper is None else msgspec.inspect.type_info(Annotated[str, wrapper.meta])


def secret_fields(payload: type[msgspec.Struct]) -> tuple[str, ...]:
    """The names of `payload`'s fields typed Secret (or Secret | None)."""
    names = _secret_fields.get(payload)
    if names is None:
        names = _secret_fields[payload] = tuple(
            field.name for field in msgspec.structs.fields(payload) if _holds_secret(field.type)
        )
    return names


_secret_fields: dict[type[msgspec.Struct], tuple[str, ...]] = {}  # payload types are few


def sensitive_fields(payload: type[msgspec.Struct]) -> tuple[str, ...]:
    """The names of `payload`'s fields typed Secret or Personal (or either | None): a payload
    holding one is not written down whole anywhere it would outlive the invocation, such as a
    failed invocation kept for a report (decision 64), which no forgetting would reach."""
    names = _sensitive_fields.get(payload)
    if names is None:
        names = _sensitive_fields[payload] = tuple(
            field.name
            for field in msgspec.structs.fields(payload)
            if _holds_secret(field.type, Sensitive)
        )
    return names


_sensitive_fields: dict[type[msgspec.Struct], tuple[str, ...]] = {}


def _holds_secret(kind: Any, wrapper: type[Sensitive[Any]] = Secret) -> bool:
    info = msgspec.inspect.type_info(kind)
    options = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
    return any(_is_wrapped_info(option, wrapper) for option in options)


def _is_wrapped_info(info: msgspec.inspect.Type, wrapper: type[Sensitive[Any]]) -> bool:
    if not isinstance(info, msgspec.inspect.CustomType):
        return False
    found = _sensitive_type(info.cls)
    return found is not None and issubclass(found, wrapper)
