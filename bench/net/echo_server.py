"""The asyncio echo benchmark's server (after uvloop's and CPython's echo
servers), valid Python 3: MODE is sock (loop.sock_recv/sock_sendall),
streams (start_server, read/write/drain), readline (start_server(limit=)
+ readline), protocol (a Protocol echoing in data_received) or tls (streams
over TLS, with the certificate and key files named by ECHO_CERT and
ECHO_KEY). Prints the port it listens on, then serves until killed.
usage: echo_server.py MODE [--uvloop] [PORT]"""
import os
import asyncio
import socket
import sys

mode = sys.argv[1]
args = [a for a in sys.argv[2:] if not a.startswith('--')]
port = int(args[0]) if args else 0
if '--uvloop' in sys.argv:
    import uvloop
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


async def sock_client(loop, client):
    with client:
        while True:
            data = await loop.sock_recv(client, 102400)
            if not data:
                break
            await loop.sock_sendall(client, data)


async def sock_server(port):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', port))
    sock.listen(128)
    sock.setblocking(False)
    print(sock.getsockname()[1], flush=True)
    with sock:
        while True:
            client, addr = await loop.sock_accept(sock)
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            loop.create_task(sock_client(loop, client))


async def echo_streams(reader, writer):
    sock = writer.get_extra_info('socket')
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        data = await reader.read(102400)
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


async def echo_readline(reader, writer):
    sock = writer.get_extra_info('socket')
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        data = await reader.readline()
        if not data:
            break
        writer.write(data)
        await writer.drain()
    writer.close()


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        sock = transport.get_extra_info('socket')
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def connection_lost(self, exc):
        self.transport = None


async def main():
    loop = asyncio.get_running_loop()
    if mode == 'sock':
        await sock_server(port)
        return
    if mode == 'streams':
        server = await asyncio.start_server(echo_streams, '127.0.0.1', port)
    elif mode == 'tls':
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.environ['ECHO_CERT'], os.environ['ECHO_KEY'])
        server = await asyncio.start_server(echo_streams, '127.0.0.1', port, ssl=ctx)
    elif mode == 'readline':
        server = await asyncio.start_server(echo_readline, '127.0.0.1', port, limit=1024 * 1024)
    elif mode == 'protocol':
        server = await loop.create_server(EchoProtocol, '127.0.0.1', port)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


try:
    asyncio.run(main())
except KeyboardInterrupt:
    pass
