"""rusmonitor report: the entry point and frame. Run with `rusmonitor report`.

Reads only the published serving file (RUSMONITOR_SERVING), read-only, so it keeps serving
while the pipeline rebuilds the warehouse."""

import streamlit as st

st.set_page_config(page_title="rusmonitor – Opptrappingsplanen for rusfeltet", layout="wide")

pages = [
    st.Page("views/overview.py", title="Oversikt", icon=":material/monitoring:", default=True),
]
st.navigation(pages).run()
