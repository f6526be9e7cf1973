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


# ---- for the core-language test files (test_grammar, test_list, ...; see
# ../../README.md): CPython's definitions of the names they use
import contextlib
import re
import types

REPO_ROOT = os.path.dirname(STDLIB_DIR)
MAX_Py_ssize_t = sys.maxsize
_1M = 1024 * 1024
_1G = 1024 * _1M
_2G = 2 * _1G
_4G = 4 * _1G
max_memuse = 0
real_max_memuse = 0
use_resources = None
is_emscripten = sys.platform == "emscripten"
is_wasi = sys.platform == "wasi"
is_android = False
PGO = False
PGO_EXTENDED = False
NHASHBITS = sys.hash_info.width
HAVE_DOCSTRINGS = True
MISSING_C_DOCSTRINGS = False


class Error(Exception):
    """Base class for regression test exceptions."""


class TestFailed(Error):
    """Test failed."""
    def __init__(self, msg, *args, stats=None):
        self.msg = msg
        self.stats = stats
        super().__init__(msg, *args)

    def __str__(self):
        return self.msg


class ResourceDenied(unittest.SkipTest):
    """Test skipped because it requested a disallowed resource."""


def is_resource_enabled(resource):
    return use_resources is None or resource in use_resources


def requires(resource, msg=None):
    if not is_resource_enabled(resource):
        if msg is None:
            msg = "Use of the %r resource not enabled" % resource
        raise ResourceDenied(msg)


def requires_resource(resource):
    # CPython's regrtest enables no resource by default; the 'cpu' and
    # 'bigmem' tests take minutes, so none is enabled here either
    return unittest.skip("resource {0!r} is not enabled".format(resource))


requires_IEEE_754 = unittest.skipUnless(
    float.__getformat__("double").startswith("IEEE"),
    "test requires IEEE 754 doubles")

requires_docstrings = unittest.skipUnless(HAVE_DOCSTRINGS,
                                          "test requires docstrings")


def check_syntax_error(testcase, statement, errtext='', *, lineno=None, offset=None):
    with testcase.assertRaisesRegex(SyntaxError, errtext) as cm:
        compile(statement, '<test string>', 'exec')
    err = cm.exception
    testcase.assertIsNotNone(err.lineno)
    if lineno is not None:
        testcase.assertEqual(err.lineno, lineno)
    testcase.assertIsNotNone(err.offset)
    if offset is not None:
        testcase.assertEqual(err.offset, offset)


@contextlib.contextmanager
def captured_output(stream_name):
    import io
    orig_stdout = getattr(sys, stream_name)
    setattr(sys, stream_name, io.StringIO())
    try:
        yield getattr(sys, stream_name)
    finally:
        setattr(sys, stream_name, orig_stdout)


def captured_stdout():
    return captured_output("stdout")


def captured_stderr():
    return captured_output("stderr")


def captured_stdin():
    return captured_output("stdin")


@contextlib.contextmanager
def disable_gc():
    import gc
    have_gc = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if have_gc:
            gc.enable()


def calcobjsize(fmt):
    raise unittest.SkipTest("pyish: CPython object layouts")


def calcvobjsize(fmt):
    raise unittest.SkipTest("pyish: CPython object layouts")


def check_sizeof(test, o, size):
    raise unittest.SkipTest("_testinternalcapi required")


@contextlib.contextmanager
def run_with_locale(catstr, *locales):
    try:
        import locale
        category = getattr(locale, catstr)
        orig_locale = locale.setlocale(category)
    except AttributeError:
        raise
    except:
        locale = orig_locale = None
    else:
        for loc in locales:
            try:
                locale.setlocale(category, loc)
                break
            except:
                pass
    try:
        yield
    finally:
        if locale and orig_locale:
            locale.setlocale(category, orig_locale)


def bigmemtest(size, memuse, dry_run=True):
    def decorator(f):
        def wrapper(self):
            size = wrapper.size
            memuse = wrapper.memuse
            maxsize = 5147 if not real_max_memuse else size
            if ((real_max_memuse or not dry_run)
                    and real_max_memuse < maxsize * memuse):
                raise unittest.SkipTest(
                    "not enough memory: %.1fG minimum needed"
                    % (size * memuse / (1024 ** 3)))
            return f(self, maxsize)
        wrapper.size = size
        wrapper.memuse = memuse
        return wrapper
    return decorator


def bigaddrspacetest(f):
    def wrapper(self):
        raise unittest.SkipTest("not enough memory: try a 32-bit build instead")
    return wrapper


@contextlib.contextmanager
def swap_attr(obj, attr, new_val):
    if hasattr(obj, attr):
        real_val = getattr(obj, attr)
        setattr(obj, attr, new_val)
        try:
            yield real_val
        finally:
            setattr(obj, attr, real_val)
    else:
        setattr(obj, attr, new_val)
        try:
            yield
        finally:
            if hasattr(obj, attr):
                delattr(obj, attr)


@contextlib.contextmanager
def swap_item(obj, item, new_val):
    if item in obj:
        real_val = obj[item]
        obj[item] = new_val
        try:
            yield real_val
        finally:
            obj[item] = real_val
    else:
        obj[item] = new_val
        try:
            yield
        finally:
            if item in obj:
                del obj[item]


def skip_if_pgo_task(test):
    return test


def check__all__(test_case, module, name_of_module=None, extra=(),
                 not_exported=()):
    if name_of_module is None:
        name_of_module = (module.__name__, )
    elif isinstance(name_of_module, str):
        name_of_module = (name_of_module, )
    expected = set(extra)
    for name in dir(module):
        if name.startswith('_') or name in not_exported:
            continue
        obj = getattr(module, name)
        if (getattr(obj, '__module__', None) in name_of_module or
                (not hasattr(obj, '__module__') and
                 not isinstance(obj, types.ModuleType))):
            expected.add(name)
    test_case.assertCountEqual(module.__all__, expected)


def check_free_after_iterating(test, iter, cls, args=()):
    class A(cls):
        def __del__(self):
            nonlocal done
            done = True
            try:
                next(it)
            except StopIteration:
                pass

    done = False
    it = iter(A(*args))
    test.assertRaises(StopIteration, next, it)
    gc_collect()
    test.assertTrue(done)


def setswitchinterval(interval):
    return sys.setswitchinterval(interval)


class _ALWAYS_EQ:
    """Object that is equal to anything."""
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


ALWAYS_EQ = _ALWAYS_EQ()


class _NEVER_EQ:
    """Object that is not equal to anything."""
    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    def __hash__(self):
        return 1


NEVER_EQ = _NEVER_EQ()


@functools.total_ordering
class _LARGEST:
    """Object that is greater than anything (except itself)."""
    def __eq__(self, other):
        return isinstance(other, _LARGEST)

    def __lt__(self, other):
        return False


LARGEST = _LARGEST()


@functools.total_ordering
class _SMALLEST:
    """Object that is less than anything (except itself)."""
    def __eq__(self, other):
        return isinstance(other, _SMALLEST)

    def __gt__(self, other):
        return False


SMALLEST = _SMALLEST()


def collision_stats(nbins, nballs):
    raise unittest.SkipTest("pyish: collision_stats needs decimal contexts")


class catch_unraisable_exception:
    """Context manager catching unraisable exception using sys.unraisablehook."""

    def __init__(self):
        self.unraisable = None
        self._old_hook = None

    def _hook(self, unraisable):
        self.unraisable = unraisable

    def __enter__(self):
        self._old_hook = sys.unraisablehook
        sys.unraisablehook = self._hook
        return self

    def __exit__(self, *exc_info):
        sys.unraisablehook = self._old_hook
        del self.unraisable


def check_disallow_instantiation(testcase, tp, *args, **kwds):
    mod = tp.__module__
    name = tp.__name__
    if mod != 'builtins':
        qualname = f"{mod}.{name}"
    else:
        qualname = f"{name}"
    msg = f"cannot create '{re.escape(qualname)}' instances"
    testcase.assertRaisesRegex(TypeError, msg, tp, *args, **kwds)


def get_recursion_depth():
    try:
        import _testinternalcapi
        depth = _testinternalcapi.get_recursion_depth()
    except (ImportError, RecursionError):
        depth = 0
        frame = sys._getframe(1) if hasattr(sys, '_getframe') else None
        while frame is not None:
            depth += 1
            frame = frame.f_back
    return depth


@contextlib.contextmanager
def set_recursion_limit(limit):
    original_limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(limit)
        yield
    finally:
        sys.setrecursionlimit(original_limit)


def infinite_recursion(max_depth=75):
    if max_depth < 3:
        raise ValueError("max_depth must be at least 3, got {max_depth}")
    depth = get_recursion_depth()
    depth = max(depth - 1, 1)
    limit = depth + max_depth
    return set_recursion_limit(limit)


@contextlib.contextmanager
def adjust_int_max_str_digits(max_digits):
    current = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(max_digits)
        yield
    finally:
        sys.set_int_max_str_digits(current)


class SuppressCrashReport:
    """Try to prevent a crash report from popping up (a no-op here: pyish
    makes no core dump or crash dialog a test would trigger on purpose)."""

    def __enter__(self):
        return self

    def __exit__(self, *ignore_exc):
        pass


from . import script_helper  # test_exceptions imports it from test.support
