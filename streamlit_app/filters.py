"""Filters that live in the URL, so a view can be shared as a link.

Each filter is a widget whose first value comes from the query string (if it is one of the
options) and whose current value is written back to it on every run."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st


def url_select(
    label: str,
    options: Sequence,
    key: str,
    default=None,
    format_func: Callable = str,
    container=st,
):
    """A selectbox bound to ?<key>=...; an unknown value in the URL falls back to the default."""
    options = list(options)
    if not options:
        st.query_params.pop(key, None)
        return None
    by_text = {str(o): o for o in options}
    fallback = default if default in options else options[0]
    if key not in st.session_state:
        st.session_state[key] = by_text.get(st.query_params.get(key, ""), fallback)
    elif st.session_state[key] not in options:  # the options changed under it (another goal)
        st.session_state[key] = fallback
    value = container.selectbox(label, options, key=key, format_func=format_func)
    st.query_params[key] = str(value)
    return value
