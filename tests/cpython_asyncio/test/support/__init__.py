"""Minimal stub of CPython 3.11's test.support for running test.test_asyncio
under pyish: only the names the chosen test files use, with CPython's
definitions where they work under pyish (see ../../README.md)."""

import functools
import os
import sys
import unittest

STDLIB_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LOOPBACK_TIMEOUT = 10.0
SHORT_TIMEOUT = 30.0
LONG_TIMEOUT = 5 * 60.0

verbose = 1

# pyish has no sockets yet: tests that need them are skipped
has_socket_support = False
# pyish cannot start a python subprocess from a test
has_subprocess_support = False


def _impl_name():
    impl = sys.implementation
    return getattr(impl, 'name', impl)


def load_package_tests(pkg_dir, loader, standard_tests, pattern):
    if pattern is None:
        pattern = "test*"
    top_dir = STDLIB_DIR
    package_tests = loader.discover(start_dir=pkg_dir,
                                    top_level_dir=top_dir,
                                    pattern=pattern)
    standard_tests.addTests(package_tests)
    return standard_tests


def get_attribute(obj, name):
    """Get an attribute, raising SkipTest if AttributeError is raised."""
    try:
        attribute = getattr(obj, name)
    except AttributeError:
        raise unittest.SkipTest("object %r has no attribute %r" % (obj, name))
    else:
        return attribute


def requires_working_socket(*, module=False):
    """Skip tests or modules that require working sockets.

    As a module-level call (module=True, test_asyncio/__init__.py) it does not
    skip the package: the test files chosen for pyish are the socket-free
    ones, and the socket tests of test_streams are skipped one by one."""
    msg = "requires socket support"
    if module:
        return None
    return unittest.skipUnless(has_socket_support, msg)


def requires_subprocess():
    return unittest.skipUnless(has_subprocess_support, "requires subprocess support")


def gc_collect():
    import gc
    gc.collect()
    gc.collect()
    gc.collect()


def _id(obj):
    return obj


def _parse_guards(guards):
    if not guards:
        return ({'cpython': True}, False)
    is_true = list(guards.values())[0]
    assert list(guards.values()) == [is_true] * len(guards)
    return (guards, not is_true)


def check_impl_detail(**guards):
    guards, default = _parse_guards(guards)
    return guards.get(_impl_name(), default)


def impl_detail(msg=None, **guards):
    if check_impl_detail(**guards):
        return _id
    if msg is None:
        guardnames, default = _parse_guards(guards)
        if default:
            msg = "implementation detail not available on {0}"
        else:
            msg = "implementation detail specific to {0}"
        guardnames = sorted(guardnames.keys())
        msg = msg.format(' or '.join(guardnames))
    return unittest.skip(msg)


def cpython_only(test):
    """Decorator for tests only applicable on CPython."""
    return impl_detail(cpython=True)(test)


def no_tracing(func):
    if not hasattr(sys, 'gettrace'):
        return func

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        original_trace = sys.gettrace()
        try:
            sys.settrace(None)
            return func(*args, **kwargs)
        finally:
            sys.settrace(original_trace)
    return wrapper


def refcount_test(test):
    return no_tracing(cpython_only(test))


def reap_children():
    # pyish starts no child processes in these tests
    pass


def maybe_get_event_loop_policy():
    """Return the global event loop policy if one is set, else return None."""
    import asyncio.events
    return asyncio.events._event_loop_policy
