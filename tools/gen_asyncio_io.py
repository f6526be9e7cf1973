#!/usr/bin/env python3
"""Assembles runtime/lib/asyncio.selector_events.pyish from CPython 3.11's
Lib/asyncio (base_events.py, selector_events.py, unix_events.py): the loop
methods for sockets, servers, pipes, signals and subprocesses, and the
transport classes. The methods become a namespace installed into pyish's C
loop class; the pieces pyish does differently (polling, signals, the child
watcher) are written in tools/asyncio_io_pyish.py and appended. Run it once
per CPython update: python3 tools/gen_asyncio_io.py /usr/lib/python3.11"""
import ast
import sys

src_dir = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/python3.11'
here = __file__.rsplit('/', 1)[0]


def pieces(path):
    text = open(f'{src_dir}/asyncio/{path}').read()
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    out = {}
    for node in tree.body:
        start = node.lineno - 1
        if getattr(node, 'decorator_list', None):
            start = node.decorator_list[0].lineno - 1
        seg = ''.join(lines[start:node.end_lineno])
        if isinstance(node, ast.ClassDef):
            out[node.name] = (seg, node, lines)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = (seg, node, lines)
    return out


def methods(cls_piece, names):
    _, node, lines = cls_piece
    got = {}
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in names:
            start = item.lineno - 1
            if item.decorator_list:
                start = item.decorator_list[0].lineno - 1
            got[item.name] = ''.join(lines[start:item.end_lineno])
    missing = set(names) - set(got)
    if missing:
        raise SystemExit(f'missing methods {missing}')
    return [got[n] for n in names]


be = pieces('base_events.py')
se = pieces('selector_events.py')
ue = pieces('unix_events.py')

out = [open(f'{here}/asyncio_io_head.py').read()]
for name in ('_ipaddr_info', '_interleave_addrinfos', '_set_reuseport', '_format_pipe', '_SendfileFallbackProtocol', 'Server'):
    out.append(be[name][0] + '\n\n')
for name in ('_SelectorTransport', '_SelectorSocketTransport',
             '_SelectorDatagramTransport'):
    out.append(se[name][0] + '\n\n')
for name in ('_UnixReadPipeTransport', '_UnixWritePipeTransport', '_UnixSubprocessTransport'):
    out.append(ue[name][0] + '\n\n')

out.append('class _IOMethods:\n    """The loop methods, installed into the C loop class."""\n\n')
for m in methods(be['BaseEventLoop'], [
        '_ensure_resolved', '_create_server_getaddrinfo', 'getaddrinfo', 'getnameinfo', 'create_connection', '_connect_sock',
        '_create_connection_transport', 'create_server', 'connect_accepted_socket', 'connect_read_pipe',
        'connect_write_pipe', 'start_tls', '_log_subprocess', 'subprocess_shell', 'subprocess_exec',
        'create_datagram_endpoint', '_check_sendfile_params', 'sendfile', '_sendfile_fallback',
        'sock_sendfile', '_sock_sendfile_fallback']):
    out.append(m + '\n')
for m in methods(se['BaseSelectorEventLoop'], [
        '_make_socket_transport', '_make_ssl_transport', '_make_datagram_transport', '_start_serving', '_accept_connection',
        '_accept_connection2', '_ensure_fd_no_transport', 'add_reader', 'remove_reader', 'add_writer',
        'remove_writer', 'sock_recv', '_sock_read_done', '_sock_recv', 'sock_recv_into', '_sock_recv_into',
        'sock_recvfrom', '_sock_recvfrom', 'sock_recvfrom_into', '_sock_recvfrom_into', 'sock_sendall',
        '_sock_sendall', 'sock_sendto', '_sock_sendto', 'sock_connect', '_sock_connect', '_sock_write_done',
        '_sock_connect_cb', 'sock_accept', '_sock_accept', '_stop_serving']):
    out.append(m + '\n')
for m in methods(ue['_UnixSelectorEventLoop'], [
        '_check_signal', '_make_read_pipe_transport', '_make_write_pipe_transport',
        'create_unix_connection', 'create_unix_server']):
    out.append(m + '\n')
out.append(open(f'{here}/asyncio_io_tail.py').read())
text = ''.join(out)
# pyish's loop keeps its debug flag in C
text = text.replace('self._debug', 'self.get_debug()').replace('loop._debug', 'loop.get_debug()')
text = text.replace('self._loop.get_debug()', 'self._loop.get_debug()')
open(sys.argv[2] if len(sys.argv) > 2 else f'{here}/../runtime/lib/asyncio.selector_events.pyish', 'w').write(text)
