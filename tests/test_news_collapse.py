"""Near-duplicate collapse, title marks and exports, on a real index of a small news archive.

The archive: one wire story as three papers printed it (an edited sentence,
an agency line, Arabic-keyboard letters, a dropped paragraph), a story of
its own on the same subject, and 150 distinct articles that all mention
بازار, so that an export runs past the API's 100-hit page.
"""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from click.testing import CliRunner

from kavosh.cli import main as cli
from kavosh.engine import Engine
from kavosh.index.writer import index_paths, remove_paths
from kavosh.web import create_app

WIRE = (
    "یک فروند پهپاد انتحاری صبح امروز به مخزن سوخت پالایشگاه نفت بندر عباس برخورد کرد و آتش "
    "سوزی بزرگی در بخش شرقی مجموعه به راه انداخت. مدیرعامل پالایشگاه گفت نیروهای آتش نشانی "
    "پس از سه ساعت تلاش آتش را مهار کردند و تولید بنزین در واحدهای دیگر ادامه دارد. به گفته "
    "او دو کارگر شیفت شب به بیمارستان شهید محمدی منتقل شدند و حال هر دو نفر رضایت بخش است. "
    "استاندار هرمزگان اعلام کرد کارشناسان وزارت دفاع بقایای پهپاد را برای شناسایی مبدا پرواز "
    "به تهران فرستاده اند و نتیجه بررسی تا پایان هفته اعلام می شود. خسارت اولیه حادثه حدود "
    "دویست میلیارد تومان برآورد شده و بیمه مرکزی ارزیابی خسارت را از فردا آغاز می کند. "
    "قیمت سوخت در بازار منطقه تا این لحظه تغییری نکرده است."
)
REPRINT = ("به گزارش ایسنا، " + WIRE.replace("مدیرعامل پالایشگاه گفت", "مدير عامل پالايشگاه روز دوشنبه گفت")
           .replace("حال هر دو نفر رضایت بخش است", "حال یکی از آنان وخیم گزارش شده است"))
SHORTENED = WIRE.rsplit(" خسارت اولیه", 1)[0] + " این دومین حمله به تاسیسات نفتی جنوب در ماه جاری است."
OWN_WORDS = (
    "گزارشگر ما از بندر عباس: ساکنان محله های نزدیک پالایشگاه می گویند صدای انفجار را پیش از "
    "طلوع آفتاب شنیدند. چند مغازه دار بازار ماهی فروشان شیشه های شکسته را نشان دادند و یکی از "
    "آنان گفت پهپاد را در آسمان دیده است. مسئولان شهری هنوز درباره علت حادثه توضیح نداده اند و "
    "مردم نگران تکرار چنین حمله ای در روزهای آینده هستند. مدارس منطقه امروز تعطیل شد و "
    "بسیاری از خانواده ها شهر را به مقصد روستاهای اطراف ترک کردند."
)
FILLER_WORDS = (
    "دولت مجلس وزیر رئیس جمهور اقتصاد تورم ارز دلار طلا سکه بورس سهام بانک مرکزی نرخ سود وام "
    "مسکن اجاره خودرو کارخانه صادرات واردات گمرک کشاورزی گندم برنج باران سد آب برق گاز مدرسه "
    "دانشگاه دانشجو کنکور پزشک بیمارستان دارو ورزش فوتبال باشگاه مربی فیلم سینما کتاب نمایشگاه "
    "فرودگاه قطار جاده تصادف پلیس دادگاه قاضی شهرداری اتوبوس مترو"
).split()
COUNT = 150


def _record(doc_id, title, body, source):
    return json.dumps({"id": doc_id, "title": title, "body": body, "source": source,
                       "lang": "fa", "url": f"https://{source}.example/{doc_id}"}, ensure_ascii=False)


def _fillers() -> list[str]:
    rng = random.Random(11)
    out = []
    for i in range(COUNT):
        words = [rng.choice(FILLER_WORDS) for _ in range(60)]
        words.insert(rng.randrange(60), "بازار")
        out.append(_record(f"f{i:03}", f"گزارش {i} از {rng.choice(FILLER_WORDS)}", " ".join(words), "daily"))
    return out


@pytest.fixture
def archive(tmp_path):
    data = tmp_path / "news"
    data.mkdir()
    (data / "irna.jsonl").write_text(_record("irna-1", "حمله پهپادی به پالایشگاه بندر عباس", WIRE, "irna") + "\n",
                                     encoding="utf-8")
    (data / "isna.jsonl").write_text(_record("isna-1", "پهپاد انتحاری به پالایشگاه خورد", REPRINT, "isna")
                                     + "\n", encoding="utf-8")
    (data / "mehr.jsonl").write_text(_record("mehr-1", "آتش سوزی در پالایشگاه پس از حمله پهپادی",
                                             SHORTENED, "mehr") + "\n", encoding="utf-8")
    (data / "local.jsonl").write_text(_record("local-1", "شب پهپاد در بندر عباس", OWN_WORDS, "local")
                                      + "\n" + "\n".join(_fillers()) + "\n", encoding="utf-8")
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [data])
    return data, index_dir


def _search(index_dir, *args):
    result = CliRunner().invoke(cli, ["search", "--index", str(index_dir), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _json(index_dir, *args):
    return json.loads(_search(index_dir, "--json", *args))


def test_a_reprinted_story_is_shown_once_with_its_copies_and_a_story_of_its_own_is_not(archive):
    _data, index_dir = archive
    found = _json(index_dir, "پهپاد")
    assert found["total"] == 4  # every matching document, folded or not
    assert found["collapse"] is True and found["folded"] == 2
    ids = [h["id"] for h in found["hits"]]
    assert sorted(ids) == sorted({ids[0], "local-1"}) and ids[0] in ("irna-1", "isna-1", "mehr-1")
    story = found["hits"][0]
    copies = {s["id"]: s for s in story["similar"]}
    assert set(copies) | {story["id"]} == {"irna-1", "isna-1", "mehr-1"}
    for copy in copies.values():  # enough to list and link each copy
        assert copy["title"] and copy["source"] in ("irna.example", "isna.example", "mehr.example")  # slugs read as the URL's site and copy["url"].startswith("https://")
    assert found["hits"][1]["similar"] == []


def test_no_collapse_and_collapse_0_show_every_copy(archive):
    _data, index_dir = archive
    every = _json(index_dir, "--no-collapse", "پهپاد")
    assert every["collapse"] is False and every["folded"] == 0
    assert sorted(h["id"] for h in every["hits"]) == ["irna-1", "isna-1", "local-1", "mehr-1"]
    assert all(h["similar"] == [] for h in every["hits"])
    client = create_app(index_dir).test_client()
    api = client.get("/api/search", query_string={"q": "پهپاد", "collapse": "0"}).get_json()
    assert [h["id"] for h in api["hits"]] == [h["id"] for h in every["hits"]]
    folded = client.get("/api/search", query_string={"q": "پهپاد"}).get_json()
    assert len(folded["hits"]) == 2 and folded["folded"] == 2
    bad = client.get("/api/search", query_string={"q": "پهپاد", "collapse": "perhaps"})
    assert bad.status_code == 400 and "collapse" in bad.get_json()["error"]


def test_the_terminal_says_how_many_similar_and_that_they_were_folded(archive):
    _data, index_dir = archive
    out = _search(index_dir, "پهپاد")
    assert "and 2 similar:" in out
    assert "2 near-duplicates folded (--no-collapse shows them)" in out
    assert "similar" not in _search(index_dir, "--no-collapse", "پهپاد")


def test_removing_and_rewriting_copies_keeps_the_clusters_right(archive):
    data, index_dir = archive
    (data / "irna.jsonl").unlink()  # the agency withdraws its story
    remove_paths(index_dir, [data / "irna.jsonl"])
    found = _json(index_dir, "پهپاد")
    story = next(h for h in found["hits"] if h["similar"])
    assert {story["id"]} | {s["id"] for s in story["similar"]} == {"isna-1", "mehr-1"}
    # mehr rewrites its article in its own words: no longer a copy
    (data / "mehr.jsonl").write_text(_record("mehr-1", "روایت دیگر", OWN_WORDS.replace("گزارشگر ما", "خبرنگار مهر")
                                             .replace("مدارس منطقه امروز تعطیل شد و ", ""), "mehr") + "\n",
                                     encoding="utf-8")
    index_paths(index_dir, [data])
    found = _json(index_dir, "پالایشگاه")
    by_id = {h["id"]: h for h in found["hits"]}
    assert "isna-1" in by_id and by_id["isna-1"]["similar"] == []


def test_collapsed_pages_walk_every_story_once(archive):
    """Page after page, every matching document appears once, as a hit or folded into one,
    and the pages are the slices of one longer collapsed list."""
    _data, index_dir = archive
    query = "بازار OR پهپاد"
    with Engine(index_dir) as engine:
        long = engine.search(query, limit=12)
        leaders, seen, offset = [], [], 0
        while True:
            page = engine.search(query, limit=4, offset=offset)
            if not page.hits:
                break
            leaders += [h.id for h in page.hits]
            seen += [h.id for h in page.hits] + [s.id for h in page.hits for s in h.similar]
            offset += 4
    assert leaders[:12] == [h.id for h in long.hits]
    assert len(seen) == len(set(seen)) == long.total == COUNT + 4


def test_titles_are_marked_in_json_html_escaped_and_coloured_on_a_terminal(archive, tmp_path):
    data, index_dir = archive
    (data / "x.jsonl").write_text(_record("x-1", "<b>پالایشگاه</b> & نفت", "متن درباره پالایشگاه تهران", "x")
                                  + "\n", encoding="utf-8")
    index_paths(index_dir, [data])
    hits = {h["id"]: h for h in _json(index_dir, "--no-collapse", "پالایشگاه")["hits"]}
    assert hits["x-1"]["title"] == "<b>پالایشگاه</b> & نفت"  # the plain title, as before
    assert hits["x-1"]["title_html"] == "&lt;b&gt;<mark>پالایشگاه</mark>&lt;/b&gt; &amp; نفت"
    assert hits["irna-1"]["title_html"] == "حمله پهپادی به <mark>پالایشگاه</mark> بندر عباس"
    coloured = _search(index_dir, "--color", "--no-collapse", "پالایشگاه")
    title_lines = [line for line in coloured.splitlines() if "حمله پهپادی به" in line]
    assert len(title_lines) == 1  # the title line, its word in the marks' colour
    assert "\x1b[33m\x1b[1mپالایشگاه\x1b[0m" in title_lines[0]
    plain = _search(index_dir, "--no-color", "--no-collapse", "پالایشگاه")
    assert "\x1b[" not in plain and "حمله پهپادی به پالایشگاه بندر عباس" in plain


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_cli_csv_export_of_every_hit_in_rank_order(archive):
    _data, index_dir = archive
    out = _search(index_dir, "--format", "csv", "--all", "بازار")
    rows = _csv_rows(out)
    assert rows[0] == ["rank", "id", "title", "source", "date", "url", "lang", "score", "snippet"]
    body = rows[1:]
    every = _json(index_dir, "--no-collapse", "--limit", "100", "بازار")
    assert len(body) == every["total"] > 100
    assert [r[1] for r in body[:100]] == [h["id"] for h in every["hits"]]
    assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))
    scores = [float(r[7]) for r in body]
    assert scores == sorted(scores, reverse=True)
    local = next(r for r in body if r[1] == "local-1")
    assert local[2] == "شب پهپاد در بندر عباس" and local[3] == "local.example" and local[6] == "fa"
    assert "بازار" in local[8] and "<mark>" not in local[8]  # the snippet as plain text
    assert len(_csv_rows(_search(index_dir, "--format", "csv", "--limit", "5", "بازار"))) == 6


def test_cli_jsonl_export_and_its_errors(archive):
    _data, index_dir = archive
    lines = _search(index_dir, "--format", "jsonl", "--all", "--offset", "10", "بازار").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == _json(index_dir, "بازار")["total"] - 10 and rows[0]["rank"] == 11
    assert set(rows[0]) == {"rank", "id", "title", "source", "date", "url", "lang", "score", "snippet"}
    runner = CliRunner()
    wrong = runner.invoke(cli, ["search", "--index", str(index_dir), "--all", "بازار"])
    assert wrong.exit_code == 2 and "--format jsonl or --format csv" in wrong.output
    slow = runner.invoke(cli, ["search", "--index", str(index_dir), "--format", "csv", "--all",
                               "--time-limit", "0.000001", "بازار"])
    assert slow.exit_code == 1 and slow.stdout == ""
    assert "nothing was exported" in slow.stderr and "Traceback" not in slow.output


def test_api_exports_stream_every_hit_with_the_search_parameters(archive):
    _data, index_dir = archive
    client = create_app(index_dir).test_client()
    response = client.get("/api/search.csv", query_string={"q": "بازار"})
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="kavosh-search.csv"'
    body = _csv_rows(response.get_data().decode("utf-8"))[1:]
    total = client.get("/api/search", query_string={"q": "بازار"}).get_json()["total"]
    assert len(body) == total == int(response.headers["X-Total-Count"]) > 100
    assert any(r[2] == "شب پهپاد در بندر عباس" for r in body)
    jsonl = client.get("/api/search.jsonl", query_string={"q": "پهپاد", "lang": "fa", "exact": "1"})
    assert jsonl.is_streamed and jsonl.headers["Content-Type"] == "application/jsonl; charset=utf-8"
    rows = [json.loads(line) for line in jsonl.get_data().decode("utf-8").splitlines()]
    assert sorted(r["id"] for r in rows) == ["irna-1", "isna-1", "local-1", "mehr-1"]  # never collapsed
    page = client.get("/api/search.jsonl", query_string={"q": "بازار", "offset": "100", "limit": "20"})
    assert [json.loads(line)["rank"] for line in page.get_data().decode().splitlines()] == list(range(101, 121))
    for params, fragment in (({"q": ""}, "empty query"), ({"q": "بازار", "limit": "0"}, "limit"),
                             ({"q": "بازار", "lang": "xx"}, "unknown language")):
        bad = client.get("/api/search.csv", query_string=params)
        assert bad.status_code == 400 and fragment in bad.get_json()["error"]
    assert client.get("/api/search.xml", query_string={"q": "بازار"}).status_code == 404


def test_a_download_cut_off_midway_lets_the_server_see_later_index_runs(archive):
    """The export holds its searcher while it streams; closing the response must let it go,
    or this thread would keep answering from the old index."""
    data, index_dir = archive
    client = create_app(index_dir).test_client()
    response = client.get("/api/search.csv", query_string={"q": "بازار"}, buffered=False)
    first = next(iter(response.response))
    assert first.startswith("\ufeff".encode("utf-8"))
    response.close()  # the reader went away after the first piece
    (data / "late.jsonl").write_text(_record("late-1", "خبر تازه", "گزارش تازه از بازار ارز تهران", "late")
                                     + "\n", encoding="utf-8")
    index_paths(index_dir, [data])
    found = client.get("/api/search", query_string={"q": "تازه"}).get_json()
    assert [h["id"] for h in found["hits"]] == ["late-1"]
    rows = client.get("/api/search.jsonl", query_string={"q": "تازه"}).get_data().decode().splitlines()
    assert [json.loads(r)["id"] for r in rows] == ["late-1"]


def test_a_story_printed_many_times_still_leaves_a_full_page(tmp_path):
    """60 copies of one story rank above 20 distinct ones: the first window (the top 50)
    holds one story only, so collapse must look further to fill the page."""
    data = tmp_path / "news"
    data.mkdir()
    records = [_record(f"copy-{i:02}", f"پهپاد پهپاد {i}", f"پهپاد {WIRE} نسخه {i}", f"paper{i}") for i in range(60)]
    rng = random.Random(5)
    records += [_record(f"own-{i:02}", f"گزارش {i}", "پهپاد " + " ".join(rng.choice(FILLER_WORDS) for _ in range(60)),
                        "daily") for i in range(20)]
    (data / "many.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    index_paths(tmp_path / "ix", [data])
    with Engine(tmp_path / "ix") as engine:
        found = engine.search("پهپاد", limit=10)
    assert len(found.hits) == 10 and found.total == 80
    story = found.hits[0]
    assert story.id.startswith("copy-") and len(story.similar) == 59
    assert all(h.id.startswith("own-") for h in found.hits[1:])


def test_a_title_that_is_a_formula_stays_text_in_the_csv(archive):
    data, index_dir = archive
    (data / "evil.jsonl").write_text("\n".join([
        _record("evil-1", '=HYPERLINK("http://x.example","پالایشگاه")', "+1 متن درباره پالایشگاه اصفهان", "evil"),
        _record("evil-2", "-2+3+cmd|' /C calc'!A0 پالایشگاه", "@SUM(1+1) پالایشگاه اصفهان", "evil"),
    ]) + "\n", encoding="utf-8")
    index_paths(index_dir, [data])
    rows = {r[1]: r for r in _csv_rows(_search(index_dir, "--format", "csv", "--all", "اصفهان"))[1:]}
    assert rows["evil-1"][2] == "'=HYPERLINK(\"http://x.example\",\"پالایشگاه\")"
    assert rows["evil-1"][8].startswith("'+1 ")
    assert rows["evil-2"][2] == "'-2+3+cmd|' /C calc'!A0 پالایشگاه"  # '-' starts a formula too
    assert rows["evil-2"][8].startswith("'@SUM(")
    jsonl = {r["id"]: r for r in map(json.loads, _search(index_dir, "--format", "jsonl", "--all", "اصفهان").splitlines())}
    assert jsonl["evil-1"]["title"].startswith("=HYPERLINK")  # JSON is data, not a spreadsheet: left as it is
