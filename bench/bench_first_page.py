"""CPU the server spends on its first search page against its hundredth (`kavosh serve`, Linux /proc).

    python bench/bench_first_page.py --index /tmp/arch [--workers 1] [--pages 100]

Starts `kavosh serve`, waits until /healthz answers, then asks for search pages
of different words one at a time and reads the server tree's CPU seconds
around each: the first page, and the median of the last ten, in milliseconds.
A server that warms up at start pays its cold tables before it answers.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
from proc_memory import tree_cpu_seconds  # noqa: E402

WORDS = ("پهپاد کیف ایران روسیه اوکراین تهران انتخابات مجلس دولت نفت اقتصاد بانک دلار تورم "
         "زلزله سیل آتش‌سوزی بیمارستان دانشگاه مدرسه فوتبال استقلال پرسپولیس المملكة السعودية "
         "الرياض القاهرة مصر العراق بغداد الأردن الكويت الإمارات قطر النفط الاقتصاد البنك "
         "الانتخابات البرلمان الحكومة الرئيس الوزير المستشفى الجامعة المدرسة كرة الهلال النصر").split()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args(argv)
    proc = subprocess.Popen([sys.executable, "-m", "kavosh", "serve", "--index", args.index, "--port", "0",
                             "--workers", str(args.workers)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        started = time.monotonic()
        base = None
        while base is None:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("kavosh serve ended before printing its URL")
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            base = m and f"http://127.0.0.1:{m.group(1)}"
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=300).read()
                break
            except OSError:
                time.sleep(0.05)
        ready = time.monotonic() - started
        startup_cpu = tree_cpu_seconds(proc.pid)
        costs = []
        for n in range(args.pages):
            word = WORDS[n % len(WORDS)] + ("" if n < len(WORDS) else f" {WORDS[(n * 7) % len(WORDS)]}")
            before = tree_cpu_seconds(proc.pid)
            urllib.request.urlopen(f"{base}/?q={quote(word)}", timeout=300).read()
            costs.append((tree_cpu_seconds(proc.pid) - before) * 1000)
        last = statistics.median(costs[-10:])
        print(f"ready in {ready:.1f} s ({startup_cpu:.2f} s CPU, {args.workers} worker(s)); "
              f"first page {costs[0]:.0f} ms CPU, median of pages {args.pages - 9}-{args.pages} "
              f"{last:.0f} ms, ratio {costs[0] / max(last, 1e-9):.1f}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
