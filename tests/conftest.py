"""Shared fixtures: a CliRunner, the small test store and the bundled store."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamhung_cli.store import default_store_path

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.toml"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user setting leaks in: no HAMHUNG_FACTS, no NO_COLOR, a private cache dir."""
    for name in ("HAMHUNG_FACTS", "NO_COLOR", "HAMHUNG_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HAMHUNG_PAGER", "")  # no pager unless a test sets one
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def _module_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def shared_cache(_isolated_env: None, _module_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One cache for a whole test module (`pytestmark = pytest.mark.usefixtures("shared_cache")`), so the bundled
    store's database is built once, not once per test: for modules that read the store and never tamper with the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_module_cache))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def mini() -> Path:
    return MINI


@pytest.fixture
def store_copy(tmp_path: Path, mini: Path) -> Path:
    """A private copy of the mini store, for tests that edit it or cache it."""
    path = tmp_path / "store.toml"
    shutil.copy(mini, path)
    return path


@pytest.fixture
def bundled() -> Path:
    return Path(default_store_path())


def installed_command() -> str:
    """The `hamhung` console script of the environment running the tests."""
    beside = Path(sys.executable).with_name("hamhung")
    if beside.exists():
        return str(beside)
    found = shutil.which("hamhung")
    if not found:
        pytest.fail("the hamhung console script is not installed in this environment")
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a run of the installed command: no user settings, and no pager unless a test sets one
    (a page on a pseudo-terminal would otherwise wait in less for a key)."""
    env = {k: v for k, v in os.environ.items() if k not in ("HAMHUNG_FACTS", "NO_COLOR", "COLUMNS", "HAMHUNG_COLOR")}
    env["HAMHUNG_PAGER"] = ""
    env.update(extra)
    return env
