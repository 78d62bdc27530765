"""Odd environments: no locale, odd terminals and widths, no home, a cache that cannot be written, races, closed or full outputs, Ctrl-C.

Everything runs the installed script in a subprocess or a pseudo-terminal, as cron or a shell would.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from hamhung_cli import cache
from hamhung_cli.session import Session

from ..conftest import clean_env, installed_command
from ..test_installed import read_pty
from .conftest import as_ordinary_user, installed

SGR = re.compile(r"\x1b\[[0-9;]*m")


def bare_env(**extra: str) -> dict[str, str]:
    """What cron gives: PATH and little else (no HOME, no LANG, no TERM)."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HAMHUNG_PAGER": "", **extra}


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    """Reference outputs, made with the cache switched off."""
    env = clean_env(HAMHUNG_CACHE_DIR="")
    return {name: installed(*argv, env=env).stdout for name, argv in COMMANDS.items()}


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A cache directory already holding the bundled store and its index: tests that are not about the cache pay only for start-up."""
    directory = str(tmp_path_factory.mktemp("warm-cache"))
    assert installed("search", "vinalon", env=clean_env(HAMHUNG_CACHE_DIR=directory)).returncode == 0
    return directory


COMMANDS = {  # one reads the store only, one the store and the search index
    "climate": ["climate", "--json"],
    "search": ["search", "함흥", "--limit", "3"],
}


# --------------------------------------------------------------------------- locale and encoding


@pytest.mark.parametrize(
    "locale",
    [
        pytest.param({"LANG": "C", "LC_ALL": "C"}, id="LC_ALL=C"),
        pytest.param({"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}, id="LC_ALL=C-without-utf8-mode"),
        pytest.param({"PYTHONIOENCODING": "ascii"}, id="PYTHONIOENCODING=ascii"),
        pytest.param({"PYTHONIOENCODING": "latin-1"}, id="PYTHONIOENCODING=latin-1"),
    ],
)
@pytest.mark.parametrize(
    "argv",
    [["history", "-f", "table"], ["search", "--json", "Hamhŭng"], ["가나다라없음"]],
    ids=["topic-page", "json", "error-with-hangul"],
)
def test_without_a_utf8_locale(locale: dict[str, str], argv: list[str], warm: str) -> None:
    result = installed(*argv, env=bare_env(HAMHUNG_CACHE_DIR=warm, **locale), text=False)
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    if argv == ["가나다라없음"]:
        assert result.returncode == 1 and result.stderr.startswith(b"hamhung: nothing found for")  # a word that is no command: a search
        return
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    if argv[-1:] == ["Hamhŭng"]:
        assert json.loads(result.stdout)[0]["id"]
    encoding = locale.get("PYTHONIOENCODING") or ("ascii" if locale.get("PYTHONUTF8") == "0" else "utf-8")
    result.stdout.decode(encoding)  # everything the stream could not encode was transliterated, not dropped into an error


# --------------------------------------------------------------------------- terminals and widths


def test_term_dumb_on_a_terminal_has_no_colour(warm: str) -> None:
    code, out = read_pty([installed_command(), "climate"], bare_env(TERM="dumb", HAMHUNG_CACHE_DIR=warm))
    assert code == 0 and "Mean" in out and "\x1b[" not in out
    code, out = read_pty([installed_command(), "climate", "--color", "always"], bare_env(TERM="dumb", HAMHUNG_CACHE_DIR=warm))
    assert code == 0 and "\x1b[" in out, "--color always wins over TERM=dumb"


def test_no_term_at_all_on_a_terminal(warm: str) -> None:
    code, out = read_pty([installed_command(), "topics"], bare_env(HAMHUNG_CACHE_DIR=warm))
    assert code == 0 and "climate" in out


@pytest.mark.parametrize("columns", [20, 500])
def test_narrow_and_wide_terminals(columns: int, warm: str) -> None:
    for argv in (["climate"], ["disputes"], []):
        code, out = read_pty([installed_command(), *argv], bare_env(TERM="xterm-256color", HAMHUNG_CACHE_DIR=warm), columns=columns)
        assert code == 0, out
        lines = SGR.sub("", out).replace("\r\n", "\n").splitlines()
        assert len(lines) > 3
        assert max(len(line) for line in lines) <= columns, argv


@pytest.mark.parametrize("value", ["0", "5", "500", "100000", "-1", "abc", "²"])
def test_any_columns_value_in_a_pipe(value: str, warm: str) -> None:
    result = installed("climate", "-f", "table", env=clean_env(COLUMNS=value, HAMHUNG_CACHE_DIR=warm))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "Jan" in result.stdout and "-3.4" in result.stdout


@pytest.mark.parametrize("value", ["0", "abc", "²", "99999999999"])
def test_any_lines_value(value: str, warm: str) -> None:
    result = installed("history", "-f", "table", env=clean_env(LINES=value, COLUMNS="100", HAMHUNG_CACHE_DIR=warm))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "History" in result.stdout


def test_odd_lines_value_on_a_terminal(warm: str) -> None:
    """Typer's own help draws with Rich on a terminal, and Rich reads LINES."""
    for argv in (["--help"], ["climate"]):
        code, out = read_pty([installed_command(), *argv], bare_env(TERM="xterm", LINES="²", HAMHUNG_CACHE_DIR=warm))
        assert code == 0 and "Traceback" not in out, out


# --------------------------------------------------------------------------- home and cache directory


def test_no_home_and_no_cache_variables(expected: dict[str, str], tmp_path: Path) -> None:
    for name, argv in COMMANDS.items():
        result = installed(*argv, env=bare_env(), cwd=tmp_path)
        assert result.returncode == 0 and result.stdout == expected[name], result.stderr
    assert list(tmp_path.iterdir()) == [], "nothing written to the working directory"


def test_read_only_cache_directory(expected: dict[str, str], tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        for name, argv in COMMANDS.items():
            result = installed(*argv, env=bare_env(HAMHUNG_CACHE_DIR=str(directory)), preexec_fn=as_ordinary_user())
            assert result.returncode == 0 and result.stdout == expected[name], result.stderr
        assert list(directory.iterdir()) == [], "the child really could not write there"
    finally:
        directory.chmod(0o700)


def _tiny_file_size_limit() -> None:
    """A full disk, for this process only: no file may grow beyond 4 KiB (EFBIG instead of the default SIGXFSZ)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_full_cache_directory(expected: dict[str, str], tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    for name, argv in COMMANDS.items():
        # No bytecode written under the 4 KiB limit either: a truncated .pyc would break later runs of the package.
        result = installed(*argv, env=bare_env(HAMHUNG_CACHE_DIR=str(directory), PYTHONDONTWRITEBYTECODE="1"), preexec_fn=_tiny_file_size_limit)
        assert result.returncode == 0 and result.stdout == expected[name], result.stderr
    # No database fits in 4 KiB: nothing may be left behind, neither a half-written database nor a temporary file.
    assert directory.is_dir() and list(directory.iterdir()) == []


def test_cache_directory_is_a_file(expected: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    result = installed(*COMMANDS["search"], env=bare_env(HAMHUNG_CACHE_DIR=str(blocker)))
    assert result.returncode == 0 and result.stdout == expected["search"], result.stderr
    assert blocker.read_text() == "not a directory"


def test_two_processes_rebuild_the_cache_at_once(expected: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three cold runs at once on an empty cache directory: each prints the right answer, and the entries left behind are whole."""
    directory = tmp_path / "cache"
    env = bare_env(HAMHUNG_CACHE_DIR=str(directory))
    argv = COMMANDS["search"]
    processes = [subprocess.Popen([installed_command(), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    assert all(out == expected["search"] and err == "" for out, err in outputs)
    assert [p.suffix for p in directory.iterdir()] == [".sqlite"], "one whole database, no temporary files"
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", str(directory))
    assert cache.open_entry(Session(None).digest) is not None, "the database left is valid"


# --------------------------------------------------------------------------- closed and full outputs, signals


@pytest.mark.parametrize("argv", [["climate"], [], ["check"], ["--help"]], ids=lambda argv: " ".join(argv) or "overview")
def test_stdout_closed(argv: list[str], warm: str) -> None:
    shell = " ".join(f"'{a}'" for a in [installed_command(), *argv]) + " >&-"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=clean_env(HAMHUNG_CACHE_DIR=warm), timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "hamhung: error: cannot write output: standard output is closed\n"


def test_stdout_and_stderr_closed(warm: str) -> None:
    result = subprocess.run(
        ["bash", "-c", f"'{installed_command()}' climate >&- 2>&-; echo $?"], capture_output=True, text=True, env=clean_env(HAMHUNG_CACHE_DIR=warm), timeout=60
    )
    assert result.stdout == "2\n" and result.stderr == ""


@pytest.mark.parametrize(
    "argv",
    [["climate", "-f", "table"], ["search", "vinalon", "--json"], [], ["check"], ["--help"], ["--version"]],
    ids=lambda argv: " ".join(argv) or "overview",
)
def test_full_disk(argv: list[str], warm: str) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([installed_command(), *argv], stdout=full, stderr=subprocess.PIPE, text=True, env=clean_env(HAMHUNG_CACHE_DIR=warm), timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "hamhung: error: cannot write output: No space left on device\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["climate", "-f", "table", "--color", "always"],
        ["disputes", "-f", "table"],
        ["history", "-f", "table"],
        ["search", "hamhung", "--json", "--limit", "200"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_head_closes_the_pipe_quietly(argv: list[str], warm: str) -> None:
    shell = " ".join(f"'{a}'" for a in [installed_command(), *argv]) + " | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, env=clean_env(HAMHUNG_CACHE_DIR=warm), timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_ctrl_c_while_blocked_writing(tmp_path: Path) -> None:
    """SIGINT while stdout is full (nobody reads the pipe): exit 130, nothing on stderr."""
    store = tmp_path / "many.toml"
    facts = "".join(f'[[fact]]\nid = "t.f{i}"\ntopic = "t"\ntext = "fact {i} about many things in the city"\nsources = ["s"]\n' for i in range(3000))
    store.write_text('schema = 1\n[[topic]]\nid = "t"\ntitle = "T"\n[[source]]\nid = "s"\ntitle = "S"\npublisher = "P"\ndocument = "x"\npart = "p"\n' + facts)
    process = subprocess.Popen(
        [installed_command(), "t", "--facts", str(store), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(HAMHUNG_CACHE_DIR="")
    )
    time.sleep(1.5)  # loaded and blocked on a full pipe by now (the JSON is about a megabyte)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err == b""


def test_ctrl_c_on_a_terminal(tmp_path: Path) -> None:
    """^C typed on the terminal: the tty sends SIGINT to the foreground process; exit 130, no traceback on the screen."""
    import pty

    store = tmp_path / "big.toml"
    facts = "".join(f'[[fact]]\nid = "t.f{i}"\ntopic = "t"\ntext = "fact number {i} about things"\nsources = ["s"]\n' for i in range(40000))
    store.write_text('schema = 1\n[[topic]]\nid = "t"\ntitle = "T"\n[[source]]\nid = "s"\ntitle = "S"\npublisher = "P"\ndocument = "x"\npart = "p"\n' + facts)
    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is its controlling terminal
        os.execve(installed_command(), [installed_command(), "search", "things", "--facts", str(store)], clean_env(TERM="xterm", HAMHUNG_CACHE_DIR=""))
    time.sleep(1.0)
    os.write(fd, b"\x03")
    output = b""
    try:
        while chunk := os.read(fd, 65536):
            output += chunk
    except OSError:  # the child has gone and closed the terminal
        pass
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 130, output
    assert b"Traceback" not in output and b"Error" not in output, output
