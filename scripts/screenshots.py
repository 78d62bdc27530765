"""Regenerate the SVG screenshots that README.md shows, with the tool's own --svg.

    python scripts/screenshots.py            # rewrite docs/*.svg
    python scripts/screenshots.py --check    # exit 1 if any differs from what the tool draws now

Each shot runs `python -m hamhung_cli ARGS --svg docs/NAME.svg` on the bundled
store, 80 columns wide, with no user settings (HAMHUNG_*, NO_COLOR) leaking in.
The pictures are deterministic, so tests/test_screenshots.py can demand that
every screenshot in the README is exactly what this script makes today.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
WIDTH = 80


class Shot(NamedTuple):
    name: str  # docs/NAME.svg
    args: tuple[str, ...]  # what follows `hamhung`


SHOTS = (
    Shot("overview", ()),
    Shot("climate", ("climate", "--only", "tables")),
    Shot("districts", ("districts", "--fields", "id,name,rr,hangul")),
    Shot("search-vinalon", ("search", "vinalon", "--limit", "3")),
)


def environment() -> dict[str, str]:
    """The caller's environment minus anything that changes what the tool draws."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAMHUNG_") or k == "HAMHUNG_CACHE_DIR"}
    for name in ("NO_COLOR", "FORCE_COLOR", "LINES"):
        env.pop(name, None)
    env.update(COLUMNS=str(WIDTH), PYTHONIOENCODING="utf-8")
    return env


def shoot(shot: Shot, directory: Path) -> Path:
    """Draw one screenshot into directory; stdout (the normal output) is discarded."""
    target = directory / f"{shot.name}.svg"
    command = [sys.executable, "-m", "hamhung_cli", *shot.args, "--svg", str(target)]
    result = subprocess.run(command, cwd=ROOT, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:])} exited {result.returncode}: {result.stderr.strip()}")
    return target


def main(argv: list[str]) -> int:
    if argv not in ([], ["--check"]):
        print(__doc__, file=sys.stderr)
        return 2
    if not argv:
        DOCS.mkdir(exist_ok=True)
        for shot in SHOTS:
            print(shoot(shot, DOCS).relative_to(ROOT))
        return 0
    stale = []
    with tempfile.TemporaryDirectory() as scratch:
        for shot in SHOTS:
            fresh = shoot(shot, Path(scratch)).read_bytes()
            committed = DOCS / f"{shot.name}.svg"
            if not committed.is_file() or committed.read_bytes() != fresh:
                stale.append(committed.relative_to(ROOT))
    for path in stale:
        print(f"{path} is out of date: run python scripts/screenshots.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
