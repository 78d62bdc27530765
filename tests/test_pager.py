"""The pager: a terminal page taller than the screen goes through $HAMHUNG_PAGER, $PAGER or less; nothing else does."""

from __future__ import annotations

import io
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli import commands, pager
from hamhung_cli.cli import app

from .conftest import clean_env, installed_command
from .test_installed import read_pty

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")


def recording_pager(directory: Path, name: str = "pager") -> tuple[str, Path]:
    """A pager that keeps what it is given (and the LESS it was given) in a file, and shows nothing."""
    record = directory / f"{name}.txt"
    script = directory / name
    script.write_text(f'#!/bin/sh\nprintf "LESS=%s\\n" "$LESS" > "{record}"\ncat >> "{record}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script), record


def terminal_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in clean_env(TERM="xterm-256color").items() if k not in ("PAGER", "HAMHUNG_PAGER", "LESS", "LINES")}
    return {**env, "HAMHUNG_CACHE_DIR": "", **extra}


def test_a_tall_page_goes_through_the_pager(tmp_path: Path) -> None:
    script, record = recording_pager(tmp_path)
    code, shown = read_pty([installed_command(), "climate"], terminal_env(PAGER=script), columns=80, lines=24)
    assert code == 0
    given = record.read_text(encoding="utf-8")
    assert given.startswith("LESS=FRX\n"), "less's options when LESS is unset, as git sets them"
    assert "Jan" in given and "climate.snowfall" in given and "\x1b[" in given, "the whole page, in colour"
    assert "climate.snowfall" not in shown, "the pager showed it, not us"


def test_a_page_that_fits_is_printed_without_the_pager(tmp_path: Path) -> None:
    script, record = recording_pager(tmp_path)
    code, shown = read_pty([installed_command(), "climate"], terminal_env(PAGER=script), columns=80, lines=200)
    assert code == 0 and "climate.snowfall" in shown and not record.exists()


def test_hamhung_pager_comes_before_pager_and_keeps_the_users_less(tmp_path: Path) -> None:
    ours, ours_record = recording_pager(tmp_path, "ours")
    theirs, theirs_record = recording_pager(tmp_path, "theirs")
    code, _ = read_pty([installed_command(), "disputes"], terminal_env(HAMHUNG_PAGER=ours, PAGER=theirs, LESS="-R"), columns=80, lines=24)
    assert code == 0 and not theirs_record.exists()
    assert ours_record.read_text(encoding="utf-8").startswith("LESS=-R\n")


@pytest.mark.parametrize("setting", [{"HAMHUNG_PAGER": ""}, {"PAGER": ""}, {"PAGER": "cat"}, {"PAGER": "/no/such/pager -R"}], ids=str)
def test_an_empty_cat_or_missing_pager_prints_as_without_one(tmp_path: Path, setting: dict[str, str]) -> None:
    code, shown = read_pty([installed_command(), "climate"], terminal_env(**setting), columns=80, lines=24)
    assert code == 0 and "Month" in shown and "climate.snowfall" in shown


def test_other_formats_are_never_paged(tmp_path: Path) -> None:
    script, record = recording_pager(tmp_path)
    code, shown = read_pty([installed_command(), "disputes", "--json"], terminal_env(PAGER=script), columns=80, lines=24)
    assert code == 0 and not record.exists()
    assert json.loads(shown.replace("\r\n", "\n"))[0]["id"]


def test_never_in_a_pipe(tmp_path: Path) -> None:
    script, record = recording_pager(tmp_path)
    piped = subprocess.run(
        [installed_command(), "disputes", "-f", "table"], capture_output=True, text=True, env=terminal_env(PAGER=script, LINES="5"), timeout=60
    )
    assert piped.returncode == 0 and "Where the sources disagree" in piped.stdout
    runner = CliRunner().invoke(app, ["disputes", "-f", "table"], env={"PAGER": script, "LINES": "5"})
    assert runner.exit_code == 0 and "Where the sources disagree" in runner.stdout
    assert not record.exists()


def test_a_tall_page_is_never_kept_for_replay_so_pager_cannot_go_stale(tmp_path: Path) -> None:
    """Replays are keyed without $PAGER: a page drawn with PAGER=cat must not come back unpaged when PAGER is set."""
    cache = tmp_path / "cache"
    script, record = recording_pager(tmp_path)
    for _ in range(2):
        code, shown = read_pty([installed_command(), "climate"], terminal_env(HAMHUNG_CACHE_DIR=str(cache), PAGER="cat"), columns=80, lines=24)
        assert code == 0 and "climate.snowfall" in shown
    code, shown = read_pty([installed_command(), "climate"], terminal_env(HAMHUNG_CACHE_DIR=str(cache), PAGER=script), columns=80, lines=24)
    assert code == 0 and "climate.snowfall" in record.read_text(encoding="utf-8")
    assert not any("-page-" in p.name for p in cache.iterdir())


@pytest.mark.skipif(shutil.which("less") is None, reason="less is not installed")
@pytest.mark.parametrize("keys", [(b"q",), (b"\x03", b"q")], ids=["q", "ctrl-c then q"])
def test_quitting_less_ends_quietly_with_the_usual_status(keys: tuple[bytes, ...]) -> None:
    code, shown = read_pty([installed_command(), "disputes"], terminal_env(), columns=80, lines=24, keys=keys)
    assert code == 0, shown
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown and "geography.river" in shown


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pager_false_prints_as_without_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini: Path) -> None:
    """The --no-pager switch: guarded(pager=False) never pages; pager=True does, given the same tall page."""
    from hamhung_cli.options import Options
    from hamhung_cli.session import Session
    from hamhung_cli.views import disputes_listing

    script, record = recording_pager(tmp_path)
    monkeypatch.delenv("HAMHUNG_PAGER", raising=False)
    monkeypatch.setenv("PAGER", script)
    monkeypatch.setenv("LINES", "3")
    monkeypatch.setenv("COLUMNS", "80")

    def draw() -> None:
        commands.Output(Options(format="table", color="never")).emit(disputes_listing(Session(str(mini)).store))

    for enabled in (False, True):
        screen = FakeTerminal()
        monkeypatch.setattr(sys, "stdout", screen)
        assert commands.guarded(draw, pager=enabled) == 0
        assert ("climate.annual-precipitation" in screen.getvalue()) is not enabled
        assert record.exists() is enabled


def test_the_default_pager_is_less_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAMHUNG_PAGER", raising=False)
    monkeypatch.delenv("PAGER", raising=False)
    assert pager.pager_command() == ("less -FRX" if shutil.which("less") else None)
    monkeypatch.setenv("PAGER", "more")
    assert pager.pager_command() == ("more" if shutil.which("more") else None)
    monkeypatch.setenv("HAMHUNG_PAGER", " cat ")
    assert pager.pager_command() is None
    monkeypatch.setenv("HAMHUNG_PAGER", "'unbalanced")
    assert pager.pager_command() is None


def test_a_line_wider_than_the_terminal_counts_as_the_lines_it_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "10")
    assert pager.visual_lines("\x1b[1m" + "x" * 25 + "\x1b[0m\nshort\n\n", io.StringIO()) == 5
    assert pager.visual_lines("함흥함흥함흥\n", io.StringIO()) == 2, "Hangul takes two cells a syllable"
