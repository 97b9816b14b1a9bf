"""Stored text stays text (issue 13, item 6): no Markdown, link, image or HTML from data reaches a page.

- ui.safe.md: any text, escaped and rendered by a CommonMark + GFM renderer (markdown-it-py, 'gfm-like':
  tables, strikethrough, autolinks), is one paragraph showing exactly that text (property test).
- ui.safe.chart: Plotly strings carry no tag of their own.
- Every page, served from a database seeded with hostile metadata, names, plan texts, survey roles, notes and a
  snapshot name, shows no injected link, image or formatting in headless Chromium — the injected text is shown
  literally instead.
"""
from __future__ import annotations

import html
import re
import shutil

import markdown_it
import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.warehouse import writing
from ui.safe import WORD_JOINER, chart, md, md_lines

RENDERER = markdown_it.MarkdownIt("gfm-like", {"html": True, "linkify": True})

HOSTILE = [
    "[Kirjaudu uudelleen](https://evil.example/login)",
    "![majakka](https://evil.example/beacon.png)",
    "<img src=https://evil.example/raw.png>",
    '<a href="https://evil.example/a">linkki</a>',
    "&lt;b&gt;lihava&lt;/b&gt;",
    "**lihava** _kursiivi_ ~~yliviivattu~~ `koodi`",
    "# Otsikko",
    "- lista",
    "1. numeroitu",
    "> lainaus",
    ":red[punainen] :material/lock: :smile:",
    "$x^2$",
    "https://evil.example/auto www.evil.example posti@evil.example",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "rivi\n\n    koodilohko",
    "\\*kenoviiva\\*",
]


def _shown(rendered_inner: str) -> str:
    """What a reader sees: the text without markdown-it's entities and without the invisible autolink breaks."""
    return html.unescape(rendered_inner).replace(WORD_JOINER, "")


def _plain(text: str) -> str:
    return re.sub(r"[^\S\u00a0\u2007\u202f]+", " ", text).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_md_leaves_one_plain_paragraph(text):
    rendered = RENDERER.render(md(text)).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[3:-4]
    assert "<" not in inner, rendered  # no tag at all: markdown-it escapes text as &lt;
    assert _shown(inner) == _plain(text)


@given(st.text(max_size=80))
def test_md_of_any_text_renders_as_that_text(text):
    # markdown-it replaces NUL with U+FFFD (CommonMark's rule); everything else must come back as it was
    text = text.replace("\x00", "\ufffd")
    rendered = RENDERER.render(md(text)).strip()
    if not _plain(text):
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[3:-4]
    assert "<" not in inner, rendered
    assert _shown(inner) == _plain(text.replace(WORD_JOINER, ""))


def test_md_lines_keeps_one_line_per_item():
    rendered = RENDERER.render(md_lines(["# eka", "[toka](https://evil.example)"]))
    assert rendered.count("<br") == 1 and "<a" not in rendered and "<h1" not in rendered


@pytest.mark.parametrize("text", HOSTILE)
def test_chart_text_has_no_tag(text):
    assert "<" not in chart(text) and ">" not in chart(text)
    assert html.unescape(chart(text)) == text


# ---------------------------------------------------------------- every page, in a real browser

PAYLOAD = ("[Kirjaudu uudelleen](https://evil.example/login) ![m](https://evil.example/b.png) "
           "<img src=https://evil.example/r.png> <a href='https://evil.example/a'>a</a> **lihava** "
           ":red[punainen] www.evil.example ")
SHOWN_LITERALLY = "[Kirjaudu uudelleen](https://evil.example/login)"

# Every element attribute that names the attacker's host (href, xlink:href, src, srcset, style url(...)),
# and every formatting element whose text came from the payload.
FIND_INJECTED = """
const found = [];
for (const el of document.querySelectorAll('*')) {
  for (const attr of el.attributes) {
    if (/href$|^src|^style$|action$|^poster$|^data$/i.test(attr.name) && attr.value.includes('evil.example'))
      found.push(el.tagName + '[' + attr.name + '] ' + (el.textContent || '').slice(0, 60));
    if (/href$/i.test(attr.name) && /^ *javascript:/i.test(attr.value))
      found.push(el.tagName + '[' + attr.name + '] javascript: ' + (el.textContent || '').slice(0, 60));
  }
  const tag = el.tagName.toLowerCase();
  if (['strong', 'b', 'em', 'i', 'del', 's', 'code'].includes(tag) && /lihava|punainen/.test(el.textContent)
      && el.textContent.length < 40) found.push(tag + ': ' + el.textContent);
}
return found;
"""


def _seed_markup(db):
    from readmodel.snapshots import save_snapshot

    with writing("test-markup-seed", path=db) as load:
        con = load.con
        con.execute("UPDATE indicator SET title_fi = ? || title_fi, unit = ? || coalesce(unit, ''), "
                    "organisation = ?, licence = ?", [PAYLOAD, "<b>yks</b>", PAYLOAD, PAYLOAD])
        # A stored metadata address is a link only to sotkanet.fi (pages/tietolahteet.py)
        con.execute("UPDATE indicator SET metadata_url = CASE WHEN id % 2 = 0 THEN 'https://evil.example/meta' "
                    "ELSE 'javascript:alert(1)' END WHERE id IN (SELECT id FROM indicator ORDER BY id LIMIT 6)")
        con.execute("UPDATE region SET name_fi = name_fi || ' ' || ?", [PAYLOAD])
        con.execute("UPDATE goal SET title_fi = ? || title_fi, short_fi = ? || short_fi", [PAYLOAD, "**"])
        con.execute("UPDATE action SET text_fi = ? || text_fi, responsible_fi = ?", [PAYLOAD, PAYLOAD])
        con.execute("UPDATE survey_question SET text_fi = ? || text_fi", [PAYLOAD])
        con.execute("UPDATE survey_response SET respondent_role = ? WHERE respondent_role <> 'hva'", [PAYLOAD])
        con.execute("UPDATE action_status SET note = ?", [PAYLOAD])
    save_snapshot(PAYLOAD, db=db)


@pytest.fixture(scope="module")
def markup_db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile_markup") / "markup.duckdb"
    shutil.copy2(demo_db, path)
    _seed_markup(path)
    return path


@pytest.mark.browser
def test_no_page_renders_injected_links_images_or_formatting(markup_db):
    from tests.browser import (
        ARTIFACTS, PAGES, chromium, exception_boxes, require_browser, running_app, wait_for_heading,
    )

    require_browser()
    shown_literally = []
    with running_app(markup_db) as url, chromium() as driver:
        for path, expected in PAGES:
            driver.get(f"{url}/{path}")
            wait_for_heading(driver, expected)
            name = path.split("?")[0] or "tilannekuva"
            driver.save_screenshot(str(ARTIFACTS / f"markup-{name}.png"))
            assert exception_boxes(driver) == [], f"{path}: {exception_boxes(driver)}"
            injected = driver.execute_script(FIND_INJECTED)
            assert injected == [], (path, sorted(set(injected))[:20])
            if SHOWN_LITERALLY in driver.find_element("tag name", "body").text.replace(WORD_JOINER, ""):
                shown_literally.append(name)
    assert len(shown_literally) >= 5, shown_literally  # the payload did reach the pages, as text
