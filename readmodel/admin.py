"""The admin page's questions: the plan's actions and the parties a coordinator can record a status for."""
from __future__ import annotations

import pandas as pd

from readmodel import page_data, plan_followup


def plan_actions(con) -> pd.DataFrame:
    return con.execute("SELECT action_id, text_fi FROM action ORDER BY goal_id, action_id").df()


def status_parties(con) -> pd.DataFrame:
    """Who a status can be recorded for: the own municipalities, then the HVA."""
    return con.execute("SELECT code, name_fi FROM region WHERE category = 'HYVINVOINTIALUE' OR "
                       "(category = 'KUNTA' AND is_own) ORDER BY category DESC, name_fi").df()


def action_parties(con) -> pd.DataFrame:
    """Who a status can be recorded for, per action: the parties that answer for it (action_id, code, name,
    party), municipalities by name, the HVA and the liitto by theirs."""
    keys = page_data.owner_keys(con)
    names = plan_followup.party_names(con)
    return keys.assign(code=keys["municipality_code"], name_fi=keys["municipality_code"].map(names).fillna(
        keys["municipality_code"]), party=keys["party_name"])[["action_id", "code", "name_fi", "party"]]
