"""No cyclic garbage collection while a big request builds its objects (the bulk write).

A bulk write of 10,000 spans makes some 200,000 dicts, lists and tuples (the decoded
body, the checked items, the rows, the events, the answer), none of them in a cycle:
reference counting frees each. Yet every 700 new containers start a collection, and
each full one walks every object of the process: a quarter of the request's time went
there (bench/bulk_bench.py, cProfile and gc.disable() compared). Collection is paused
while such a request runs and resumes when the last one of the process ends; the
collector then finds anything cyclic that was made meanwhile, as it would have.
"""
from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_running = 0          # requests of this process inside gc_paused()
_paused_here = False  # whether gc_paused() turned the collector off (not someone else)


@contextlib.contextmanager
def gc_paused():
    """Run the block with the collector off (threads of a gthread worker share it)."""
    global _running, _paused_here
    with _lock:
        if _running == 0 and gc.isenabled():
            gc.disable()
            _paused_here = True
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _paused_here:
                _paused_here = False
                gc.enable()
