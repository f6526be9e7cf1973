"""Opens N connections to 127.0.0.1:PORT, sends one byte on each and reads
its echo (so the server holds N live connections with a handler waiting
on each), prints "ready", waits for a line on stdin, then closes them.
usage: conns_client.py PORT N"""
import selectors
import socket
import sys

port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    socks.append(s)
    if len(socks) % 500 == 0 or i == n - 1:
        # one byte on each of the last batch, then every echo back
        batch = socks[-500:] if len(socks) % 500 == 0 else socks[-(len(socks) % 500):]
        for b in batch:
            b.sendall(b"x")
        for b in batch:
            if b.recv(1) != b"x":
                sys.exit("no echo")
print("ready", flush=True)
sys.stdin.readline()
for s in socks:
    s.close()
