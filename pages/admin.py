"""Administration (admin): users' roles, the audit log and the configuration in force.

Every read goes through :mod:`access.reads` with the session's role, so opening this page
by URL in another role shows a refusal, not the data.
"""

import os

import pandas as pd
import streamlit as st

import ui
from access import ROLE_LABELS, ROLES, PermissionDenied
from access.reads import (
    AUDIT_ACTION_LABELS,
    AUDIT_ACTIONS,
    audit_entries,
    configuration,
    set_role,
    user_roles,
)
from common.errors import UserError
from ui import auth

ui.page_guard("admin")
t = ui.t
st.title(t("Administration", "Administration"))
store = ui.store()
role = ui.session_role()

try:
    roles_table = user_roles(store, role)
except PermissionDenied as exc:
    st.error(t(str(exc), exc.message_en or str(exc)))
    st.stop()

st.subheader(t("Användare och roller", "Users and roles"))
st.caption(
    t(
        "En rad här går före identitetsleverantörens rollanspråk vid nästa inloggning. "
        "Utan rad gäller anspråket, och utan anspråk rollen Allmänhet.",
        "A row here overrides the identity provider's role claim at the next sign-in. "
        "Without a row the claim applies, and without a claim the role Public.",
    )
)
if roles_table.empty:  # (Streamlit would draw its English "empty")
    st.caption(t("Inga rader ännu.", "No rows yet."))
else:
    ui.dataframe(
        roles_table.rename(columns={"subject": t("Användare", "User"), "role": t("Roll", "Role")}),
        hide_index=True,
        width="stretch",
    )
with st.form("set_role", clear_on_submit=True):
    c1, c2 = st.columns([3, 2])
    subject = c1.text_input(
        t("Användare (e-post eller OIDC-subjekt)", "User (e-mail or OIDC subject)"),
        key="admin_subject",
    )
    choices = [*ROLES, None]
    new_role = c2.selectbox(
        t("Roll", "Role"),
        choices,
        key="admin_role",
        format_func=lambda r: (
            ROLE_LABELS[r][ui.lang()] if r else t("(ta bort raden)", "(remove the row)")
        ),
    )
    if st.form_submit_button(t("Spara", "Save"), type="primary"):
        try:
            set_role(store, role, subject, new_role, by=ui.user_name())
        except UserError as exc:
            ui.error(t(str(exc), exc.message_en or str(exc)))
        else:
            st.success(t("Rollen är sparad.", "The role is saved."))
            st.rerun()

st.subheader(t("Granskningslogg", "Audit log"))
action = st.selectbox(
    t("Händelse", "Action"),
    [None, *AUDIT_ACTIONS],
    key="admin_action",
    format_func=lambda a: t(*AUDIT_ACTION_LABELS[a]) if a else t("alla", "all"),
)
log = audit_entries(store, role, action=action, limit=1000)
log["at"] = pd.to_datetime(log["at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
log["action"] = [t(*AUDIT_ACTION_LABELS.get(a, (a, a))) for a in log["action"]]
ui.dataframe(
    log.rename(
        columns={
            "id": t("Nr", "No."),
            "at": t("När (UTC)", "When (UTC)"),
            "user_name": t("Vem", "Who"),
            "action": t("Händelse", "Action"),
            "detail": t("Detaljer", "Detail"),
        }
    ),
    hide_index=True,
    width="stretch",
    height=360,
)

st.subheader(t("Konfiguration", "Configuration"))
settings = configuration(store, role)
config = pd.DataFrame(
    [
        (
            t("Prickningsgräns (antal)", "Suppression threshold (count)"),
            settings["suppression_threshold"],
            "UVTS_SUPPRESSION_THRESHOLD",
        ),
        (
            t("Minsta nämnare", "Minimum denominator"),
            settings["min_denominator"],
            "UVTS_MIN_DENOMINATOR",
        ),
        (t("Databas", "Database"), settings["database"], "UVTS_DATABASE_URL"),
        (t("Läge", "Mode"), settings["mode"], "UVTS_DEMO, python -m sources.demo"),
        (
            t("Inloggning (OIDC)", "Sign-in (OIDC)"),
            t("på", "on") if auth.auth_configured() else t("av", "off"),
            ".streamlit/secrets.toml [auth]",
        ),
        (
            t("Rollanspråk", "Role claim"),
            os.environ.get(auth.ROLE_CLAIM_ENV, "") or "role",
            auth.ROLE_CLAIM_ENV,
        ),
        (
            t("Användaranspråk", "User claim"),
            os.environ.get(auth.SUBJECT_CLAIM_ENV, "") or "sub",
            auth.SUBJECT_CLAIM_ENV,
        ),
        (
            t("Inloggning krävs", "Sign-in required"),
            t("ja", "yes")
            if os.environ.get(auth.REQUIRE_SIGNIN_ENV, "").strip() in ("1", "true", "yes")
            else t("nej", "no"),
            auth.REQUIRE_SIGNIN_ENV,
        ),
    ],
    columns=[t("Inställning", "Setting"), t("Värde", "Value"), t("Ändras via", "Changed through")],
)
ui.dataframe(config, hide_index=True, width="stretch")
st.caption(
    t(
        "Inställningarna ändras i driftmiljön (miljövariabler och secrets), inte här; "
        "se docs/deployment.md.",
        "Settings are changed in the deployment (environment variables and secrets), not "
        "here; see docs/deployment.md.",
    )
)
