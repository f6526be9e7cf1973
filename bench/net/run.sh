#!/usr/bin/env bash
# The asyncio echo benchmark: one server script (echo_server.py) in four
# modes run by python3, python3 + uvloop (when Debian's python3-uvloop is
# installed) and pyish, loaded by echo_client.py (10 client processes of
# blocking sockets, one request in flight each) with 1 KiB, 10 KiB and
# 100 KiB messages; the tls mode is streams over TLS (a self-signed
# certificate made here with the openssl CLI). The server is pinned to CPU 0 and the clients to CPU 1.
# Prints per interpreter requests/s, the server's CPU time per request in
# microseconds (user + system, from /proc, start-up excluded: the figure to
# trust on a loaded machine) and its peak resident memory (VmHWM, MiB);
# then pyish's ratios: requests/s against python3 and uvloop, and CPU per
# request of uvloop / pyish (above 1: pyish spends less CPU than uvloop).
# usage: bench/net/run.sh [PYISH] [SECONDS]   (MODES="sock tls" runs only those modes)
set -u
here=$(cd "$(dirname "$0")" && pwd)
pyish=${1:-$here/../../build/pyish}
secs=${2:-3}
py=/usr/bin/python3
interps=(python3 pyish)
if $py -c 'import uvloop' 2>/dev/null; then interps=(python3 uvloop pyish); fi
server_pid=
tmp=$(mktemp -d)
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
export ECHO_CERT=$tmp/cert.pem ECHO_KEY=$tmp/key.pem

start_server() {   # interp mode -> sets port
    local cmd
    case $1 in
        python3) cmd=($py "$here/echo_server.py" "$2") ;;
        uvloop) cmd=($py "$here/echo_server.py" "$2" --uvloop) ;;
        pyish) cmd=("$pyish" "$here/echo_server.py" "$2") ;;
    esac
    coproc SERVER { exec taskset -c 0 "${cmd[@]}"; }
    server_pid=$SERVER_PID
    read -r -t 60 port <&"${SERVER[0]}"   # start-up on a loaded machine
}

cpu_ticks() {   # pid -> user + system clock ticks so far
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
hz=$(getconf CLK_TCK)

printf '%-9s %7s' mode size
for i in "${interps[@]}"; do printf ' %10s %7s %5s' "$i" 'us/req' MiB; done
printf ' %8s' 'py/py3'
[[ ${#interps[@]} == 3 ]] && printf ' %8s %8s' 'py/uv' 'cpu uv/py'
echo
for mode in ${MODES:-sock streams protocol readline tls}; do
    for size in 1024 10240 102400; do
        declare -A rps=() us=() mib=()
        for i in "${interps[@]}"; do
            start_server "$i" "$mode"
            t0=$(cpu_ticks "$server_pid")
            rps[$i]=$(taskset -c 1 $py "$here/echo_client.py" "$port" "$size" 10 "$secs" $([[ $mode == tls ]] && echo tls))
            t1=$(cpu_ticks "$server_pid")
            us[$i]=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v r="${rps[$i]:-0}" -v s="$secs" \
                'BEGIN { printf "%.1f", (r > 0 ? t * 1e6 / hz / (r * s) : 0) }')
            mib[$i]=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null)
            kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=
        done
        printf '%-9s %6dK' "$mode" $((size / 1024))
        for i in "${interps[@]}"; do printf ' %10s %7s %5s' "${rps[$i]}" "${us[$i]}" "${mib[$i]}"; done
        awk -v a="${rps[pyish]}" -v b="${rps[python3]}" 'BEGIN { printf " %8.2f", (b > 0 ? a / b : 0) }'
        [[ ${#interps[@]} == 3 ]] && awk -v a="${rps[pyish]}" -v b="${rps[uvloop]}" -v u="${us[uvloop]}" -v p="${us[pyish]}" \
            'BEGIN { printf " %8.2f %8.2f", (b > 0 ? a / b : 0), (p > 0 ? u / p : 0) }'
        echo
        unset rps us mib
    done
done
