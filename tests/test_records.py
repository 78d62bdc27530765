"""records.Record behaves as typing.NamedTuple does (it replaces it to save start-up time)."""

from __future__ import annotations

import copy
import pickle
from typing import NamedTuple

import pytest

from hamhung_cli.records import Record


class Mine(Record):
    """A record with defaults and a method."""

    id: str
    count: int
    note: str | None = None
    tags: tuple[str, ...] = ()

    def label(self) -> str:
        return f"{self.id}:{self.count}"


class Theirs(NamedTuple):
    """A record with defaults and a method."""

    id: str
    count: int
    note: str | None = None
    tags: tuple[str, ...] = ()

    def label(self) -> str:
        return f"{self.id}:{self.count}"


CALLS = [
    (("a", 1), {}),
    (("a", 1, "n", ("x",)), {}),
    (("a",), {"count": 2}),
    ((), {"id": "a", "count": 2, "tags": ("t",)}),
    (("a", 1), {"note": "n"}),
]


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_construction_fields_and_methods_match_namedtuple(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    mine, theirs = Mine(*args, **kwargs), Theirs(*args, **kwargs)
    assert tuple(mine) == tuple(theirs) and mine == theirs and hash(mine) == hash(theirs)
    assert repr(mine) == repr(theirs).replace("Theirs(", "Mine(")
    assert mine._asdict() == theirs._asdict()
    assert mine._replace(count=9) == theirs._replace(count=9) and type(mine._replace(count=9)) is Mine
    assert Mine._make(list(mine)) == mine and type(Mine._make(mine)) is Mine
    assert (mine.id, mine.count, mine.note, mine.tags) == (theirs.id, theirs.count, theirs.note, theirs.tags)
    assert mine.label() == theirs.label()
    assert pickle.loads(pickle.dumps(mine)) == mine and copy.copy(mine) == mine and copy.deepcopy(mine) == mine


def test_class_attributes_match_namedtuple() -> None:
    assert Mine._fields == Theirs._fields == Mine.__match_args__
    assert Mine._field_defaults == Theirs._field_defaults
    assert Mine.__doc__ == Theirs.__doc__
    assert Mine.__annotations__.keys() == Theirs.__annotations__.keys()
    assert issubclass(Mine, tuple) and Mine.__mro__[1:] == (tuple, object)
    assert Mine.id.__doc__ == Theirs.id.__doc__ == "Alias for field number 0"
    match Mine("a", 1):
        case Mine(identifier, count):
            assert (identifier, count) == ("a", 1)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("a",), {}), ((), {}), (("a", 1, None, (), "extra"), {}), (("a", 1), {"bogus": 1}), (("a", 1), {"id": "b"}), ((), {"count": 1})],
)
def test_wrong_arguments_fail_as_namedtuple_fails(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError) as theirs:
        Theirs(*args, **kwargs)
    with pytest.raises(TypeError) as mine:
        Mine(*args, **kwargs)
    assert str(mine.value).replace("Mine", "") == str(theirs.value).replace("Theirs", "")


def test_records_are_immutable_and_the_body_cannot_replace_the_machinery() -> None:
    record = Mine("a", 1)
    with pytest.raises(AttributeError):
        record.id = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        record.other = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="cannot follow"):

        class Bad(Record):  # noqa: F841
            a: int = 1
            b: int

    with pytest.raises(AttributeError, match="_replace"):

        class Worse(Record):  # noqa: F841
            a: int

            def _replace(self) -> None: ...

    with pytest.raises(TypeError):
        Mine._make(["a"])
    with pytest.raises(TypeError, match="unexpected field"):
        record._replace(bogus=1)
