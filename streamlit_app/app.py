"""rusmonitor report: the entry point and frame. Run with `rusmonitor report`.

Reads only the published serving file (RUSMONITOR_SERVING), read-only, so it keeps serving
while the pipeline rebuilds the warehouse. Bokmål by default, English with ?lang=en (the
switch in the sidebar sets it)."""

import streamlit as st

from texts import HTML_LANG, lang, t

st.set_page_config(page_title="rusmonitor – Opptrappingsplanen for rusfeltet", layout="wide")

english = st.sidebar.toggle(t("english"), value=lang() == "en", key="english")
st.query_params["lang"] = "en" if english else "no"
# Streamlit serves every page as <html lang="en"> and has no setting for it: set the reader's
# language (screen readers pronounce by it, browsers hyphenate and offer translation by it)
st.sidebar.html(
    f"<script>document.documentElement.lang = {HTML_LANG[lang()]!r};</script>",
    unsafe_allow_javascript=True,
)

pages = [
    st.Page("views/overview.py", title=t("overview"), icon=":material/monitoring:", default=True),
    *[
        st.Page(
            f"views/goal_{goal}.py",
            title=f"{t('goal')} {goal}",
            icon=":material/flag:",
            url_path=f"goal-{goal}",
        )
        for goal in range(1, 6)
    ],
    st.Page("views/indicator.py", title=t("indicator"), icon=":material/info:", url_path="indicator"),
    st.Page(
        "views/municipality.py", title=t("my_municipality"), icon=":material/home_pin:", url_path="kommune"
    ),
]
st.navigation(pages).run()
