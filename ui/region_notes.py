"""What a region folder says of itself, shown where it matters: how its areas were formed (assumed or
verified, the kind of area it works in) and what its plan does not say. Texts come from region.toml."""
from __future__ import annotations

import streamlit as st

from readmodel.deployment import deployment
from ui import data
from ui.safe import md


def area_note(all_verified: bool) -> None:
    """Under an area page's title: the folder's note on its areas when any membership is assumed."""
    dep = data.get(deployment)
    if dep.area_label != "palvelukeskustelualue":
        st.caption(f"Tällä hyvinvointialueella alueiden työ tehdään nimellä *{md(dep.area_label)}*.")
    if dep.areas_note and not all_verified:
        st.caption(md(dep.areas_note))


def plan_note() -> None:
    """Under the plan's heading: what the plan does not say (no metrics named, …) and its meeting rhythm."""
    dep = data.get(deployment)
    if dep.plan_note:
        st.caption(md(dep.plan_note))
    if dep.rhythm:
        st.caption(f"Rytmi: {md(dep.rhythm)}")
