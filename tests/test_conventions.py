"""Command-line conventions a person expects: options before or after the command, the usual spellings, '-' for the
standard streams, a question typed straight after `hamhung`, one-line errors, and files written whole or not at all."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from hamhung_cli import __version__
from hamhung_cli.cli import app
from hamhung_cli.options import COMMANDS, OPTIONS, OUTPUT

from .conftest import clean_env, installed_command


def invoke(*args: str, **kwargs):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), **kwargs)


def test_the_typer_app_declares_exactly_the_options_of_options_py() -> None:
    """One declaration: each command's parameters are the declared ones, with the declared flags."""
    group = typer.main.get_command(app)
    for name, spec in COMMANDS.items():
        declared = {flag for option in spec.options for flag in OPTIONS[option].flags}
        params = group.commands[name].params  # type: ignore[attr-defined]
        assert {flag for p in params if p.param_type_name == "option" for flag in p.opts} == declared, name
        assert [p.name for p in params if p.param_type_name == "argument"] == [a.name for a in spec.arguments], name
    group_flags = {flag for p in group.params if p.param_type_name == "option" for flag in p.opts}
    assert {flag for option in OUTPUT for flag in OPTIONS[option].flags} <= group_flags


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (["--json", "topics"], ["topics", "--json"]),
        (["-f", "csv", "sources"], ["sources", "-f", "csv"]),
        (["--color", "never", "--plain", "districts"], ["districts", "--plain", "--color", "never"]),
        (["--units", "imperial", "climate"], ["climate", "--units", "imperial"]),
    ],
)
def test_output_options_work_before_the_command_too(before: list[str], after: list[str], mini: Path) -> None:
    first, second = invoke(*before, "--facts", str(mini)), invoke(*after, "--facts", str(mini))
    assert first.exit_code == second.exit_code == 0, first.output
    assert first.stdout == second.stdout


def test_the_usual_spellings(mini: Path) -> None:
    assert invoke("-V").stdout == invoke("--version").stdout == f"hamhung {__version__}\n"
    assert invoke("topics", "--plain", "--facts", str(mini)).stdout == invoke("topics", "-f", "plain", "--facts", str(mini)).stdout
    colour = invoke("topics", "-f", "table", "--color", "always", "--no-color", "--facts", str(mini)).stdout
    assert "\x1b[" not in colour and "overview" in colour
    clash = invoke("topics", "--json", "--plain", "--facts", str(mini))
    assert clash.exit_code == 2 and "give one of them" in clash.stderr


def test_a_dash_is_standard_input_for_the_store(mini: Path) -> None:
    text = mini.read_text(encoding="utf-8")
    checked = invoke("check", "-", input=text)
    assert checked.exit_code == 0 and checked.stdout.startswith("<stdin>: ok")
    assert invoke("topics", "--facts", "-", input=text).stdout == invoke("topics", "--facts", str(mini)).stdout
    broken = invoke("check", "-", input="schema = 1\n[store\n")
    assert broken.exit_code == 2 and broken.stdout.startswith("<stdin>:2:")


def test_a_dash_is_standard_output_for_the_picture(mini: Path) -> None:
    result = invoke("topics", "--svg", "-", "--facts", str(mini))
    assert result.exit_code == 0 and result.stdout.startswith("<svg") and result.stdout.rstrip().endswith("</svg>")


def test_check_reports_in_json_and_refuses_topics_named_like_commands(mini: Path, tmp_path: Path) -> None:
    report = json.loads(invoke("check", str(mini), "--json").stdout)
    assert report["ok"] is True and report["facts"] > 0 and report["problems"] == []
    clashing = tmp_path / "clash.toml"
    clashing.write_text(mini.read_text(encoding="utf-8").replace('aliases = ["weather"', 'aliases = ["search", "weather"', 1), encoding="utf-8")
    assert 'aliases = ["search", "weather"' in clashing.read_text(encoding="utf-8")
    result = invoke("check", str(clashing), "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 2 and report["ok"] is False
    assert any("named 'search', which is a command" in problem for problem in report["problems"])


@pytest.mark.parametrize("command", ["search", "show", "fact"])
def test_a_command_without_its_argument_shows_what_it_does_and_examples(command: str) -> None:
    result = invoke(command)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"hamhung {command}: ") and "missing" in lines[1]
    assert sum(line.startswith(f"  hamhung {command if command != 'show' else ''}") for line in lines) == 2


def test_a_question_typed_straight_after_hamhung_is_a_search(mini: Path) -> None:
    assert invoke("vinalon", "--facts", str(mini)).stdout == invoke("search", "vinalon", "--facts", str(mini)).stdout != ""
    words = invoke("climate", "humidity", "august", "--facts", str(mini))
    assert words.exit_code == 0 and words.stdout.split("\t")[2] == "climate-kma.humidity.aug"
    typo = invoke("climat", "--facts", str(mini))
    assert typo.exit_code == 2 and "did you mean: climate?" in typo.stderr
    topic = invoke("weather", "--facts", str(mini))
    assert topic.exit_code == 0 and topic.stdout == invoke("climate", "--facts", str(mini)).stdout


def test_an_unexpected_exception_is_one_line(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("hamhung_cli.views.topics_listing", broken)
    result = invoke("topics", "--facts", str(mini))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "hamhung: internal error: RuntimeError: a bug (HAMHUNG_DEBUG=1 shows the details; please report it)\n"
    detailed = invoke("topics", "--facts", str(mini), env={"HAMHUNG_DEBUG": "1"})
    assert "Traceback" in detailed.stderr and detailed.stderr.endswith("please report it)\n")


def test_install_completion_says_which_files_it_changed(tmp_path: Path) -> None:
    result = subprocess.run(
        [installed_command(), "--install-completion", "bash"], capture_output=True, text=True, env=clean_env(HOME=str(tmp_path)), timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert f"changed {tmp_path / '.bashrc'}" in result.stderr and (tmp_path / ".bashrc").read_text(encoding="utf-8").strip()


# --------------------------------------------------------------------------- files written whole, or not at all


def test_svg_onto_something_that_is_not_a_regular_file_is_refused_and_left_alone(mini: Path, tmp_path: Path) -> None:
    pictures = tmp_path / "pictures"  # a folder of its own: the cache may live beside it in tmp_path
    pictures.mkdir()
    target = pictures / "real.svg"
    target.write_text("kept", encoding="utf-8")
    link = pictures / "link.svg"
    link.symlink_to(target)
    fifo = pictures / "fifo.svg"
    os.mkfifo(fifo)
    for path in (link, fifo, pictures):
        result = invoke("topics", "--svg", str(path), "--facts", str(mini))
        assert result.exit_code == 2 and result.stdout == "", path
        assert result.stderr.startswith(f"hamhung: error: cannot write SVG to {path}") and result.stderr.count("\n") == 1
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "kept" and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in pictures.iterdir()) == ["fifo.svg", "link.svg", "real.svg"], "no temporary file left"


def test_svg_onto_dev_null_is_refused_and_dev_null_stays_a_device(mini: Path) -> None:
    result = invoke("topics", "--svg", os.devnull, "--facts", str(mini))
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_svg_over_an_existing_file_keeps_its_mode(mini: Path, tmp_path: Path) -> None:
    picture = tmp_path / "topics.svg"
    picture.write_text("old", encoding="utf-8")
    os.chmod(picture, 0o600)
    assert invoke("topics", "--svg", str(picture), "--facts", str(mini)).exit_code == 0
    assert picture.read_text(encoding="utf-8").startswith("<svg") and stat.S_IMODE(picture.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- the installed command


def test_help_in_an_ascii_locale_prints_every_time(tmp_path: Path) -> None:
    env = clean_env(PYTHONIOENCODING="ascii", HAMHUNG_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([installed_command(), "--help"], capture_output=True, env=env, timeout=60) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0] and runs[0].stdout == runs[1].stdout and b"Usage: hamhung" in runs[0].stdout


def test_ctrl_c_while_starting_ends_quietly(tmp_path: Path) -> None:
    """Interrupted at several moments of start-up: never a traceback of ours, always the interrupted status.

    A signal that lands while the interpreter itself is still starting (importing `site`, before any line of
    hamhung runs) gets Python's own "Fatal Python error" report, which no program can change: such a sample is
    taken again a little later."""
    for delay in (0.02, 0.035, 0.05, 0.08):
        for _ in range(5):
            process = subprocess.Popen(
                [installed_command(), "search", "vinalon"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(HAMHUNG_CACHE_DIR=str(tmp_path))
            )
            time.sleep(delay)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
            if not stderr.startswith(b"Fatal Python error: init_import_site"):
                break
            delay += 0.01
        assert b"Traceback" not in stderr, (delay, stderr)
        assert process.returncode in (0, 130, -signal.SIGINT), (delay, process.returncode, stderr)
