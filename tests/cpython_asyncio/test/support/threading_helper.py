"""Stub of test.support.threading_helper: pyish has one thread, so there is
nothing to set up or to wait for."""


def threading_setup():
    return ()


def threading_cleanup(*original_values):
    pass


# ---- for the core-language test files
import contextlib
import functools
import unittest


def reap_threads(func):
    @functools.wraps(func)
    def decorator(*args):
        return func(*args)
    return decorator


@contextlib.contextmanager
def start_threads(threads, unlock=None):
    raise unittest.SkipTest("pyish: no threads")
    yield


def requires_working_threading(*, module=False):
    msg = "pyish: no threads"
    if module:
        raise unittest.SkipTest(msg)
    return unittest.skip(msg)


def join_thread(thread, timeout=None):
    """Join a thread. Raise an AssertionError if the thread is still alive
    after timeout seconds.
    """
    from test import support
    if timeout is None:
        timeout = support.SHORT_TIMEOUT
    thread.join(timeout)
    if thread.is_alive():
        msg = f"failed to join the thread in {timeout:.1f} seconds"
        raise AssertionError(msg)
