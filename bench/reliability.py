#!/usr/bin/env python3
"""Reliability benchmark: kill -9 while indexing, a live server under a writer, fuzzed queries.

    .venv/bin/python bench/reliability.py [--quick] [--corpus DIR]
        [--kills 20] [--queries 2000] [--seconds 60] [--seed 1] [--parts kill,live,fuzz]

Everything runs against the real product: `python -m kavosh ...` subprocesses
(cwd = the repository root, `--index` in a temporary folder) and a real
`kavosh serve --port 0` subprocess on 127.0.0.1.  The documents are real news
articles read from the corpus folder (bench/corpus.py: JSON Lines, never copied
into the repository), written as .jsonl and .txt files into a temporary folder.
This file runs the parts and prints the report; each part is a module of
bench/reliability_parts/.

1. kill -9 loop.  Build a working corpus and index it, calibrate the duration of
   one update run, then repeatedly: change the corpus (add, modify, delete .jsonl
   lines, .jsonl files and .txt files; the document count always changes), start
   `kavosh index`, SIGKILL it at a random moment -- spread over the whole run, a
   share aimed at the last 20 %, a share aimed at the commit itself (the
   index folder is watched for the run's first new .col/.toc file: whoosh writes
   the per-document columns and then the table of contents when it commits), and
   a few right after the new .toc appears (before kavosh.json is rewritten).
   After each check the same update runs to completion (it must give exactly
   the new state), so every killed run has the calibrated size.
   After each kill: `kavosh stats --json` must exit 0 (or, for a killed first
   run, print the one-line "kavosh: ..." error without a traceback), `kavosh
   search --json` must work, and the document count must equal the state
   before the run or the state after it.  A *partial state* is any other count,
   or a count that matches one state while a sampled added/removed id
   (`kavosh show ID --json`) says the other.  After the loop `kavosh index` runs
   to completion: every document of the final corpus must be there (count and
   a sample of ids by `kavosh show`); each missing one is a *document lost*.
   A *failed recovery* is a check after a kill that fails (index not opening,
   search failing) or a follow-up run that does not complete.

2. live server.  `kavosh serve` over an indexed corpus; N reader threads issue a
   mix of /api/search (real title words of both languages: all-words, any,
   phrases, prefixes, exact), /?q=, /doc/<id>, /api/suggest and /healthz while
   a writer thread loops `kavosh index` on the same index (adding, changing and
   deleting files; every few runs `--rebuild`).  The stable part of the corpus
   carries synthetic probe words (kvpa?, kvpb?) whose exact answers are known,
   so a wrong answer (wrong total or a hit outside the answer set, or a JSON
   answer for another query) is caught, not only errors.  Every non-2xx counts.

3. fuzz.  Seeded hostile and odd queries (deep nesting, unbalanced quotes, long
   queries around the 1,000-character limit, operator soup, field prefixes,
   wildcards, 150-word queries, mixed scripts, digits, diacritics, ZWNJ,
   control characters, lone surrogates and invalid UTF-8, NUL, emoji, RTL marks,
   very long words) sent to the CLI in-process (click's CliRunner), a subset
   through real `kavosh search` subprocesses, and to /api/search and /?q= of a
   fresh server over a quiet index.  A *traceback* is, for the CLI, an
   exception other than a clean SystemExit or "Traceback" in the output; for
   HTTP, any 5xx.  *Over the limit* is an HTTP answer taking longer than the
   server's 2 s search time limit + 1 s, or a JSON answer whose took_ms passed
   the limit while timed_out stayed false; each candidate is re-run alone to
   confirm it.

The exit status is 0 whatever is found: this is a benchmark, it reports.
"""

from __future__ import annotations


from __future__ import annotations

import argparse
import atexit
import os
import random
import signal
import sys
from pathlib import Path

from corpus import FOLDER_HELP, folder as corpus_folder  # bench/corpus.py
from reliability_parts.common import OVER_LIMIT, ROOT, cleanup, cli, log, loud, on_signal, tmpdir
from reliability_parts.fuzz import part_fuzz
from reliability_parts.kill import part_kill
from reliability_parts.live import part_live
from reliability_parts.report import print_report
from reliability_parts.working_corpus import Pool, build_corpus, load_articles


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a 1–2 minute run for development")
    ap.add_argument("--corpus", type=Path, default=corpus_folder(), help=FOLDER_HELP)
    ap.add_argument("--kills", type=int, default=None, help="kill -9 count (default 20; quick 5)")
    ap.add_argument("--queries", type=int, default=None, help="fuzzed queries (default 2000; quick 300)")
    ap.add_argument("--seconds", type=float, default=None, help="live-server load (default 60; quick 20)")
    ap.add_argument("--readers", type=int, default=8, help="reader threads (default 8)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--parts", default="kill,live,fuzz", help="comma-separated subset to run")
    args = ap.parse_args(argv)
    q = args.quick
    args.kills = args.kills if args.kills is not None else (5 if q else 20)
    args.queries = args.queries if args.queries is not None else (300 if q else 2000)
    args.seconds = args.seconds if args.seconds is not None else (20 if q else 60)
    if not (1 <= args.kills <= 500 and 1 <= args.queries <= 50_000 and 1 <= args.seconds <= 1800
            and 1 <= args.readers <= 64):
        ap.error("out of bounds: --kills 1–500, --queries 1–50000, --seconds 1–1800, --readers 1–64")
    args.kill_docs = 600 if q else 1500
    args.kill_scale = 200 if q else 300
    args.kill_sample = 40 if q else 150
    args.kill_budget = 240 if q else 900
    args.live_docs = 600 if q else 2000
    args.live_scale = 60
    args.rebuild_every = 5
    args.server_threads = 4
    args.fuzz_budget = 150 if q else 800
    args.cli_timeout = OVER_LIMIT
    args.cli_subprocess = 40 if q else 200
    parts = set(args.parts.split(","))

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    signal.signal(signal.SIGTERM, on_signal)
    atexit.register(cleanup)
    rng = random.Random(args.seed)
    need = (args.kill_docs + args.kills * args.kill_scale + 3 * args.kill_scale if "kill" in parts else 0) + \
           (args.live_docs + 40 * args.live_scale if parts & {"live", "fuzz"} else 0)
    log(f"reading articles from {args.corpus} (seed {args.seed})")
    articles = load_articles(args.corpus, need // 2 + 500, rng)
    pool = Pool(articles)
    log(f"{len(articles['fa'])} Persian + {len(articles['ar'])} Arabic articles sampled")
    kill = live = fuzz = None
    try:
        if "kill" in parts:
            kill = part_kill(args, pool, random.Random(args.seed + 11))
        work = tmpdir("kavosh-rel-live-")
        if parts & {"live", "fuzz"}:
            if "live" in parts:
                live = part_live(args, pool, random.Random(args.seed + 22), work)
                index_dir, corpus = live["index_dir"], live["corpus"]
            else:
                corpus = build_corpus(work / "corpus", pool, rng, args.live_docs)
                index_dir = work / "index"
                cli("index", "--quiet", "--index", index_dir, corpus.folder, timeout=900)
            if "fuzz" in parts:
                fuzz = part_fuzz(args, random.Random(args.seed + 33), index_dir, corpus, work)
    except KeyboardInterrupt:
        loud("interrupted; cleaning up")
        cleanup()
        return 130
    finally:
        cleanup()

    print_report(args, kill, live, fuzz)
    return 0


if __name__ == "__main__":
    sys.exit(main())
