"""Work split in two: one half here, the other in a forked child, for the first run on a large store.

Indexing a store of 100,000 facts is seconds of pure Python, and most machines have a second core.
The child sends its half back through a pipe as marshal data (plain data, never pickle). Anything
that goes wrong with the child (no fork on this platform, an error in it, a signal, a damaged reply)
only means this process does that half itself: the result is the same either way, just later.
"""

from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False  # typing is not imported at run time (start-up cost): see records.py
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")


def cpus() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def in_two(count: int, work: Callable[[int, int], T], encode: Callable[[T], Any], decode: Callable[[Any], T], middle: int | None = None) -> tuple[T, T]:
    """`work(0, middle)` here and `work(middle, count)` in a forked child, when there are two processors (middle: count // 2
    unless given)."""
    middle = count // 2 if middle is None else middle
    if cpus() < 2 or not hasattr(os, "fork"):
        return work(0, middle), work(middle, count)
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return work(0, middle), work(middle, count)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return work(0, middle), work(middle, count)
    if pid == 0:  # the child: its half, written to the pipe, then gone without running any of the parent's exit code
        status = 1
        try:
            os.close(read_end)
            payload = marshal.dumps(encode(work(middle, count)))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    reply, received, pipe = None, False, None
    try:
        first = work(0, middle)
        pipe = os.fdopen(read_end, "rb")
        try:
            reply = marshal.load(pipe)  # read as it is decoded: a large half's reply is not held twice
            received = True
        except (EOFError, ValueError, TypeError):  # the child failed before or while writing
            pass
    finally:
        if pipe is None:
            os.close(read_end)
        else:
            pipe.close()
        if not received:  # interrupted, or the child failed: do not wait for it to finish its half
            _stop(pid)
        _, status = os.waitpid(pid, 0)
    if status == 0 and received:
        try:
            return first, decode(reply)
        except Exception:  # noqa: BLE001 - a reply that does not decode: do that half here
            pass
    return first, work(middle, count)


def _stop(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
