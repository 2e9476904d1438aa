"""Pausing Python's cyclic garbage collector around allocation-heavy code that creates no
reference cycles (building a page of plain dicts and lists, reading and importing a
spreadsheet), in a process that runs nothing else meanwhile.

Why: every 700 container allocations start a collection, and the older generations'
collections walk every live object of the process (a Django process holds hundreds of
thousands). Building a 1,000-program API page allocates ~150,000 containers: measured
on the program list, collections took about a third of the request (328 ms with, 184 ms
without, median of 8, load average 7). Reference counting still frees everything; the
collector runs again as soon as the block ends.

The collector's switch is the process's, not the thread's: paused in one thread, it is
paused for every thread of the process. A page build is bounded (one request, well under
a second), so its pause may overlap other requests. A block that runs for minutes (an
import) passes ``while_alone=True``: it pauses only while the calling thread is the
process's only one (a Celery prefork child running one task, a gunicorn sync worker, a
management command); where other threads run (the development server's request threads,
an import run in a thread of the web process when there is no broker, a gthread worker)
it runs with the collector on, so that it never switches the collector off under every
request the process serves (docs/performance.md, "The collector's pause").
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused(*, while_alone: bool = False) -> Iterator[None]:
    """Run the block with the cyclic collector off (restored after, even on error).
    ``while_alone``: only if this thread is the process's only one, else the block runs
    with the collector on. An outer pause (the collector already off) owns the switch."""
    if not gc.isenabled() or (while_alone and threading.active_count() > 1):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
