"""The fuzzed queries: seeded hostile and odd query bytes, by category."""

from __future__ import annotations

import random

FA_COMMON = ("از به در که این را با است برای آن یک خود تا کرد بر هم نیز شده شد می ما اما یا "
             "دارد باید او ایران سال گفت روز کشور دولت مردم").split()
AR_COMMON = ("في من على إلى أن عن مع هذا التي الذي كان قد لا ما هو هي بين كل بعد عند حتى "
             "المملكة السعودية وزير الملك").split()
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0654"
CONTROL = [chr(c) for c in list(range(1, 32)) + [127, 0x85]] + ["\u2028", "\u2029", "\ufeff", "\ufffe"]
RTL = ["\u200f", "\u200e", "\u202e", "\u202b", "\u202c", "\u2066", "\u2067", "\u2069", "\u061c"]
EMOJI = ["🙂", "🇮🇷", "👨‍👩‍👧", "🔥", "🤔🏽", "\U0001f9ff"]
DIGITS = ["۱۴۰۳", "١٤٤٥", "2024", "۱۲٣4", "۳.۵", "٣٫٥", "10,000", "۱۰٬۰۰۰"]
OPS = ["OR", "AND", "NOT", "-", "--", "|", "(", ")", '"', "OR OR", "NOT NOT", "-(", '-"', "AND AND"]


def fuzz_cases(n: int, rng: random.Random, words: list[str]) -> list[tuple[str, bytes]]:
    """``n`` (category, raw query bytes); a str query is encoded with surrogatepass, so lone
    surrogates become the invalid UTF-8 bytes a terminal or browser would send."""

    def w():
        return rng.choice(words)

    def enc(s):
        return s.encode("utf-8", "surrogatepass")

    gens = {}

    def gen(name):
        def deco(f):
            gens[name] = f
            return f
        return deco

    @gen("nesting")
    def _():
        depth = rng.choice([10, 50, 100, 200, 300, 320, 330, 340, 400, 490, 499, 500, 800, 999, 2000, 5000])
        close = rng.choice([depth, 0, depth // 2, depth + 3])
        inner = rng.choice([w(), f"{w()} OR {w()}", f'"{w()} {w()}"', "-" + w(), ""])
        return enc("(" * depth + inner + ")" * close)[: rng.choice([990, 1000, 10_000, 20_000])]

    @gen("nesting-mixed")
    def _():
        depth = rng.choice([100, 300, 330, 400, 499])
        return enc("".join(rng.choice(["(", "-(", "NOT (", "(" + w() + " "]) for _ in range(depth)) + w())

    @gen("quotes")
    def _():
        return enc(rng.choice(['"', '""', '"' * rng.randint(3, 999), f'"{w()}', f'{w()}"', f'"{w()} "{w()}"',
                               f'"{w()} ({w()}"', f'""{w()}""', '" "', f'title:"{w()}', f'-"{w()}']))

    @gen("parens")
    def _():
        return enc(rng.choice([")" * rng.randint(1, 999), "(", "()", "(()", ")(", f") {w()} (",
                               f"({w()} OR", f"(OR {w()})", "( ) ( )", f"{w()})))" + "(" * 50]))

    @gen("long")
    def _():
        target = rng.choice([999, 1000, 1001, 1500, 5000, 50_000])
        s = ""
        while len(s) < target:
            s += w() + " "
        return enc(s[:target])

    @gen("operators")
    def _():
        return enc(" ".join(rng.choice(OPS + [w()]) for _ in range(rng.randint(1, 40))))

    @gen("fields")
    def _():
        return enc(rng.choice(["title:", "body:", "title:title:" + w(), "TITLE:" + w(), "title:*", 'body:"',
                               f"title:({w()} OR {w()})", "foo:bar", f"body:-{w()}", "title:" + w() + "*",
                               ":", "::", f"title: {w()}", "title:\u200c", f"-title:{w()} {w()}",
                               "title:" * rng.randint(2, 200)]))

    @gen("wildcards")
    def _():
        return enc(rng.choice(["*", "a*", "**", "?*?", "پ*", "ا*", "ال*", "م*", "*ان", "?", "??", "???*",
                               "w?rd", "په*", "*a*", "*" * rng.randint(2, 500), "?" * rng.randint(2, 500),
                               f"{w()[:2]}*", f"{w()[:1]}*", f"*{w()}", f"{w()}* {w()[:2]}*",
                               " ".join(f"{w()[:2]}*" for _ in range(rng.randint(2, 30))),
                               "title:ا*", f'"{w()[:2]}* {w()}"', "ب?*", "ی*", "ك*", "0*", "۱*"]))

    @gen("many-words")
    def _():
        k = rng.choice([50, 100, 150, 200, 300])
        pool = FA_COMMON + AR_COMMON + words[:200]
        sep = rng.choice([" ", " OR ", " "])
        return enc(sep.join(rng.choice(pool) for _ in range(k))[: rng.choice([1000, 999, 3000])])

    @gen("stopwords")
    def _():
        return enc(" ".join(rng.sample(FA_COMMON[:16] + AR_COMMON[:16], rng.randint(1, 12))))

    @gen("mixed-scripts")
    def _():
        parts = [w(), "Москва", "北京", "δοκιμή", "test", "ᚠᚢᚦ", "हिन्दी", "עברית", "ܐܪܡܝܐ", "ߒߞߏ"]
        return enc(rng.choice(["", " "]).join(rng.sample(parts, rng.randint(2, len(parts)))))

    @gen("digits")
    def _():
        return enc(" ".join(rng.sample(DIGITS, rng.randint(1, 4))) + rng.choice(["", " " + w(), "*"]))

    @gen("diacritics")
    def _():
        base = w()
        return enc(rng.choice([
            "".join(c + rng.choice(DIACRITICS) for c in base),
            "".join(rng.choice(DIACRITICS) for _ in range(rng.randint(1, 300))),
            base + DIACRITICS * rng.randint(1, 50),
            "ـ" * rng.randint(1, 200), base + "ـ" * 50 + base]))

    @gen("zwnj")
    def _():
        z = "\u200c"
        return enc(rng.choice([z, z * rng.randint(2, 500), z + w(), w() + z, f"{w()}{z}{w()}",
                               f"{w()}{z}{z}{z}{w()}", f'"{w()}{z}"', f"{w()[:2]}{z}*", "\u200d" * 5 + w()]))

    @gen("control")
    def _():
        return enc("".join(rng.choice(CONTROL + [w(), " "]) for _ in range(rng.randint(1, 20))))

    @gen("surrogates")
    def _():
        s = rng.choice(["\ud800", "\udfff", "\udc80", "\ud83d", "\ud800\udc00x"])
        return enc(rng.choice([s, w() + s, s + w(), f'"{w()}{s}"', s * 20]))

    @gen("invalid-utf8")
    def _():
        bad = rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe0\x80", b"\xfe\xfe", b"\x80" * 10,
                          b"\xf4\x90\x80\x80"])
        return rng.choice([bad, enc(w()) + bad, bad + b" " + enc(w()), enc(w()) + bad + enc(w())])

    @gen("nul")
    def _():
        return enc(rng.choice(["\x00", w() + "\x00", "\x00" + w() + "\x00" + w(), "\x00" * 50]))

    @gen("emoji")
    def _():
        return enc(rng.choice(["", w() + " "]) + "".join(rng.sample(EMOJI, rng.randint(1, 4))) +
                   rng.choice(["", "*", " " + w()]))

    @gen("rtl-marks")
    def _():
        return enc("".join(rng.choice(RTL) for _ in range(rng.randint(1, 10))) + rng.choice(["", w()]) +
                   rng.choice(RTL))

    @gen("long-word")
    def _():
        ch = rng.choice(["پ", "a", "ب", "۱", "ي", "\u200c", "x" + "ّ"])
        return enc(ch * rng.choice([100, 500, 999, 1000, 1001, 3000]))

    @gen("odd-space")
    def _():
        sp = rng.choice(["\u00a0", "\u2003", "\u3000", "\t", "\n", "\r\n", "\u200b", "\u180e"])
        return enc(sp.join([w(), w()]) + rng.choice(["", sp * 30]))

    @gen("combo")
    def _():
        picks = [name for name in gens if name not in ("combo", "long", "many-words", "long-word")]
        return b" ".join(gens[rng.choice(picks)]() for _ in range(rng.randint(2, 4)))[:2000]

    # Queries of hundreds of real words are slow on today's code (tens of seconds each, past
    # any limit); a small share of them finds that without the run lasting an hour.
    names = list(gens)
    weights = [HEAVY_WEIGHT if name in HEAVY else 1.0 for name in names]
    out = []
    for i in range(n):
        name = names[i % len(names)] if i < 2 * len(names) else rng.choices(names, weights)[0]
        out.append((name, gens[name]()))
    return out


HEAVY = ("long", "many-words", "long-word")
HEAVY_WEIGHT = 0.05


def shown(raw: bytes, n=120) -> str:
    s = raw.decode("utf-8", "surrogateescape")
    r = repr(s)
    return r if len(r) <= n else f"{r[:n]}…' ({len(s)} chars)"
