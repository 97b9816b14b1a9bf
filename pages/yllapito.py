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
from common.i18n import t
from ui.tables import to_xlsx

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
    st.info("Ylläpitotoiminnot (kyselyn lataus, toimenpiteiden tilan kirjaus) ovat pois päältä, koska kirjautumista "
            "ei ole määritetty. Tilannekuvan muut sivut ovat käytössä normaalisti.")
    st.markdown("Ottaaksesi ylläpidon käyttöön tee salasanasta tiiviste palvelimella:")
    st.code("python -m data_sources hash-password", language="bash")
    st.markdown("ja lisää se tiedostoon `.streamlit/secrets.toml`:")
    st.code('[admin]\npassword_hash = "pbkdf2_sha256$600000$…"', language="toml")
    st.markdown(f"tai ympäristömuuttujaan `{admin.auth.ENV_VAR}`. Vaihtoehtoisesti määritä OIDC-kirjautuminen "
                "(`[auth]` secrets.toml:ssa), jolloin kirjautuminen tapahtuu `st.login`-toiminnolla.")
    st.stop()
if state == admin.auth.INVALID_CONFIG:
    st.error("Ylläpidon salasanatiiviste on virheellinen. Tee uusi komennolla `python -m data_sources hash-password`.")


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
            st.warning("OIDC-kirjautuminen on määritetty, mutta ylläpitäjien sähköpostiosoitteita ([admin] "
                       "allowed_emails) ei ole: kukaan ei pääse ylläpitoon tunnuksella.")
        elif st.button("Kirjaudu organisaation tunnuksella"):
            st.login()
        if st.session_state.get("oidc_denied"):
            st.error("Tunnuksellasi ei ole ylläpito-oikeutta (vahvistettu sähköpostiosoite ei ole sallittujen listalla).")
    if state == admin.auth.OK:
        with st.form("admin_login"):
            password = st.text_input("Ylläpidon salasana", type="password", max_chars=admin.auth.MAX_PASSWORD_LENGTH)
            submitted = st.form_submit_button("Kirjaudu")
        if submitted:
            result = admin.auth.login(password, secrets_hash if isinstance(secrets_hash, str) else None,
                                      client_address=_client_address())
            if result.status == admin.auth.OK:
                st.session_state["admin_user"] = "ylläpito"
                st.rerun()
            elif result.status == admin.auth.LOCKED:
                st.error(f"Liian monta väärää yritystä. Yritä uudelleen {fi_int(max(1, round(result.wait_seconds)))} "
                         "sekunnin kuluttua.")
            elif result.status == admin.auth.BUSY:
                st.error("Kirjautumispalvelu on ruuhkautunut. Yritä hetken kuluttua uudelleen.")
            else:
                st.error("Väärä salasana." + (f" Seuraava yritys aikaisintaan {fi_int(round(result.wait_seconds))} "
                                              "sekunnin kuluttua." if result.wait_seconds > 0 else ""))
    st.stop()

# ---------------------------------------------------------------- logged in

user = st.session_state["admin_user"]
top_left, top_right = st.columns([4, 1])
top_left.caption(f"Kirjautunut: {md(user)}")
if top_right.button("Kirjaudu ulos"):
    st.session_state.pop("admin_user", None)
    if oidc:
        try:
            if st.user.is_logged_in:
                st.logout()
        except Exception:
            pass
    st.rerun()

recorder = st.text_input("Kirjaajan nimi (tallentuu latauslokiin ja tilamerkintöihin)", value=user, max_chars=100).strip() or user

survey_tab, status_tab, own_tab = st.tabs(["Kompassikysely", "Toimenpiteiden tila", "Omat mittarit"])

with survey_tab:
    st.subheader("Lataa kyselyn vastaukset")
    st.caption("CSV (; , tai sarkain; UTF-8, UTF-16 tai Windows-1252) tai XLSX. Rivi per vastaaja; sarakkeet Kunta, "
               "Vastaajan rooli, Aikaleima, (Vuosi) ja kysymykset tunnuksella tai koko tekstillä. Virheellinen "
               "tiedosto hylätään kokonaan. Uusi tiedosto korvaa vuoden vastaukset siinä oleville kunnille; "
               "aiemman version voi palauttaa alta.")
    cap_mb = admin.MAX_FILE_BYTES // (1024 * 1024)
    upload = st.file_uploader("Vastaustiedosto", type=["csv", "xlsx"], max_upload_size=cap_mb, key="survey_upload")
    year = st.number_input("Kyselyvuosi (tyhjä = tiedostosta)", min_value=2020, max_value=2100, value=None, step=1)
    if upload is not None and st.button("Tarkista ja lataa", type="primary"):
        payload = upload.getvalue()
        if len(payload) > admin.MAX_FILE_BYTES:
            st.error(f"Tiedosto on liian suuri (raja {cap_mb} Mt).")
        else:
            try:
                with st.spinner("Tarkistetaan ja ladataan…"):
                    result = admin.load_survey_bytes(payload, upload.name, int(year) if year else None,
                                                          user_name=recorder)
            except admin.Rejected as rejected:
                st.error(f"Tiedosto hylättiin, mitään ei tallennettu. Ongelmia {len(rejected.problems)}:")
                st.dataframe(admin.problems_frame(rejected.problems), hide_index=True, width="stretch")
            except Exception as exc:  # WarehouseError etc.: show, never crash the page
                st.error(f"Lataus epäonnistui: {md(exc)}")
            else:
                if result.status == "unchanged":
                    st.info("Ei muutoksia: sama tiedosto on jo voimassa.")
                else:
                    verb = "Palautettiin aiempi lataus" if result.status == "restored" else "Ladattu"
                    st.success(f"{verb}: vuosi {result.year}, {result.rows} vastausta, "
                               f"{len(result.municipalities)} kuntaa/HVA (lataus #{result.load_id}).")

    st.subheader("Ladatut kyselytiedostot")
    history = admin.survey_history()
    if history.empty:
        st.caption("Ei ladattuja kyselyitä.")
    else:
        shown = history.assign(ladattu=history["loaded_at"].map(fi_datetime)).rename(columns={
            "load_id": "Lataus", "year": "Vuosi", "file_name": "Tiedosto", "ladattu": "Ladattu", "is_demo": "Esimerkki",
            "responses": "Vastauksia", "active_responses": "Voimassa", "municipalities": "Kuntakoodit"})
        st.dataframe(shown[["Lataus", "Vuosi", "Tiedosto", "Ladattu", "Vastauksia", "Voimassa", "Kuntakoodit",
                            "Esimerkki"]], hide_index=True, width="stretch")
        restorable = history[history["active_responses"] < history["responses"]]
        if not restorable.empty:
            choice = st.selectbox("Palauta aiempi versio", list(restorable["load_id"]),
                                  format_func=lambda i: f"#{i} — {restorable.set_index('load_id').loc[i, 'file_name']}")
            if st.button("Palauta"):
                try:
                    result = admin.restore_survey_version(int(choice), user_name=recorder)
                except Exception as exc:
                    st.error(f"Palautus epäonnistui: {md(exc)}")
                else:
                    st.success(f"Lataus #{choice} on taas voimassa vuodelle {result.year}.")

with status_tab:
    st.subheader("Kirjaa toimenpiteen tila")
    actions = admin.plan_actions()
    parties = admin.action_parties()
    if actions.empty or parties.empty:
        st.info("Toimenpide- tai kuntaluettelo puuttuu tietokannasta.")
    else:
        action_text = dict(zip(actions["action_id"], actions["text_fi"]))
        # Outside the form: the parties offered are the chosen action's owners (?toimenpide=… keeps the choice).
        action_id = select_from_url("Toimenpide", list(actions["action_id"]), "toimenpide",
                                    format_func=lambda a: f"{a} — {action_text[a][:90]}")
        mine = parties[parties["action_id"] == action_id]
        party_name = dict(zip(mine["code"], mine["name_fi"]))
        st.caption("Vastuutahot: " + md(", ".join(dict.fromkeys(mine["party"]))) +
                   " — tila kirjataan vain toimenpiteen vastuutaholle (muuta ei laskettaisi).")
        with st.form("action_status_form", clear_on_submit=True):
            code = st.selectbox("Vastuutaho", list(mine["code"]), format_func=lambda c: party_name.get(c, c))
            status = st.radio("Tila", list(admin.STATUSES), horizontal=True)
            when = st.date_input("Päivämäärä", value=date.today(), max_value=date.today(), format="DD.MM.YYYY")
            note = st.text_input("Edistyminen lyhyesti (valinnainen)", max_chars=admin.MAX_NOTE)
            responsible = st.text_input("Vastuuhenkilö (valinnainen)", max_chars=200)
            timetable = st.text_input("Aikataulu (valinnainen)", max_chars=200, placeholder="esim. syksy 2025")
            save = st.form_submit_button("Tallenna", type="primary")
        if save:
            try:
                entry = admin.record_status(action_id, code, status, when, note, by=recorder,
                                            responsible=responsible, timetable=timetable)
            except admin.Rejected as rejected:
                st.error("Tilaa ei tallennettu:")
                st.dataframe(admin.problems_frame(rejected.problems), hide_index=True, width="stretch")
            except Exception as exc:
                st.error(f"Tallennus epäonnistui: {md(exc)}")
            else:
                st.success(f"Tallennettu (merkintä #{entry}): {md(action_id)} — {md(party_name.get(code, code))}: "
                           f"{md(status)}. Näkyy heti Tilannekuva- ja Tavoitteet-sivuilla.")

    st.subheader("Toimenpiteiden tilat")
    history = admin.status_history()
    if history.empty:
        st.caption("Ei kirjattuja tiloja.")
    else:
        only_current = st.toggle("Vain voimassa oleva tila", value=True)
        table = admin.latest_per_action(history) if only_current else history
        st.dataframe(table.drop(columns=["entry_id"]), hide_index=True, width="stretch")
        left, right = st.columns(2)
        left.download_button("Lataa CSV (koko historia)", admin.export_status_csv(history),
                             "toimenpiteiden_tila.csv", "text/csv", key="status_csv")
        right.download_button("Lataa XLSX (koko historia)", to_xlsx(history.drop(columns=["entry_id"]), "tilat"),
                              "toimenpiteiden_tila.xlsx",
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="status_xlsx")
        st.caption("CSV:n voi muokata ja tuoda takaisin: python -m data_sources action-status import TIEDOSTO")

    st.subheader("Tuo tiloja tiedostosta")
    status_upload = st.file_uploader("Tilatiedosto (CSV tai XLSX, sarakkeet kuten latauksessa)", type=["csv", "xlsx"],
                                     max_upload_size=cap_mb, key="status_upload")
    if status_upload is not None and st.button("Tuo tilat"):
        payload = status_upload.getvalue()
        if len(payload) > admin.MAX_FILE_BYTES:
            st.error(f"Tiedosto on liian suuri (raja {cap_mb} Mt).")
        else:
            try:
                added = admin.import_status_bytes(payload, status_upload.name, user_name=recorder)
            except admin.Rejected as rejected:
                st.error(f"Tiedosto hylättiin, mitään ei tallennettu. Ongelmia {len(rejected.problems)}:")
                st.dataframe(admin.problems_frame(rejected.problems), hide_index=True, width="stretch")
            except Exception as exc:
                st.error(f"Tuonti epäonnistui: {md(exc)}")
            else:
                st.success(f"Tuotiin {added} uutta merkintää." if added else "Ei muutoksia: kaikki rivit olivat jo tallessa.")

with own_tab:
    st.subheader("Omat mittarit")
    st.caption("Mittarit, joita Sotkanetissa ei ole (esim. turvallisuussuunnitelmien määrä, kansainväliset "
               "rekrytoinnit, verkkoalustan käynnit). Lataa pohja, täytä vuodet ja arvot ja lataa tiedosto: "
               "virheellinen tiedosto hylätään kokonaan (rivi, sarake, arvo), eikä mitään tallenneta.")
    st.download_button("Lataa pohja (CSV)", admin.own_metric_template_bytes(), "omat_mittarit_pohja.csv", "text/csv",
                       key="own_template")
    own_upload = st.file_uploader("Täytetty pohja (CSV tai XLSX)", type=["csv", "xlsx"], max_upload_size=cap_mb,
                                  key="own_upload")
    if own_upload is not None and st.button("Tarkista ja tallenna omat mittarit"):
        payload = own_upload.getvalue()
        try:
            added = admin.load_own_metric_bytes(payload, own_upload.name, by=recorder)
        except admin.Rejected as rejected:
            st.error(f"Tiedosto hylättiin, mitään ei tallennettu. Ongelmia {len(rejected.problems)}: "
                     + md("; ".join(str(p) for p in rejected.problems[:5])))
            st.dataframe(admin.problems_frame(rejected.problems), hide_index=True, width="stretch")
        except Exception as exc:
            st.error(f"Tallennus epäonnistui: {md(exc)}")
        else:
            st.success(f"Tallennettu {added} arvoa. Kehitys näkyy Tavoitteet-sivulla toimenpiteen kohdalla.")
    values = admin.own_metric_values()
    if values.empty:
        st.caption("Omia mittareita ei ole vielä ladattu.")
    else:
        st.dataframe(values.drop(columns=["checksum"]), hide_index=True, width="stretch")
