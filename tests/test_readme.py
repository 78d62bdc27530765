"""README.md starts with use: short, the two set-up commands first, the rest one link away in docs/."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"

INSTALL = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/hamhung climate"
TEST = ".venv/bin/pip install '.[test]' && .venv/bin/python -m pytest"


def test_the_readme_is_short_and_starts_with_the_two_set_up_commands() -> None:
    data = README.read_bytes()
    assert len(data) <= 15 * 1024
    first = data.decode("utf-8").splitlines()[:30]
    assert INSTALL in first and TEST in first, ".ci/run greps for each, alone on its line"


def test_every_link_to_the_docs_leads_to_a_file_and_every_doc_is_linked() -> None:
    text = README.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", text))
    assert all((ROOT / link).is_file() for link in linked), linked
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= linked
    for doc in (ROOT / "docs").glob("*.md"):
        assert "](../README.md)" in doc.read_text(encoding="utf-8"), doc.name
