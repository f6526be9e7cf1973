#!/usr/bin/env bash
# tests/fuzz/ci.sh: the fuzz step of .ci/run. Builds the libFuzzer targets
# (clang, -DPYISH_FUZZ=ON) in build-fuzz, replays every corpus (the seed
# programs of tests/lang, samples/tutorial and tests/corpus, and the
# committed tests/fuzz/corpus/<target>/ with past findings), then fuzzes
# each target for FUZZ_SECONDS (default 20); fuzz_run's seeds are a
# sample of those programs. A crash or sanitizer report
# fails the step; a replayed corpus input must also finish within 10 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-20}
# (-O1 -g1: the build is most of this step's time; line tables are all the
# sanitizer reports need)
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DPYISH_FUZZ=ON -DPYISH_SHARED=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_parse fuzz_compile fuzz_run fuzz_methods
bin=build-fuzz/tests/fuzz
seeds=$(mktemp -d); few=$(mktemp -d); work=$(mktemp -d); trap 'rm -rf "$seeds" "$few" "$work"' EXIT
# (named folder_file: several test folders have files of the same name)
for f in tests/lang/*/*.pyish samples/tutorial/*.pyish tests/corpus/*.py; do
    d=${f%/*}; cp "$f" "$seeds/${d##*/}_${f##*/}"
done
# fuzz_run starts from fewer seeds: running all 1200 programs took its
# whole fuzzing time (and 2 minutes of replay) while the ASan step of
# .ci/run has already run each of them under the sanitizers
for f in samples/tutorial/*.pyish tests/corpus/*.py $(ls tests/lang/*/*.pyish | awk 'NR % 12 == 0'); do
    d=${f%/*}; cp "$f" "$few/${d##*/}_${f##*/}"
done
opts=(-detect_leaks=0 -timeout=10 -rss_limit_mb=3000 -artifact_prefix="$work/")
for t in parse compile run methods; do
    corpus=tests/fuzz/corpus/$t
    dirs=("$corpus")
    [[ $t == parse || $t == compile ]] && dirs+=("$seeds")
    [[ $t == run ]] && dirs+=("$few")
    dict=(); [[ $t != methods ]] && dict=(-dict=tests/fuzz/pyish.dict)
    echo "fuzz_$t: replaying ${dirs[*]}"
    "$bin/fuzz_$t" "${opts[@]}" -runs=0 "${dirs[@]}" 2>"$work/replay_$t.log" \
        || { tail -n 40 "$work/replay_$t.log"; echo "fuzz_$t: replay failed"; exit 1; }
    mkdir -p "$work/new_$t"
    echo "fuzz_$t: fuzzing ${secs}s"
    # -fork: a timeout or an out-of-memory (a legitimately endless or huge
    # computation, e.g. sum() over a range of 2**60 ints, that no budget
    # interrupts in C) is not a finding; a crash or a sanitizer report is
    "$bin/fuzz_$t" "${opts[@]}" "${dict[@]}" -fork=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout_exitcode=0 \
        -max_total_time="$secs" "$work/new_$t" "${dirs[@]}" \
        2>"$work/fuzz_$t.log" || { tail -n 40 "$work/fuzz_$t.log"; echo "fuzz_$t: finding"; exit 1; }
    grep -E '^#[0-9]+: cov|^Done|DONE' "$work/fuzz_$t.log" | tail -n 1 || true
done
echo "fuzz: 4 targets replayed and fuzzed, no finding"
