"""Stub of test.support.socket_helper: CPython 3.11.7's definitions of the
names the chosen asyncio tests use (find_unused_port, bind_port,
bind_unix_socket, skip_unless_bind_unix_socket, HOST), over pyish's socket
module."""
import socket
import unittest

HOST = "localhost"
HOSTv4 = "127.0.0.1"
HOSTv6 = "::1"


def find_unused_port(family=socket.AF_INET, socktype=socket.SOCK_STREAM):
    with socket.socket(family, socktype) as tempsock:
        port = bind_port(tempsock)
    del tempsock
    return port


def bind_port(sock, host=HOST):
    sock.bind((host, 0))
    return sock.getsockname()[1]


def bind_unix_socket(sock, addr):
    assert sock.family == socket.AF_UNIX
    try:
        sock.bind(addr)
    except PermissionError:
        sock.close()
        raise unittest.SkipTest('cannot bind AF_UNIX sockets')


def skip_unless_bind_unix_socket(test):
    if not hasattr(socket, 'AF_UNIX'):
        return unittest.skip('No UNIX Sockets')(test)
    return test


def skip_if_tcp_blackhole(test):
    # CPython checks FreeBSD's net.inet.tcp.blackhole sysctl; none on Linux
    return test

# pyish: CPython probes for a usable IPv6 socket; the tests that use it
# here only need to know whether to try
def _is_ipv6_enabled():
    import socket
    if not socket.has_ipv6:
        return False
    sock = None
    try:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.bind(('::1', 0))
        return True
    except OSError:
        pass
    finally:
        if sock:
            sock.close()
    return False

IPV6_ENABLED = _is_ipv6_enabled()
