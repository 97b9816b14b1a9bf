"""Stored and loaded text shown as text: never Markdown in Streamlit, never HTML in a chart.

Every string that comes from the database, a file or an API (indicator titles and metadata, region names,
the plan's texts, survey roles and answers, status notes, snapshot names, the values an upload error
quotes) goes through one of these where it is rendered:

- `md(text)`    inside anything Streamlit renders as Markdown: st.markdown/caption/header/title/info/…,
                tab, expander, metric and widget labels. Backslash escapes (CommonMark: any ASCII
                punctuation may be escaped) for every character that can start markup inline — links and
                images `[`, emphasis `*` `_` `~`, code `` ` ``, raw HTML and autolinks `<` `&`, math `$`,
                Streamlit's `:colour[…]`/`:material/…:`/emoji directives (a `:` before a non-space), tables `|` — plus the block
                markers a string could start with (`#`, `>`, list markers). Runs of whitespace become one
                space, so a value cannot open a block of its own. GFM's bare-URL autolinks (`https://…`,
                `www.…`, `x@y.fi`) are found in the text after escapes are resolved, so escaping cannot stop
                them: an invisible WORD JOINER (U+2060) after `://`'s colon, `www` and `@` breaks them.
- `chart(text)` inside a Plotly title, label, hover text or annotation (Plotly renders `<a href>`, `<b>`,
                `<br>`, `<span style>` in all of them): HTML-escaped; the product's own `<br>` is added
                after escaping.

- `html.escape` in the modules that build st.html bodies (ui/html_table.py, ui/heat_table.py,
                ui/ranking_bars.py, ui/tile_map.py, ui/scale_bars.py, ui/small_multiples.py): every data text,
                attribute values included; Streamlit's sanitiser (DOMPurify) is a second wall, not the first.

Our own strings (common/strings/*.toml) are trusted Markdown and are not passed through `md`.
"""
from __future__ import annotations

import html
import re

# `:` only where it can open a directive, emoji or icon (`:red[`, `:smile:`, `:material/…:`): before a non-space.
_INLINE = re.compile(r"([\\`*_\[\]<>~$&|@]|:(?=\S))")
_AUTOLINK = re.compile(r"(?i)(\\:)(?=//)|\b(www)(?=\.)|(\\@)")
WORD_JOINER = "\u2060"
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
# Spaces and line breaks (Python's \s), except the no-break spaces of Finnish numbers ("1 234,5").
_WHITESPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def md(value) -> str:
    """`value` as literal text inside Markdown (None -> '')."""
    if value is None:
        return ""
    text = _WHITESPACE.sub(" ", str(value)).strip()  # no value opens a block (a code block, a list, a table)
    text = _INLINE.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
    match = _BLOCK_START.match(text)
    if match:
        lead, marker = match.groups()
        text = lead + ("\\" + marker if not marker.isdigit() else marker + "\\") + text[match.end():]
    return text


def chart(value) -> str:
    """`value` as literal text inside a Plotly string (None -> '')."""
    return "" if value is None else html.escape(str(value), quote=False)


def md_lines(lines) -> str:
    """Lines of data text as one Markdown block, one line each (Markdown's hard break between them)."""
    return "  \n".join(md(line) for line in lines)
