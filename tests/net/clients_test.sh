#!/usr/bin/env bash
# Real clients and servers against pyish (issue 14): pyish's http.server
# driven by curl (keep-alive, HEAD, 404, POST with a body, chunked, -N) and
# by python3's http.client/urllib; pyish's http.client/urllib against
# `python3 -m http.server`; pyish's ssl client against `openssl s_server`
# with a self-signed certificate made here; asyncio clients and servers
# (clients/aio_peer.pyish) across python3 and pyish, over TCP and TLS, with
# peers resetting connections, and openssl s_client/curl -k against pyish's
# asyncio TLS server. Each client program
# (clients/*.pyish, valid Python) runs under /usr/bin/python3 and under
# pyish against the same server: the outputs must be the same. Every
# client runs under `timeout`; every server started is killed on exit.
# Usage: tests/net/clients_test.sh PYISH
set -u
pyish=${1:?usage: clients_test.sh PYISH}
[[ "$pyish" == /* ]] || pyish="$PWD/$pyish"
here=$(cd "$(dirname "$0")" && pwd)
progs=$here/clients
PY=/usr/bin/python3
tmp=$(mktemp -d)
pids=()
cleanup() {
    local p
    exec 2>/dev/null        # no "Killed" notices
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fails=0
ok() { echo "ok   $1"; }
fail() {
    fails=$((fails + 1)); echo "FAIL $1"; shift
    local x
    for x in "$@"; do printf '%s\n' "$x" | head -30 | sed 's/^/     /'; done
}
check() {   # NAME EXPECTED ACTUAL
    if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1" "--- expected:" "$2" "--- got:" "$3"; fi
}
# same NAME ARGS...: runs clients/ARGS under python3 then pyish; same output
same() {
    local name=$1; shift
    local want got
    want=$(cd "$tmp" && timeout 20 "$PY" "$@" 2>&1)
    got=$(cd "$tmp" && timeout 20 "$pyish" "$@" 2>&1)
    check "$name" "$want" "$got"
}
# start NAME CMD...: starts a server whose first line is "... PORT ..." (the
# last number of the line); sets PORT
start() {
    local name=$1; shift
    local out="$tmp/$name.out"
    "$@" >"$out" 2>"$tmp/$name.err" </dev/null &
    pids+=($!)
    PORT=""
    local i
    for ((i = 0; i < 400; i++)); do    # 20 s: start-up on a loaded machine
        PORT=$(head -n 1 "$out" 2>/dev/null | grep -o '[0-9][0-9]*' | tail -1)
        [[ -n "$PORT" ]] && return 0
        kill -0 "${pids[-1]}" 2>/dev/null || break
        sleep 0.05
    done
    fail "$name starts" "$(head -5 "$tmp/$name.err")"
    return 1
}
free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---- pyish's http.server under curl and python3's http.client
if start pyhttp "$pyish" "$progs/http_server.pyish"; then
    base=http://127.0.0.1:$PORT
    C=(timeout 10 curl -s)
    out=$("${C[@]}" -v "$base/a" "$base/b" 2>&1 | tr -d '\r' | grep -E '^(hello|< HTTP|\* Re-using)' | sed 's/ with host.*//')
    check "http.server: curl keep-alive, two requests, one connection" \
        $'< HTTP/1.1 200 OK\nhello /a\n* Re-using existing connection #0\n< HTTP/1.1 200 OK\nhello /b' "$out"
    check "http.server: curl HEAD" "200 6" "$("${C[@]}" -I -o /dev/null -w '%{http_code} ' "$base/x"; "${C[@]}" -I "$base/x" | tr -d '\r' | sed -n 's/^Content-Length: //p')"
    check "http.server: curl 404" "404" "$("${C[@]}" -o /dev/null -w '%{http_code}' "$base/missing")"
    head -c 5000 /dev/zero | tr '\0' 'a' >"$tmp/body"
    check "http.server: curl POST 5000 bytes (Expect: 100-continue)" '201 {"len": 5000, "head": "aaaaaaaa"}' \
        "$("${C[@]}" -o "$tmp/post" -w '%{http_code} ' --data-binary @"$tmp/body" "$base/p"; cat "$tmp/post")"
    check "http.server: curl -N chunked" $'part 0\npart 1\npart 2' "$("${C[@]}" -N "$base/chunks")"
    urls=(); for i in $(seq 1 30); do urls+=("$base/r$i"); done
    check "http.server: 30 requests on one connection" "30 1" \
        "$("${C[@]}" -w '%{num_connects}\n' "${urls[@]}" | awk '/^hello/ {n++} /^[01]$/ {c += $1} END {print n, c}')"
    same "http.server: python3 and pyish http.client/urllib clients" "$progs/http_client.pyish" "$PORT"
fi

# ---- pyish's http.client/urllib against python3 -m http.server
mkdir -p "$tmp/www" && echo "hello file" >"$tmp/www/a.txt"
if start p3http "$PY" -m http.server 0 --bind 127.0.0.1 --directory "$tmp/www"; then
    same "python3 -m http.server: pyish urllib/http.client" "$progs/http_client.pyish" "$PORT" --stdlib
fi

# ---- pyish's ssl client against openssl s_server
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
    port=$(free_port)
    openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/cert.pem" -key "$tmp/key.pem" -www -quiet \
        >"$tmp/s_server.out" 2>&1 </dev/null &
    pids+=($!)
    for ((i = 0; i < 100; i++)); do
        "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
        sleep 0.05
    done
    same "ssl: pyish client against openssl s_server" "$progs/tls_client.pyish" "$port" "$tmp/cert.pem"
fi

# ---- asyncio peers across interpreters (clients/aio_peer.pyish): python3's
# asyncio client against pyish's server and pyish's against python3's, in
# TCP and TLS, with peers resetting connections; openssl s_client and
# curl -k against pyish's TLS server. The client's output is fixed.
peer=$progs/aio_peer.pyish
peer_want='echo 100 lines: True
1 MiB upload digest matches: True
half-close answered: b'"'bye\\n'"'
big: first 64 KiB right: True
server saw 3 more connections: True and 2 resets: True'
peer_tls_want=$(grep -v half-close <<<"$peer_want")
peer_run() {   # NAME CLIENT-INTERP PORT [tls]
    local want=$peer_want
    [[ $# == 4 ]] && want=$peer_tls_want
    check "$1" "$want" "$(cd "$tmp" && timeout 60 "$2" "$peer" client "${@:3}" 2>&1)"
}
if start aio_pyish "$pyish" "$peer" server; then
    peer_run "asyncio: python3 client, pyish server, resets" "$PY" "$PORT"
    peer_run "asyncio: pyish client, pyish server, resets" "$pyish" "$PORT"
    kill -0 "${pids[-1]}" 2>/dev/null && ok "asyncio: pyish server alive after resets" \
        || fail "asyncio: pyish server alive after resets" "$(head -20 "$tmp/aio_pyish.err")"
fi
if start aio_py3 "$PY" "$peer" server; then
    peer_run "asyncio: pyish client, python3 server, resets" "$pyish" "$PORT"
fi
if command -v openssl >/dev/null && start aio_pyish_tls "$pyish" "$peer" server "$tmp/cert.pem" "$tmp/key.pem"; then
    peer_run "asyncio TLS: python3 client, pyish server, resets" "$PY" "$PORT" tls
    peer_run "asyncio TLS: pyish client, pyish server, resets" "$pyish" "$PORT" tls
    check "asyncio TLS: openssl s_client against pyish's server" "HELLO" \
        "$(echo hello | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -quiet 2>/dev/null)"
    if command -v curl >/dev/null; then
        check "asyncio TLS: curl -k against pyish's server" "hello tls" "$(timeout 10 curl -sk "https://127.0.0.1:$PORT/")"
    fi
    kill -0 "${pids[-1]}" 2>/dev/null && ok "asyncio TLS: pyish server alive" \
        || fail "asyncio TLS: pyish server alive" "$(head -20 "$tmp/aio_pyish_tls.err")"
fi
if command -v openssl >/dev/null && start aio_py3_tls "$PY" "$peer" server "$tmp/cert.pem" "$tmp/key.pem"; then
    peer_run "asyncio TLS: pyish client, python3 server, resets" "$pyish" "$PORT" tls
fi

[[ $fails == 0 ]] && echo "all passed" || echo "$fails failed"
[[ $fails == 0 ]]
