#!/usr/bin/env bash
# globals_test.sh LIBRARY.a: fails if an object of the pyish library holds
# mutable process-wide data (DESIGN §1: interpreter state lives in State).
# Read-only data and thread-local variables are fine; the allowed list names
# the exceptions, each with its reason.
set -euo pipefail
lib=$1
# file:symbol pairs allowed to be writable and process-wide
allowed=(
  "int.c.o:once"          # pthread_once flag: GMP's allocation hooks, set once
  "str.c.o:once"          # pthread_once flag: the shared C.UTF-8 locale
  "str.c.o:utf8_locale"   # that locale: made once, then only read
  "api.c.o:budget_once"   # pthread_once flag: the process's SIGVTALRM handler (CPU budgets)
  "parser.c.o:yyloc_default"  # bison's location initializer: never written
)
bad=0
while read -r file sym; do
  [[ "$sym" == __odr_asan* ]] && continue   # AddressSanitizer's ODR markers
  base=${sym%%.[0-9]*}    # function-local statics are named NAME.N
  ok=0
  for a in "${allowed[@]}"; do
    [[ "$file:$base" == "$a" ]] && ok=1
  done
  if ((!ok)); then
    echo "mutable global: $file $sym (move it into State, runtime/state.h)"
    bad=1
  fi
done < <(objdump -t "$lib" | awk '/^[^ ]*\.o:/ {f=$1; sub(/:$/, "", f)} $0 ~ / O / && $4 !~ /rodata|rel\.ro|tbss|tdata/ {print f, $NF}' | sort -u)
exit $bad
