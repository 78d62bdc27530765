"""`Record`: typing.NamedTuple's class syntax without importing typing.

Every run builds the store's records, and `typing` (with the `re`, `enum` and
`contextlib` it pulls in) costs several milliseconds of start-up, a tenth of a
piped `hamhung climate`. This base class reads the same annotated class body
and makes the same thing typing.NamedTuple makes: a `collections.namedtuple`
with the body's defaults, docstring and methods. Annotations stay unevaluated
strings. Type checkers see typing.NamedTuple itself: modules import it as
`Record` under `if TYPE_CHECKING:`.
"""

from collections import namedtuple

# Set by the namedtuple itself; a class body must not replace them (typing.NamedTuple refuses the same).
_PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make", "_replace", "_asdict", "_source"})
_SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})


class _RecordMeta(type):
    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
        if not bases:  # Record itself
            return super().__new__(mcls, name, bases, namespace)
        fields = tuple(namespace.get("__annotations__", {}))  # type: ignore[arg-type]
        defaults = [namespace[field] for field in fields if field in namespace]
        if any(field in namespace for field in fields[: len(fields) - len(defaults)]):
            raise TypeError(f"{name}: a field without a default cannot follow one with a default")
        record = namedtuple(name, fields, defaults=defaults or None, module=str(namespace.get("__module__")))  # type: ignore[misc]
        record.__annotations__ = dict(namespace.get("__annotations__", {}))  # type: ignore[call-overload]
        for key, value in namespace.items():
            if key in _PROHIBITED:
                raise AttributeError(f"{name}: cannot overwrite NamedTuple attribute {key}")
            if key not in _SPECIAL and key not in fields:
                setattr(record, key, value)
        return record


class Record(metaclass=_RecordMeta):
    """Base for records: `class Fact(Record): id: str; …` as with typing.NamedTuple."""
