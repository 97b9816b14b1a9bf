"""Browser-benchmark baseline: one plotly chart + one dataframe + one selectbox, the unit a dashboard page
is made of. Deterministic synthetic data of about a demo page's size (19 municipalities x 15 years);
no project imports, so it measures Streamlit + plotly + the browser only. The selectbox changes the series
shown, so a widget change redraws the chart and the table."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.title("Kaavio ja taulukko")
series = st.selectbox("Sarja", [f"Sarja {i}" for i in range(1, 20)], key="series")
seed = int(series.split()[-1])
rng = np.random.default_rng(seed)
years = list(range(2010, 2025))
frame = pd.DataFrame({f"Kunta {k:02d}": 50 + rng.normal(0, 5, len(years)).cumsum() for k in range(1, 20)},
                     index=pd.Index(years, name="vuosi"))
fig = go.Figure([go.Scatter(x=years, y=frame[c], mode="lines", name=c) for c in frame.columns])
fig.update_layout(title=series, height=420, margin=dict(l=40, r=20, t=50, b=40))
st.plotly_chart(fig, width="stretch", key="chart")
st.dataframe(frame.round(1), width="stretch")
