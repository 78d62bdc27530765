"""A search's best result shown as the answer, on a terminal, when it is clearly ahead of the rest.

The answer is the fact's text, its figure and unit, both sides where the sources disagree, and its source; then
the next few results as a short list. In a pipe and in every --format the search prints its records as always.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from .items import document_citations, document_text, split_item_id
from .listing import figure
from .render import make_console
from .store import Citation, MonthlyRow, Store
from .text import inert

if TYPE_CHECKING:
    from .search import Result

ANSWER_SCORE = 0.8  # the best result is an answer from this score (80 of 100) ...
ANSWER_LEAD = 0.1  # ... when the next one is at least this far behind
MORE_RESULTS = 4


def clear_answer(results: list[Result]) -> bool:
    best = results[0]
    return best.score >= ANSWER_SCORE and (len(results) == 1 or best.score - results[1].score >= ANSWER_LEAD)


def _figure(store: Store, result: Result) -> str | None:
    """The answer's figure and unit, as the store gives them (in the --units asked for)."""
    doc = result.document
    fact = store.facts.get(doc.id) if doc.kind == "fact" else None
    if fact is not None:
        return None if fact.value is None else figure(fact.value, fact.unit)
    table, row, month = split_item_id(store, doc.id)
    if table is not None and isinstance(row, MonthlyRow) and month is not None:
        value = row.values[month] if month < 12 else row.year
        return None if value is None else figure(value, row.unit)
    return None


def _short_sources(store: Store, citations: tuple[Citation, ...]) -> str:
    """Each source as publisher, title and part, once: the full reference is one `hamhung fact ID` away."""
    parts = []
    for citation in citations:
        source = store.source_of(citation)
        parts.append(f"{source.publisher}, “{source.title}”" + (f", {source.part.split(' — ')[0]}" if source.part else ""))
    return "; ".join(dict.fromkeys(parts))


def _print_indented(console: Any, text: Any, spaces: int) -> None:
    """Text wrapped to the width left after the indent, every line indented, none padded with trailing spaces."""
    for line in text.wrap(console, max(20, console.width - spaces)):
        line.rstrip()
        console.print(line.__class__(" " * spaces) + line)


def write_answer(store: Store, results: list[Result], out: IO[str], color: bool, width: int | None) -> None:
    from rich.text import Text

    console = make_console(out, color, width)
    best = results[0]
    doc = best.document
    _print_indented(console, Text(inert(document_text(store, doc)), style="bold"), 0)
    figure = _figure(store, best)
    if figure:
        _print_indented(console, Text(inert(figure), style="cyan"), 2)
    fact = store.facts.get(doc.id) if doc.kind == "fact" else None
    if fact is not None and fact.disputed:
        console.print(Text("  The sources disagree:", style="yellow"))
        for claim in fact.claims:
            _print_indented(console, Text(f"• {inert(claim.text)} ({inert(_short_sources(store, claim.sources))})"), 4)
    citations = document_citations(store, doc.id)
    if citations and not (fact is not None and fact.disputed):
        _print_indented(console, Text(f"Source: {inert(_short_sources(store, citations))}", style="dim"), 2)
    _print_indented(console, Text(f"{doc.id} · score {best.percent} · more: hamhung fact {doc.id}", style="dim"), 2)
    others = results[1 : 1 + MORE_RESULTS]
    if others:
        console.print()
        console.print(Text("Also relevant:", style="bold"))
        for result in others:
            line = Text(f"{result.percent:>3}  ")
            line.append(result.document.id, style="cyan")
            line.append(f"  {inert(document_text(store, result.document))}")
            line.truncate(max(20, console.width - 2), overflow="ellipsis")
            console.print(Text("  ") + line)
