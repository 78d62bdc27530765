"""The installed `hamhung` console script, as a shell user runs it: pipes, a pseudo-terminal, signals, odd locales."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from .conftest import clean_env, installed_command

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes and pseudo-terminals")


def hamhung(*args: str, env: dict[str, str] | None = None, **kwargs):  # type: ignore[no-untyped-def]
    return subprocess.run([installed_command(), *args], capture_output=True, text=True, env=env or clean_env(), timeout=60, **kwargs)


def test_pipe_gets_tab_separated_records_without_decoration() -> None:
    result = hamhung("climate")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["climate-kma", "mean-max"]
    rows = [line for line in lines if line.startswith("climate-kma\t")]
    assert len(rows) == 7 and all(len(line.split("\t")) == 17 for line in rows)
    assert all(len(line.split("\t")) == 3 for line in lines[7:]), "then the page's facts: id, text, disputed"
    assert "\x1b" not in result.stdout and "━" not in result.stdout


def test_done_when_checks() -> None:
    assert "vinalon" in hamhung("search", "vinalon").stdout.lower()
    data = json.loads(hamhung("climate", "--json").stdout)
    assert any(r["measure"] == "precipitation" and r["year"] == 830.0 for r in data)
    eiffel = hamhung("search", "Eiffel Tower")
    assert eiffel.returncode == 1 and eiffel.stdout == "" and "nothing found" in eiffel.stderr


def read_pty(
    args: list[str], env: dict[str, str], columns: int = 100, lines: int = 0, keys: tuple[bytes, ...] = (), columns_variable: bool = True
) -> tuple[int, str]:
    """Run in a pseudo-terminal and return (exit status, everything it printed).

    The environment is exactly `env` (execve: readline in the test process exports LINES behind os.environ's back).
    `lines` gives the terminal that many rows (else its size is unknown, 0, and nothing is paged); `keys` are typed a second apart.
    Without `columns_variable`, only the window says how wide the terminal is (COLUMNS is unset).
    """
    pid, fd = pty.fork()
    if pid == 0:  # child
        if lines:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        os.execve(args[0], args, {**env, "COLUMNS": str(columns)} if columns_variable else env)
    for typed in keys:
        time.sleep(1.0)
        os.write(fd, typed)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def test_terminal_gets_a_coloured_table() -> None:
    code, out = read_pty([installed_command(), "climate"], clean_env(TERM="xterm-256color"))
    assert code == 0, out
    assert "\x1b[" in out, "colour on a terminal"
    assert "━" in out and "Month" in out and "Korea Meteorological" in out


def test_terminal_gets_the_dashboard_and_drawn_charts() -> None:
    code, out = read_pty([installed_command()], clean_env(TERM="xterm-256color"), columns=160)
    assert code == 0, out
    assert "\x1b[" in out and "Key figures" in out and "╭" in out
    code, chart = read_pty([installed_command(), "climate", "--chart", "--source", "both"], clean_env(TERM="xterm-256color"), columns=40)
    text = re.sub("\x1b\\[[0-9;]*m", "", chart)
    assert code == 0 and "\x1b[" in chart, chart
    assert max(len(line) for line in text.splitlines()) <= 40 and "●" in text and "◆" in text and "Precipitation, mm" in text


def test_terminal_respects_no_color() -> None:
    code, out = read_pty([installed_command(), "topics"], clean_env(TERM="xterm-256color", NO_COLOR="1"))
    assert code == 0 and "\x1b[" not in out and "climate" in out


def test_broken_pipe_is_quiet() -> None:
    shell = f"'{installed_command()}' search hamhung --limit 500 | head -1; '{installed_command()}' sources --json | head -c 10"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, env=clean_env(), timeout=60)
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    assert result.stderr == ""


def test_full_disk_is_an_error_not_a_traceback() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([installed_command(), "sources"], stdout=full, stderr=subprocess.PIPE, text=True, env=clean_env(), timeout=60)
    assert result.returncode == 2
    assert "cannot write output" in result.stderr and "Traceback" not in result.stderr


def test_ascii_only_output_degrades_instead_of_crashing() -> None:
    result = hamhung("search", "함흥", env=clean_env(PYTHONIOENCODING="ascii", LANG="C", LC_ALL="C"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii() and "Hamhung" in result.stdout
    table = hamhung("climate", "-f", "table", env=clean_env(PYTHONIOENCODING="ascii"))
    assert table.returncode == 0 and table.stdout.isascii() and "-3.4" in table.stdout


def test_ctrl_c_exits_130_quietly(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    lines = ['schema = 1\n[[topic]]\nid = "t"\ntitle = "T"\n[[source]]\nid = "s"\ntitle = "S"\npublisher = "P"\ndocument = "x"\npart = "p"\n']
    lines += [f'[[fact]]\nid = "t.f{i}"\ntopic = "t"\ntext = "fact number {i} about things"\nsources = ["s"]\n' for i in range(60000)]
    big.write_text("".join(lines), encoding="utf-8")
    process = subprocess.Popen([installed_command(), "search", "things", "--facts", str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"Traceback" not in err


def test_bad_store_message_names_file_and_line(tmp_path: Path) -> None:
    store = tmp_path / "broken.toml"
    store.write_text('schema = 1\n[store\nname = "x"\n', encoding="utf-8")
    result = hamhung("topics", "--facts", str(store))
    assert result.returncode == 2
    assert result.stderr.startswith(f"hamhung: error: {store}:2:") and result.stderr.count("\n") == 1


def test_explain_names_the_same_column_whatever_the_hash_seed() -> None:
    """A word held in two equally good columns is explained the same way every run, not by set order."""
    outputs = {
        hamhung("search", "sister", "city", "--explain", "--format", "tsv", env={**clean_env(), "PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)
    }
    assert len(outputs) == 1, outputs


@pytest.mark.parametrize("columns", [4, 8])
def test_a_chart_on_a_terminal_narrower_than_its_labels_is_cropped_not_an_error(columns: int) -> None:
    """Only the window gives the width here (no COLUMNS, which is kept at 10 or more)."""
    command = [installed_command(), "climate", "--chart", "--source", "both"]
    status, printed = read_pty(command, clean_env(), columns=columns, lines=40, columns_variable=False)
    assert status == 0 and "error" not in printed, printed[-500:]
