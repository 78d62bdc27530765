"""Pages drawn once and replayed from the cache (replay.py): the same bytes as a fresh drawing, never stale, never partial."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import cache, fast, replay, session
from hamhung_cli.cli import app

FORMS = [
    [],
    ["climate"],
    ["climate", "--source", "both", "-f", "csv"],
    ["districts", "--json"],
    ["economy"],
    ["show", "economy", "--fields", "id,text"],
    ["topics", "--format=tsv"],
    ["sources"],
    ["disputes", "-t", "climate"],
    ["--color", "always", "climate", "-f", "table"],
]


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test stores were written a moment ago; treat them as settled so their pages are kept (one test puts this back)."""
    monkeypatch.setattr(session, "RACY_NS", -1)
    session._LOADED.clear()


def pages(tmp_path: Path) -> list[Path]:
    directory = tmp_path / "cache" / "hamhung"
    return sorted(directory.glob("*-page-*.bin")) if directory.exists() else []


def hamhung(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The console script's entry point, run in this process."""
    monkeypatch.setattr(sys, "argv", ["hamhung", *argv])
    with pytest.raises(SystemExit) as done:
        fast.main()
    out, err = capsys.readouterr()
    return done.value.code, out, err  # type: ignore[return-value]


def typer(argv: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, argv)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("argv", FORMS, ids=lambda a: " ".join(a) or "(overview)")
def test_a_page_is_drawn_once_then_replayed_byte_for_byte(
    argv: list[str], mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*argv, "--facts", str(mini)]
    first = hamhung(monkeypatch, capsys, *argv)
    assert first == typer(argv) and first[0] == 0 and first[1]
    assert len(pages(tmp_path)) == 1
    monkeypatch.setattr(fast, "run", lambda plan: pytest.fail("drawn again instead of replayed"))
    assert hamhung(monkeypatch, capsys, *argv) == first


def test_an_edit_to_the_store_is_seen(store_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = hamhung(monkeypatch, capsys, "economy", "--facts", str(store_copy))
    assert "above all vinalon" in before[1]
    store_copy.write_text(store_copy.read_text(encoding="utf-8").replace("above all vinalon", "above all polymer"), encoding="utf-8")
    after = hamhung(monkeypatch, capsys, "economy", "--facts", str(store_copy))
    assert "above all polymer" in after[1] and "vinalon," not in after[1]
    assert after == typer(["economy", "--facts", str(store_copy)])
    assert len(pages(tmp_path)) == 2  # one per version of the store


def test_a_store_changed_a_moment_ago_gets_no_page(
    store_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Within the racy window a later edit could keep the same size and times, so nothing is kept that could be replayed stale."""
    monkeypatch.setattr(session, "RACY_NS", 3_000_000_000)
    result = hamhung(monkeypatch, capsys, "climate", "--facts", str(store_copy))
    assert result[0] == 0 and result[1]
    assert pages(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("HAMHUNG_ROMANIZATION", "rr", []),
        ("HAMHUNG_UNITS", "imperial", ["climate"]),
        ("NO_COLOR", "1", ["climate", "--format", "table"]),
        ("COLUMNS", "61", ["climate", "--format", "table"]),
        ("HAMHUNG_COLOR", "always", ["climate", "--format", "table"]),
    ],
)
def test_a_setting_that_changes_the_output_is_part_of_the_key(
    name: str, value: str, words: list[str], mini: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*words, "--facts", str(mini)]
    plain = hamhung(monkeypatch, capsys, *argv)
    monkeypatch.setenv(name, value)
    changed = hamhung(monkeypatch, capsys, *argv)
    assert changed == typer(argv)
    if name != "NO_COLOR":  # colour is off in a pipe anyway
        assert changed != plain


def test_every_environment_variable_that_is_read_is_in_the_key() -> None:
    """Scan our code, Rich and Typer for the variables they read: each is in the key, or is known not to change output."""
    import rich
    import typer as typer_package

    not_output = {
        "HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",  # where the cache and completion scripts go
        "COMP_WORDS", "COMP_CWORD",  # shell completion, which is never replayed
        "PAGER",  # where a page taller than the screen goes; such a page is never recorded (pager.py, tests/test_pager.py)
    }  # fmt: skip
    read = re.compile(r"""(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
    names: set[str] = set()
    for package in (Path(fast.__file__).parent, Path(rich.__file__).parent, Path(typer_package.__file__).parent):
        for module in package.rglob("*.py"):
            names.update(read.findall(module.read_text(encoding="utf-8", errors="replace")))
    assert {"NO_COLOR", "COLUMNS", "HAMHUNG_UNITS", "TTY_COMPATIBLE"} <= names  # the scan finds what it should
    missing = sorted(n for n in names - not_output if not replay.affects_output(n))
    assert missing == []


class _ClosedAfterWriting(io.StringIO):
    """A pipe whose reader went away (`| head -1`): writes are taken, the flush fails."""

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_output_cut_short_by_a_closed_pipe_is_not_kept(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["hamhung", "climate", "--facts", str(mini)])
    monkeypatch.setattr(sys, "stdout", _ClosedAfterWriting())
    with pytest.raises(SystemExit) as done:
        fast.main()
    assert done.value.code == 0  # quiet, as for any closed pipe
    assert pages(tmp_path) == []


@pytest.mark.parametrize("argv", [["nosuchtopic"], ["climate", "--source", "nowhere"]])
def test_a_run_that_failed_is_not_kept(
    argv: list[str], mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*argv, "--facts", str(mini)]
    code, out, err = hamhung(monkeypatch, capsys, *argv)
    assert code != 0 and err
    assert (code, out, err) == typer(argv)
    assert pages(tmp_path) == []


def test_a_damaged_page_is_drawn_again(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["economy", "--facts", str(mini)]
    first = hamhung(monkeypatch, capsys, *argv)
    (page,) = pages(tmp_path)
    data = bytearray(page.read_bytes())
    data[-3] ^= 0x55
    page.write_bytes(bytes(data))
    assert hamhung(monkeypatch, capsys, *argv) == first
    assert page.read_bytes() != bytes(data)  # and kept again, whole


def test_pages_are_pruned_to_the_most_recently_used(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(cache.KEEP_ENTRIES, "page", 3)
    for width in range(40, 46):
        monkeypatch.setenv("COLUMNS", str(width))
        hamhung(monkeypatch, capsys, "climate", "-f", "table", "--facts", str(mini))
    assert len(pages(tmp_path)) == 3


def test_no_cache_directory_means_no_page(mini: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", "")
    assert cache.cache_dir() is None
    argv = ["climate", "--facts", str(mini)]
    assert hamhung(monkeypatch, capsys, *argv) == hamhung(monkeypatch, capsys, *argv) == typer(argv)
