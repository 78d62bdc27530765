"""Start-up, latency and memory benchmark for the installed `hamhung` command.

Run it from anywhere; it is never collected as a test:

    python benchmarks/run.py [--runs N] [--large N] [--large-runs N] [--venv PATH] [--json] [--strict]

What it does:

1. Creates a fresh virtual environment in a temporary directory (or uses, and creates if
   missing, the one given with --venv) with the Python running this script, and installs
   the project from the repository root with a plain, non-editable `pip install`, so the
   console script `<venv>/bin/hamhung` is what gets measured.
2. Fills the cache for the bundled store with one unmeasured run, then runs each command
   --runs times (default 15), each run paired with a run of `<venv>/bin/python -c pass` in
   the same loop (the order inside a pair alternates), after --warmup unmeasured pairs
   (default 1). It reports min / median / max wall time in ms for both, the ratio of the
   medians, and the peak RSS in MiB, measured in a separate run through a small launcher
   that forks the command and reports its ru_maxrss, with the output going where the timed
   runs send it (a child forked from this script would inherit the script's own high-water
   mark). Piped runs send stdout to a pipe that is read and discarded; terminal runs give
   the child the slave end of a pseudo-terminal (pty.openpty(), 100 columns,
   TERM=xterm-256color, COLUMNS=100, no pager) as stdout and stderr and drain the master end until the
   child exits. Stdin is /dev/null in both cases. Nothing is kept between runs but the
   cache: every run reads and hashes the store, opens its database and draws its page.
3. Unless --large 0: writes a synthetic, valid fact store with --large facts (default
   10000; the header blocks are copied from the repository's facts.toml). WORD occurs in
   exactly 100 facts. It times the first `hamhung search WORD --facts PATH` after the store
   appears, with no cache (it parses and validates the store and writes its database with
   the FTS index), and a first `hamhung topics --facts PATH` with the cache set aside (the
   same work), each with its peak memory measured in a run of its own. Then it pairs
   `hamhung TOPIC --facts PATH` and `hamhung search WORD --facts PATH`, piped, with the
   baseline --large-runs times (default 5), on the warm cache. Memory on the large store is
   reported for information only: its whole store is parsed in memory on a first run.

The cache is one SQLite database per store content, named by its hash, under
$XDG_CACHE_HOME/hamhung. Every run gets its own XDG_CACHE_HOME under the temporary
directory (one per store, kept across the runs on that store), so a user cache neither
helps nor hurts, and every HAMHUNG_* variable is removed from the environment. Each row
with a target is marked PASS or FAIL; the exit status is 0 unless --strict is given and a
target failed. The report is plain text with Markdown tables; --json prints the figures as
JSON instead. Progress goes to stderr.

Typical use:

    python benchmarks/run.py
    python benchmarks/run.py --runs 9 --large 10000
    python benchmarks/run.py --large 0 --venv /tmp/hamhung-bench-venv --json
"""

from __future__ import annotations

import argparse
import datetime
import fcntl
import json
import os
import platform
import pty
import random
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

REPO = Path(__file__).resolve().parent.parent
TERM_COLUMNS = 100
TERM_ROWS = 50

# Targets: median ratio against `python -c pass`, peak RSS in MiB, and seconds for a first run on the large store.
SMALL_MIB_TARGET = 30.0
LARGE_COLD_TARGET_S = 5.0  # the first search on a new large store: parse, validate, write the database and FTS index
LARGE_TOPIC_RATIO = 6.0
LARGE_SEARCH_RATIO = 6.0

# (label, arguments, output, target ratio or None)
SMALL_COMMANDS: list[tuple[str, list[str], str, float | None]] = [
    ("climate", ["climate"], "pipe", 3.0),
    ("search vinalon", ["search", "vinalon"], "pipe", 4.0),
    ("--help", ["--help"], "pipe", 8.0),
    ("topics", ["topics"], "pipe", None),
    ("climate", ["climate"], "terminal", 8.0),
    ("search vinalon", ["search", "vinalon"], "terminal", 8.0),
    ("--help", ["--help"], "terminal", None),
]

# Environment variables that change what the tool or the interpreter does at start-up, besides every HAMHUNG_* and
# PYTHON* variable (HAMHUNG_CACHE_DIR, for one, would move the cache out of the benchmark's XDG_CACHE_HOME).
SCRUBBED_ENV = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS", "LINES", "XDG_CACHE_HOME")
SCRUBBED_PREFIXES = ("PYTHON", "HAMHUNG_")

# The synthetic store: a word planted in exactly PLANTED_HITS facts, the rest from a fixed vocabulary.
SEARCH_WORD = "vinalon"
PLANTED_HITS = 100
PSEUDO_WORDS = 3000
SEED = 1991
REAL_WORDS = (
    "river mountain factory winter summer railway station market school theatre museum harbour chemical fertilizer noodles "
    "district province festival bridge library university hospital temple garden coast plain rainfall textile machine engine "
    "steel cotton rice fishing trolleybus airport dynasty king palace reconstruction famine party camp army city capital north "
    "east sea island valley forest snow wind harvest worker teacher student doctor writer painter envoy plant fibre"
).split()
TOPIC_PREFERENCE = "history"  # a topic id that is not also a command name

FALLBACK_HEADER = (
    """\
schema = 1

[store]
name = "Benchmark city"
summary = "A synthetic store for benchmarks/run.py."
names = { mr = "Benchmark", rr = "Benchmark", hangul = "벤치" }
aliases = ["bench"]
"""
    + "".join(
        f'\n[[topic]]\nid = "{slug}"\ntitle = "{slug.title()}"\nsummary = "Synthetic topic {slug}."\n'
        for slug in (
            "overview geography climate population history districts governance economy transport culture education human-rights military people twin-towns"
        ).split()
    )
    + "".join(
        f'\n[[source]]\nid = "bench-{n}"\ntitle = "Benchmark source {n}"\npublisher = "benchmarks/run.py"\ndocument = "none"\npart = "Part {n}"\n'
        for n in range(1, 5)
    )
)


class BenchError(RuntimeError):
    """A run failed or produced the wrong output: the figures would be meaningless."""


class Sample(NamedTuple):
    ms: float
    rss_mib: float
    returncode: int
    stdout: bytes
    stderr: bytes


@dataclass
class Row:
    section: str
    label: str
    output: str
    argv: list[str]
    target_ratio: float | None
    target_mib: float | None
    cmd_ms: list[float] = field(default_factory=list)
    base_ms: list[float] = field(default_factory=list)
    cmd_rss: list[float] = field(default_factory=list)
    base_rss: list[float] = field(default_factory=list)
    warmup_ms: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.cmd_ms) / statistics.median(self.base_ms)

    @property
    def peak_mib(self) -> float:
        return max(self.cmd_rss)

    @property
    def ratio_ok(self) -> bool | None:
        return None if self.target_ratio is None else self.ratio <= self.target_ratio

    @property
    def mib_ok(self) -> bool | None:
        return None if self.target_mib is None else self.peak_mib <= self.target_mib

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "command": self.label,
            "output": self.output,
            "argv": self.argv,
            "runs": len(self.cmd_ms),
            "hamhung_ms": _summary(self.cmd_ms),
            "baseline_ms": _summary(self.base_ms),
            "ratio": round(self.ratio, 3),
            "target_ratio": self.target_ratio,
            "ratio_pass": self.ratio_ok,
            "peak_mib": round(self.peak_mib, 2),
            "baseline_peak_mib": round(max(self.base_rss), 2),
            "target_mib": self.target_mib,
            "mib_pass": self.mib_ok,
            "warmup_ms": [round(x, 2) for x in self.warmup_ms],
            "samples_ms": [round(x, 2) for x in self.cmd_ms],
            "baseline_samples_ms": [round(x, 2) for x in self.base_ms],
        }


def _summary(values: Sequence[float]) -> dict[str, float]:
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2), "max": round(max(values), 2)}


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- running one process


# Peak memory is measured in runs of their own, through this launcher. A child forked from this script starts with
# the script's resident set as its high-water mark (Linux carries it across exec), so after writing the large store
# every child would report ~160 MiB. The launcher is a fresh, small Python that forks the command and reports the
# command's own ru_maxrss; its floor is the launcher's own size, about that of `python -c pass`.
PEAK_LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execv(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(f'{usage.ru_maxrss}\\n')\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def peak_mib(python: Path, argv: Sequence[str], env: dict[str, str], cwd: Path, runner: Any = None) -> float:
    """The command's peak resident set in MiB, measured in a run of its own through PEAK_LAUNCHER, with its
    output where the timed runs send it (a pipe, or a pseudo-terminal: a terminal run also loads Rich)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        sample = (runner or run_piped)([str(python), "-c", PEAK_LAUNCHER, report.name, *argv], env, cwd)
        if sample.returncode != 0:
            raise BenchError(f"{' '.join(argv)} exited {sample.returncode} when measuring its memory")
        return int(report.read().strip()) / 1024.0


def _finish(pid: int, started: float) -> tuple[float, float, int]:
    """Reap the child with os.wait4: wall time in ms, peak RSS in MiB (ru_maxrss is KiB on Linux), exit code."""
    _, status, usage = os.wait4(pid, 0)
    elapsed = (time.perf_counter() - started) * 1000.0
    return elapsed, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def run_piped(argv: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
    """Stdout to a pipe that is read to the end, stderr to a temporary file."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env, cwd=cwd)
        assert proc.stdout is not None
        out = proc.stdout.read()
        ms, rss, code = _finish(proc.pid, started)
        proc.returncode = code  # reaped by os.wait4; stop Popen from waiting again
        proc.stdout.close()
        err.seek(0)
        return Sample(ms, rss, code, out, err.read())


def run_terminal(argv: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
    """Stdout and stderr on the slave end of a fresh pseudo-terminal; the parent drains the master end."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", TERM_ROWS, TERM_COLUMNS, 0, 0))
    chunks: list[bytes] = []
    try:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=cwd)
        finally:
            os.close(slave)
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the slave end has closed it
                break
            if not data:
                break
            chunks.append(data)
        ms, rss, code = _finish(proc.pid, started)
        proc.returncode = code
    finally:
        os.close(master)
    out = b"".join(chunks)
    return Sample(ms, rss, code, out, out)


def _check(sample: Sample, argv: Sequence[str], expect: bytes | None) -> None:
    if sample.returncode != 0:
        raise BenchError(f"{' '.join(argv)} exited {sample.returncode}: {sample.stderr.decode(errors='replace')[-2000:]}")
    if not sample.stdout:
        raise BenchError(f"{' '.join(argv)} printed nothing")
    if expect is not None and expect not in sample.stdout:
        raise BenchError(f"{' '.join(argv)}: output lacks {expect!r}; is it reading the intended store? Output starts: {sample.stdout[:300]!r}")


def measure(row: Row, runner: Any, env: dict[str, str], cwd: Path, baseline: list[str], runs: int, warmup: int, expect: bytes | None = None) -> Row:
    timed = _timed(row, runner, env, cwd, baseline, runs, warmup, expect)
    python = Path(baseline[0])
    timed.cmd_rss = [peak_mib(python, row.argv, env, cwd, runner)]
    timed.base_rss = [peak_mib(python, baseline, env, cwd, runner)]
    return timed


def _timed(row: Row, runner: Any, env: dict[str, str], cwd: Path, baseline: list[str], runs: int, warmup: int, expect: bytes | None = None) -> Row:
    """Pair every run of the command with one of the baseline; the order inside a pair alternates."""
    _say(f"{row.section}: {row.label} ({row.output}), {warmup} warm-up + {runs} pairs")
    for i in range(warmup + runs):
        order = ("cmd", "base") if i % 2 == 0 else ("base", "cmd")
        for which in order:
            argv = row.argv if which == "cmd" else baseline
            sample = runner(argv, env, cwd)
            if which == "base":
                if sample.returncode != 0:
                    raise BenchError(f"baseline {' '.join(baseline)} exited {sample.returncode}")
                if i >= warmup:
                    row.base_ms.append(sample.ms)
                    row.base_rss.append(sample.rss_mib)
                continue
            _check(sample, argv, expect)
            if i < warmup:
                row.warmup_ms.append(sample.ms)
            else:
                row.cmd_ms.append(sample.ms)
                row.cmd_rss.append(sample.rss_mib)
    return row


# --------------------------------------------------------------------------- environment


def prepare_venv(venv: Path) -> tuple[Path, Path]:
    """Create the venv if needed and install the project into it, non-editable."""
    python = venv / "bin" / "python"
    if not python.exists():
        _say(f"creating venv {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    _say(f"pip install {REPO} (non-editable)")
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", str(REPO)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BenchError(f"pip install failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    hamhung = venv / "bin" / "hamhung"
    if not hamhung.exists():
        raise BenchError(f"{hamhung} was not installed")
    return python, hamhung


def describe(python: Path) -> dict[str, Any]:
    """The machine, the measured interpreter, the installed packages and the repository state."""
    probe = (
        "import json, sys, importlib.metadata as m, hamhung_cli\n"
        "v = {}\n"
        "for d in ('hamhung', 'typer', 'click', 'rich', 'rapidfuzz'):\n"
        "    try:\n"
        "        v[d] = m.version(d)\n"
        "    except m.PackageNotFoundError:\n"
        "        pass\n"
        "print(json.dumps({'python': sys.version.split()[0], 'executable': sys.executable, 'package': hamhung_cli.__file__, 'versions': v}))"
    )
    info = json.loads(subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tempfile.gettempdir()).stdout)
    git: dict[str, Any] = {}
    if shutil.which("git"):
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        status = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
        if head.returncode == 0:
            git = {"commit": head.stdout.strip(), "modified_files": [line[3:] for line in status.stdout.splitlines()]}
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "python": info["python"],
        "interpreter": info["executable"],
        "installed_package": info["package"],
        "versions": info["versions"],
        "git": git,
    }


def base_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV and not k.startswith(SCRUBBED_PREFIXES)}
    env["XDG_CACHE_HOME"] = str(cache)
    cache.mkdir(parents=True, exist_ok=True)
    return env


def terminal_env(env: dict[str, str]) -> dict[str, str]:
    # No pager: a page taller than the pseudo-terminal would wait in less for a key. What is timed is the drawing.
    return {**env, "TERM": "xterm-256color", "COLUMNS": str(TERM_COLUMNS), "HAMHUNG_PAGER": ""}


# --------------------------------------------------------------------------- the synthetic store


def store_header() -> tuple[str, list[str], list[str]]:
    """schema, [store], [[topic]] and [[source]] from the top of facts.toml (everything before the first fact or table)."""
    try:
        lines = (REPO / "facts.toml").read_text(encoding="utf-8-sig").splitlines(keepends=True)
        head: list[str] = []
        for line in lines:
            if re.match(r"^\s*\[\[\s*(fact|table)\b", line):
                break
            head.append(line)
        text = "".join(head)
        data = tomllib.loads(text)
        if set(data) - {"schema", "store", "topic", "source"} or not data.get("topic") or not data.get("source"):
            raise ValueError("unexpected header layout")
        return text, [t["id"] for t in data["topic"]], [s["id"] for s in data["source"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        _say(f"cannot copy the header of facts.toml ({error}); using a built-in one")
        data = tomllib.loads(FALLBACK_HEADER)
        return FALLBACK_HEADER, [t["id"] for t in data["topic"]], [s["id"] for s in data["source"]]


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def vocabulary(rng: random.Random) -> list[str]:
    """A few thousand pronounceable pseudo-words, none of them near the planted search word."""
    onsets = "b d g h j k m n p r s t ch kk ng"
    nuclei = "a e i o u ae eo eu ui ya yo"
    codas = ["", "", "", "k", "l", "m", "n", "ng", "p"]
    words: set[str] = set()
    while len(words) < PSEUDO_WORDS:
        word = "".join(rng.choice(onsets.split()) + rng.choice(nuclei.split()) + rng.choice(codas) for _ in range(rng.randint(2, 4)))
        if word not in REAL_WORDS and _distance(word, SEARCH_WORD) > 3:
            words.add(word)
    return sorted(words)


def write_store(path: Path, count: int) -> tuple[dict[str, Any], list[str]]:
    rng = random.Random(SEED)
    header, topics, sources = store_header()
    pseudo = vocabulary(rng)
    planted = set(range(0, count, max(1, count // PLANTED_HITS))[:PLANTED_HITS])
    parts = [header.rstrip("\n"), "\n\n# ---------------------------------------------------------------- synthetic facts (benchmarks/run.py)\n"]
    for i in range(count):
        k = i % len(topics)
        words = [rng.choice(REAL_WORDS) if rng.random() < 0.15 else rng.choice(pseudo) for _ in range(rng.randint(10, 18))]
        if i in planted:
            words.insert(rng.randrange(len(words) + 1), SEARCH_WORD)
        words[0] = words[0].capitalize()
        parts.append(f'\n[[fact]]\nid = "t{k}.f{i}"\ntopic = "{topics[k]}"\ntext = "{" ".join(words)}."\nsources = ["{sources[i % len(sources)]}"]\n')
    path.write_text("".join(parts), encoding="utf-8")
    info = {
        "facts": count,
        "topics": len(topics),
        "sources": len(sources),
        "bytes": path.stat().st_size,
        "search_word": SEARCH_WORD,
        "search_hits": len(planted),
    }
    return info, topics


# --------------------------------------------------------------------------- the sections


def small_section(hamhung: Path, python: Path, work: Path, runs: int, warmup: int) -> list[Row]:
    env = base_env(work / "cache-bundled")
    # One unmeasured run writes the bundled store's database, as any user's first run does; every row below is warm.
    prime_argv = [str(hamhung), "topics"]
    _check(run_piped(prime_argv, env, work), prime_argv, b"climate")
    baseline = [str(python), "-c", "pass"]
    rows = []
    for label, args, output, target in SMALL_COMMANDS:
        row = Row("bundled store", f"hamhung {label}", output, [str(hamhung), *args], target, SMALL_MIB_TARGET)
        if output == "pipe":
            rows.append(measure(row, run_piped, env, work, baseline, runs, warmup))
        else:
            rows.append(measure(row, run_terminal, terminal_env(env), work, baseline, runs, warmup))
    return rows


def _no_cache(env: dict[str, str], run: Any) -> Any:
    """Run with an empty cache directory (the store's database set aside, then put back as it was)."""
    cache = Path(env["XDG_CACHE_HOME"]) / "hamhung"
    aside = cache.with_name("hamhung-aside")
    cache.rename(aside)
    try:
        cache.mkdir(mode=0o700)
        return run()
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        aside.rename(cache)


def _first_run(run: Sample, peak: float, target_s: float | None) -> dict[str, Any]:
    return {
        "ms": round(run.ms, 1),
        "target_s": target_s,
        "pass": None if target_s is None else run.ms / 1000.0 <= target_s,
        "peak_mib": round(peak, 2),
    }


def large_section(hamhung: Path, python: Path, work: Path, count: int, runs: int, warmup: int) -> dict[str, Any]:
    store = work / "large" / "facts.toml"
    store.parent.mkdir(parents=True, exist_ok=True)
    _say(f"writing a synthetic store with {count} facts")
    started = time.perf_counter()
    info, topics = write_store(store, count)
    info["write_s"] = round(time.perf_counter() - started, 2)
    env = base_env(work / "cache-large")  # fresh: the first run below is cold
    facts = ["--facts", str(store)]
    topic = TOPIC_PREFERENCE if TOPIC_PREFERENCE in topics else topics[0]
    k = topics.index(topic)

    _say("large store: first search (no cache: parses the store, writes its database and FTS index)")
    search_argv = [str(hamhung), "search", SEARCH_WORD, *facts]
    first_search = run_piped(search_argv, env, work)
    _check(first_search, search_argv, b".f")
    first_search_mib = _no_cache(env, lambda: peak_mib(python, search_argv, env, work))
    _say("large store: first hamhung topics (cache set aside: the same work)")
    topics_argv = [str(hamhung), "topics", *facts]
    first_topics = _no_cache(env, lambda: run_piped(topics_argv, env, work))
    per_topic = len(range(k, count, len(topics)))
    _check(first_topics, topics_argv, f"\t{per_topic}\t".encode())
    first_topics_mib = _no_cache(env, lambda: peak_mib(python, topics_argv, env, work))

    baseline = [str(python), "-c", "pass"]
    cases = [
        ([topic], LARGE_TOPIC_RATIO, f"t{k}.f{k}\t".encode()),
        (["search", SEARCH_WORD], LARGE_SEARCH_RATIO, b".f"),
    ]
    rows = [
        measure(
            Row("large store", "hamhung " + " ".join(args), "pipe", [str(hamhung), *args, *facts], ratio, None),
            run_piped,
            env,
            work,
            baseline,
            runs,
            warmup,
            expect=expect,
        )
        for args, ratio, expect in cases
    ]
    return {
        "store": info,
        "cold_search": {"argv": search_argv, **_first_run(first_search, first_search_mib, LARGE_COLD_TARGET_S)},
        "cold_topics": {"argv": topics_argv, **_first_run(first_topics, first_topics_mib, None)},
        "rows": rows,
    }


# --------------------------------------------------------------------------- the report


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "FAIL")


def _mmm(values: Sequence[float]) -> str:
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| command | output | hamhung ms min / med / max | python -c pass ms min / med / max "
        "| ratio | target | result | peak MiB | target | result | warm-up ms |",
        "|---|---|--:|--:|--:|--:|---|--:|--:|---|--:|",
    ]
    for r in rows:
        target = "—" if r.target_ratio is None else f"≤ {r.target_ratio:g}×"
        target_mib = "—" if r.target_mib is None else f"≤ {r.target_mib:g}"
        warm = ", ".join(f"{x:.0f}" for x in r.warmup_ms) or "—"
        lines.append(
            f"| `{r.label}` | {r.output} | {_mmm(r.cmd_ms)} | {_mmm(r.base_ms)} | {r.ratio:.2f}× | {target} | {_verdict(r.ratio_ok)} "
            f"| {r.peak_mib:.1f} | {target_mib} | {_verdict(r.mib_ok)} | {warm} |"
        )
    return lines


def _first_line(what: str, run: dict[str, Any]) -> str:
    timing = "for information" if run["target_s"] is None else f"target ≤ {run['target_s']:g} s"
    verdict = "" if run["pass"] is None else f" {_verdict(run['pass'])}"
    return f"- {what}: {run['ms'] / 1000:.2f} s ({timing}){verdict}; peak {run['peak_mib']:.1f} MiB (for information)"


def report(machine: dict[str, Any], settings: dict[str, Any], small: list[Row], large: dict[str, Any] | None) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    git = machine["git"]
    state = git.get("commit", "unknown")
    if git.get("modified_files"):
        state += f" plus uncommitted changes to {', '.join(git['modified_files'])}"
    out = [
        "# hamhung benchmark",
        "",
        f"- date: {machine['date']}",
        f"- machine: {machine['platform']}, {machine['cpu_count']} CPUs",
        f"- Python {machine['python']} ({machine['interpreter']})",
        f"- installed (non-editable): {machine['installed_package']}; {versions}",
        f"- repository: {state}",
        f"- runs: {settings['runs']} pairs per command (bundled store), {settings['large_runs']} (large store), after {settings['warmup']} warm-up pair(s);"
        " each hamhung run is paired with `<venv>/bin/python -c pass`",
        f"- terminal runs: pseudo-terminal {TERM_COLUMNS}×{TERM_ROWS}, TERM=xterm-256color, COLUMNS={TERM_COLUMNS}",
        "- cache: one SQLite database per store content, written by a first run; the rows below are warm",
        "",
        "## Bundled store",
        "",
        *_table(small),
    ]
    if large is not None:
        s = large["store"]
        out += [
            "",
            f"## Large store: {s['facts']} facts",
            "",
            f"Synthetic store: {s['facts']} facts, {s['topics']} topics, {s['sources']} sources, {s['bytes'] / 1048576:.1f} MiB of TOML"
            f" (written in {s['write_s']} s); `{s['search_word']}` occurs in {s['search_hits']} facts.",
            "",
            _first_line(f"first `hamhung search {s['search_word']} --facts …` (no cache: parses the store, writes its database)", large["cold_search"]),
            _first_line("first `hamhung topics --facts …` (cache set aside: the same work)", large["cold_topics"]),
            "",
            *_table(large["rows"]),
        ]
    failures = _failures(small, large)
    out += ["", f"{len(failures)} target(s) failed" + (": " + "; ".join(failures) if failures else ".")]
    return "\n".join(out)


def _failures(small: list[Row], large: dict[str, Any] | None) -> list[str]:
    failed = []
    rows = small + (large["rows"] if large else [])
    for r in rows:
        if r.ratio_ok is False:
            failed.append(f"{r.section} `{r.label}` ({r.output}) {r.ratio:.2f}× > {r.target_ratio:g}×")
        if r.mib_ok is False:
            failed.append(f"{r.section} `{r.label}` ({r.output}) {r.peak_mib:.1f} MiB > {r.target_mib:g} MiB")
    if large:
        first = large["cold_search"]
        if first["pass"] is False:
            failed.append(f"large store first search (no cache) {first['ms'] / 1000:.2f} s > {first['target_s']:g} s")
    return failed


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the installed hamhung command against `python -c pass`.")
    parser.add_argument("--runs", type=int, default=15, help="measured pairs per command on the bundled store (default 15)")
    parser.add_argument("--large", type=int, default=10000, metavar="N", help="facts in the synthetic large store; 0 skips it (default 10000)")
    parser.add_argument("--large-runs", type=int, default=5, metavar="N", help="measured pairs per command on the large store (default 5)")
    parser.add_argument("--warmup", type=int, default=1, metavar="N", help="unmeasured pairs before each command's runs (default 1)")
    parser.add_argument("--venv", type=Path, metavar="PATH", help="use (and create if missing) this venv instead of a temporary one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any target fails")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.large_runs < 1 or args.large < 0 or args.warmup < 0:
        parser.error("--runs and --large-runs must be at least 1, --large and --warmup at least 0")

    with tempfile.TemporaryDirectory(prefix="hamhung-bench-") as tmp:
        work = Path(tmp)
        try:
            python, hamhung = prepare_venv(args.venv.resolve() if args.venv else work / "venv")
            machine = describe(python)
            small = small_section(hamhung, python, work, args.runs, args.warmup)
            large = large_section(hamhung, python, work, args.large, args.large_runs, args.warmup) if args.large else None
        except (BenchError, subprocess.CalledProcessError) as error:
            print(f"bench: error: {error}", file=sys.stderr)
            return 2

    settings = {"runs": args.runs, "large_runs": args.large_runs, "warmup": args.warmup, "large": args.large}
    failures = _failures(small, large)
    if args.json:
        doc: dict[str, Any] = {"machine": machine, "settings": settings, "bundled": [r.as_json() for r in small], "failures": failures}
        if large is not None:
            doc["large"] = {
                "store": large["store"],
                "cold_search": large["cold_search"],
                "cold_topics": large["cold_topics"],
                "rows": [r.as_json() for r in large["rows"]],
            }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(report(machine, settings, small, large))
    return 1 if args.strict and failures else 0


if __name__ == "__main__":
    sys.exit(main())
