"""Shared by the robustness suite: Hypothesis profiles, the installed script in a subprocess, and a way to drop root's file privileges.

The normal test command runs the CI profile (bounded examples). For a longer run:
HYPOTHESIS_PROFILE=long python -m pytest tests/robustness
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import NamedTuple

from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from hamhung_cli import commands, fast, session
from hamhung_cli.cli import app

from ..conftest import clean_env, installed_command

_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

EXIT_CODES = (0, 1, 2, 130)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    """The Typer app, in process (CliRunner keeps stdout and stderr apart)."""
    return CliRunner().invoke(app, list(args))


class Run(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str

    @property
    def returncode(self) -> int:
        return self.exit_code


def run(*args: str) -> Run:
    """What the console script does, in process: fast.py when it takes the argv (twenty times cheaper than CliRunner), else the Typer app.

    tests/test_fast.py and test_fuzz_cli.py hold the two paths to the same bytes; an exception escaping either fails the test.
    """
    session._LOADED.clear()  # a new process each time, as far as the store is concerned
    plan = fast.parse(list(args))
    if plan is not None:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = commands.run(*plan)
        if code is not None:
            return Run(code, out.getvalue(), err.getvalue())
    result = invoke(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    return Run(result.exit_code, result.stdout, result.stderr)


def installed(*args: str | bytes, env: dict[str, str] | None = None, text: bool = True, **kwargs):  # type: ignore[no-untyped-def]
    """The installed `hamhung` console script, as a shell runs it, with a private cache."""
    return subprocess.run([installed_command(), *args], capture_output=True, text=text, env=env or clean_env(), timeout=120, **kwargs)


def assert_one_error_line(result, prefix: str, fragment: str = "") -> str:  # type: ignore[no-untyped-def]
    """Exit 2, nothing on stdout, exactly one stderr line that starts with `prefix` (the location) and says `fragment`."""
    code = getattr(result, "exit_code", getattr(result, "returncode", None))
    stderr = result.stderr
    assert code == 2, (code, stderr)
    assert result.stdout == "", result.stdout
    assert "Traceback" not in stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert stderr.startswith(f"hamhung: error: {prefix}"), stderr
    assert fragment in stderr, stderr
    return stderr


def _drop_file_privileges() -> None:
    """In the child, before exec: root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH obeys file modes like anyone else."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def as_ordinary_user() -> Callable[[], None] | None:
    """A preexec_fn that makes file permissions bind even when the tests run as root (as in CI containers)."""
    return _drop_file_privileges if os.geteuid() == 0 else None


def cache_entries(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".bin") if directory.is_dir() else []
