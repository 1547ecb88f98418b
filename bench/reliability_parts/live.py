"""Part 2: reader threads on a live `kavosh serve` while a writer re-indexes the same
index; probe words with known answers catch a wrong answer, not only an error."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

from markupsafe import escape  # installed with flask: the escaping the pages use

from .common import cli, first_line, log, loud, percentile
from .server import Server, body_summary, http_get
from .working_corpus import Pool, build_corpus, title_words

def part_live(args, pool: Pool, rng: random.Random, work: Path) -> dict:
    corpus = build_corpus(work / "corpus", pool, rng, args.live_docs, probes=True, stable=True)
    index_dir = work / "index"
    log(f"live server: indexing {corpus.count()} documents")
    r = cli("index", "--quiet", "--index", index_dir, corpus.folder, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"live server: index failed: {first_line(r.stderr)}")
    titles = {a["id"]: a["title"].strip() for name in corpus.stable if name in corpus.jsonl
              for a in corpus.jsonl[name]}
    probe = {k: v for k, v in corpus.probe_groups.items() if k != "_all"}
    words = title_words(corpus)
    server = Server(index_dir, args.server_threads, work)
    host, port = "127.0.0.1", server.port

    def probe_query(q_rng):
        a1, a2 = q_rng.sample([k for k in probe if k.startswith("kvpa")], 2)
        b = q_rng.choice([k for k in probe if k.startswith("kvpb")])
        kind = q_rng.randrange(5)
        if kind == 0:
            return a1, probe[a1]
        if kind == 1:
            return f"{a1} {b}", probe[a1] & probe[b]
        if kind == 2:
            return f"{a1} OR {a2}", probe[a1] | probe[a2]
        if kind == 3:
            return f"{a1} -{b}", probe[a1] - probe[b]
        a3 = q_rng.choice([k for k in probe if k.startswith("kvpa") and k not in (a1, a2)])
        return f"({a1} OR {a2} OR {a3}) NOT {b}", (probe[a1] | probe[a2] | probe[a3]) - probe[b]

    # The probe queries, asked once each on the quiet server first.  An answer that differs
    # from the construction there is a deterministic bug (reported as such); under load an
    # answer must equal the quiet one, else it is a wrong answer caused by concurrency.
    p_rng = random.Random(args.seed + 5)
    A = sorted(k for k in probe if k.startswith("kvpa"))
    B = sorted(k for k in probe if k.startswith("kvpb"))
    probe_set = {a: probe[a] for a in A}
    for a in A:
        for b in B:
            probe_set[f"{a} {b}"] = probe[a] & probe[b]
            probe_set[f"{a} -{b}"] = probe[a] - probe[b]
    while len(probe_set) < len(A) * (1 + 2 * len(B)) + 60:
        q, expect = probe_query(p_rng)
        probe_set[q] = expect
    probe_list = sorted(probe_set)
    quiet, oracle_bad, deterministic = {}, [], []
    for q in probe_list:
        st, body, _ = http_get(host, port, "/api/search?" + urlencode({"q": q, "exact": 1, "limit": 100}))
        got = json.loads(body) if st == 200 else {}
        ids = {h["id"] for h in got.get("hits", [])}
        quiet[q] = (got.get("total"), frozenset(ids))
        expect = probe_set[q]
        if got.get("total") != len(expect) or not ids <= expect or (len(expect) <= 100 and ids != expect):
            deterministic.append(f"{q!r}: total {got.get('total')} (want {len(expect)}), "
                                 f"{len(ids)} hits, {len(ids - expect)} outside the answer")
    if deterministic:
        loud(f"live server: {len(deterministic)} of {len(probe_list)} probe queries are wrong on the "
             f"quiet server, e.g. {deterministic[0]}")
    check_titles = True
    for doc_id in sorted(titles)[:5]:
        st, body, _ = http_get(host, port, "/doc/" + quote(doc_id, safe=""))
        if st != 200 or str(escape(titles[doc_id])).encode() not in body:
            check_titles = False
            oracle_bad.append(f"/doc/{doc_id}: {st}, title not found; /doc pages not checked")
    if oracle_bad:
        loud(f"live server: the probe oracle does not hold on a quiet server: {oracle_bad}")

    stop = threading.Event()
    deadline = time.monotonic() + args.seconds
    writer_starts = time.monotonic() + args.seconds / 3
    lock = threading.Lock()
    stats = {"requests": 0, "non2xx": 0, "5xx": 0, "transport": 0, "wrong": 0, "by_kind": Counter(),
             "statuses": Counter(), "bodies": Counter(), "wrong_examples": [], "transport_examples": [],
             "latencies": [], "doc_ids": list(rng.sample(sorted(titles), 50)),
             "phase": {"readers only": Counter(), "with the writer": Counter()}}

    def pick_path(q_rng):
        kind = q_rng.choices(["search", "page", "doc", "suggest", "healthz", "probe"],
                             weights=[40, 12, 12, 12, 4, 20])[0]
        lang = q_rng.choice(["fa", "ar"])
        ws = q_rng.choice(words[lang])
        if kind in ("search", "page"):
            form = q_rng.randrange(6)
            if form == 0:
                q = q_rng.choice(ws)
            elif form == 1:
                q = " ".join(q_rng.sample(ws, min(2, len(ws))))
            elif form == 2:
                q = '"' + " ".join(ws[:3]) + '"'
            elif form == 3:
                q = q_rng.choice(ws)[:3] + "*"
            elif form == 4:
                q = q_rng.choice(ws) + " OR " + q_rng.choice(q_rng.choice(words["ar" if lang == "fa" else "fa"]))
            else:
                q = " ".join(ws[:4])
            params = {"q": q}
            if q_rng.random() < 0.2:
                params["mode"] = "any"
            if q_rng.random() < 0.1:
                params["lang"] = lang
            if q_rng.random() < 0.1:
                params["exact"] = 1
            return kind, ("/api/search?" if kind == "search" else "/?") + urlencode(params), q
        if kind == "probe":
            q = q_rng.choice(probe_list)
            return kind, "/api/search?" + urlencode({"q": q, "exact": 1, "limit": 100}), (q, quiet[q])
        if kind == "doc":
            with lock:
                doc_id = q_rng.choice(stats["doc_ids"])
            return kind, "/doc/" + quote(doc_id, safe=""), doc_id
        if kind == "suggest":
            w = q_rng.choice(ws)
            return kind, "/api/suggest?" + urlencode({"q": w[: q_rng.randint(2, len(w))]}), None
        return kind, "/healthz", None

    def reader(i):
        q_rng = random.Random(args.seed * 1000 + i)
        conn = None
        local_lat = []
        while not stop.is_set() and time.monotonic() < deadline:
            kind, path, extra = pick_path(q_rng)
            t = time.perf_counter()
            try:
                status, body, conn = http_get(host, port, path, timeout=30, conn=conn or
                                              http.client.HTTPConnection(host, port, timeout=30))
            except (OSError, http.client.HTTPException) as exc:
                conn = None
                with lock:
                    stats["transport"] += 1
                    stats["requests"] += 1
                    stats["non2xx"] += 1
                    if len(stats["transport_examples"]) < 5:
                        stats["transport_examples"].append(f"{kind} {path[:80]}: {type(exc).__name__}: {exc}")
                continue
            dt = time.perf_counter() - t
            local_lat.append(dt)
            wrong = None
            if status == 200 and kind in ("search", "probe"):
                try:
                    j = json.loads(body)
                    if kind == "search" and j.get("query") != extra:
                        wrong = f"asked {extra!r}, the answer is for {j.get('query')!r}"
                    elif kind == "probe":
                        q, (q_total, q_ids) = extra
                        ids = frozenset(h["id"] for h in j["hits"])
                        if j.get("query") != q or j["total"] != q_total or ids != q_ids:
                            wrong = (f"{q!r}: total {j['total']} (quiet server: {q_total}), "
                                     f"{len(ids - q_ids)} hits not in the quiet answer, "
                                     f"{len(q_ids - ids)} missing, query echoed {j.get('query')!r}")
                    if kind == "search" and j.get("hits"):
                        new = [h["id"] for h in j["hits"] if h["id"] in titles]
                        if new:
                            with lock:
                                stats["doc_ids"].append(q_rng.choice(new))
                                if len(stats["doc_ids"]) > 500:
                                    del stats["doc_ids"][:100]
                except (ValueError, KeyError, TypeError) as exc:
                    wrong = f"unreadable JSON ({exc})"
            elif status == 200 and kind == "doc" and check_titles:
                if str(escape(titles[extra])).encode() not in body:
                    wrong = f"/doc/{extra}: the page does not show its title {titles[extra][:40]!r}"
            phase = "readers only" if time.monotonic() < writer_starts else "with the writer"
            with lock:
                ph = stats["phase"][phase]
                ph["requests"] += 1
                ph["non-2xx"] += not 200 <= status < 300
                ph["wrong"] += bool(wrong)
                stats["requests"] += 1
                stats["by_kind"][kind] += 1
                stats["statuses"][status] += 1
                if not 200 <= status < 300:
                    stats["non2xx"] += 1
                    if status >= 500:
                        stats["5xx"] += 1
                    stats["bodies"][f"{status} {kind}: {body_summary(body)}"] += 1
                if wrong:
                    stats["wrong"] += 1
                    if len(stats["wrong_examples"]) < 5:
                        stats["wrong_examples"].append(wrong)
        with lock:
            stats["latencies"].extend(local_lat)

    writer_stats = {"runs": 0, "rebuilds": 0, "failed": 0, "errors": Counter(), "seconds": []}

    def writer():
        w_rng = random.Random(args.seed + 7)
        n = 0
        stop.wait(max(0.0, writer_starts - time.monotonic()))  # first a readers-only phase
        while not stop.is_set() and time.monotonic() < deadline - 1:
            n += 1
            corpus.mutate(args.live_scale)
            rebuild = n % args.rebuild_every == 0
            t = time.monotonic()
            r = cli("index", "--quiet", "--index", index_dir, *(["--rebuild"] if rebuild else []),
                    corpus.folder, timeout=600)
            writer_stats["seconds"].append(time.monotonic() - t)
            if r.returncode == 0:
                writer_stats["runs"] += 1
                writer_stats["rebuilds"] += rebuild
            else:
                writer_stats["failed"] += 1
                writer_stats["errors"][first_line(r.stderr)] += 1
            stop.wait(w_rng.uniform(0.2, 1.0))

    log(f"live server: {args.readers} readers for {args.seconds:.0f} s; from {args.seconds / 3:.0f} s on, "
        f"a writer looping `kavosh index`")
    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(args.readers)]
    wt = threading.Thread(target=writer, daemon=True)
    started = time.monotonic()
    for t in threads:
        t.start()
    wt.start()
    try:
        while time.monotonic() < deadline and any(t.is_alive() for t in threads):
            time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(40)
        wt.join(600)
    elapsed = time.monotonic() - started
    lat = sorted(stats["latencies"])
    stats.update(p50=percentile(lat, 50) * 1000, p99=percentile(lat, 99) * 1000,
                 max=(lat[-1] * 1000 if lat else 0), elapsed=elapsed, writer=writer_stats,
                 server_errors=server.errors(), oracle_bad=oracle_bad, deterministic=deterministic,
                 probes=len(probe_list))
    stats["writer"]["mean_s"] = (sum(writer_stats["seconds"]) / len(writer_stats["seconds"])
                                 if writer_stats["seconds"] else 0)
    server.close()
    stats["index_dir"], stats["corpus"] = index_dir, corpus
    del stats["latencies"], stats["doc_ids"]
    return stats
