"""Browser-benchmark baseline: the least a Streamlit page can be (a title and one selectbox).

Served by bench/browser.py exactly like the app (`streamlit run bench/baseline_pages/empty.py`, same flags),
so every page's time can be read as a multiple of what Streamlit itself costs on this machine.
"""
import streamlit as st

st.title("Tyhjä sivu")
st.selectbox("Valinta", [f"Vaihtoehto {i}" for i in range(1, 20)], key="choice")
