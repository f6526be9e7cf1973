"""Utilities shared by tests: pyish's stub of CPython 3.11.7's
Lib/test/test_asyncio/utils.py (PSF License, see README.md).

What pyish can run is kept as CPython has it; the rest is replaced:

- the test HTTP servers (run_test_server, run_test_unix_server) run in a
  child process (http_server_child.py) instead of a thread, without TLS;
  the UDP echo server, TestSelector and mock_nonblocking_socket raise
  unittest.SkipTest (they need threads or a selector-based loop);
- no threads: threading_helper is a no-op stub;
- TestLoop (CPython's BaseEventLoop subclass driven by a time generator)
  cannot exist: pyish's event loop is C and its class cannot be subclassed.
  new_test_loop() without a generator gives a plain pyish event loop (the
  tests that pass no generator schedule no timer, so TestLoop's clock plays
  no part in them); new_test_loop(gen) skips the test.
"""

import asyncio
import contextlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

from unittest import mock

from asyncio import events
from asyncio import futures
from asyncio import tasks
from asyncio.log import logger
from test import support
from test.support import threading_helper

try:
    import ssl
except ImportError:
    ssl = None

CLOCK_RES = 0.050

_NO_SOCKETS = "pyish: needs a server thread or a selector-based loop"


def data_file(*filename):
    fullname = os.path.join(os.path.dirname(__file__), '..', *filename)
    if os.path.isfile(fullname):
        return fullname
    raise FileNotFoundError(os.path.join(filename))


ONLYCERT = data_file('certdata', 'ssl_cert.pem')
ONLYKEY = data_file('certdata', 'ssl_key.pem')
SIGNED_CERTFILE = data_file('certdata', 'keycert3.pem')
SIGNING_CA = data_file('certdata', 'pycacert.pem')


def simple_server_sslcontext():
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(ONLYCERT, ONLYKEY)
    server_context.check_hostname = False
    server_context.verify_mode = ssl.CERT_NONE
    return server_context


def simple_client_sslcontext(*, disable_verify=True):
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.check_hostname = False
    if disable_verify:
        client_context.verify_mode = ssl.CERT_NONE
    return client_context


def dummy_ssl_context():
    if ssl is None:
        return None
    else:
        return simple_client_sslcontext(disable_verify=True)


def run_briefly(loop):
    async def once():
        pass
    gen = once()
    t = loop.create_task(gen)
    # Don't log a warning if the task is not done after run_until_complete().
    # It occurs if the loop is stopped or if a task raises a BaseException.
    t._log_destroy_pending = False
    try:
        loop.run_until_complete(t)
    finally:
        gen.close()


def run_until(loop, pred, timeout=support.SHORT_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not pred():
        if timeout is not None:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                raise futures.TimeoutError()
        loop.run_until_complete(tasks.sleep(0.001))


def run_once(loop):
    """Legacy API to run once through the event loop."""
    loop.call_soon(loop.stop)
    loop.run_forever()


class _ChildServer:
    def __init__(self, address):
        self.address = address
        self.server_address = address


@contextlib.contextmanager
def _run_child_server(args, address_of):
    # pyish change: CPython serves from a thread (a WSGI server); pyish has
    # one thread, so the server is a child process (http_server_child.py)
    script = os.path.join(os.path.dirname(__file__), 'http_server_child.py')
    proc = subprocess.Popen([sys.executable, script, *args],
                            stdout=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode().strip()
        if not line:
            raise RuntimeError("the test server did not start")
        yield _ChildServer(address_of(line))
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


@contextlib.contextmanager
def run_test_server(*, host='127.0.0.1', port=0, use_ssl=False):
    if use_ssl:
        raise unittest.SkipTest("pyish: the child test server has no TLS")
    with _run_child_server([host, str(port)],
                           lambda line: (host, int(line))) as httpd:
        yield httpd


def gen_unix_socket_path():
    with tempfile.NamedTemporaryFile() as file:
        return file.name


@contextlib.contextmanager
def unix_socket_path():
    path = gen_unix_socket_path()
    try:
        yield path
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


@contextlib.contextmanager
def run_test_unix_server(*, use_ssl=False):
    if use_ssl:
        raise unittest.SkipTest("pyish: the child test server has no TLS")
    with unix_socket_path() as path:
        with _run_child_server([path], lambda line: path) as httpd:
            yield httpd


@contextlib.contextmanager
def run_udp_echo_server(*, host='127.0.0.1', port=0):
    raise unittest.SkipTest(_NO_SOCKETS)
    yield


def make_test_protocol(base):
    dct = {}
    for name in dir(base):
        if name.startswith('__') and name.endswith('__'):
            # skip magic names
            continue
        dct[name] = MockCallback(return_value=None)
    return type('TestProtocol', (base,) + base.__bases__, dct)()


def MockCallback(**kwargs):
    return mock.Mock(spec=['__call__'], **kwargs)


class MockPattern(str):
    """A regex based str with a fuzzy __eq__."""
    def __eq__(self, other):
        return bool(re.search(str(self), other, re.S))


class MockInstanceOf:
    def __init__(self, type):
        self._type = type

    def __eq__(self, other):
        return isinstance(other, self._type)


def get_function_source(func):
    from asyncio import format_helpers
    source = format_helpers._get_function_source(func)
    if source is None:
        raise ValueError("unable to get the source of %r" % (func,))
    return source


class TestCase(unittest.TestCase):
    @staticmethod
    def close_loop(loop):
        executor = getattr(loop, '_default_executor', None)
        if executor is not None:
            if not loop.is_closed():
                loop.run_until_complete(loop.shutdown_default_executor())
            else:
                executor.shutdown(wait=True)
        loop.close()

    def set_event_loop(self, loop, *, cleanup=True):
        if loop is None:
            raise AssertionError('loop is None')
        # ensure that the event loop is passed explicitly in asyncio
        events.set_event_loop(None)
        if cleanup:
            self.addCleanup(self.close_loop, loop)

    def new_test_loop(self, gen=None):
        if gen is not None:
            raise unittest.SkipTest("pyish: TestLoop (a BaseEventLoop subclass "
                                    "on a test clock) is not possible, the C "
                                    "event loop cannot be subclassed")
        loop = asyncio.new_event_loop()
        self.set_event_loop(loop)
        return loop

    def setUp(self):
        self._thread_cleanup = threading_helper.threading_setup()

    def tearDown(self):
        events.set_event_loop(None)

        # Detect CPython bug #23353: ensure that yield/yield-from is not used
        # in an except block of a generator
        self.assertEqual(sys.exc_info(), (None, None, None))

        self.doCleanups()
        threading_helper.threading_cleanup(*self._thread_cleanup)
        support.reap_children()


@contextlib.contextmanager
def disable_logger():
    """Context manager to disable asyncio logger."""
    old_level = logger.level
    try:
        logger.setLevel(logging.CRITICAL+1)
        yield
    finally:
        logger.setLevel(old_level)


def mock_nonblocking_socket(*args, **kwargs):
    raise unittest.SkipTest(_NO_SOCKETS)


async def await_without_task(coro):
    exc = None
    def func():
        try:
            for _ in coro.__await__():
                pass
        except BaseException as err:
            nonlocal exc
            exc = err
    asyncio.get_running_loop().call_soon(func)
    await asyncio.sleep(0)
    if exc is not None:
        raise exc
