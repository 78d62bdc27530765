"""The committed man page is what scripts/manpage.py generates now, covers every command and option, and is valid roff."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
import typer.main

from hamhung_cli.cli import app
from hamhung_cli.helptopics import ENVIRONMENT, EXIT_CODES, FORMATS

PAGE = Path(__file__).parent.parent / "hamhung.1"
_SPEC = importlib.util.spec_from_file_location("manpage", PAGE.parent / "scripts" / "manpage.py")
assert _SPEC is not None and _SPEC.loader is not None
manpage = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(manpage)
KNOWN_REQUESTS = {'.\\"', ".TH", ".SH", ".SS", ".PP", ".TP", ".B", ".br", ".RS", ".RE", ".nf", ".fi", ".nh", ".ad"}


@pytest.fixture(scope="module")
def page() -> str:
    return PAGE.read_text(encoding="ascii")


def test_committed_page_is_a_fresh_generation(page: str) -> None:
    assert page == manpage.render(), "hamhung.1 is stale: run python scripts/manpage.py -o hamhung.1"


def plain(page: str) -> str:
    """Roughly what a reader sees: escapes undone, requests dropped (enough to look for words)."""
    text = re.sub(r"\\\[u([0-9A-F]{4,5})\]", lambda m: chr(int(m.group(1), 16)), page)
    text = text.replace("\\-", "-").replace("\\e", "\\").replace("\\(dq", '"').replace("\\&", "")
    return re.sub(r"\\f[BIR]", "", text)


def test_every_command_option_and_reference_entry_is_in_it(page: str) -> None:
    text = plain(page)
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        if command.hidden:
            continue
        assert f'.SS "hamhung {name} ' in text, name
        section = text.split(f'.SS "hamhung {name} ', 1)[1].split(".SS ", 1)[0]
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                assert all(opt in section for opt in param.opts), (name, param.opts)
        assert (command.help or "").splitlines()[0] in section
    for param in group.params:
        assert all(opt in text for opt in param.opts), param.opts
    for entry in (*FORMATS, *EXIT_CODES, *ENVIRONMENT):
        assert f"\n{entry.term}\n{entry.text}\n" in text, entry.term


def test_roff_basics(page: str) -> None:
    """Checks that need no roff tool: ASCII input, known requests only, balanced blocks, escaped hyphens."""
    assert page.isascii()
    lines = page.splitlines()
    assert lines[0].startswith('.\\" ') and lines[1].startswith(".TH HAMHUNG 1 ")
    requests = [line.split()[0] for line in lines if line.startswith(".")]
    assert set(requests) <= KNOWN_REQUESTS, set(requests) - KNOWN_REQUESTS
    assert not any(line.startswith("'") for line in lines), "a leading apostrophe is a control line"
    assert requests.count(".nf") == requests.count(".fi") and requests.count(".RS") == requests.count(".RE")
    for line in lines[1:]:
        assert not re.search(r"(?<!\\)-", line), f"unescaped hyphen: {line}"
        assert not re.search(r"\\(?![-e&\[f(])", line), f"unknown escape: {line}"


def test_groff_renders_it_without_warnings() -> None:
    groff = shutil.which("groff")
    if groff is None:
        warnings.warn("groff is not installed: hamhung.1 was checked by test_roff_basics only", stacklevel=1)
        return
    lint = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", str(PAGE)], capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0 and lint.stderr == "", lint.stderr
    shown = subprocess.run([groff, "-man", "-Tutf8", str(PAGE)], capture_output=True, timeout=60)
    text = re.sub(r".\x08", "", shown.stdout.decode("utf-8"))  # drop overstrike bold/underline
    assert "hamhung search [OPTIONS] QUERY" in text and "함흥" in text and "HAMHUNG_ROMANIZATION" in text


def test_written_with_dash_o(tmp_path: Path) -> None:
    target = tmp_path / "hamhung.1"
    assert manpage.main(["-o", str(target)]) == 0
    assert target.read_text(encoding="ascii") == manpage.render()
    assert manpage.main(["--bogus"]) == 2
