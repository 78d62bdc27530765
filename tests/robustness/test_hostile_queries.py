"""Whatever a user types as a query or an option: a clear usage error (exit 2) or a sane answer, never a crash.

Long case lists run the Typer app in process; the installed script (its fast path first) runs the
cases that need a real process: raw bytes as argv, 100 KB arguments, an ASCII locale, and a sample of the rest.
"""

from __future__ import annotations

import json
import time

import pytest

from hamhung_cli.commands import MAX_LIMIT, MAX_QUERY_CHARS

from ..conftest import clean_env
from .conftest import installed, run


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One warm cache for the module, so each run pays for start-up, not for indexing."""
    return clean_env(HAMHUNG_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _warm_cache(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMHUNG_CACHE_DIR", env["HAMHUNG_CACHE_DIR"])


def usage_error(result, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout in ("", b"")
    stderr = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
    assert fragment in stderr and "Traceback" not in stderr, stderr


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\u3000\u00a0"], ids=["empty", "spaces", "tab-newline", "unicode-spaces"])
def test_an_empty_query_is_a_usage_error(env: dict[str, str], query: str) -> None:
    usage_error(installed("search", query, env=env), "the search query is empty")
    usage_error(run("search", query), "the search query is empty")


def test_no_query_at_all_is_a_usage_error() -> None:
    usage_error(run("search"), "missing QUERY…")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("a" * 100_000, id="one-100kb-word"),
        pytest.param(" ".join(f"w{i}" for i in range(15_000))[:100_000], id="100kb-of-distinct-words"),
        pytest.param("vinalon " * 12_500, id="100kb-of-one-word"),
    ],
)
def test_a_100_kb_query_is_refused_quickly(env: dict[str, str], query: str) -> None:
    started = time.monotonic()
    usage_error(installed("search", query, env=env), f"at most {MAX_QUERY_CHARS:,} are allowed")
    assert time.monotonic() - started < 10


def test_a_query_at_the_limit_is_answered(env: dict[str, str]) -> None:
    query = ("vinalon " + " ".join(f"zq{i}" for i in range(400)))[:MAX_QUERY_CHARS]
    result = installed("search", query, env=env)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("\x01\x02\x03", id="c0-controls"),
        pytest.param("vinalon\x00", id="nul"),
        pytest.param("\x1b[31mvinalon\x1b[0m", id="ansi-around-a-word"),
        pytest.param("\x1b]0;pwned\x07", id="osc-title"),
        pytest.param("\x7f\x9b", id="del-and-c1"),
        pytest.param("\u202evinalon", id="bidi-override"),
        pytest.param("vi\u200bnalon", id="zero-width-inside"),
    ],
)
def test_control_characters_in_a_query(query: str) -> None:
    result = run("search", "--", query)
    assert result.returncode in (0, 1), result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr, "echoed inert"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "query",
    [".*", "(", "[", "\\", "^$", "a|b", "(?i)vinalon", "%s%n", "{0}", "*", "+?", "$(rm -rf /)", "'; DROP TABLE facts; --", "--"],
)
def test_regex_and_shell_metacharacters_are_plain_text(query: str) -> None:
    result = run("search", "--", query)
    assert result.returncode in (0, 1), result.stderr
    if query in (".*", "*", "^$"):
        assert result.returncode == 1, "a pattern is not a wildcard: it matches nothing"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "words",
    [
        pytest.param([b"\xff\xfe", b"vinalon"], id="invalid-bytes-beside-a-word"),
        pytest.param([b"vin\xe9lon"], id="latin-1-word"),
        pytest.param([b"\xed\xa0\x80"], id="encoded-surrogate"),
        pytest.param([b"\xc3"], id="truncated-sequence"),
    ],
)
def test_invalid_utf8_from_the_shell(env: dict[str, str], words: list[bytes]) -> None:
    result = installed(b"search", b"--json", b"--explain", b"--", *words, env=env, text=False)
    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stderr
    if result.returncode == 0:
        assert json.loads(result.stdout.decode("utf-8"))[0]["id"] == "economy.vinalon"
    else:
        assert result.stdout == b"" and result.stderr.startswith(b"hamhung: nothing found")


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        pytest.param([b"fact", b"\xff"], 1, id="fact-id"),
        pytest.param([b"\xff\xfe"], 1, id="first-word"),
        pytest.param([b"show", b"\xff"], 2, id="show-topic"),
        pytest.param([b"search", b"vinalon", b"--topic", b"\xff"], 2, id="topic-option"),
        pytest.param([b"climate", b"--source", b"\xff"], 2, id="source-option"),
        pytest.param([b"topics", b"--fields", b"id,\xff"], 2, id="fields-option"),
        pytest.param([b"topics", b"--facts", b"/nonexistent/\xff.toml"], 2, id="facts-path"),
        pytest.param([b"topics", b"--format", b"\xff"], 2, id="format-option"),
    ],
)
def test_invalid_utf8_in_other_arguments(env: dict[str, str], argv: list[bytes], code: int) -> None:
    result = installed(*argv, env=env, text=False)
    assert result.returncode == code, result.stderr
    assert result.stdout == b"" and result.stderr and b"Traceback" not in result.stderr
    result.stderr.decode("utf-8")  # whatever it quotes, it writes valid UTF-8


def test_hangul_typed_in_an_ascii_locale_is_recovered(env: dict[str, str]) -> None:
    """LC_ALL=C without UTF-8 mode decodes argv as ASCII; a query that is valid UTF-8 is read as such."""
    ascii_env = {**env, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    result = installed(b"search", "비날론".encode(), b"--fields", b"id", env=ascii_env, text=False)
    assert result.returncode == 0, result.stderr
    assert b"economy.vinalon" in result.stdout


@pytest.mark.parametrize("limit", ["0", "-1", "-99999999999999999999", "abc", "1.5", "", "1e3"])
def test_a_bad_limit_is_a_usage_error(limit: str) -> None:
    usage_error(run("search", "vinalon", "--limit", limit), "--limit")


@pytest.mark.parametrize("limit", [str(MAX_LIMIT + 1), "99999999999999999999999999999"])
def test_a_huge_limit_is_capped(env: dict[str, str], limit: str) -> None:
    result = installed("search", "hamhung", "--limit", limit, "--json", env=env)  # the fast path parses --limit itself
    assert result.returncode == 0, result.stderr
    assert 10 < len(json.loads(result.stdout)) <= MAX_LIMIT


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        pytest.param(["search", "vinalon", "-f", "yaml"], "'yaml' is not one of", id="unknown-format"),
        pytest.param(["search", "vinalon", "--format", ""], "is not one of", id="empty-format"),
        pytest.param(["climate", "--format=JSONX"], "is not one of", id="near-format"),
        pytest.param(["topics", "--json", "--format", "csv"], "--json, --plain and --format choose the same thing", id="json-and-format"),
        pytest.param(["topics", "--color", "rainbow"], "is not one of", id="unknown-colour"),
        pytest.param(["climate", "--only", "rows"], "is not one of", id="unknown-only"),
        pytest.param(["topics", "--fields", "id,nosuch"], "unknown field(s) nosuch", id="unknown-field"),
        pytest.param(["topics", "--fields", ",,"], "--fields needs at least one field name", id="empty-fields"),
        pytest.param(["climate", "--source", "nowhere"], "no table of topic 'climate' matches", id="unknown-source"),
        pytest.param(["history", "--source", "kma"], "has no tables", id="source-on-a-topic-without-tables"),
        pytest.param(["search", "vinalon", "--topic", "nowhere"], "no topic 'nowhere'", id="unknown-topic-option"),
        pytest.param(["search", "vinalon", "--nosuch"], "No such option", id="unknown-option"),
        pytest.param(["climat"], "no command or topic 'climat'", id="typo-of-a-command"),
        pytest.param(["topics", "extra"], "Got unexpected extra argument", id="extra-argument"),
        pytest.param(["--facts"], "requires an argument", id="option-without-value"),
        pytest.param(["fact"], "missing ID…", id="fact-without-id"),
    ],
)
def test_unknown_options_and_values_are_usage_errors(argv: list[str], fragment: str) -> None:
    usage_error(run(*argv), fragment)


@pytest.mark.parametrize(
    "argv", [["search", "vinalon", "--limit", "0"], ["search", "a" * 2000], ["topics", "--fields", "nosuch"], ["climate", "--source", "x"]]
)
def test_the_installed_script_agrees(argv: list[str], env: dict[str, str]) -> None:
    result = installed(*argv, env=env)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.startswith(("hamhung: error: ", "Usage: ")), result.stderr
