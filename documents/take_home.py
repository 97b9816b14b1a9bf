"""What each party takes home: the forum brief (at most two A4 pages, HTML -> PDF by headless Chromium) and the
kuntafoorumi's slide deck (PPTX, python-pptx), both from readmodel/take_home.py's content. No Streamlit here:
the pages offer them as downloads and `python -m data_sources take-home` builds them for every party at once.

The brief wraps every text (no cut words: table-layout fixed with overflow-wrap, never a character limit),
keeps each section whole on a page where it fits (break-inside: avoid) and repeats a table's header when a
table does continue. The deck has a title slide, one slide per shared goal (its indicators' trend classes as
a chart image with alt text, the actions' status) and one for what changed since the last meeting; every
slide carries the demo label when the data is demo.

Fixed texts are in the reader's language (common.i18n; build inside it, also when a download builds the file
later); the plan's own texts and the names come in `content` as they are.

Long because the brief's print layout and the deck's slide layout are two renderings of the same content,
kept side by side so that a section added to one is seen missing from the other.
"""
from __future__ import annotations

import html
import io
import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Mm, Pt

from common.format import fi_date
from common.i18n import has, language, t, value_label
from readmodel import take_home
from store.config import db_path
from store.warehouse import connect_read
from documents.brief import html_to_pdf

TREND_SYMBOL = {"paranee": "▲", "heikkenee": "▼", "ennallaan": "▶", "ei erotu": "≈", "kasvaa": "↗", "laskee": "↘"}
STATUS_SYMBOL = {"kyllä": "✔", "osittain": "◐", "ei": "✘", "ei vastausta": "?"}
# Okabe–Ito colours, distinguishable in colour-blind vision; every bar is labelled, colour is never the only cue
TREND_COLOUR = {"paranee": "#009E73", "heikkenee": "#D55E00", "ennallaan": "#0072B2", "ei erotu": "#999999",
                "kasvaa": "#56B4E9", "laskee": "#E69F00"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

MAX_PAGES = 2
SCALES = (1.0, 0.92, 0.85, 0.78, 0.72)  # the brief's type is made smaller until it fits MAX_PAGES
BRIEF_CSS = """
@page { size: A4 portrait; margin: 12mm 13mm 12mm 13mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #1a1a1a; font-size: BASEpt;
       line-height: 1.3; margin: 0; }
h1 { font-size: 1.75em; margin: 0 0 1mm; }
h2 { font-size: 1.22em; margin: 3.5mm 0 1.2mm; border-bottom: 1.2pt solid #0072B2; padding-bottom: 0.6mm;
     break-after: avoid; page-break-after: avoid; }
p, li { margin: 0.6mm 0; }
ul { margin: 0.5mm 0 0.5mm 4.5mm; padding: 0; }
section.keep { break-inside: avoid; page-break-inside: avoid; }
.meta { color: #404040; font-size: 0.93em; }
.demo { border: 1.2pt solid #8a5a00; background: #fff4dc; color: #4d3200; padding: 1.2mm 2mm; margin: 1.5mm 0;
        font-weight: bold; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.8mm 0 1mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { text-align: left; background: #e8eef4; border-bottom: 0.8pt solid #7a8a99; padding: 0.8mm 1.2mm; overflow-wrap: break-word;
     vertical-align: bottom; }
td { border-bottom: 0.4pt solid #c9d1d9; padding: 0.7mm 1.2mm; vertical-align: top; overflow-wrap: break-word;
     hyphens: auto; }
td.num { text-align: right; white-space: nowrap; }
.more { color: #404040; font-style: italic; }
footer { margin-top: 3mm; font-size: 0.87em; color: #404040; border-top: 0.4pt solid #c9d1d9; padding-top: 1mm; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _table(head: list[tuple[str, str]], rows: list[list[str]], num: set[int] = frozenset()) -> str:
    """head: (title, width); every cell escaped and wrapped."""
    cols = "".join(f'<col style="width:{w}">' for _, w in head)
    th = "".join(f"<th>{_e(h)}</th>" for h, _ in head)
    body = "".join("<tr>" + "".join(f'<td class="{"num" if i in num else ""}">{_e(c)}</td>' for i, c in enumerate(r))
                   + "</tr>" for r in rows)
    return f"<table><colgroup>{cols}</colgroup><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _party_missing(content: dict, missing: list[str]) -> list[str]:
    return [m for m in missing if content["kind"] != "KUNTA" or m == content["name"]]


def _title(c: dict) -> str:
    kind = c.get("review_kind", "")
    if has(f"takehome.title.{kind}"):
        return t(f"takehome.title.{kind}", name=c["name"])
    return t("takehome.title_other", meeting=c["since_word"].capitalize(), name=c["name"])


def _status(status: str) -> str:
    """A status code with its symbol in the reader's language; a composed status ("3/19 kuntaa valmis") as it is."""
    return f"{STATUS_SYMBOL[status]} {value_label('status', status)}" if status in STATUS_SYMBOL else status


def _trend(trend: str) -> str:
    return f"{TREND_SYMBOL.get(trend, '')} {value_label('trend', trend)}"


def brief_html(content: dict, footer: str = "", scale: float = 1.0, compact: bool = False) -> str:
    """The forum brief of one party: summary, changes since the last forum, actions in progress with owner
    and status, the clearest changes, and what the party brings to the next forum."""
    c = content
    made = c["made"]
    css = BRIEF_CSS.replace("BASE", f"{8.6 * scale:.2f}")
    title = _title(c)
    since = t("forum.changes_since", since=c["since_word"])
    parts = ["<!DOCTYPE html>", f'<html lang="{language()}"><head><meta charset="utf-8">',
             f"<title>{_e(title)}</title><style>{css}</style></head><body>",
             f"<header><h1>{_e(title)}</h1>",
             f'<p class="meta">{_e(c["plan"])} · {_e(c["parties"])} · {_e(t("brief.made", date=fi_date(made)))}</p></header>']
    if c["is_demo"]:
        parts.append(f'<p class="demo" role="note">{_e(t("demo_banner"))}.</p>')
    if c["summary"]:
        parts.append(f"<section class='keep'><h2>{_e(t('takehome.summary'))}</h2><ul>"
                     + "".join(f"<li>{_e(s)}</li>" for s in c["summary"]) + "</ul></section>")
    if c["forum"] is None:
        parts.append(f"<section class='keep'><h2>{_e(since)}</h2>"
                     f'<p class="meta">{_e(t("takehome.no_meeting"))}</p></section>')
    else:
        head = f"{since} ({c['forum']['title']}, {fi_date(c['forum']['date'])})"
        items = "".join(f"<li>{_e(x['section'])}: {_e(x['text'])}</li>" for x in c["changes"])
        more = (f'<p class="more">{_e(t("takehome.more_changes", n=c["changes_more"]))}</p>') if c["changes_more"] else ""
        parts.append(f"<section class='keep'><h2>{_e(head)}</h2>"
                     + (f"<ul>{items}</ul>{more}" if items else f'<p class="meta">{_e(t("takehome.no_changes"))}</p>')
                     + "</section>")
    followed_word = t("takehome.followed")
    # compact (when the whole list does not fit two pages): actions nobody has reported on yet are named in one line
    listed = [a for a in c["in_progress"] if not compact or a.get("answered", True)]
    unreported = [a["action_id"] for a in c["in_progress"] if compact and not a.get("answered", True)]
    if c["in_progress"]:
        if c["kind"] == "KUNTA":
            rows = [[a["action_id"], a["text"], a["owner"], f"{STATUS_SYMBOL.get(a['status'], '')} "
                     f"{value_label('status', a['status'])}",
                     t("takehome.followed_yes") if a["followed"] else t("takehome.followed_no")] for a in listed]
            head = [(t("takehome.col_id"), "8.5%"), (t("col_action"), "43.5%"), (t("col_responsible"), "24%"),
                    (t("col_status"), "12%"), (followed_word, "12%")]
        else:
            rows = [[a["action_id"], a["text"], a["owner"], a["status"]] for a in listed]
            head = [(t("takehome.col_id"), "8.5%"), (t("col_action"), "50.5%"), (t("col_responsible"), "25%"),
                    (t("col_status"), "16%")]
        done = ", ".join(a["action_id"] for a in c["done"])
        none_yet = (f'<p class="meta">{_e(t("takehome.none_yet", n=len(unreported), ids=", ".join(unreported)))}</p>'
                    if unreported else "")
        parts.append(f"<section><h2>{_e(t('takehome.in_progress'))}</h2>" + (_table(head, rows) if rows else "") + none_yet
                     + (f'<p class="meta">{_e(t("takehome.done", ids=done))}</p>' if done else "") + "</section>")
    if c["clearest"]:
        rows = [[_trend(x["trend"]), x["title"], f"{x['value']} ({x['year']})",
                 t("takehome.slope", slope=x["slope"])] for x in c["clearest"]]
        parts.append(f"<section class='keep'><h2>{_e(t('takehome.clearest'))}</h2>"
                     + _table([(t("col_trend"), "13%"), (t("takehome.col_indicator"), "57%"), (t("col_latest"), "16%"),
                               (t("col_change"), "14%")], rows, num={2, 3}) + "</section>")
    if c["next_forum"]:
        first = c["next_forum"][0]
        rows = []
        for d in c["next_forum"]:
            missing = _party_missing(c, d["missing"])
            state = "–" if d["done"] is None else (t("forum.done") if d["done"] else t("forum.not_done"))
            check = d["check_text"] + (t("takehome.missing", names=", ".join(missing)) if missing else "")
            rows.append([d["party"], d["text"], state, check])
        heading = t("takehome.next_meeting", title=first["meeting_title"], date=fi_date(first["meeting_date"]))
        parts.append(f"<section class='keep'><h2>{_e(heading)}</h2>"
                     + _table([(t("forum.col_party"), "20%"), (t("takehome.col_brings"), "34%"),
                               (t("forum.col_state"), "11%"), (t("forum.col_check"), "35%")], rows) + "</section>")
    parts.append(f"<footer>{_e(footer)}</footer></body></html>")
    return "\n".join(parts)


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF Chromium printed (its page objects; no PDF library needed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def brief_pdf(content: dict, footer: str = "") -> bytes | None:
    """The brief printed at the largest type that fits MAX_PAGES A4 pages; if even the smallest does not, the
    actions nobody has reported on are named in one line instead of a row each (the smallest type otherwise)."""
    pdf = None
    for compact in (False, True):
        for scale in SCALES:
            pdf = html_to_pdf(brief_html(content, footer, scale, compact))
            if pdf is None or pdf_pages(pdf) <= MAX_PAGES:
                return pdf
    return pdf


# ---------------------------------------------------------------- the deck


def trend_chart_png(counts: dict[str, int], title: str, size=(1200, 560)) -> bytes:
    """A labelled horizontal bar chart of trend-class counts (PNG)."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font, bold = ImageFont.truetype(FONT, 30), ImageFont.truetype(FONT_BOLD, 32)
    draw.text((20, 12), title, fill="#1a1a1a", font=bold)
    kinds = [k for k in take_home.TREND_ORDER if counts.get(k)]
    top, left, right = 80, 330, size[0] - 120
    biggest = max([counts[k] for k in kinds] or [1])
    bar_h = min(60, (size[1] - top - 20) // max(1, len(kinds)) - 14)
    for i, kind in enumerate(kinds):
        y = top + i * (bar_h + 14)
        draw.text((20, y + bar_h / 2 - 16), _trend(kind), fill="#1a1a1a", font=font)
        width = (right - left) * counts[kind] / biggest
        draw.rectangle([left, y, left + width, y + bar_h], fill=TREND_COLOUR[kind])
        draw.text((left + width + 12, y + bar_h / 2 - 16), str(counts[kind]), fill="#1a1a1a", font=font)
    if not kinds:
        draw.text((20, top), t("takehome.no_trend_indicators"), fill="#404040", font=font)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _text(slide, left, top, width, height, text: str, size: int = 14, bold: bool = False, colour: str | None = None):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraphs = text if isinstance(text, list) else [text]
    for i, line in enumerate(paragraphs):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.text = line
        for run in p.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    return box


def _demo(slide, prs, is_demo: bool) -> None:
    if is_demo:
        _text(slide, Mm(10), prs.slide_height - Mm(14), prs.slide_width - Mm(20), Mm(10), t("demo_banner"), size=14,
              bold=True, colour="#8a5a00")


def _picture(slide, png: bytes, left, top, width, alt: str):
    pic = slide.shapes.add_picture(io.BytesIO(png), left, top, width=width)
    pic._element.nvPicPr.cNvPr.set("descr", alt)  # alt text (python-pptx has no public setter)
    pic._element.nvPicPr.cNvPr.set("title", alt[:80])
    return pic


def deck_pptx(content: dict) -> bytes:
    """The kuntafoorumi's slides: title, one per shared goal, what changed since the last meeting."""
    c = content
    prs = Presentation()
    prs.slide_width, prs.slide_height = Mm(338.7), Mm(190.5)  # 16:9
    blank = prs.slide_layouts[6]
    width = prs.slide_width - Mm(20)

    slide = prs.slides.add_slide(blank)
    _text(slide, Mm(10), Mm(30), width, Mm(36), t("takehome.deck_title", name=c["name"]), size=36, bold=True)
    _text(slide, Mm(10), Mm(78), width, Mm(30), [c["plan"], c["parties"], t("takehome.deck_made", date=fi_date(c["made"]))],
          size=18)
    if c["forum"]:
        _text(slide, Mm(10), Mm(112), width, Mm(15),
              t("takehome.deck_baseline", title=c["forum"]["title"], date=fi_date(c["forum"]["date"])), size=16)
    _demo(slide, prs, c["is_demo"])

    for goal in c["goals"]:
        slide = prs.slides.add_slide(blank)
        _text(slide, Mm(10), Mm(6), width, Mm(20), f"{t('goal', n=goal['goal_id'])}: {goal['title']}", size=24, bold=True)
        counts = goal["trend_counts"]
        described = (", ".join(f"{value_label('trend', k)} {n}" for k, n in counts.items() if n)
                     or t("takehome.no_trend_classes"))
        png = trend_chart_png(counts, t("takehome.chart_title", name=c["name"]))
        _picture(slide, png, Mm(10), Mm(36), Mm(160),
                 t("takehome.chart_alt", goal=goal["goal_id"], name=c["name"], described=described))
        moving = [i for i in goal["indicators"] if i["trend"] in ("heikkenee", "paranee")]
        lines = [f"{TREND_SYMBOL[i['trend']]} {i['title']}: {i['value']} ({i['year']})" for i in moving[:5]]
        if len(moving) > 5:
            lines.append(t("takehome.more_moving", n=len(moving) - 5))
        _text(slide, Mm(175), Mm(36), Mm(153), Mm(66), [t("takehome.moving")] + (lines or ["–"]), size=11)
        actions = [f"{a['action_id']} {_status(a['status'])}" for a in goal["actions"]]
        shown = actions[:7] + ([t("takehome.more_actions", n=len(actions) - 7)] if len(actions) > 7 else [])
        _text(slide, Mm(175), Mm(106), Mm(153), Mm(62), [t("takehome.actions", completion=goal["completion"] or "–")] + shown,
              size=11)
        _demo(slide, prs, c["is_demo"])

    slide = prs.slides.add_slide(blank)
    head = t("forum.changes_since", since=c["since_word"]) + (f" ({c['forum']['title']})" if c["forum"] else "")
    _text(slide, Mm(10), Mm(6), width, Mm(20), head, size=24, bold=True)
    items = [f"{x['section']}: {x['text']}" for x in c["changes_all"][:10]]
    more = len(c["changes_all"]) - len(items)
    if more > 0:
        items.append(t("takehome.more_changes_deck", n=more))
    _text(slide, Mm(10), Mm(36), width, Mm(134), items or [t("takehome.no_changes_since", since=c["since_word"])], size=13)
    _demo(slide, prs, c["is_demo"])
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- every party at once (CLI)


def build_all(path: Path, out_dir: Path, keys: list[str] | None = None, pdf: bool = True, footer: str = "") -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with connect_read(path) as con:
        everyone = take_home.parties(con)
        wanted = [p for p in everyone if keys is None or p[0] in keys or p[2] in keys]
        contents = [take_home.content(con, key) for key, _, _ in wanted]
    for c in contents:
        slug = "".join(ch if ch.isalnum() else "_" for ch in c["name"].lower()).strip("_") or c["key"]
        document = brief_html(c, footer)
        brief, deck = t("forum.file_brief"), t("forum.file_deck")
        (out_dir / f"{brief}_{slug}.html").write_text(document, encoding="utf-8")
        written.append(out_dir / f"{brief}_{slug}.html")
        if pdf:
            data = brief_pdf(c, footer)
            if data:
                (out_dir / f"{brief}_{slug}.pdf").write_bytes(data)
                written.append(out_dir / f"{brief}_{slug}.pdf")
        (out_dir / f"{deck}_{slug}.pptx").write_bytes(deck_pptx(c))
        written.append(out_dir / f"{deck}_{slug}.pptx")
    return written


def _cmd(args) -> int:
    keys = None if args.party == "all" else [k.strip() for k in args.party.split(",")]
    written = build_all(db_path(args.db), Path(args.out), keys, pdf=not args.no_pdf)
    if not written:
        print(t("cli.error", message=t("cli.take_home.unknown_party")), file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("take-home", help=t("cli.take_home.help"))
    p.add_argument("--party", required=True, help=t("cli.take_home.party_help"))
    p.add_argument("--out", required=True, help=t("cli.take_home.out_help"))
    p.add_argument("--no-pdf", action="store_true", help=t("cli.take_home.no_pdf_help"))
    p.add_argument("--db")
    p.set_defaults(func=_cmd)


def slide_count(pptx_bytes: bytes) -> int:
    return len(Presentation(io.BytesIO(pptx_bytes)).slides)



