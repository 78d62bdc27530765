"""Every screenshot in README.md is exactly what scripts/screenshots.py draws today with the tool's own --svg."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


screenshots = load_script()


def readme_images() -> list[str]:
    return re.findall(r"!\[[^\]]*\]\((docs/[^)\s]+\.svg)\)", README.read_text(encoding="utf-8"))


def test_the_readme_shows_every_screenshot_and_only_those() -> None:
    images = readme_images()
    assert images, "README.md shows screenshots"
    assert sorted(images) == sorted(f"docs/{shot.name}.svg" for shot in screenshots.SHOTS)


@pytest.mark.parametrize("shot", screenshots.SHOTS, ids=lambda shot: shot.name)
def test_each_screenshot_is_reproduced_by_the_script(shot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh = screenshots.shoot(shot, tmp_path).read_bytes()
    committed = ROOT / "docs" / f"{shot.name}.svg"
    assert committed.is_file(), f"{committed} is missing: run python scripts/screenshots.py"
    assert committed.read_bytes() == fresh, f"{committed.name} is stale: run python scripts/screenshots.py, look at the pictures, commit them"
    assert b"Hamh" in fresh and fresh.startswith(b"<svg")


def test_the_script_reports_a_stale_picture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "docs"
    stale.mkdir()
    (stale / "overview.svg").write_text("<svg>old</svg>", encoding="utf-8")
    monkeypatch.setattr(screenshots, "DOCS", stale)
    monkeypatch.setattr(screenshots, "ROOT", tmp_path)
    monkeypatch.setattr(screenshots, "SHOTS", screenshots.SHOTS[:1])
    assert screenshots.main(["--check"]) == 1
    assert screenshots.main(["--bogus"]) == 2
