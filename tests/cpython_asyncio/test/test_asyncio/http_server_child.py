"""pyish's test HTTP server, run as a child process by utils.run_test_server
and run_test_unix_server in place of CPython's WSGI server thread (pyish has
one thread, and a server thread would run to completion inside start()). It
answers what CPython's test app answers: 'Test message' for any path, the
request body back for /loop, as 'HTTP/1.0 200 OK' with a text/plain header.
Usage: pyish http_server_child.py HOST PORT | pyish http_server_child.py PATH;
it prints its address (the port, or 'unix') on stdout, then serves until
killed."""
import socket
import sys


def serve(conn):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b'\r\n\r\n')
    lines = head.split(b'\r\n')
    path = lines[0].split()[1] if len(lines[0].split()) > 1 else b'/'
    size = 0
    for line in lines[1:]:
        name, _, value = line.partition(b':')
        if name.strip().lower() == b'content-length':
            size = int(value.strip())
    if path == b'/loop':
        while len(body) < size:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        reply = body
    else:
        reply = b'Test message'
    conn.sendall(b'HTTP/1.0 200 OK\r\nServer: pyish-test\r\n'
                 b'Content-type: text/plain\r\nContent-Length: %d\r\n\r\n'
                 % len(reply) + reply)


def main():
    if len(sys.argv) == 2:
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(sys.argv[1])
        srv.listen(16)
        print('unix', flush=True)
    else:
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.bind((sys.argv[1], int(sys.argv[2])))
        srv.listen(16)
        print(srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        try:
            serve(conn)
        except OSError:
            pass
        finally:
            conn.close()


main()
