#!/usr/bin/env bash
# Memory per idle connection: the echo server (echo_server.py, streams and
# protocol modes) run by python3, python3 + uvloop (when installed) and
# pyish holds N connections (default 10 000) opened by conns_client.py,
# each with one echoed byte and a handler waiting for more. Prints the
# server's resident memory before and while holding them (VmRSS) and the
# difference per connection. The file-descriptor limit is raised for both.
# usage: bench/net/conns.sh [PYISH] [N]
set -u
here=$(cd "$(dirname "$0")" && pwd)
pyish=${1:-$here/../../build/pyish}
n=${2:-10000}
py=/usr/bin/python3
interps=(python3 pyish)
if $py -c 'import uvloop' 2>/dev/null; then interps=(python3 uvloop pyish); fi
ulimit -n $((n + 1000)) 2>/dev/null || ulimit -Hn $((n + 1000)) || { echo "conns.sh: cannot raise the fd limit to $((n + 1000))" >&2; exit 2; }
ulimit -n $((n + 1000))
server_pid=
tmp=$(mktemp -d)
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

printf '%-9s %-8s %10s %10s %10s\n' mode interp 'idle KiB' 'held KiB' 'B/conn'
for mode in streams protocol; do
    for i in "${interps[@]}"; do
        case $i in
            python3) cmd=($py "$here/echo_server.py" "$mode") ;;
            uvloop) cmd=($py "$here/echo_server.py" "$mode" --uvloop) ;;
            pyish) cmd=("$pyish" "$here/echo_server.py" "$mode") ;;
        esac
        coproc SERVER { exec "${cmd[@]}"; }
        server_pid=$SERVER_PID
        read -r -t 10 port <&"${SERVER[0]}"
        sleep 0.2
        before=$(rss_kib "$server_pid")
        rm -f "$tmp/go" "$tmp/out"; mkfifo "$tmp/go"
        $py "$here/conns_client.py" "$port" "$n" <"$tmp/go" >"$tmp/out" &
        client_pid=$!
        exec 9>"$tmp/go"
        for _ in $(seq 1200); do grep -q ready "$tmp/out" 2>/dev/null && break; sleep 0.1; done
        ready=$(head -1 "$tmp/out")
        sleep 0.5
        held=$(rss_kib "$server_pid")
        echo >&9; exec 9>&-
        wait "$client_pid" 2>/dev/null
        kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=
        if [[ "${ready:-}" != ready ]]; then echo "$mode $i: client failed" >&2; continue; fi
        printf '%-9s %-8s %10d %10d %10d\n' "$mode" "$i" "$before" "$held" $(((held - before) * 1024 / n))
    done
done
