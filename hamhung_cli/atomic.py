"""Writing a file whole or not at all: a temporary file beside the target, renamed over it once complete.

One writer serves the cache's databases and --svg pictures. A rename replaces whatever the name points at, so only a
regular file or nothing is replaced: renaming over a symlink would replace the link, over a FIFO or a device
(/dev/null) would delete it. An existing file keeps its permission bits (a 0600 picture stays 0600).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress


def _existing_mode(target: str) -> int | None:
    """The permission bits of the regular file at target; None when there is nothing there; OSError for anything else."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = "a symlink" if stat.S_ISLNK(info.st_mode) else "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise OSError(f"{target} is {kind}, and only a regular file is replaced")
    return stat.S_IMODE(info.st_mode)


@contextmanager
def replacing(target: str, mode: int | None = None) -> Iterator[str]:
    """Yield the path of a new, empty temporary file beside target, renamed over target when the block ends without
    an error (else removed). It gets `mode` if given, else the existing file's mode, else 0666 less the umask."""
    existing = _existing_mode(target)
    mode = existing if mode is None else mode
    directory = os.path.dirname(os.path.abspath(target))
    temporary = os.path.join(directory, f".{os.path.basename(target)}.{os.getpid()}-{time.monotonic_ns()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(temporary, flags, 0o666 if mode is None else 0o600)  # the kernel takes the umask from 0666
    try:
        try:
            if mode is not None:
                os.fchmod(descriptor, mode)
        finally:
            os.close(descriptor)
        yield temporary
        _existing_mode(target)  # still a regular file or nothing: it may have been replaced while we wrote
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
