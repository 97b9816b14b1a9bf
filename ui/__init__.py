"""Presentation helpers shared by the pages: strings, Finnish number format, cached queries, charts."""


def _run_through_app_py() -> None:
    """Streamlit (1.4x+) emulates the old pages/ multipage mode until app.py has called st.navigation once
    in the server process. On a fresh server, the first visitor of a deep link (/kunta?kunta=749) would get
    pages/kunta.py run bare — no sidebar, no shared selection. Switch the emulation off and rerun, so the
    run goes through app.py like every later one."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - streamlit internals moved; nothing to fix then
        return
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        import streamlit as st

        st.rerun()


_run_through_app_py()
