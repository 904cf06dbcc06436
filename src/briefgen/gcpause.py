"""Pause Python's cycle collector while building large structures that stay alive.

Loading, anchoring and composing allocate hundreds of thousands of objects that live for the whole
build; every full collection walks all of them again, which made loading 1000 sources three times
slower than ten times 100 sources (3.0 s against 0.17 s x 10). Those structures hold no reference
cycles worth collecting, and what they drop is freed by reference counting; the collector resumes
afterwards. Used as a decorator: ``@paused_gc()``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
