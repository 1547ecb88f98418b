"""One bad input must never stop an indexing run, and decoding must not lose text silently.

Each case was found through the real CLI; each test builds its own bad
input in tmp_path, runs the real `kavosh index` into an on-disk index and
checks what a user sees: exit code 0, the good documents searchable, the
bad input reported on stderr as ``skipped: name: reason`` (or repaired with
a ``warning:``), and the run finishing at all.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kavosh.cli import main

GOOD_TITLE = "خبر سالم"
GOOD_BODY = "روسیه چندین نقطه در اوکراین را بمباران کرد"  # "بمباران" is searched for


@pytest.fixture(autouse=True)
def deadline():
    """A run that hangs (a FIFO read blocks forever) fails the test instead of hanging it."""

    def expired(signum, frame):
        raise TimeoutError("kavosh index did not finish within 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def kavosh(*args, index: Path):
    return CliRunner().invoke(main, [*args, "--index", str(index)])


def index_ok(folder: Path, index: Path, *extra: str):
    """Run `kavosh index` and require it to finish normally."""
    result = kavosh("index", *extra, str(folder), index=index)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def hits(index: Path, query: str) -> list[dict]:
    result = kavosh("search", "--json", "--limit", "100", query, index=index)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["hits"]


def ids(index: Path, query: str) -> set[str]:
    return {h["id"] for h in hits(index, query)}


def skipped(result, name: str) -> str:
    """The reason `kavosh index` gave for skipping ``name`` (fails if it did not)."""
    for line in result.stderr.splitlines():
        if line.startswith(f"skipped: {name}: "):
            return line[len(f"skipped: {name}: "):]
    raise AssertionError(f"no 'skipped: {name}: …' line in:\n{result.stderr}")


@pytest.fixture
def docs(tmp_path) -> Path:
    """A folder holding one good file; each test adds its bad input beside it."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(f"{GOOD_TITLE}\n{GOOD_BODY}\n", encoding="utf-8")
    return folder


def good_file_indexed(index: Path):
    assert ids(index, "بمباران") == {"good.txt"}


# --- 1. file names -------------------------------------------------------------


def test_file_name_that_is_not_utf8_is_indexed_under_an_escaped_name(docs, tmp_path):
    bad = os.fsencode(docs) + b"/bad\xffname.txt"
    with open(bad, "wb") as fh:
        fh.write("عنوان\nمتنی درباره زرافه\n".encode("utf-8"))
    index = tmp_path / "ix"
    index_ok(docs, index)
    good_file_indexed(index)
    [hit] = hits(index, "زرافه")
    assert hit["id"] == "bad\\xffname.txt" and hit["path"] == "bad\\xffname.txt"
    again = index_ok(docs, index)  # and the next run recognizes it as unchanged
    assert "0 added, 0 updated, 0 removed, 2 unchanged" in again.stdout


def test_folder_name_that_is_not_utf8_can_be_indexed_and_updated(tmp_path):
    folder = os.fsencode(tmp_path) + b"/archive\xfe"
    os.mkdir(folder)
    with open(folder + b"/a.txt", "wb") as fh:
        fh.write("عنوان\nمتنی درباره زرافه\n".encode("utf-8"))
    index = tmp_path / "ix"
    index_ok(Path(os.fsdecode(folder)), index)
    assert ids(index, "زرافه") == {"a.txt"}
    again = index_ok(Path(os.fsdecode(folder)), index)
    assert "1 unchanged" in again.stdout


# --- 2. JSONL lines that break the JSON parser ---------------------------------------


def test_jsonl_lines_with_a_huge_number_or_deep_nesting_are_skipped(docs, tmp_path):
    lines = [
        json.dumps({"id": "a1", "body": "متن اول درباره زرافه"}, ensure_ascii=False),
        '{"id": ' + "7" * 5000 + ', "body": "عدد بزرگ"}',
        "[" * 100_000 + "]" * 100_000,
        '{"a": ' * 100_000 + "1" + "}" * 100_000,
        json.dumps({"id": "a5", "body": "متن آخر درباره کرگدن"}, ensure_ascii=False),
    ]
    (docs / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    good_file_indexed(index)
    assert ids(index, "زرافه") == {"a1"} and ids(index, "کرگدن") == {"a5"}
    assert "digits" in skipped(result, "news.jsonl:2")
    assert "nested too deeply" in skipped(result, "news.jsonl:3")
    assert "nested too deeply" in skipped(result, "news.jsonl:4")


# --- 3. things in the folder that are not regular files --------------------------------


def test_fifo_is_skipped_not_read(docs, tmp_path):
    os.mkfifo(docs / "pipe.txt")
    index = tmp_path / "ix"
    result = index_ok(docs, index)  # reading it would block forever (see `deadline`)
    assert skipped(result, "pipe.txt") == "not a regular file (a named pipe)"
    good_file_indexed(index)


def test_link_to_a_device_is_not_read(docs, tmp_path):
    (docs / "zero.txt").symlink_to("/dev/zero")
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    reason = skipped(result, "zero.txt")
    assert "not a regular file" in reason or "outside the indexed folder" in reason
    good_file_indexed(index)


def test_link_out_of_the_folder_is_not_followed(docs, tmp_path):
    (docs / "passwd.txt").symlink_to("/etc/passwd")
    outside = tmp_path / "private.txt"
    outside.write_text("سری\nمتن محرمانه درباره زرافه\n", encoding="utf-8")
    (docs / "private.txt").symlink_to(outside)
    (docs / "alias.txt").symlink_to(docs / "good.txt")  # inside the folder: fine
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert skipped(result, "passwd.txt") == (
        "symbolic link to /etc/passwd, outside the indexed folder; not followed")
    assert "outside the indexed folder" in skipped(result, "private.txt")
    assert ids(index, "root") == set() and ids(index, "زرافه") == set()
    assert ids(index, "بمباران") == {"good.txt", "alias.txt"}


def test_hidden_entries_and_folder_links_leaving_the_folder_are_reported(docs, tmp_path):
    """Not indexed, and said: a hidden file, a hidden folder (one line for it, not one per
    file), a folder link leading outside.  A folder link that stays inside is quiet and its
    files are indexed once, under their own path."""
    (docs / ".draft.txt").write_text("پیش‌نویس\nزرافه\n", encoding="utf-8")
    (docs / ".git").mkdir()
    for n in range(3):
        (docs / ".git" / f"{n}.txt").write_text("زرافه\n", encoding="utf-8")
    (docs / ".notes.md").write_text("not a kind Kavosh reads\n", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "private.txt").write_text("سری\nمتن محرمانه درباره زرافه\n", encoding="utf-8")
    (docs / "linked").symlink_to(outside, target_is_directory=True)
    (docs / "sub").mkdir()
    (docs / "sub" / "inner.txt").write_text("درون\nکرگدن\n", encoding="utf-8")
    (docs / "shortcut").symlink_to(docs / "sub", target_is_directory=True)
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert skipped(result, ".draft.txt").startswith("hidden file (its name starts with '.')")
    assert skipped(result, ".git").startswith("hidden folder (its name starts with '.')")
    assert skipped(result, "linked") == (
        f"folder link to {outside}, outside the indexed folder; not followed")
    assert "shortcut" not in result.stderr and ".notes.md" not in result.stderr
    assert "3 skipped" in result.stdout
    assert ids(index, "زرافه") == set()
    assert ids(index, "کرگدن") == {"sub/inner.txt"}
    good_file_indexed(index)


def test_link_loops_and_dangling_links_are_reported(docs, tmp_path):
    (docs / "loop.txt").symlink_to(docs / "loop.txt")
    (docs / "ping.txt").symlink_to(docs / "pong.txt")
    (docs / "pong.txt").symlink_to(docs / "ping.txt")
    (docs / "dangling.txt").symlink_to(docs / "gone.txt")
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert skipped(result, "loop.txt") == "symbolic link loop; not followed"
    assert skipped(result, "ping.txt") == "symbolic link loop; not followed"
    assert skipped(result, "dangling.txt").startswith("dangling symbolic link")
    assert "4 skipped" in result.stdout
    good_file_indexed(index)


def test_unreadable_file_is_skipped(docs, tmp_path, monkeypatch):
    secret = docs / "secret.txt"
    secret.write_text("سری\nمتن\n", encoding="utf-8")
    secret.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the open fail as it would for a user
        real_open = os.open

        def denying_open(path, *args, **kwargs):
            if os.fspath(path) == os.fspath(secret):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", denying_open)
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert skipped(result, "secret.txt") == "cannot read (Permission denied)"
    good_file_indexed(index)


# --- 4. size --------------------------------------------------------------------------


def test_file_over_the_size_limit_is_skipped_before_reading(docs, tmp_path):
    with open(docs / "huge.txt", "wb") as fh:
        fh.truncate(300 * 1000 * 1000)  # sparse: costs no disk, would cost 300 MB to read
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    reason = skipped(result, "huge.txt")
    assert reason == ("the file is 300 MB, over the per-document limit of 10 MB; "
                      "raise it with --max-file-size (e.g. --max-file-size 300MB)")
    good_file_indexed(index)


def test_size_limit_is_configurable(docs, tmp_path):
    words = " ".join(["کلمه"] * 150_000)  # ~1.5 MB of UTF-8
    (docs / "long.txt").write_text(f"عنوان\n{words} زرافه\n", encoding="utf-8")
    index = tmp_path / "ix"
    result = index_ok(docs, index, "--max-file-size", "1MB")
    assert "over the per-document limit of 1 MB" in skipped(result, "long.txt")
    assert ids(index, "زرافه") == set()
    index_ok(docs, index, "--max-file-size", "5MB")
    assert ids(index, "زرافه") == {"long.txt"}
    bad = kavosh("index", "--max-file-size", "lots", str(docs), index=index)
    assert bad.exit_code == 2 and "not a size" in bad.stderr


def test_jsonl_archive_is_not_subject_to_the_limit_but_its_records_are(docs, tmp_path):
    with open(docs / "archive.jsonl", "w", encoding="utf-8") as fh:
        for i in range(3000):  # ~1.2 MB in all, every record small
            fh.write(json.dumps({"id": f"r{i}", "body": f"خبر شماره {i} درباره زرافه " + "متن " * 80},
                                ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "big", "body": "کرگدن " * 100_000}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "last", "body": "آخرین خبر درباره کرگدن"}, ensure_ascii=False) + "\n")
    index = tmp_path / "ix"
    result = index_ok(docs, index, "--max-file-size", "500kB")
    assert len(ids(index, "زرافه")) == 100  # (the search limit) of 3000 records
    assert ids(index, "کرگدن") == {"last"}
    assert "over the per-document limit of 500 kB" in skipped(result, "archive.jsonl:3001")
    again = index_ok(docs, index, "--max-file-size", "500kB")
    assert "3002 unchanged" in again.stdout  # 3001 records and good.txt


# --- 5. invalid Unicode inside JSON ---------------------------------------------------------


def test_lone_surrogate_is_replaced_and_searching_it_works(docs, tmp_path):
    (docs / "s.jsonl").write_text(
        '{"id": "s1\\udc80", "title": "عنوان \\ud800", "body": "متن درباره زرافه \\ud800\\udfff", '
        '"url": "https://example.org/\\ud800", "source": "\\udfff"}\n', encoding="utf-8")
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    # id, title, url, source; "\\ud800\\udfff" in the body is a valid pair (U+103FF) and stays
    assert "warning: s.jsonl:1: 4 invalid characters (lone surrogates) in record 's1\ufffd' replaced" in result.stderr
    [hit] = hits(index, "زرافه")
    assert hit["id"] == "s1\ufffd" and hit["title"] == "عنوان \ufffd"
    human = kavosh("search", "زرافه", index=index)
    assert human.exit_code == 0 and "عنوان" in human.stdout


# --- 6. titles --------------------------------------------------------------------------


def test_huge_first_line_is_not_a_huge_title(docs, tmp_path):
    line = " ".join(["واژه"] * 60_000) + " زرافه"  # one 300 kB line, the whole document
    (docs / "oneline.txt").write_text(line + "\n", encoding="utf-8")
    (docs / "t.jsonl").write_text(json.dumps({"id": "j", "title": line.replace("زرافه", "کرگدن"),
                                              "body": "متن"}, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
    (docs / "t.html").write_text(f"<title>{line.replace('زرافه', 'گورخر')}</title><p>بدنه</p>",
                                 encoding="utf-8")
    index = tmp_path / "ix"
    index_ok(docs, index)
    for word in ("زرافه", "کرگدن", "گورخر"):
        [hit] = hits(index, word)
        assert len(hit["title"]) <= 300 and hit["title"].endswith("…")
        assert hit["title"].startswith("واژه واژه") and "واژه…" in hit["title"]  # cut between words
    assert ids(index, "زرافه") == {"oneline.txt"}  # the body keeps the whole line


# --- 7. decoding --------------------------------------------------------------------------

PERSIAN_LINE = "این متن فارسی درباره زرافه است"
CP1256_LINE = "نقلت وكالة الإعلام الروسية عن السلطات"  # "وكالة" is searched for


def test_utf8_with_one_bad_byte_stays_utf8(docs, tmp_path):
    data = ("عنوان\n" + PERSIAN_LINE + "\n").encode("utf-8") + b"\xff" + "کرگدن\n".encode("utf-8")
    (docs / "onebad.txt").write_bytes(data)
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert ids(index, "زرافه") == {"onebad.txt"} and ids(index, "کرگدن") == {"onebad.txt"}
    assert "warning: onebad.txt: 1 byte replaced with U+FFFD (not valid UTF-8)" in result.stderr
    assert "Windows-1256" not in result.stderr


def test_utf8_file_with_one_cp1256_line_reads_each_line_right(docs, tmp_path):
    data = (("عنوان\n" + PERSIAN_LINE + "\n").encode("utf-8") + CP1256_LINE.encode("cp1256") + b"\n"
            + "پایان متن درباره کرگدن\n".encode("utf-8"))
    (docs / "mixed.txt").write_bytes(data)
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert ids(index, "زرافه") == {"mixed.txt"}  # the UTF-8 lines
    assert ids(index, "وكالة") == {"mixed.txt"}  # the Windows-1256 line
    assert ids(index, "کرگدن") == {"mixed.txt"}
    assert "warning: mixed.txt: 1 line read as Windows-1256" in result.stderr


def test_utf16_without_bom_and_utf32_with_bom(docs, tmp_path):
    (docs / "u16.txt").write_bytes(("عنوان\n" + PERSIAN_LINE + "\n").encode("utf-16-le"))
    (docs / "u16be.txt").write_bytes(("عنوان\n" + CP1256_LINE + "\n").encode("utf-16-be"))
    (docs / "u32.txt").write_bytes(("عنوان\nمتن درباره کرگدن\n").encode("utf-32"))
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert ids(index, "زرافه") == {"u16.txt"}
    assert ids(index, "وكالة") == {"u16be.txt"}
    assert ids(index, "کرگدن") == {"u32.txt"}
    assert "skipped" not in result.stderr


def test_iso_8859_6_is_recognized_by_charset_normalizer(docs, tmp_path):
    (docs / "iso.txt").write_bytes(("عنوان\n" + (CP1256_LINE + "\n") * 20).encode("iso8859_6"))
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert ids(index, "وكالة") == {"iso.txt"}
    assert "warning: iso.txt: not UTF-8; read as ISO-8859-6" in result.stderr


def test_utf16_jsonl_is_streamed_too(docs, tmp_path):
    records = "".join(json.dumps({"id": f"w{i}", "body": f"{PERSIAN_LINE} {i}"}, ensure_ascii=False) + "\n"
                      for i in range(3))
    (docs / "le.jsonl").write_bytes(records.encode("utf-16-le"))  # no BOM
    (docs / "bom.jsonl").write_bytes(records.replace('"w', '"b').encode("utf-16"))
    index = tmp_path / "ix"
    index_ok(docs, index)
    assert ids(index, "زرافه") == {"w0", "w1", "w2", "b0", "b1", "b2"}


def test_nul_byte_in_jsonl_costs_no_records(docs, tmp_path):
    (docs / "nul.jsonl").write_bytes(
        json.dumps({"id": "n1", "body": PERSIAN_LINE}, ensure_ascii=False).encode("utf-8") + b"\n"
        + b'{"id": "n2",\x00 "body": "' + "متن درباره کرگدن".encode("utf-8") + b'"}\n'
        + json.dumps({"id": "n3", "body": CP1256_LINE}, ensure_ascii=False).encode("utf-8") + b"\n")
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert ids(index, "زرافه") == {"n1"} and ids(index, "کرگدن") == {"n2"} and ids(index, "وكالة") == {"n3"}
    assert "warning: nul.jsonl: 1 NUL byte removed" in result.stderr


def test_cp1256_and_bad_bytes_inside_jsonl_are_read_per_line(docs, tmp_path):
    (docs / "legacy.jsonl").write_bytes(
        json.dumps({"id": "u", "body": PERSIAN_LINE}, ensure_ascii=False).encode("utf-8") + b"\n"
        + b'{"id": "c", "body": "' + CP1256_LINE.encode("cp1256") + b'"}\n'
        + b'{"id": "b", "body": "' + "کرگدن".encode("utf-8") + b'\xff"}\n')
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    assert ids(index, "زرافه") == {"u"} and ids(index, "وكالة") == {"c"} and ids(index, "کرگدن") == {"b"}
    assert "warning: legacy.jsonl: 1 line read as Windows-1256" in result.stderr
    assert "warning: legacy.jsonl: 1 byte replaced with U+FFFD" in result.stderr


def test_real_binaries_are_still_skipped(docs, tmp_path):
    (docs / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4000))
    with zipfile.ZipFile(docs / "archive.txt", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.bin", os.urandom(4000))
    (docs / "dump.jsonl").write_bytes(gzip.compress(b'{"id": "x", "body": "y"}\n' * 100))
    (docs / "noise.txt").write_bytes(os.urandom(4000))
    index = tmp_path / "ix"
    result = index_ok(docs, index)
    for name in ("image.txt", "archive.txt", "dump.jsonl", "noise.txt"):
        assert skipped(result, name).startswith("binary file"), name
    assert result.stderr.count("dump.jsonl") == 1  # one line for the file, not one per "line"
    good_file_indexed(index)


# --- 8. HTML --------------------------------------------------------------------------------


def test_html_without_closing_head_keeps_its_body(docs, tmp_path):
    (docs / "nohead.html").write_text(
        "<!doctype html><html><head><meta charset=utf-8><title>عنوان صفحه</title>"
        "<link rel=stylesheet href=x.css><p>متن بدنه درباره زرافه</p></html>", encoding="utf-8")
    (docs / "nobody.html").write_text(
        "<html><head><title>صفحه دوم</title><div>متن درباره کرگدن</div>", encoding="utf-8")
    index = tmp_path / "ix"
    index_ok(docs, index)
    [hit] = hits(index, "زرافه")
    assert hit["id"] == "nohead.html" and hit["title"] == "عنوان صفحه"
    assert ids(index, "کرگدن") == {"nobody.html"}
    assert ids(index, "x.css") == set()


def test_svg_title_is_not_the_page_title(docs, tmp_path):
    (docs / "icons.html").write_text(
        "<html><head><title>عنوان واقعی</title></head><body>"
        "<svg><title>آیکون جستجو</title><path d='M0'/></svg>"
        "<p>متن درباره زرافه</p><title>عنوان اشتباه</title></body></html>", encoding="utf-8")
    index = tmp_path / "ix"
    index_ok(docs, index)
    [hit] = hits(index, "زرافه")
    assert hit["title"] == "عنوان واقعی"
    assert ids(index, "آیکون") == set()


# --- all at once ------------------------------------------------------------------------------


def test_every_bad_input_together_does_not_stop_the_run_or_the_next(docs, tmp_path):
    os.mkfifo(docs / "pipe.txt")
    (docs / "zero.txt").symlink_to("/dev/zero")
    (docs / "passwd.txt").symlink_to("/etc/passwd")
    (docs / "loop.txt").symlink_to(docs / "loop.txt")
    (docs / "dangling.txt").symlink_to(docs / "gone.txt")
    with open(os.fsencode(docs) + b"/bad\xffname.txt", "wb") as fh:
        fh.write("عنوان\nمتن درباره زرافه\n".encode("utf-8"))
    with open(docs / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1000 * 1000)
    (docs / "bad.jsonl").write_text('{"id": ' + "9" * 5000 + '}\n' + "[" * 100_000 + "\n"
                                    + '{"id": "ok", "body": "سند خوب درباره کرگدن \\ud800"}\n',
                                    encoding="utf-8")
    index = tmp_path / "ix"
    first = index_ok(docs, index)
    second = index_ok(docs, index)
    for result in (first, second):
        for name in ("pipe.txt", "zero.txt", "passwd.txt", "loop.txt", "dangling.txt", "huge.txt"):
            skipped(result, name)
    assert "3 unchanged" in second.stdout
    good_file_indexed(index)
    assert ids(index, "زرافه") == {"bad\\xffname.txt"} and ids(index, "کرگدن") == {"ok"}
