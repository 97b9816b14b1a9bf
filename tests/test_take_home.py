"""Issue 14: what each party takes home — the forum brief (at most two A4 pages, nothing cut) and the PPTX deck."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pptx import Presentation

from data_sources import action_status
from data_sources.__main__ import main
from readmodel import take_home
from store.warehouse import connect_read
from documents import take_home as render
from documents.brief import chromium_binary


@pytest.fixture
def changed_db(fresh_db):
    action_status.record_status("J-3-1", "Tervo", "kyllä", note="kuntafoorumin jälkeen", db=fresh_db)
    return fresh_db


def _tervo(con):
    return con.execute("SELECT code FROM region WHERE category = 'KUNTA' AND name_fi = 'Tervo'").fetchone()[0]


def test_the_brief_keeps_every_text_whole_and_says_what_is_followed(changed_db):
    with connect_read(changed_db) as con:
        content = take_home.content(con, _tervo(con))
        texts = dict(con.execute("SELECT action_id, text_fi FROM action").fetchall())
    assert content["is_demo"]
    assert any("J-3-1" in x["text"] and "Tervo" in x["text"] for x in content["changes"])
    assert content["in_progress"], "Tervo has actions in progress in the demo"
    document = render.brief_html(content)
    for action in content["in_progress"]:
        assert action["text"] == texts[action["action_id"]]  # whole, as in the plan
        assert render._e(action["text"]) in document
    assert "Kunnittain seurattava" in document  # which actions are followed per municipality
    assert "Esimerkkiaineisto — ei todellisia lukuja" in document
    assert "…" not in document.split("<body>", 1)[1].replace("… ja", "")


@pytest.mark.skipif(not chromium_binary(), reason="PDF needs Chromium")
@pytest.mark.parametrize("party", ["Tervo", "HVA"])  # the HVA lists all 42 actions: the compact layout fits them
def test_the_brief_is_at_most_two_pages(changed_db, tmp_path, party):
    with connect_read(changed_db) as con:
        content = take_home.content(con, _tervo(con) if party == "Tervo" else take_home.changes.HVA_KEY)
    pdf = render.brief_pdf(content)
    assert pdf is not None
    assert render.pdf_pages(pdf) <= 2
    if shutil.which("pdfinfo"):
        (tmp_path / "tervo.pdf").write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(tmp_path / "tervo.pdf")], capture_output=True, text=True).stdout
        assert int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) <= 2


def test_the_deck_has_a_slide_per_goal_and_the_changes_with_alt_text_and_demo_label(changed_db):
    with connect_read(changed_db) as con:
        content = take_home.content(con, take_home.changes.HVA_KEY)
        goals = con.execute("SELECT count(*) FROM goal").fetchone()[0]
    deck = Presentation(io.BytesIO(render.deck_pptx(content)))
    slides = list(deck.slides)
    assert len(slides) == 1 + goals + 1  # title, one per shared goal, what changed
    for slide in slides:
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Esimerkkiaineisto — ei todellisia lukuja" in text
    for goal_slide in slides[1:1 + goals]:
        pictures = [s for s in goal_slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        assert pictures[0]._element.nvPicPr.cNvPr.get("descr").startswith("Pylväskaavio")
    assert "Tervo" in " ".join(s.text_frame.text for s in slides[-1].shapes if s.has_text_frame)


def test_the_cli_builds_every_party(changed_db, tmp_path, capsys):
    out = tmp_path / "koosteet"
    assert main(["--db", str(changed_db), "take-home", "--party", "all", "--no-pdf", "--out", str(out)]) == 0
    with connect_read(changed_db) as con:
        parties = take_home.parties(con)
    assert len(list(out.glob("kooste_*.html"))) == len(parties) == len(list(out.glob("kalvot_*.pptx")))
    assert main(["--db", str(changed_db), "take-home", "--party", "EI-OLE", "--no-pdf", "--out", str(out)]) == 1
