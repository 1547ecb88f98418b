"""Regenerate docs/screenshot.png: the search page over an index, in headless Chromium.

    .venv/bin/python docs/screenshot.py --index DIR [--query 'پهپاد'] [--ui fa] [--expand] [--out docs/screenshot.png]

Starts `kavosh serve` on a free loopback port, opens the query's results page
with Playwright driving Debian's Chromium (the browser tests' setup), and
saves the top of the page.  Needs the [test] extra (playwright) and chromium.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serving import served  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--query", default="پهپاد")
    parser.add_argument("--ui", choices=("fa", "ar"), default="fa")
    parser.add_argument("--params", default="", help="more query-string parameters, e.g. 'sort=newest'")
    parser.add_argument("--expand", action="store_true", help="open the first 'and N similar' list")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1300)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with served(args.index) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fa-IR" if args.ui == "fa" else "ar-SA",
                                      viewport={"width": args.width, "height": args.height},
                                      device_scale_factor=1)
        page = context.new_page()
        query = urlencode({"q": args.query, "ui": args.ui}) + (f"&{args.params}" if args.params else "")
        page.goto(f"{base}/?{query}")
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        if args.expand and page.locator("details.similar").count():
            page.locator("details.similar summary").first.click()
        page.screenshot(path=str(args.out), full_page=False)
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
