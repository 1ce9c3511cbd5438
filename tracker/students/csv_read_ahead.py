"""Running a generator in a child process, so that reading a file overlaps writing it.

A large import spends its time in two halves that do not depend on each other: reading and
validating the file (pure Python: CSV splitting, dates, e-mail addresses) and writing the rows
(the database, and Python around it). A thread would not run the first half beside the second:
the GIL lets one of them run at a time, and each of the thousands of short waits of the
database driver would end behind the reader's time slice. A forked child has its own
interpreter; it sends what the generator yields through a pipe (pickled), a few batches ahead.

Only for command-line use: forking a multi-threaded process (a web server) copies locks other
threads may hold. The child never touches what it inherited beyond the generator's own
objects (the database connections in particular), and leaves with os._exit, as
multiprocessing's fork start method does, so nothing of the parent is flushed or closed twice.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")

_ITEM, _END, _ERROR = "item", "end", "error"


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _produce(produce: Callable[[], Iterator[object]], sender: Connection) -> None:
    try:
        for item in produce():
            sender.send((_ITEM, item))
    except BaseException as exc:  # the parent re-raises it, whatever it is
        try:
            sender.send((_ERROR, exc))
        except Exception:  # an exception that does not pickle
            sender.send((_ERROR, RuntimeError(f"{type(exc).__name__}: {exc}")))
    else:
        sender.send((_END, None))
    finally:
        sender.close()


def in_child_process(produce: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Yield what `produce()` yields, computed in a forked child process.

    The pipe's buffer keeps the child a little ahead, and blocks it when the parent falls
    behind, so memory stays bounded. An exception in the child is raised here, in the parent,
    at the point of the stream where it happened. If the parent stops early (an error of its
    own, or it simply stops iterating), the child is stopped too."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_produce, args=(produce, sender), daemon=True,
                            name="tracker-read-ahead")
    child.start()
    sender.close()  # the child's end: EOF here once the child has gone
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                child.join(timeout=5)
                raise RuntimeError("the reading process ended without a word "
                                   f"(exit code {child.exitcode})") from None
            if kind == _ITEM:
                yield payload
            elif kind == _ERROR:
                raise payload
            else:
                return
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()
