"""`Record`: typing.NamedTuple's class syntax, without importing typing and without compiling code.

Every run builds the store's records. `typing` (with the `re`, `enum` and `contextlib` it pulls in)
costs several milliseconds of start-up, and so does `collections.namedtuple`, which compiles a
`__new__` from source for each class: about 0.2 ms a class, and a run defines about twenty. This
base class reads the same annotated class body and makes the same kind of class, a tuple subclass
with the fields as read-only properties and namedtuple's API (`_fields`, `_field_defaults`, `_make`,
`_replace`, `_asdict`, the repr), in about a fifth of the time. Annotations stay unevaluated
strings. Type checkers see typing.NamedTuple itself: modules import it as `Record` under
`if TYPE_CHECKING:`. tests/test_records.py checks it against collections.namedtuple.
"""

try:
    from _collections import _tuplegetter  # what namedtuple itself uses for its fields
except ImportError:  # pragma: no cover - other Pythons
    from operator import itemgetter

    def _tuplegetter(index: int, doc: str) -> property:  # type: ignore[misc]
        return property(itemgetter(index), doc=doc)


# Set by the record itself; a class body must not replace them (typing.NamedTuple refuses the same).
_PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make", "_replace", "_asdict", "_source"})
_SPECIAL = frozenset({"__module__", "__name__", "__qualname__", "__annotations__"})
_tuple_new = tuple.__new__


def _constructor(name: str, fields: tuple[str, ...], defaults: dict[str, object]) -> object:
    """`__new__` taking the fields by position or keyword, with namedtuple's errors for a missing or unknown one."""
    count = len(fields)
    takes = f"{count - len(defaults) + 1} to {count + 1}" if defaults else f"{count + 1}"
    takes = f"from {takes}" if defaults else takes

    def __new__(cls, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N807
        if len(args) == count and not kwargs:
            return _tuple_new(cls, args)
        if len(args) > count:
            raise TypeError(f"{name}.__new__() takes {takes} positional arguments but {len(args) + 1} were given")
        values = list(args)
        missing = []
        for field in fields[len(args) :]:
            if field in kwargs:
                values.append(kwargs.pop(field))
            elif field in defaults:
                values.append(defaults[field])
            else:
                missing.append(f"'{field}'")
        if missing:
            listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])}{',' if len(missing) > 2 else ''} and {missing[-1]}"
            plural = "argument" if len(missing) == 1 else "arguments"
            raise TypeError(f"{name}.__new__() missing {len(missing)} required positional {plural}: {listed}")
        if kwargs:
            unknown = next(iter(kwargs))
            reason = "multiple values for argument" if unknown in fields else "an unexpected keyword argument"
            raise TypeError(f"{name}.__new__() got {reason} '{unknown}'")
        return _tuple_new(cls, values)

    return __new__


class _RecordMeta(type):
    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, object]) -> type:
        if not bases:  # Record itself
            return super().__new__(mcls, name, bases, namespace)
        fields = tuple(namespace.get("__annotations__", {}))  # type: ignore[arg-type]
        defaults = {field: namespace[field] for field in fields if field in namespace}
        if any(field in namespace for field in fields[: len(fields) - len(defaults)]):
            raise TypeError(f"{name}: a field without a default cannot follow one with a default")
        for key in namespace:
            if key in _PROHIBITED:
                raise AttributeError(f"{name}: cannot overwrite NamedTuple attribute {key}")
        body: dict[str, object] = {
            "__slots__": (),
            "__module__": namespace.get("__module__"),
            "__qualname__": namespace.get("__qualname__", name),
            "__doc__": namespace.get("__doc__") or f"{name}({', '.join(fields)})",
            "__annotations__": dict(namespace.get("__annotations__", {})),  # type: ignore[call-overload]
            "__match_args__": fields,
            "_fields": fields,
            "_field_defaults": defaults,
            "__new__": _constructor(name, fields, defaults),
            **{field: _tuplegetter(index, f"Alias for field number {index}") for index, field in enumerate(fields)},
            **_METHODS,
        }
        body.update((key, value) for key, value in namespace.items() if key not in _SPECIAL and key not in fields and key != "__doc__")
        return type(name, (tuple,), body)


def _make(cls, iterable):  # type: ignore[no-untyped-def]
    """Make a new record from a sequence or iterable."""
    values = _tuple_new(cls, iterable)
    if len(values) != len(cls._fields):
        raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(values)}")
    return values


def _replace(self, **changes):  # type: ignore[no-untyped-def]
    """Return a new record with the given fields replaced by new values."""
    values = self._make(map(changes.pop, self._fields, self))
    if changes:
        raise TypeError(f"Got unexpected field names: {list(changes)!r}")
    return values


def _repr(self) -> str:
    return f"{type(self).__name__}({', '.join(f'{field}={value!r}' for field, value in zip(self._fields, self, strict=True))})"


def _asdict(self) -> dict[str, object]:
    """Return a new dict which maps field names to their values."""
    return dict(zip(self._fields, self, strict=True))


def _getnewargs(self) -> tuple[object, ...]:
    return tuple(self)


_METHODS: dict[str, object] = {"_make": classmethod(_make), "_replace": _replace, "__repr__": _repr, "_asdict": _asdict, "__getnewargs__": _getnewargs}


class Record(metaclass=_RecordMeta):
    """Base for records: `class Fact(Record): id: str; …` as with typing.NamedTuple."""
