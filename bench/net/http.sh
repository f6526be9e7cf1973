#!/usr/bin/env bash
# The HTTP benchmark: samples/net/http_server.pyish (asyncio streams,
# keep-alive; valid Python) run by python3, python3 + uvloop (when Debian's
# python3-uvloop is installed) and pyish, loaded by wrk (keep-alive, 100
# connections) on the /json endpoint and on a 1 KiB static file. The server
# is pinned to CPU 0 and wrk to CPU 1. Prints requests/s and p99 latency per
# interpreter and pyish's ratios. The server's request log (stderr) is discarded.
# PIPELINE=N sends N requests at a time on each connection (a wrk script).
# usage: bench/net/http.sh [PYISH] [SECONDS] [CONNECTIONS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
pyish=${1:-$here/../../build/pyish}
secs=${2:-10}
conns=${3:-100}
py=/usr/bin/python3
sample=$here/../../samples/net/http_server.pyish
command -v wrk >/dev/null || { echo "http.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
interps=(python3 pyish)
if $py -c 'import uvloop' 2>/dev/null; then interps=(python3 uvloop pyish); fi
root=$(mktemp -d)
head -c 1024 /dev/zero | tr '\0' 'x' >"$root/file.txt"
wrk_script=()
if [[ -n "${PIPELINE:-}" ]]; then
    cat >"$root/pipeline.lua" <<EOF
init = function(args)
    local r = {}
    for i = 1, ${PIPELINE} do r[i] = wrk.format(nil, wrk.path) end
    req = table.concat(r)
end
request = function() return req end
EOF
    wrk_script=(-s "$root/pipeline.lua")
fi
server_pid=
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$root"' EXIT

start_server() {   # interp -> sets port
    local cmd
    case $1 in
        python3) cmd=($py "$sample" 0 "$root") ;;
        uvloop) cmd=($py -c 'import sys, runpy, uvloop; uvloop.install(); sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")' "$sample" 0 "$root") ;;
        pyish) cmd=("$pyish" "$sample" 0 "$root") ;;
    esac
    coproc SERVER { ulimit -n 4096; exec taskset -c 0 "${cmd[@]}" 2>/dev/null; }
    server_pid=$SERVER_PID
    local line
    read -r -t 10 line <&"${SERVER[0]}"
    port=${line##* }
}

printf '%-10s' path
for i in "${interps[@]}"; do printf ' %10s %8s' "$i" p99; done
printf ' %8s' 'py/py3'
[[ ${#interps[@]} == 3 ]] && printf ' %8s' 'py/uv'
echo
for path in /json /file.txt; do
    declare -A rps=() p99=()
    for i in "${interps[@]}"; do
        start_server "$i"
        out=$(taskset -c 1 wrk -t 1 -c "$conns" -d "${secs}s" --latency "${wrk_script[@]}" "http://127.0.0.1:$port$path")
        rps[$i]=$(awk '/^Requests\/sec/ { printf "%d", $2 }' <<<"$out")
        p99[$i]=$(awk '$1 == "99%" { print $2 }' <<<"$out")
        if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
            echo "warning ($i): $(grep 'Non-2xx\|Socket errors' <<<"$out")" >&2
        fi
        kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=
    done
    printf '%-10s' "$path"
    for i in "${interps[@]}"; do printf ' %10s %8s' "${rps[$i]}" "${p99[$i]}"; done
    awk -v a="${rps[pyish]}" -v b="${rps[python3]}" 'BEGIN { printf " %8.2f", (b > 0 ? a / b : 0) }'
    [[ ${#interps[@]} == 3 ]] && awk -v a="${rps[pyish]}" -v b="${rps[uvloop]}" 'BEGIN { printf " %8.2f", (b > 0 ? a / b : 0) }'
    echo
    unset rps p99
done
