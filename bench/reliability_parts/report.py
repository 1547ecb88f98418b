"""The reliability benchmark's printed report: what each part found, then one line a part."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections import Counter

from .common import OVER_LIMIT, ROOT, START, TIME_LIMIT
from .fuzz_cases import shown


def fmt(n):
    return f"{n:,}"


def print_report(args, kill: dict | None, live: dict | None, fuzz: dict | None) -> None:
    """The report of the parts that ran (None: not run), then one summary line a part."""
    summary = []
    print("\n" + "=" * 100)
    print(f"Kavosh reliability benchmark (seed {args.seed}{', --quick' if args.quick else ''}; "
          f"{time.monotonic() - START:.0f} s; {os.cpu_count()} CPUs; "
          f"git {subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True, text=True).stdout.strip()})")
    print("=" * 100)
    if kill:
        print(f"\n-- kill -9 loop ({kill['iterations']} update runs of ~{kill.get('run_seconds', 0):.1f} s; "
              f"{kill['finished_before_kill']} finished before their kill)")
        print(f"   kills by phase: {dict(kill['phases'])}")
        print(f"   killed first run, then `kavosh stats`: {kill['first_run_kill']}")
        if "incompatible" in kill["first_run_kill"]:
            print("   !!! misleading: a first run killed before its end leaves a folder that reads as "
                  "'written by an incompatible Kavosh version' (whoosh wrote an empty index, kavosh.json "
                  "comes last); `kavosh index` without --rebuild does recover it")
        print(f"   final: {kill.get('final')}")
        for p in kill["problems"][:15]:
            print(f"   !!! {p}")
        summary.append(f"kill -9: {kill['kills']} kills ({kill['during_commit']} during commit) / "
                       f"{kill['partial']} partial states / {kill['lost']} documents lost / "
                       f"{kill['failed_recoveries']} failed recoveries")
    if live:
        w = live["writer"]
        print(f"\n-- live server ({args.readers} readers, {live['elapsed']:.0f} s; "
              f"requests by kind {dict(live['by_kind'])})")
        print(f"   statuses {dict(sorted(live['statuses'].items()))}; transport errors {live['transport']}")
        for name, ph in live["phase"].items():
            print(f"   {name + ':':<17} {ph['requests']:>6} requests, {ph['non-2xx']:>6} non-2xx, "
                  f"{ph['wrong']:>4} wrong answers")
        print(f"   writer: {w['runs']} `kavosh index` runs completed ({w['rebuilds']} --rebuild), "
              f"{w['failed']} failed, {w['mean_s']:.1f} s each")
        for e, n in w["errors"].most_common(3):
            print(f"   !!! writer failure ×{n}: {e}")
        for body, n in live["bodies"].most_common(6):
            print(f"   !!! ×{n:<6} {body}")
        for e, n in live["server_errors"].most_common(5):
            print(f"   !!! server log ×{n:<6} {e}")
        for e in live["wrong_examples"]:
            print(f"   !!! wrong answer under concurrency: {e}")
        if live["deterministic"]:
            print(f"   !!! {len(live['deterministic'])} of {live['probes']} probe queries are wrong even on the "
                  f"quiet server (a deterministic bug, not counted as concurrency), e.g.:")
            for e in live["deterministic"][:4]:
                print(f"       {e}")
        for e in live["transport_examples"]:
            print(f"   !!! transport: {e}")
        if live["oracle_bad"]:
            print(f"   !!! probe oracle did not hold on the quiet server: {live['oracle_bad']}")
        summary.append(f"live server: {fmt(live['requests'])} requests / {fmt(live['non2xx'])} non-2xx "
                       f"({fmt(live['5xx'])} 5xx) / {fmt(live['wrong'])} wrong answers under concurrency "
                       f"(+{len(live['deterministic'])} probe queries wrong when quiet) / {w['runs']} index runs "
                       f"/ p50 {live['p50']:.0f} ms p99 {live['p99']:.0f} ms")
    if fuzz:
        print(f"\n-- fuzz ({fuzz['queries']} queries in {len(fuzz['categories'])} categories; HTTP statuses "
              f"{dict(sorted(fuzz['statuses'].items()))}; CLI exits {dict(fuzz['exit_codes'])})")
        by = Counter(c.split(" ")[0] for c, *_ in fuzz["cli_tb"])
        if fuzz["cli_tb"]:
            print(f"   CLI tracebacks: {len(fuzz['cli_tb'])} (by category {dict(by)}); distinct errors:")
            firsts = {}
            for cat, raw, err in fuzz["cli_tb"]:
                key = re.sub(r"\d+", "N", err)[:80]
                firsts.setdefault(key, (cat, raw, err, 0))
                c, r_, e, k = firsts[key]
                firsts[key] = (c, r_, e, k + 1)
            for cat, raw, err, k in list(firsts.values())[:10]:
                print(f"   !!! ×{k:<4} {err}\n            [{cat}] {shown(raw)}")
        if fuzz["http_5xx"]:
            by = Counter(c for c, *_ in fuzz["http_5xx"])
            print(f"   HTTP 5xx: {len(fuzz['http_5xx'])} (by category {dict(by)}); first few:")
            seen = set()
            for cat, raw, path, status, body in fuzz["http_5xx"]:
                if (cat, path) in seen:
                    continue
                seen.add((cat, path))
                print(f"   !!! {status} {path} [{cat}] {shown(raw)}")
                if len(seen) >= 10:
                    break
            for e, n in fuzz["server_errors"].most_common(6):
                print(f"   !!! server log ×{n:<5} {e}")
        over_reqs = {(c, r, p): (c, r, p, dt, took, note)
                     for c, r, p, dt, took, note in fuzz["not_timed_out"] + fuzz["over"]}
        if over_reqs:
            by = Counter(c for c, *_ in over_reqs.values())
            print(f"   over the limit: {len(over_reqs)} requests (wall > {OVER_LIMIT:.0f} s: {len(fuzz['over'])}, "
                  f"of which no answer within {OVER_LIMIT + 0.3:.1f} s: "
                  f"{sum(1 for x in fuzz['over'] if x[5] == 'no answer')}, of which /?q= inferred from "
                  f"/api/search: {sum(1 for x in fuzz['over'] if x[5].startswith('inferred'))}; "
                  f"took_ms > {TIME_LIMIT:.0f} s "
                  f"with timed_out false: {len(fuzz['not_timed_out'])}) by category {dict(by)}; "
                  f"server replaced {fuzz['restarts']} times")
            seen = set()
            for cat, raw, path, dt, took, note in sorted(over_reqs.values(), key=lambda x: -x[3]):
                if (cat, path.split("?")[0]) in seen:
                    continue
                seen.add((cat, path.split("?")[0]))
                print(f"   !!! {dt:5.2f} s wall" + (f", took_ms {took * 1000:,.0f}" if took else "") +
                      f" ({note})  {path.split('?')[0]} [{cat}] {shown(raw)}")
                if len(seen) >= 14:
                    break
        for cat, raw, path, err in fuzz["transport"][:5]:
            print(f"   !!! transport {err} {path} [{cat}] {shown(raw)}")
        if fuzz["cli_killed"]:
            by = Counter(c for c, _ in fuzz["cli_killed"])
            print(f"   CLI queries stopped after {args.cli_timeout:.0f} s (the CLI has no time limit; not counted "
                  f"as failures): {len(fuzz['cli_killed'])} by category {dict(by)}")
            for cat, raw in fuzz["cli_killed"][:3]:
                print(f"       [{cat}] {shown(raw)}")
        for dt, cat, raw in fuzz["slow_cli"]:
            print(f"   slowest finished CLI query: {dt:.2f} s [{cat}] {shown(raw)}")
        if fuzz["http"] < fuzz["http_planned"]:
            print(f"   !!! only {fuzz['http']} of {fuzz['http_planned']} HTTP requests sent (time budget)")
        summary.append(f"fuzz: {fmt(fuzz['cli'])} CLI (+{fuzz['cli_sub']} subprocess) + {fmt(fuzz['http'])} HTTP "
                       f"queries / {len(fuzz['cli_tb']) + len(fuzz['http_5xx'])} tracebacks "
                       f"({len(fuzz['cli_tb'])} CLI, {len(fuzz['http_5xx'])} HTTP 5xx) / "
                       f"{len(over_reqs)} over the limit")
    print("\n" + "\n".join(summary))
