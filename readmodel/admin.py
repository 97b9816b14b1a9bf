"""The admin page's questions: the plan's actions and the parties a coordinator can record a status for."""
from __future__ import annotations

import pandas as pd


def plan_actions(con) -> pd.DataFrame:
    return con.execute("SELECT action_id, text_fi FROM action ORDER BY goal_id, action_id").df()


def status_parties(con) -> pd.DataFrame:
    """Who a status can be recorded for: the own municipalities, then the HVA."""
    return con.execute("SELECT code, name_fi FROM region WHERE category = 'HYVINVOINTIALUE' OR "
                       "(category = 'KUNTA' AND is_own) ORDER BY category DESC, name_fi").df()
