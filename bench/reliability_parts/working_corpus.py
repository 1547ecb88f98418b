"""The benchmark's documents: real articles sampled from the news corpora
(bench/corpus.py), and the folders of .jsonl and .txt files made from them whose
every id the benchmark knows."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from corpus import file_of, records  # bench/corpus.py

def load_articles(where: Path, per_lang: int, rng: random.Random) -> dict[str, list[dict]]:
    """A seeded sample of real articles per language, with unique ids, title and body."""
    out = {}
    for lang in ("fa", "ar"):
        path = file_of(where, lang)
        if path is None:
            raise SystemExit(f"bench: no news-{lang}.jsonl(.gz) in {where}: pass --corpus DIR")
        seen, arts = set(), []
        for a in records(path, per_lang * 2):
            if not (a.get("id") and (a.get("title") or "").strip() and (a.get("body") or "").strip()):
                continue
            if a["id"] in seen:
                continue
            seen.add(a["id"])
            arts.append({k: a.get(k) for k in ("id", "title", "body", "lang", "source", "url", "date")})
        rng.shuffle(arts)
        out[lang] = arts[:per_lang]
    return out


class Pool:
    """Articles not yet used, alternating languages."""

    def __init__(self, articles: dict[str, list[dict]]):
        self.fa, self.ar = list(articles["fa"]), list(articles["ar"])
        self.n = 0

    def take(self, k: int) -> list[dict]:
        got = []
        for _ in range(k):
            self.n += 1
            src = self.fa if (self.n % 2 and self.fa) or not self.ar else self.ar
            if not src:
                raise SystemExit("bench: ran out of articles; use a larger --corpus sample")
            got.append(dict(src.pop()))
        return got


class Corpus:
    """A folder of .jsonl and .txt files whose documents (ids) the benchmark knows exactly."""

    def __init__(self, folder: Path, pool: Pool, rng: random.Random, probes: bool = False):
        self.folder = folder
        self.pool = pool
        self.rng = rng
        self.jsonl: dict[str, list[dict]] = {}  # rel name -> articles
        self.txt: dict[str, dict] = {}  # rel name -> article
        self.stable: set[str] = set()  # file names the writer never touches
        self.probe_groups: dict[str, set[str]] = {}  # probe word -> ids
        self.counter = 0
        self.probes = probes
        folder.mkdir(parents=True, exist_ok=True)

    # ids: a .jsonl article keeps its id, a .txt document's id is its path
    def ids(self) -> set[str]:
        out = {a["id"] for arts in self.jsonl.values() for a in arts}
        return out | set(self.txt)

    def count(self) -> int:
        return sum(len(a) for a in self.jsonl.values()) + len(self.txt)

    def _name(self, ext: str, sub: str = "") -> str:
        self.counter += 1
        return f"{sub}{self.counter:05d}{ext}"

    def _write_jsonl(self, name):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            for a in self.jsonl[name]:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")

    def _write_txt(self, name):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        a = self.txt[name]
        path.write_text(a["title"].strip().replace("\n", " ") + "\n\n" + a["body"] + "\n", encoding="utf-8")

    def _probe(self, arts):
        if not self.probes:
            return
        for a in arts:
            i = len(self.probe_groups.get("_all", ()))
            self.probe_groups.setdefault("_all", set()).add(a["id"])
            wa, wb = f"kvpa{'abcdefghijkl'[i % 12]}", f"kvpb{'abcdefg'[i % 7]}"
            a["body"] = a["body"] + f"\n{wa} {wb}"
            self.probe_groups.setdefault(wa, set()).add(a["id"])
            self.probe_groups.setdefault(wb, set()).add(a["id"])

    def add_jsonl(self, k, stable=False, sub=""):
        name = self._name(".jsonl", sub)
        arts = self.pool.take(k)
        if stable:
            self._probe(arts)
            self.stable.add(name)
        self.jsonl[name] = arts
        self._write_jsonl(name)
        return name

    def add_txt(self, k, stable=False, sub=""):
        names = []
        for a in self.pool.take(k):
            name = self._name(".txt", sub)
            if stable:
                self.stable.add(name)
            self.txt[name] = a
            self._write_txt(name)
            names.append(name)
        return names

    def _mutable(self, d):
        return [n for n in d if n not in self.stable]

    def mutate(self, scale: int) -> str:
        """One random change of the corpus; ``scale`` ~ documents re-indexed."""
        rng, did = self.rng, []
        ops = ["add_jsonl", "add_txt", "modify_jsonl", "grow_jsonl", "shrink_jsonl",
               "delete_jsonl", "delete_txt", "modify_txt"]
        for op in rng.sample(ops, 3) + ["modify_jsonl"]:
            mj, mt = self._mutable(self.jsonl), self._mutable(self.txt)
            if op == "add_jsonl":
                self.add_jsonl(rng.randint(scale // 4, scale // 2))
            elif op == "add_txt":
                self.add_txt(rng.randint(3, max(4, scale // 10)), sub="txt/")
            elif op == "modify_jsonl" and mj:
                name = rng.choice(mj)
                for a in self.jsonl[name][: rng.randint(1, len(self.jsonl[name]))]:
                    a["body"] += f"\n(ویرایش {self.counter} تحديث)"
                self.counter += 1
                self._write_jsonl(name)
            elif op == "grow_jsonl" and mj:
                name = rng.choice(mj)
                self.jsonl[name] += self.pool.take(rng.randint(5, max(6, scale // 8)))
                self._write_jsonl(name)
            elif op == "shrink_jsonl" and mj:
                name = rng.choice(mj)
                if len(self.jsonl[name]) > 3:
                    k = rng.randint(1, len(self.jsonl[name]) // 3)
                    del self.jsonl[name][-k:]
                    self._write_jsonl(name)
            elif op == "delete_jsonl" and len(mj) > 2:
                name = rng.choice(mj)
                del self.jsonl[name]
                (self.folder / name).unlink()
            elif op == "delete_txt" and len(mt) > 3:
                for name in rng.sample(mt, rng.randint(1, min(len(mt) - 1, max(2, scale // 20)))):
                    del self.txt[name]
                    (self.folder / name).unlink()
            elif op == "modify_txt" and mt:
                for name in rng.sample(mt, min(len(mt), rng.randint(1, 5))):
                    self.txt[name]["body"] += f"\nویرایش {self.counter}"
                    self.counter += 1
                    self._write_txt(name)
            else:
                continue
            did.append(op)
        return "+".join(did)


def build_corpus(folder: Path, pool: Pool, rng, docs: int, probes=False, stable=False) -> Corpus:
    """About ``docs`` documents: .jsonl files of 20–60 articles and a folder of .txt files."""
    c = Corpus(folder, pool, rng, probes=probes)
    n_txt = max(10, docs // 8)
    c.add_txt(n_txt, stable=stable, sub="txt/")
    while c.count() < docs:
        c.add_jsonl(min(rng.randint(20, 60), docs - c.count()) or 1, stable=stable)
    return c


def title_words(corpus: Corpus) -> dict[str, list[str]]:
    words = {"fa": [], "ar": []}
    for arts in corpus.jsonl.values():
        for a in arts:
            lang = a.get("lang") if a.get("lang") in words else None
            ws = [w.strip("«»،؛:.!؟?()\"'") for w in a["title"].split()]
            ws = [w for w in ws if len(w) >= 3 and re.fullmatch(r"[\u0600-\u06ff\u200c]+", w)]
            if lang and ws:
                words[lang].append(ws)
    return words
