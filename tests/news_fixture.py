"""A small news archive for the page tests: dated articles from several sources in both languages,
one wire story reprinted by three papers, a plain-text file with no date, and the seeds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

WIRE = (
    "یک فروند پهپاد انتحاری صبح امروز به مخزن سوخت پالایشگاه نفت بندر عباس برخورد کرد و آتش‌سوزی "
    "بزرگی در بخش شرقی مجموعه به راه انداخت. مدیرعامل پالایشگاه گفت نیروهای آتش‌نشانی پس از سه "
    "ساعت تلاش آتش را مهار کردند و تولید بنزین در واحدهای دیگر ادامه دارد. به گفتهٔ او دو کارگر "
    "شیفت شب به بیمارستان منتقل شدند و حال هر دو نفر رضایت‌بخش است. استاندار هرمزگان اعلام کرد "
    "کارشناسان بقایای پهپاد را برای شناسایی مبدأ پرواز به تهران فرستاده‌اند و نتیجهٔ بررسی تا "
    "پایان هفته اعلام می‌شود. خسارت اولیهٔ حادثه حدود دویست میلیارد تومان برآورد شده است و "
    "بیمهٔ مرکزی ارزیابی خسارت را از فردا آغاز می‌کند. قیمت سوخت در بازار منطقه تغییری نکرده است."
)

NEWS = [
    {"id": "n/fa-1", "title": "بارش برف در تهران", "body": "بارش برف سنگین در تهران مدارس را تعطیل کرد.",
     "lang": "fa", "source": "همشهری", "url": "https://www.hamshahrionline.ir/news/1/بارش-برف",
     "date": "2020-02-08 14:23:00"},
    {"id": "n/fa-2", "title": "برف و سرما در تبریز", "body": "موج سرما و بارش برف در تبریز ادامه دارد.",
     "lang": "fa", "source": "همشهری", "url": "https://www.hamshahrionline.ir/news/2",
     "date": "2024-11-03T09:05:00+03:30"},
    {"id": "n/ar-1", "title": "الثلوج تغطي مدينة الرياض", "body": "غطت الثلوج مدينة الرياض في ظاهرة نادرة هذا الأسبوع.",
     "lang": "ar", "source": "الشرق الأوسط", "url": "https://aawsat.com/a/1", "date": "2015-07-21"},
    {"id": "n/ar-2", "title": "موجة برد في مدينة جدة", "body": "تشهد مدينة جدة موجة برد وأمطار غزيرة.",
     "lang": "ar", "source": "عكاظ", "date": "sometime in 2015"},
    # One wire story as three papers printed it, and one in its own words.
    {"id": "w/irna", "title": "حمله پهپادی به پالایشگاه بندر عباس", "body": WIRE, "lang": "fa",
     "source": "ایرنا", "url": "https://www.irna.ir/news/10", "date": "2020-03-01 08:00:00"},
    {"id": "w/isna", "title": "پهپاد انتحاری به پالایشگاه خورد", "body": "به گزارش ایسنا، " + WIRE,
     "lang": "fa", "source": "ایسنا", "url": "https://www.isna.ir/news/20", "date": "2020-03-01 09:30:00"},
    {"id": "w/mehr", "title": "آتش‌سوزی در پالایشگاه پس از حمله پهپادی",
     "body": WIRE.replace("مدیرعامل پالایشگاه گفت", "مدیرعامل پالایشگاه روز دوشنبه گفت"),
     "lang": "fa", "source": "مهر", "url": "https://www.mehrnews.com/news/30", "date": "2020-03-01 10:10:00"},
    {"id": "w/local", "title": "شب پهپاد در بندر عباس", "lang": "fa", "source": "همشهری",
     "body": "ساکنان محله‌های نزدیک پالایشگاه می‌گویند صدای انفجار را پیش از طلوع آفتاب شنیدند و "
             "یکی از مغازه‌داران گفت پهپاد را در آسمان دیده است.", "date": "2020-03-02 12:00:00"},
]
UNDATED = "یادداشت بی‌تاریخ\nاین یادداشت دربارهٔ برف و پهپاد است و تاریخی در متن ندارد.\n"
UNDATED_MTIME = 1_600_000_000  # 2020-09-13T12:26:40Z: the file's only date


def build_news_tree(root: Path) -> Path:
    """The archive's files under ``root`` (seeds, one JSONL file, one undated .txt)."""
    shutil.copytree(SEEDS, root / "seeds")
    (root / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in NEWS),
                                     encoding="utf-8")
    note = root / "notes" / "undated.txt"
    note.parent.mkdir()
    note.write_text(UNDATED, encoding="utf-8")
    os.utime(note, (UNDATED_MTIME, UNDATED_MTIME))
    return root


def build_news_index(root: Path, target: Path) -> Path:
    from kavosh.index.writer import index_paths

    index_paths(target, [build_news_tree(root)])
    return target
