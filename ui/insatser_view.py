"""The Insatser page's pieces: the register, its forms, the evaluation side by side, charts.

Reads and writes go through :mod:`access.interventions` with the session's role; the
evaluation is cached per data version, intervention, indicator and role.
"""

from __future__ import annotations

import math
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from access import may
from access.interventions import (
    add_intervention,
    end_intervention,
    evaluate_intervention,
    import_interventions,
    interventions,
    update_intervention,
)
from common.errors import UserError, ValidationError
from common.fmt import fmt_number, fmt_percent
from common.settings import database_url
from indicators.changes import signed_percent
from indicators.evaluation import METHODS, summary_table
from ui.charts import OKABE_ITO
from ui.downloads import audit_export
from ui.i18n import escape_markdown, indicator_name, lang, t
from ui.reads import areas, catalogue, data_version, session_role, store, store_at, user_name
from ui.widget_text import swedish_file_uploader

_COLUMNS_SV = {
    "id": "Id",
    "name": "Insats",
    "district_names": "Områden",
    "start_date": "Start",
    "end_date": "Slut",
    "target_names": "Målindikatorer",
    "responsible_unit": "Ansvarig",
    "description": "Beskrivning",
    "synthetic": "Syntetisk",
}
_COLUMNS_EN = {
    "id": "Id",
    "name": "Intervention",
    "district_names": "Districts",
    "start_date": "Start",
    "end_date": "End",
    "target_names": "Target indicators",
    "responsible_unit": "Responsible",
    "description": "Description",
    "synthetic": "Synthetic",
}


def register() -> pd.DataFrame:
    """The register as the session's role may read it."""
    return interventions(store(), session_role())


def _district_names() -> dict[str, str]:
    a = areas()
    return dict(zip(a["code"], a["name"], strict=True))


def register_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The register for display: names instead of codes, columns in the session's language."""
    names = _district_names()
    cat = catalogue()
    shown = frame.assign(
        district_names=frame["districts"].map(lambda ds: ", ".join(names.get(d, d) for d in ds)),
        target_names=frame["targets"].map(
            lambda ids: ", ".join(indicator_name(cat[i]) if i in cat else i for i in ids)
        ),
    )
    shown["end_date"] = shown["end_date"].map(lambda d: "" if d is None or pd.isna(d) else d)
    mapping = _COLUMNS_EN if lang() == "en" else _COLUMNS_SV
    return shown[list(mapping)].rename(columns=mapping)


def _intervention_form(key: str, current: pd.Series | None) -> dict | None:
    """Fields of one intervention; returns them when the form is submitted."""
    names = _district_names()
    districts = areas().query("level == 'district'")["code"].tolist()
    cat = catalogue()
    with st.form(key):
        name = st.text_input(t("Namn", "Name"), value="" if current is None else current["name"])
        chosen = st.multiselect(
            t("Områden", "Districts"),
            districts,
            default=[] if current is None else [d for d in current["districts"] if d in districts],
            format_func=lambda c: names.get(c, c),
            placeholder=t("Välj områden", "Choose districts"),
        )
        start = st.date_input(
            t("Startdatum", "Start date"),
            value=date.today() if current is None else current["start_date"],
            format="YYYY-MM-DD",
        )
        targets = st.multiselect(
            t("Målindikatorer", "Target indicators"),
            list(cat),
            default=[] if current is None else [i for i in current["targets"] if i in cat],
            format_func=lambda i: indicator_name(cat[i]),
            placeholder=t("Välj indikatorer", "Choose indicators"),
        )
        unit = st.text_input(
            t("Ansvarig enhet", "Responsible unit"),
            value="" if current is None else current["responsible_unit"] or "",
        )
        description = st.text_area(
            t("Beskrivning", "Description"),
            value="" if current is None else current["description"] or "",
        )
        if st.form_submit_button(t("Spara", "Save")):
            return {
                "name": name,
                "districts": chosen,
                "start": start,
                "targets": targets,
                "unit": unit,
                "description": description,
            }
    return None


def register_forms(frame: pd.DataFrame) -> None:
    """Add, edit and end (analytiker, admin); every change is audited by the store."""
    role = session_role()
    if not may(role, "interventions_write"):
        return
    c1, c2, c3 = st.columns(3)
    with c1.expander(t("Lägg till insats", "Add intervention")):
        fields = _intervention_form("iv-add", None)
        if fields is not None:
            _apply(lambda: add_intervention(store(), role, user=user_name(), **fields))
        swedish_file_uploader(types=["csv", "xlsx"])
        upload = st.file_uploader(
            t("… eller läs in mallen (mall_insatser.csv/.xlsx)", "… or import the template"),
            type=["csv", "xlsx"],
            key="iv-upload",
        )
        if upload is not None and st.button(t("Läs in", "Import"), key="iv-import"):
            _apply(lambda: _import_upload(upload, role))
    if frame.empty:
        return
    options = frame["id"].tolist()
    label = dict(zip(frame["id"], frame["name"], strict=True))
    with c2.expander(t("Ändra insats", "Edit intervention")):
        chosen = st.selectbox(
            t("Insats", "Intervention"), options, format_func=label.get, key="iv-edit-id"
        )
        current = frame[frame["id"] == chosen].iloc[0]
        fields = _intervention_form(f"iv-edit-{chosen}", current)
        if fields is not None:
            _apply(lambda: update_intervention(store(), role, chosen, user=user_name(), **fields))
    with c3.expander(t("Avsluta insats", "End intervention")), st.form("iv-end"):
        chosen_end = st.selectbox(
            t("Insats", "Intervention"), options, format_func=label.get, key="iv-end-id"
        )
        end = st.date_input(t("Slutdatum", "End date"), value=date.today(), format="YYYY-MM-DD")
        if st.form_submit_button(t("Avsluta", "End")):
            _apply(lambda: end_intervention(store(), role, chosen_end, end=end, user=user_name()))


def _import_upload(upload, role: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        import_interventions(store(), role, path, user=user_name())


def _apply(action) -> None:
    try:
        action()
    except ValidationError as exc:
        st.error(exc.report(limit=20))
        return
    except UserError as exc:
        st.error(str(exc) if lang() == "sv" else exc.message_en or str(exc))
        return
    st.success(t("Sparat (loggat i granskningsloggen).", "Saved (written to the audit log)."))


@st.cache_data(show_spinner=False, max_entries=32)
def _evaluation(version: int, url: str, role: str, iv_id: int, ind_id: str) -> dict:
    return evaluate_intervention(store_at(url), role, iv_id, ind_id)


def evaluation(iv_id: int, ind_id: str) -> dict:
    """The three designs for one intervention × indicator (cached until the next import)."""
    return _evaluation(data_version(), database_url(), session_role(), int(iv_id), ind_id)


def _p(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    return fmt_number(x, decimals=3, lang=lang())


def design_column(method: str, out: dict, *, y_title: str) -> None:
    """One design: name, verdict, numbers, chart(s), assumptions — all in plain words."""
    en = lang() == "en"
    st.markdown(f"**{out['method_name_en'] if en else out['method_name']}**")
    verdict = escape_markdown(out["verdict_en"] if en else out["verdict"])
    (st.success if out.get("significant") else st.info)(verdict)
    if out["status"] == "ok":
        # A permutation p has a floor worth showing; a model-based p (ITS) has none.
        floor = out["p_min"] > 0
        st.caption(
            t(
                f"Effekt {signed_percent(out['effect'], lang=lang())} (KI {signed_percent(out['lower'], lang=lang())} till "
                f"{signed_percent(out['upper'], lang=lang())}), p = {_p(out['p_value'])}"
                + (f", minsta möjliga p = {_p(out['p_min'])}" if floor else "")
                + f"; {out['n_pre']} perioder före, {out['n_post']} efter. "
                f"Minsta upptäckbara effekt ±{fmt_percent(out['mde'], decimals=0, lang=lang())}.",
                f"Effect {signed_percent(out['effect'], lang=lang())} (CI {signed_percent(out['lower'], lang=lang())} to "
                f"{signed_percent(out['upper'], lang=lang())}), p = {_p(out['p_value'])}"
                + (f", smallest possible p = {_p(out['p_min'])}" if floor else "")
                + f"; {out['n_pre']} periods before, {out['n_post']} after. "
                f"Minimum detectable effect ±{fmt_percent(out['mde'], decimals=0, lang=lang())}.",
            )
        )
    if "series" in out:
        st.plotly_chart(
            counterfactual_chart(out["series"], y_title=y_title, method=method),
            width="stretch",
            key=f"iv-chart-{method}",
        )
    if method == "did" and "event_study" in out:
        st.plotly_chart(event_study_chart(out["event_study"]), width="stretch", key="iv-event")
        st.caption(
            t(
                f"Placebo i tid: p = {_p(out['p_time'])} (minsta möjliga "
                f"{_p(out['p_time_min'])}). Parallella trender före start: p = "
                f"{_p(out['pre_trend_p'])}.",
                f"Placebo in time: p = {_p(out['p_time'])} (smallest possible "
                f"{_p(out['p_time_min'])}). Parallel pre-trends: p = {_p(out['pre_trend_p'])}.",
            )
        )
    if method == "scm" and "weights" in out:
        st.plotly_chart(weights_chart(out["weights"]), width="stretch", key="iv-weights")
    if out.get("dropped"):
        names = _district_names()
        st.caption(
            t("Utelämnade (saknar perioder): ", "Left out (missing periods): ")
            + ", ".join(escape_markdown(names.get(d, d)) for d in out["dropped"])
        )
    if out.get("transition"):
        st.caption(
            t("Övergångsperiod (ej med): ", "Transition period (left out): ")
            + ", ".join(out["transition"])
        )
    with st.expander(t("Antaganden", "Assumptions")):
        for line in out["assumptions_en"] if en else out["assumptions"]:
            st.markdown(f"- {line}")


def counterfactual_chart(series: pd.DataFrame, *, y_title: str, method: str) -> go.Figure:
    """Observed values and what the design expects without the intervention."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=series["period"],
            y=series["observed"],
            mode="lines+markers",
            name=t("Observerat", "Observed"),
            line={"color": OKABE_ITO[0], "width": 2},
        )
    )
    label = {
        "its": t("Förväntat utan insats (trend)", "Expected without (trend)"),
        "did": t("Förväntat utan insats (jämförelse)", "Expected without (comparison)"),
        "scm": t("Syntetisk kontroll", "Synthetic control"),
    }[method]
    fig.add_trace(
        go.Scatter(
            x=series["period"],
            y=series["counterfactual"],
            mode="lines",
            name=label,
            line={"color": OKABE_ITO[1], "width": 2, "dash": "dash"},
        )
    )
    first_post = series.loc[series["phase"] == "post", "period"]
    if not first_post.empty:
        fig.add_vline(x=first_post.iloc[0], line={"color": "#555555", "dash": "dot"})
    fig.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def event_study_chart(event: pd.DataFrame) -> go.Figure:
    """Relative difference to the comparison districts per period, with its 95 % band."""
    fig = go.Figure(
        go.Scatter(
            x=event["period"],
            y=100 * event["estimate"],
            mode="markers",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": 100 * (event["upper"] - event["estimate"]),
                "arrayminus": 100 * (event["estimate"] - event["lower"]),
            },
            marker={"color": OKABE_ITO[2]},
            name=t("Skillnad mot jämförelse", "Difference to comparison"),
        )
    )
    fig.add_hline(y=0, line={"color": "#555555"})
    fig.update_layout(
        height=220,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": t("Händelsestudie (%)", "Event study (%)"), "font": {"size": 13}},
    )
    return fig


def weights_chart(weights: pd.DataFrame) -> go.Figure:
    """The synthetic control's weights over comparison districts (the non-zero ones)."""
    names = _district_names()
    shown = weights[weights["weight"] > 0.005]
    fig = go.Figure(
        go.Bar(
            x=100 * shown["weight"],
            y=[names.get(c, c) for c in shown["area_code"]],
            orientation="h",
            marker={"color": OKABE_ITO[4]},
        )
    )
    fig.update_layout(
        height=60 + 22 * len(shown),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": t("Vikter (%)", "Weights (%)"), "font": {"size": 13}},
        yaxis={"autorange": "reversed"},
    )
    return fig


def evaluation_download(result: dict, *, key: str) -> None:
    """The evaluation table (one row per design) as CSV; audited."""
    table = summary_table(result["results"], lang=lang())
    table.insert(0, "indicator", result["indicator"])
    table.insert(0, "intervention", result["intervention"]["name"])
    table.insert(0, "synthetic", result["synthetic"])
    name = f"uvts_utvardering_{result['intervention']['id']}_{result['indicator']}.csv"
    st.download_button(
        t("⬇ Utvärderingen (CSV)", "⬇ The evaluation (CSV)"),
        table.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig"),
        file_name=name,
        mime="text/csv",
        key=key,
        on_click=audit_export,
        args=(name,),
    )


__all__ = [
    "METHODS",
    "design_column",
    "evaluation",
    "evaluation_download",
    "register",
    "register_forms",
    "register_table",
]
