"""Stub of concurrent.futures for CPython's asyncio tests under pyish.

pyish has no threads, so it has no concurrent.futures: test_asyncio's
__init__.py only checks that the module imports, and a test that makes an
executor or a concurrent Future is skipped (SkipTest raised in the test)."""
import unittest

_MSG = "pyish has no concurrent.futures (no threads)"


class Future:
    def __init__(self, *args, **kwargs):
        raise unittest.SkipTest(_MSG)


class Executor:
    def __init__(self, *args, **kwargs):
        raise unittest.SkipTest(_MSG)


class ThreadPoolExecutor(Executor):
    pass


class ProcessPoolExecutor(Executor):
    pass
