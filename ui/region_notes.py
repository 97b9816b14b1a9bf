"""What a region folder says of itself, shown where it matters: how its areas were formed (assumed or
verified, the kind of area it works in) and what its plan does not say. Texts come from region.toml."""
from __future__ import annotations

import streamlit as st

from common.i18n import catalogue, t
from readmodel.deployment import deployment
from ui import data
from ui.safe import md


def area_note(all_verified: bool) -> None:
    """Under an area page's title: the folder's note on its areas when any membership is assumed."""
    dep = data.get(deployment)
    # The default label in any language (a folder without its own label gets the reader's language's one).
    if dep.area_label not in set(catalogue()["category.PALVELUALUE"].values()):
        st.caption(t("notes.area_label", label=md(dep.area_label)))
    if dep.areas_note and not all_verified:
        st.caption(md(dep.areas_note))


def plan_note() -> None:
    """Under the plan's heading: what the plan does not say (no metrics named, …) and its meeting rhythm."""
    dep = data.get(deployment)
    if dep.plan_note:
        st.caption(md(dep.plan_note))
    if dep.rhythm:
        st.caption(t("notes.rhythm", rhythm=md(dep.rhythm)))
