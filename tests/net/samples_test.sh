#!/usr/bin/env bash
# Runs the networking samples of samples/net under an interpreter and checks
# what they do: servers start in the background on port 0 (the port is read
# from their first output line, "listening on PORT"), and are driven with
# curl (HTTP), small python3 clients (/usr/bin/python3, whatever interpreter
# is tested) and the sample clients themselves (under the tested
# interpreter). Every client runs under `timeout`; every server started is
# killed on exit (trap).
# Usage: tests/net/samples_test.sh INTERPRETER    e.g. /usr/bin/python3, build/pyish
# Exits 0 when every check passes; prints "ok"/"FAIL" per check.
set -u
interp=${1:?usage: samples_test.sh INTERPRETER}
if [[ "$interp" == */* ]]; then
    [[ "$interp" == /* ]] || interp="$PWD/$interp"
fi
here=$(cd "$(dirname "$0")" && pwd)
samples=$(cd "$here/../../samples/net" && pwd)
DRIVER=/usr/bin/python3      # runs the test clients, not the samples
[[ -x "$DRIVER" ]] || DRIVER=python3
tmp=$(mktemp -d)
server_pids=()

cleanup() {
    local p
    for p in "${server_pids[@]}"; do
        kill -9 "$p" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passes=0
fails=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
fail() {
    fails=$((fails + 1)); echo "FAIL $1"; shift
    local x
    for x in "$@"; do printf '%s\n' "$x" | head -25 | sed 's/^/     /'; done
}
# check NAME EXPECTED ACTUAL [extra lines shown on failure]
check() {
    if [[ "$2" == "$3" ]]; then ok "$1"; else
        fail "$1" "--- expected:" "$2" "--- got:" "$3" "${@:4}"
    fi
}

# run_sample NAME ARGS...: runs a sample in the foreground (10 s max)
run_sample() {
    local name=$1; shift
    timeout 10 "$interp" "$samples/$name.pyish" "$@"
}

# start_server NAME ARGS...: starts a server sample in the background, waits
# (10 s max) for "listening on PORT" and sets SPID, PORT, SOUT (its stdout
# file) and SERR (stderr). Returns 1 if it did not start.
start_server() {
    local name=$1; shift
    SOUT="$tmp/$name.$RANDOM.out"; SERR="${SOUT%.out}.err"
    "$interp" "$samples/$name.pyish" "$@" >"$SOUT" 2>"$SERR" </dev/null &
    SPID=$!
    server_pids+=("$SPID")
    PORT=""
    local i line
    for ((i = 0; i < 100; i++)); do
        line=$(head -n 1 "$SOUT" 2>/dev/null)
        if [[ "$line" =~ ^listening\ on\ ([0-9]+)$ ]]; then
            PORT=${BASH_REMATCH[1]}
            return 0
        fi
        kill -0 "$SPID" 2>/dev/null || break
        sleep 0.1
    done
    fail "$name starts" "first line: ${line:-<none>}" "--- stderr:" "$(head -20 "$SERR")"
    return 1
}

stop_server() {
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

# wait_exit PID SECONDS: waits for a background process; sets RC (124 if it
# did not end in time, and then it is killed)
wait_exit() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        if ! kill -0 "$1" 2>/dev/null; then
            wait "$1"; RC=$?
            return 0
        fi
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null
    RC=124
}

# A port that nothing listens on (bound then released by python3)
free_port() {
    "$DRIVER" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

echo "== samples under $interp"

# ---------------------------------------------------------------- echo
if start_server echo_server; then
    out=$(run_sample echo_client 127.0.0.1 "$PORT" hello "two words" "" "último" 2>&1)
    check "echo_client: messages from argv" $'hello\ntwo words\n\núltimo' "$out"

    out=$(printf 'line one\nline two\n' | timeout 10 "$interp" "$samples/echo_client.pyish" 127.0.0.1 "$PORT" 2>&1)
    check "echo_client: lines from stdin" $'line one\nline two' "$out"

    # 20 clients at once: 21 interpreters starting together on a loaded
    # machine can take more than run_sample's 10 s of wall-clock time, so
    # these get 60 s; that the sample is not slow is checked on the CPU
    # time each client used (user + system), which load does not inflate.
    cpids=()
    for i in $(seq 1 20); do
        /usr/bin/time -f '%x %e %U %S' -o "$tmp/par.$i.time" \
            timeout 60 "$interp" "$samples/echo_client.pyish" 127.0.0.1 "$PORT" "client $i" "second $i" \
            >"$tmp/par.$i" 2>&1 &
        cpids+=($!)
    done
    wait "${cpids[@]}"
    wait_ok=1
    for i in $(seq 1 20); do
        [[ "$(cat "$tmp/par.$i")" == $'client '$i$'\nsecond '$i ]] || { wait_ok=0; bad=$i; }
    done
    if [[ $wait_ok == 1 ]]; then ok "echo: 20 concurrent echo_clients"; else
        fail "echo: 20 concurrent echo_clients" "client $bad (exit, wall s, user s, sys s: $(tail -1 "$tmp/par.$bad.time")) got:" \
            "$(cat "$tmp/par.$bad")"; fi
    cpu=$(cat "$tmp"/par.*.time | awk '{ t = $3 + $4; if (t > max) max = t } END { printf "%.2f", max }')
    awk -v c="$cpu" 'BEGIN { exit !(c < 1.5) }' && ok "echo: each echo_client used under 1.5 s of CPU" \
        || fail "echo: each echo_client used under 1.5 s of CPU" "the most: $cpu s"

    out=$(timeout 20 "$DRIVER" - "$PORT" <<'EOF' 2>&1
import hashlib, socket, sys, threading
data = hashlib.sha256(b"x").digest() * 65536          # 2 MiB
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def send():
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
threading.Thread(target=send).start()
got = bytearray()
while chunk := s.recv(1 << 16):
    got += chunk
print(len(got), hashlib.sha256(got).digest() == hashlib.sha256(data).digest())
EOF
)
    check "echo: 2 MiB from a python3 client" "2097152 True" "$out"

    closed=$(free_port)
    out=$(run_sample echo_client 127.0.0.1 "$closed" hi 2>&1); rc=$?
    check "echo_client: refused port -> exit 1 and a message" \
        "1 cannot connect to 127.0.0.1:$closed: ConnectionRefusedError" "$rc $out"

    grep -q "^connection from 127.0.0.1:" "$SERR" && ok "echo_server logs connections on stderr" \
        || fail "echo_server logs connections on stderr" "$(head -5 "$SERR")"
    kill -0 "$SPID" 2>/dev/null && ok "echo_server still serving" || fail "echo_server still serving"
    echo_port=$PORT; echo_pid=$SPID
fi

# ---------------------------------------------------------------- port_check
if [[ -n "${echo_port:-}" ]]; then
    closed=$(free_port)
    out=$(run_sample port_check --timeout 2 "127.0.0.1:$echo_port" "127.0.0.1:$closed" "no-port" 2>&1); rc=$?
    check "port_check: open, closed, invalid (exit 1)" \
        "127.0.0.1:$echo_port open"$'\n'"127.0.0.1:$closed closed"$'\n'"no-port invalid address"$'\n'"1" \
        "$out"$'\n'"$rc"
    out=$(run_sample port_check "127.0.0.1:$echo_port" 2>&1); rc=$?
    check "port_check: all open (exit 0)" "127.0.0.1:$echo_port open 0" "$out $rc"
    run_sample port_check >/dev/null 2>&1; rc=$?
    check "port_check: usage (exit 2)" "2" "$rc"
    stop_server "$echo_pid"
fi

# ---------------------------------------------------------------- chat
if start_server chat_server; then
    out=$(timeout 20 "$DRIVER" - "$PORT" <<'EOF' 2>&1
import socket, sys
port = int(sys.argv[1])
def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s, s.makefile("r", encoding="utf-8", newline="\n")
def line(f):
    return f.readline().rstrip("\n")
log = []
a, af = connect()
log.append("alice< " + line(af))
a.sendall(b"alice\n")
log.append("alice< " + line(af))
b, bf = connect()
log.append("bob< " + line(bf))
b.sendall(b"alice\n")
log.append("bob< " + line(bf))
b.sendall(b"bob\n")
log.append("bob< " + line(bf))
log.append("alice< " + line(af))
b.sendall(b"hi all\n")
log.append("alice< " + line(af))
a.sendall("héllo bob\n".encode())
log.append("bob< " + line(bf))
a.sendall(b"/who\n")
log.append("alice< " + line(af))
b.sendall(b"/quit\n")
log.append("bob< " + line(bf))
log.append("bob< EOF" if bf.readline() == "" else "bob< more data?")
log.append("alice< " + line(af))
c, cf = connect()
cf.readline()
c.sendall(b"carol\n")
log.append("carol< " + line(cf))
log.append("alice< " + line(af))
af.close(); a.close()           # leaving without /quit (the makefile holds the fd too)
log.append("carol< " + line(cf))
c.sendall(b"/who\n")
log.append("carol< " + line(cf))
print("\n".join(log))
EOF
)
    expected='alice< name?
alice< welcome alice, 1 online
bob< name?
bob< name taken, try again:
bob< welcome bob, 2 online
alice< * bob joined
alice< <bob> hi all
bob< <alice> héllo bob
alice< online: alice bob
bob< bye
bob< EOF
alice< * bob left
carol< welcome carol, 2 online
alice< * carol joined
carol< * alice left
carol< online: carol'
    check "chat_server: two clients, /who, /quit, leave" "$expected" "$out" "--- server stderr:" "$(head -20 "$SERR")"
    # carol leaves when the driver exits: wait for the server to notice
    for ((i = 0; i < 50; i++)); do grep -q "^carol left" "$SOUT" && break; sleep 0.1; done
    check "chat_server: stdout log" $'alice joined\nbob joined\nbob left\ncarol joined\nalice left\ncarol left' \
        "$(tail -n +2 "$SOUT")"
    stop_server "$SPID"
fi

# ---------------------------------------------------------------- http
if ! command -v curl >/dev/null; then
    echo "SKIP http_server (no curl)"
else
    root="$tmp/www"
    mkdir -p "$root/sub"
    printf '<h1>index</h1>\n' >"$root/index.html"
    printf 'hello over http\n' >"$root/hello.txt"
    printf '{"k": 1}\n' >"$root/sub/data.json"
    head -c 300000 /dev/urandom >"$root/big.bin"
    printf 'secret\n' >"$tmp/secret.txt"
    if start_server http_server 0 "$root"; then
        base="http://127.0.0.1:$PORT"
        C=(curl -s --max-time 10)
        check "http: GET a file" "hello over http" "$("${C[@]}" "$base/hello.txt")"
        check "http: / is index.html" "<h1>index</h1>" "$("${C[@]}" "$base/")"
        check "http: file in a subdirectory + content type" \
            $'{"k": 1}\napplication/json' "$("${C[@]}" -w '%{content_type}' "$base/sub/data.json")"
        check "http: binary file intact" "$(cksum <"$root/big.bin")" "$("${C[@]}" "$base/big.bin" | cksum)"
        check "http: 404" "404" "$("${C[@]}" -o /dev/null -w '%{http_code}' "$base/missing.txt")"
        check "http: traversal refused" "403" \
            "$("${C[@]}" --path-as-is -o /dev/null -w '%{http_code}' "$base/../secret.txt")"
        check "http: 405 for DELETE" "405" "$("${C[@]}" -X DELETE -o /dev/null -w '%{http_code}' "$base/hello.txt")"
        out=$("${C[@]}" -I "$base/hello.txt" | tr -d '\r' | grep -E '^(HTTP|Content-Length|Connection)' )
        check "http: HEAD" $'HTTP/1.1 200 OK\nContent-Length: 16\nConnection: keep-alive' "$out"
        out=$("${C[@]}" "$base/json" | "$DRIVER" -c 'import json,sys; d=json.load(sys.stdin); print(d["server"], d["request_on_connection"])')
        check "http: GET /json" "pyish-sample 1" "$out"
        # keep-alive: curl reuses the connection for URLs of one invocation
        out=$("${C[@]}" -w 'connects=%{num_connects}\n' "$base/json" "$base/json" "$base/hello.txt" |
              sed -E 's/.*"request_on_connection": ([0-9]+).*/req=\1/')
        check "http: keep-alive (one connection, three requests)" \
            $'req=1\nconnects=1\nreq=2\nconnects=0\nhello over http\nconnects=0' "$out"
        out=$("${C[@]}" -X POST -H 'Content-Type: application/json' -d '{"a": [1, 2], "b": "ü"}' "$base/json")
        check "http: POST /json echoes the body" '{"received": {"a": [1, 2], "b": "\u00fc"}}' "$out"
        check "http: POST invalid JSON -> 400" "400" \
            "$("${C[@]}" -X POST -d '{nope' -o /dev/null -w '%{http_code}' "$base/json")"
        out=$("${C[@]}" -0 -D - -o /dev/null "$base/hello.txt" | tr -d '\r' | grep -E '^Connection')
        check "http: HTTP/1.0 closes" "Connection: close" "$out"
        out=$("${C[@]}" -H 'Connection: close' -w ' connects=%{num_connects}' "$base/hello.txt" "$base/hello.txt" | tr '\n' '|')
        check "http: Connection: close honoured" "hello over http| connects=1hello over http| connects=1" "$out"
        cpids=()
        for i in $(seq 1 10); do
            "${C[@]}" "$base/hello.txt?n=$i" >"$tmp/http.$i" &
            cpids+=($!)
        done
        wait "${cpids[@]}"
        good=0
        for i in $(seq 1 10); do [[ "$(cat "$tmp/http.$i")" == "hello over http" ]] && good=$((good + 1)); done
        check "http: 10 parallel curls" "10" "$good"
        out=$(timeout 10 "$DRIVER" - "$PORT" <<'EOF' 2>&1
import re, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GARBAGE\r\n\r\n")
data = b""
while chunk := s.recv(4096):
    data += chunk
print(data.split(b"\r\n")[0].decode())
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while chunk := s.recv(4096):
    data += chunk
print([l.decode() for l in re.findall(rb"HTTP/1\.1 [0-9]+ [A-Za-z ]+(?=\r\n)", data)])
EOF
)
        check "http: malformed request -> 400, pipelined requests" \
            $'HTTP/1.1 400 Bad Request\n[\'HTTP/1.1 200 OK\', \'HTTP/1.1 404 Not Found\']' "$out"
        kill -0 "$SPID" 2>/dev/null && ok "http_server still serving" || fail "http_server still serving" "$(tail -20 "$SERR")"
        stop_server "$SPID"
    fi
fi

# ---------------------------------------------------------------- pipeline
pdir="$tmp/pipe"
mkdir -p "$pdir"
for f in kiwi apple mango banana cherry fig grape lemon date elder honeydew ice jack; do
    : >"$pdir/$f"
done
out=$(run_sample pipeline "$pdir" 3 2>"$tmp/pipeline.err"); rc=$?
check "pipeline: ls | sort | head -n 3" $'apple\nbanana\ncherry\n0' "$out"$'\n'"$rc"
check "pipeline: exit statuses on stderr" "exit statuses: [0, 0, 0]" "$(cat "$tmp/pipeline.err")"
out=$(run_sample pipeline "$pdir" 2>/dev/null)
check "pipeline: default head of 10" "$(ls "$pdir" | sort | head -n 10)" "$out"
out=$(cd "$pdir" && run_sample pipeline 2>/dev/null | wc -l)
check "pipeline: default directory ." "10" "$(echo $out)"

# ---------------------------------------------------------------- graceful
if start_server graceful; then
    gpid=$SPID; gout=$SOUT
    timeout 20 "$DRIVER" - "$PORT" "$tmp/client.ready" >"$tmp/client.out" 2>&1 <<'EOF' &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("r")
s.sendall(b"ping\n")
print("reply:", f.readline().strip())
s.sendall(b"what\n")
print("reply:", f.readline().strip())
open(sys.argv[2], "w").close()
print("then:", f.readline().strip())
print("eof:", f.readline() == "")
EOF
    cpid=$!
    for ((i = 0; i < 100; i++)); do [[ -e "$tmp/client.ready" ]] && break; sleep 0.1; done
    sleep 0.3                      # let the heartbeat tick
    kill -TERM "$gpid"
    wait_exit "$gpid" 10
    wait "$cpid"
    check "graceful: SIGTERM -> clean exit 0" \
        $'received SIGTERM, shutting down\nnotified 1 client(s), heartbeat stopped\nshutdown complete\n0' \
        "$(tail -n +2 "$gout")"$'\n'"$RC" "--- stderr:" "$(head -20 "${gout%.out}.err")"
    check "graceful: the client is told and disconnected" \
        $'reply: pong\nreply: unknown\nthen: server shutting down\neof: True' "$(cat "$tmp/client.out")"
fi
if start_server graceful; then
    sleep 0.3
    kill -INT "$SPID"
    wait_exit "$SPID" 10
    check "graceful: SIGINT, no clients" \
        $'received SIGINT, shutting down\nnotified 0 client(s), heartbeat stopped\nshutdown complete\n0' \
        "$(tail -n +2 "$SOUT")"$'\n'"$RC" "--- stderr:" "$(head -20 "$SERR")"
fi

echo "== $passes passed, $fails failed"
[[ $fails -eq 0 ]]
