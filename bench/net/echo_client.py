"""The echo benchmark's load: CONNS client processes of blocking sockets,
each sending a message of SIZE bytes (newline-terminated) and reading the
whole echo back before the next one, for SECONDS. Prints requests/s.
With "tls", the connections are TLS (the server's certificate is not
checked).
usage: echo_client.py PORT SIZE CONNS SECONDS [tls]"""
import multiprocessing
import socket
import sys
import time


def client(port, size, seconds, out, tls=False):
    msg = b'x' * (size - 1) + b'\n'
    sock = socket.create_connection(('127.0.0.1', port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if tls:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(sock)
    n = 0
    end = time.monotonic() + seconds
    buf = bytearray(size)
    while time.monotonic() < end:
        sock.sendall(msg)
        got = 0
        view = memoryview(buf)
        while got < size:
            r = sock.recv_into(view[got:], size - got)
            if not r:
                raise SystemExit("server closed the connection")
            got += r
        n += 1
    sock.close()
    out.put(n)


if __name__ == '__main__':
    port, size, conns, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    tls = sys.argv[5:] == ['tls']
    q = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client, args=(port, size, seconds, q, tls)) for _ in range(conns)]
    for p in procs:
        p.start()
    total = sum(q.get() for _ in procs)
    for p in procs:
        p.join()
    print(f"{total / seconds:.0f}")
