"""Ylläpito — load the compass survey, restore an earlier version, record action statuses for any party that
answers for the action (its municipalities, the HVA, the liitto), upload own metrics.

Off unless the operator configures authentication (a password hash in .streamlit/secrets.toml
[admin] password_hash or env TILANNEKUVA_ADMIN_PASSWORD_HASH, or an OIDC provider in [auth] for
st.login). The read-only dashboard never needs it. Uploaded text is shown only through
st.dataframe / st.text / st.write of plain strings — never as HTML.
"""
from datetime import date

import streamlit as st

from common.format import fi_datetime, fi_int
from ui import admin
from ui.layout import select_from_url
from ui.safe import md
from common.i18n import has, t, value_label
from ui.tables import to_xlsx


def _problems(rejected):
    """The loader's problem table with its column headings in the reader's language (the problems themselves
    are the loader's words)."""
    frame = admin.problems_frame(rejected.problems)
    return frame.rename(columns={c: t(f"admin.problem_col.{c}") for c in frame.columns
                                 if has(f"admin.problem_col.{c}")})


def _secret(*path):
    try:
        value = st.secrets
        for part in path:
            value = value[part]
        return value
    except (KeyError, FileNotFoundError, AttributeError, TypeError):
        return None


st.title(t("page_admin"))

secrets_hash = _secret("admin", "password_hash")
state = admin.auth.auth_state(secrets_hash if isinstance(secrets_hash, str) else None)
oidc = _secret("auth") is not None
allowed_emails = _secret("admin", "allowed_emails")

if state == admin.auth.NOT_CONFIGURED and not oidc:
    st.info(t("admin.off"))
    st.markdown(t("admin.enable_hash"))
    st.code("python -m data_sources hash-password", language="bash")
    st.markdown(t("admin.enable_secrets"))
    st.code('[admin]\npassword_hash = "pbkdf2_sha256$600000$…"', language="toml")
    st.markdown(t("admin.enable_env", env_var=admin.auth.ENV_VAR))
    st.stop()
if state == admin.auth.INVALID_CONFIG:
    st.error(t("admin.invalid_hash"))


def _oidc_user() -> str | None:
    if not oidc:
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = admin.auth.oidc_admin(st.user.to_dict(), allowed_emails)
    except Exception:  # st.user raises when [auth] is incomplete
        return None
    if email is None:
        st.session_state["oidc_denied"] = True
    return email


def _client_address() -> str | None:
    try:
        return st.context.ip_address
    except Exception:  # no request context (AppTest)
        return None


if not st.session_state.get("admin_user"):
    oidc_user = _oidc_user()
    if oidc_user:
        st.session_state["admin_user"] = oidc_user
if not st.session_state.get("admin_user"):
    if oidc:
        if not allowed_emails:
            st.warning(t("admin.oidc_no_emails"))
        elif st.button(t("admin.oidc_login")):
            st.login()
        if st.session_state.get("oidc_denied"):
            st.error(t("admin.oidc_denied"))
    if state == admin.auth.OK:
        with st.form("admin_login"):
            password = st.text_input(t("admin.password"), type="password", max_chars=admin.auth.MAX_PASSWORD_LENGTH)
            submitted = st.form_submit_button(t("admin.login"))
        if submitted:
            result = admin.auth.login(password, secrets_hash if isinstance(secrets_hash, str) else None,
                                      client_address=_client_address())
            if result.status == admin.auth.OK:
                st.session_state["admin_user"] = "ylläpito"
                st.rerun()
            elif result.status == admin.auth.LOCKED:
                st.error(t("admin.locked", seconds=fi_int(max(1, round(result.wait_seconds)))))
            elif result.status == admin.auth.BUSY:
                st.error(t("admin.busy"))
            else:
                wait = (" " + t("admin.next_attempt", seconds=fi_int(round(result.wait_seconds)))
                        if result.wait_seconds > 0 else "")
                st.error(t("admin.wrong_password") + wait)
    st.stop()

# ---------------------------------------------------------------- logged in

user = st.session_state["admin_user"]
top_left, top_right = st.columns([4, 1])
top_left.caption(t("admin.logged_in", user=md(user)))
if top_right.button(t("admin.logout")):
    st.session_state.pop("admin_user", None)
    if oidc:
        try:
            if st.user.is_logged_in:
                st.logout()
        except Exception:
            pass
    st.rerun()

recorder = st.text_input(t("admin.recorder"), value=user, max_chars=100).strip() or user

survey_tab, status_tab, own_tab = st.tabs([t("admin.tab_survey"), t("admin.tab_status"), t("admin.tab_own")])

with survey_tab:
    st.subheader(t("admin.survey_heading"))
    st.caption(t("admin.survey_help"))
    cap_mb = admin.MAX_FILE_BYTES // (1024 * 1024)
    upload = st.file_uploader(t("admin.survey_file"), type=["csv", "xlsx"], max_upload_size=cap_mb, key="survey_upload")
    year = st.number_input(t("admin.survey_year"), min_value=2020, max_value=2100, value=None, step=1)
    if upload is not None and st.button(t("admin.check_and_load"), type="primary"):
        payload = upload.getvalue()
        if len(payload) > admin.MAX_FILE_BYTES:
            st.error(t("admin.too_large", mb=cap_mb))
        else:
            try:
                with st.spinner(t("admin.checking")):
                    result = admin.load_survey_bytes(payload, upload.name, int(year) if year else None,
                                                          user_name=recorder)
            except admin.Rejected as rejected:
                st.error(t("admin.rejected", count=len(rejected.problems)))
                st.dataframe(_problems(rejected), hide_index=True, width="stretch")
            except Exception as exc:  # WarehouseError etc.: show, never crash the page
                st.error(t("admin.load_failed", error=md(exc)))
            else:
                if result.status == "unchanged":
                    st.info(t("admin.unchanged"))
                else:
                    key = "admin.survey_restored" if result.status == "restored" else "admin.survey_loaded"
                    st.success(t(key, year=result.year, rows=result.rows, municipalities=len(result.municipalities),
                                 load_id=result.load_id))

    st.subheader(t("admin.survey_files"))
    history = admin.survey_history()
    if history.empty:
        st.caption(t("admin.no_surveys"))
    else:
        headings = {"load_id": t("admin.col.load"), "year": t("col_year"), "file_name": t("admin.col.file"),
                    "ladattu": t("admin.col.loaded"), "responses": t("admin.col.responses"),
                    "active_responses": t("admin.col.active"), "municipalities": t("admin.col.codes"),
                    "is_demo": t("admin.col.demo")}
        shown = history.assign(ladattu=history["loaded_at"].map(fi_datetime)).rename(columns=headings)
        st.dataframe(shown[list(headings.values())], hide_index=True, width="stretch")
        restorable = history[history["active_responses"] < history["responses"]]
        if not restorable.empty:
            choice = st.selectbox(t("admin.restore_pick"), list(restorable["load_id"]),
                                  format_func=lambda i: f"#{i} — {restorable.set_index('load_id').loc[i, 'file_name']}")
            if st.button(t("admin.restore")):
                try:
                    result = admin.restore_survey_version(int(choice), user_name=recorder)
                except Exception as exc:
                    st.error(t("admin.restore_failed", error=md(exc)))
                else:
                    st.success(t("admin.restored", load_id=choice, year=result.year))

with status_tab:
    st.subheader(t("admin.status_heading"))
    actions = admin.plan_actions()
    parties = admin.action_parties()
    if actions.empty or parties.empty:
        st.info(t("admin.no_actions"))
    else:
        action_text = dict(zip(actions["action_id"], actions["text_fi"]))
        # Outside the form: the parties offered are the chosen action's owners (?toimenpide=… keeps the choice).
        action_id = select_from_url(t("col_action"), list(actions["action_id"]), "toimenpide",
                                    format_func=lambda a: f"{a} — {action_text[a][:90]}")
        mine = parties[parties["action_id"] == action_id]
        party_name = dict(zip(mine["code"], mine["name_fi"]))
        st.caption(t("admin.owners", owners=md(", ".join(dict.fromkeys(mine["party"])))))
        with st.form("action_status_form", clear_on_submit=True):
            code = st.selectbox(t("col_responsible"), list(mine["code"]), format_func=lambda c: party_name.get(c, c))
            # the stored codes (kyllä/osittain/ei) are the values; the reader sees them in their language
            status = st.radio(t("col_status"), list(admin.STATUSES), horizontal=True,
                              format_func=lambda s: value_label("status", s))
            when = st.date_input(t("admin.date"), value=date.today(), max_value=date.today(), format="DD.MM.YYYY")
            note = st.text_input(t("admin.note"), max_chars=admin.MAX_NOTE)
            responsible = st.text_input(t("admin.person"), max_chars=200)
            timetable = st.text_input(t("admin.timetable"), max_chars=200, placeholder=t("admin.timetable_placeholder"))
            save = st.form_submit_button(t("admin.save"), type="primary")
        if save:
            try:
                entry = admin.record_status(action_id, code, status, when, note, by=recorder,
                                            responsible=responsible, timetable=timetable)
            except admin.Rejected as rejected:
                st.error(t("admin.status_not_saved"))
                st.dataframe(_problems(rejected), hide_index=True, width="stretch")
            except Exception as exc:
                st.error(t("admin.save_failed", error=md(exc)))
            else:
                st.success(t("admin.status_saved", entry=entry, action=md(action_id),
                             party=md(party_name.get(code, code)), status=md(value_label("status", status))))

    st.subheader(t("admin.statuses_heading"))
    history = admin.status_history()
    if history.empty:
        st.caption(t("admin.no_statuses"))
    else:
        only_current = st.toggle(t("admin.only_current"), value=True)
        table = admin.latest_per_action(history) if only_current else history
        # Shown in the reader's language; the downloads keep the import's column names and codes.
        shown = table.drop(columns=["entry_id"])
        shown = shown.assign(tila=shown["tila"].map(lambda s: value_label("status", s)))
        st.dataframe(shown.rename(columns={c: t(f"admin.status_col.{c}") for c in shown.columns
                                           if has(f"admin.status_col.{c}")}),
                     hide_index=True, width="stretch")
        left, right = st.columns(2)
        left.download_button(t("admin.csv_history"), admin.export_status_csv(history),
                             "toimenpiteiden_tila.csv", "text/csv", key="status_csv")
        right.download_button(t("admin.xlsx_history"), to_xlsx(history.drop(columns=["entry_id"]), "tilat"),
                              "toimenpiteiden_tila.xlsx",
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="status_xlsx")
        st.caption(t("admin.csv_reimport"))

    st.subheader(t("admin.import_heading"))
    status_upload = st.file_uploader(t("admin.status_file"), type=["csv", "xlsx"],
                                     max_upload_size=cap_mb, key="status_upload")
    if status_upload is not None and st.button(t("admin.import")):
        payload = status_upload.getvalue()
        if len(payload) > admin.MAX_FILE_BYTES:
            st.error(t("admin.too_large", mb=cap_mb))
        else:
            try:
                added = admin.import_status_bytes(payload, status_upload.name, user_name=recorder)
            except admin.Rejected as rejected:
                st.error(t("admin.rejected", count=len(rejected.problems)))
                st.dataframe(_problems(rejected), hide_index=True, width="stretch")
            except Exception as exc:
                st.error(t("admin.import_failed", error=md(exc)))
            else:
                st.success(t("admin.imported", count=added) if added else t("admin.import_unchanged"))

with own_tab:
    st.subheader(t("admin.own_heading"))
    st.caption(t("admin.own_help"))
    st.download_button(t("admin.own_template"), admin.own_metric_template_bytes(), "omat_mittarit_pohja.csv", "text/csv",
                       key="own_template")
    own_upload = st.file_uploader(t("admin.own_file"), type=["csv", "xlsx"], max_upload_size=cap_mb,
                                  key="own_upload")
    if own_upload is not None and st.button(t("admin.own_check")):
        payload = own_upload.getvalue()
        try:
            added = admin.load_own_metric_bytes(payload, own_upload.name, by=recorder)
        except admin.Rejected as rejected:
            st.error(t("admin.own_rejected", count=len(rejected.problems),
                       problems=md("; ".join(str(p) for p in rejected.problems[:5]))))
            st.dataframe(_problems(rejected), hide_index=True, width="stretch")
        except Exception as exc:
            st.error(t("admin.save_failed", error=md(exc)))
        else:
            st.success(t("admin.own_saved", count=added))
    values = admin.own_metric_values()
    if values.empty:
        st.caption(t("admin.no_own"))
    else:
        shown = values.drop(columns=["checksum"])
        st.dataframe(shown.rename(columns={c: t(f"admin.own_col.{c}") for c in shown.columns
                                           if has(f"admin.own_col.{c}")}), hide_index=True, width="stretch")
