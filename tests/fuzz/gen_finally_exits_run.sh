#!/bin/bash
# Differential run of gen_finally_exits.py: gen_finally_exits_run.sh START COUNT PYISH [OUTDIR]
# Generates COUNT programs from seed START on, runs each under /usr/bin/python3
# and PYISH, and keeps (in OUTDIR) the programs whose output or status differ.
here=$(cd "$(dirname "$0")" && pwd)
start=$1; count=$2; py=$3; d=${4:-/tmp/finally_exits}; mkdir -p "$d"; fails=0
for ((s=start; s<start+count; s++)); do
  f=$d/p$s.py
  /usr/bin/python3 "$here/gen_finally_exits.py" $s > "$f"
  /usr/bin/python3 "$f" > "$d/e$s" 2>&1; ea=$?
  timeout 10 "$py" "$f" > "$d/a$s" 2>&1; aa=$?
  if ! cmp -s "$d/e$s" "$d/a$s" || [ $ea != $aa ]; then
    echo "DIFF $s ($ea/$aa)"; fails=$((fails+1))
  else
    rm -f "$f" "$d/e$s" "$d/a$s"
  fi
done
echo "fails=$fails"
