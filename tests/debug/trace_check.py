#!/usr/bin/env python3
"""Checks a `pyish --trace-file` output against the Chrome trace event
format (the JSON object form that Perfetto and chrome://tracing load) and
against what pyish promises about it (README, "Debugging async code").

Usage: trace_check.py TRACE.json [--tasks N]

- the top level is {"traceEvents": [...], "displayTimeUnit": "ms"};
- every event has name (str), ph, ts (number >= 0), pid and tid (ints);
  "X" has dur >= 0, "s"/"f" an id, "i" a scope s in t/p/g, "M" args.name
  (thread_name, process_name) or args.sort_index (thread_sort_index);
- one thread_name per track, every track with events has one, the loop's
  track is "event loop", and every other track is a task: "NAME (CORO)",
  named once, with --tasks N exactly N of them;
- within a track, events come in the order of their ts, and its slices do
  not overlap; a task's steps are named "CORO FILE:LINE";
- every flow end ("f") has its start ("s", same id, name and cat) no later,
  the start lies inside a slice of its track, the end at a slice's start.
Prints what is wrong and exits 1, else prints a summary and exits 0.
"""
import json
import re
import sys
from collections import defaultdict

EPS = 0.0015    # ts are written with 3 decimals (ns)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    path = args[0]
    want_tasks = int(args[args.index("--tasks") + 1]) if "--tasks" in args else None
    errors = []

    def err(msg):
        if len(errors) < 30:
            errors.append(msg)

    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        sys.exit(f"{path}: not a JSON object with a traceEvents list")
    if doc.get("displayTimeUnit") != "ms":
        err("displayTimeUnit is not 'ms'")
    events = doc["traceEvents"]

    names = defaultdict(list)           # tid -> thread names
    by_tid = defaultdict(list)          # tid -> non-metadata events, in file order
    for n, e in enumerate(events):
        where = f"event {n} {json.dumps(e)[:120]}"
        if not isinstance(e, dict):
            err(f"{where}: not an object")
            continue
        for key, typ in (("name", str), ("ph", str), ("pid", int), ("tid", int)):
            if not isinstance(e.get(key), typ) or isinstance(e.get(key), bool):
                err(f"{where}: {key} missing or not {typ.__name__}")
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or isinstance(ts, bool) or ts < 0:
            err(f"{where}: ts missing, not a number or negative")
            continue
        ph = e.get("ph")
        if ph == "M":
            a = e.get("args")
            if e["name"] in ("thread_name", "process_name"):
                if not isinstance(a, dict) or not isinstance(a.get("name"), str):
                    err(f"{where}: {e['name']} without args.name")
                elif e["name"] == "thread_name":
                    names[e["tid"]].append(a["name"])
            elif e["name"] == "thread_sort_index":
                if not isinstance(a, dict) or not isinstance(a.get("sort_index"), int):
                    err(f"{where}: thread_sort_index without args.sort_index")
            else:
                err(f"{where}: unknown metadata event")
            continue
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                err(f"{where}: X without dur >= 0")
                continue
        elif ph in ("s", "f"):
            if not isinstance(e.get("id"), (int, str)):
                err(f"{where}: flow event without id")
        elif ph == "i":
            if e.get("s", "t") not in ("t", "p", "g"):
                err(f"{where}: instant scope not t, p or g")
        else:
            err(f"{where}: unexpected phase {ph!r}")
            continue
        by_tid[e["tid"]].append(e)

    # tracks: one name each; the loop, then one per task
    task_tracks = 0
    for tid in sorted(set(names) | set(by_tid)):
        got = names.get(tid, [])
        if len(got) != 1:
            err(f"tid {tid}: {len(got)} thread_name events, want 1 ({got})")
            continue
        if got[0] == "event loop":
            continue
        task_tracks += 1
        if not re.fullmatch(r".+ \(.+\)", got[0]):
            err(f"tid {tid}: thread name {got[0]!r} is not 'TASK (CORO)'")
        for e in by_tid.get(tid, []):
            if e["ph"] == "X" and not re.fullmatch(r"\S+ .+:\d+", e["name"]):
                if not re.fullmatch(r"[A-Za-z_]\w*", e["name"]):    # a non-coroutine awaitable
                    err(f"tid {tid}: step name {e['name']!r} is not 'CORO FILE:LINE'")
    loops = [t for t, n in names.items() if n == ["event loop"]]
    if len(loops) != 1:
        err(f"{len(loops)} 'event loop' tracks, want 1")
    if want_tasks is not None and task_tracks != want_tasks:
        err(f"{task_tracks} task tracks, want {want_tasks}")
    if len(set(n[0] for t, n in names.items() if len(n) == 1)) != len(names):
        err("two tracks share a name")

    # order within a track; slices do not overlap
    slices = defaultdict(list)
    for tid, evs in by_tid.items():
        last_ts = -1.0
        last_end = -1.0
        for e in evs:
            if e["ts"] + EPS < last_ts:
                err(f"tid {tid}: ts {e['ts']} after {last_ts}: not in time order")
            last_ts = max(last_ts, e["ts"])
            if e["ph"] == "X":
                if e["ts"] + EPS < last_end:
                    err(f"tid {tid}: slice {e['name']!r} at {e['ts']} overlaps the one ending at {last_end}")
                last_end = e["ts"] + e["dur"]
                slices[tid].append((e["ts"], last_end))

    def inside(tid, ts):
        return any(a - EPS <= ts <= b + EPS for a, b in slices[tid])

    def starts(tid, ts):
        return any(abs(a - ts) <= EPS for a, _ in slices[tid])

    starts_by_id = {}
    nflows = 0
    for tid, evs in by_tid.items():
        for e in evs:
            if e["ph"] == "s":
                starts_by_id[e["id"]] = e
                if not inside(tid, e["ts"]):
                    err(f"flow start {e['id']} at {e['ts']} on tid {tid} is in no slice")
    for tid, evs in by_tid.items():
        for e in evs:
            if e["ph"] != "f":
                continue
            nflows += 1
            s = starts_by_id.get(e["id"])
            if s is None:
                err(f"flow end {e['id']} has no start")
            elif (s["name"], s.get("cat")) != (e["name"], e.get("cat")) or s["ts"] > e["ts"] + EPS:
                err(f"flow {e['id']}: start {s} does not match end {e}")
            if not starts(tid, e["ts"]):
                err(f"flow end {e['id']} at {e['ts']} on tid {tid} starts no slice")

    if errors:
        print(f"FAIL {path}:")
        for m in errors:
            print("  " + m)
        sys.exit(1)
    nsteps = sum(1 for evs in by_tid.values() for e in evs if e["ph"] == "X")
    print(f"ok {path}: {len(events)} events, {task_tracks} task tracks, {nsteps} slices, {nflows} flows")


if __name__ == "__main__":
    main()
