"""Data (analysts): import a template file, see every error, roll a batch back, and see how fresh
each source is. The same import path as the CLI (`python -m sources import`)."""

import tempfile
from pathlib import Path

import streamlit as st

import ui
from access.reads import import_file, rollback
from common.errors import UserError, ValidationError
from common.settings import DATA_DIR

ui.page_guard("data")
t = ui.t
st.title(t("Data", "Data"))
store = ui.store()

st.subheader(t("Läs in en fil", "Import a file"))
with st.expander(t("Så ser mallen ut", "What the template looks like")):
    st.markdown(
        t(
            "En rad per **område × period × mått**. Kolumner: `omrade` (områdesnamn, stadsdel, DeSO- eller "
            "RegSO-kod), `period` (2025, 2025-VT, 2025-03, 2025-W47), `matt` (måttets id, se Om & metod), "
            "`antal` (täljare), `namnare` eller `varde`, `kalla`. Semikolon eller komma, decimalkomma går bra, "
            "UTF-8 eller Windows-1252, eller Excel. Filer med personnummer eller personkolumner avvisas helt.",
            "One row per **area × period × measure**. Columns: `omrade`, `period`, `matt`, `antal`, "
            "`namnare` or `varde`, `kalla`. Semicolon or comma, decimal comma, UTF-8 or Windows-1252, or "
            "Excel. Files with personal identity numbers or person-level columns are refused whole.",
        )
    )
    sample = DATA_DIR / "templates" / "mall_observationer.csv"
    if sample.exists():
        st.download_button(
            t("Ladda ned mallen (CSV)", "Download the template (CSV)"),
            sample.read_bytes(),
            file_name=sample.name,
            mime="text/csv",
        )
UPLOAD_TYPES = ["csv", "txt", "xlsx"]
ui.swedish_file_uploader(types=UPLOAD_TYPES)
upload = st.file_uploader(
    t(
        "CSV- eller Excel-fil (dra hit filen eller klicka för att välja)",
        "CSV or Excel file (drop it here or click to choose)",
    ),
    type=UPLOAD_TYPES,
    key="upload",
)
source = st.text_input(t("Källa (valfri)", "Source (optional)"), key="upload_source")
if upload is not None and st.button(t("Läs in", "Import"), type="primary", key="do_import"):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        bar = st.progress(0.0, text=t("Läser in …", "Importing …"))
        try:
            result = import_file(
                store,
                ui.session_role(),
                path,
                source=source or None,
                user=ui.user_name(),
                progress=lambda f, text: bar.progress(f, text=t(f"Publicerar: {text}", text)),
            )
        except ValidationError as exc:
            total = getattr(exc, "total", len(exc.problems))
            st.error(
                t(
                    f"Filen lästes inte in: {total} fel. Databasen är oförändrad.",
                    f"The file was not imported: {total} errors. The database is unchanged.",
                )
            )
            ui.dataframe(
                [
                    {
                        t("Rad", "Row"): p.row,
                        t("Kolumn", "Column"): p.column,
                        t("Fel", "Error"): p.message,
                    }
                    for p in exc.problems[:50]
                ],
                hide_index=True,
                width="stretch",
            )
            if total > 50:
                st.caption(t(f"… och {total - 50} fel till.", f"… and {total - 50} more."))
        except UserError as exc:
            ui.error(
                t(
                    f"Filen lästes inte in. {exc} Databasen är oförändrad.",
                    f"The file was not imported. {exc.message_en or exc} The database is unchanged.",
                )
            )
        else:
            ui.forget_run_memo()  # the rest of this run reads the version it just published
            st.success(f"{t('Import', 'Batch')} {result.batch_id}: {result.message}")
            st.info(
                t(
                    "Allt som publiceras ur de nya uppgifterna passerar röjandekontrollen och dess "
                    "granskning: celler som annars kunde räknas fram eller ringas in förblir dolda "
                    "(”uppgift skyddad”) tills granskningen går igenom.",
                    "Everything published from the new figures passes disclosure control and its "
                    "audit: cells that could otherwise be worked out or narrowed down stay hidden "
                    "(“figure protected”) until the audit passes.",
                )
            )

st.subheader(t("Importer", "Batches"))


@st.dialog(t("Återställa importen?", "Roll back the batch?"))
def confirm_rollback(batch_id: int, label: str) -> None:
    st.write(
        t(
            f"**{label}**\n\nAlla rader från den här importen tas bort ur databasen och "
            "tidigare värden gäller igen. Åtgärden loggas.",
            f"**{label}**\n\nEvery row from this batch is removed from the database and earlier "
            "values apply again. The action is logged.",
        )
    )
    c1, c2 = st.columns(2)
    if c1.button(t("Ja, återställ", "Yes, roll back"), type="primary", key="confirm_rollback"):
        # the published layer is rebuilt before the dialog closes (indicators.publish.rebuild):
        # the bar follows it, and a toast says when the new values are what everyone sees
        bar = st.progress(0.0, text=t("Återställer importen …", "Rolling the batch back …"))
        try:
            st.session_state["rollback_done"] = rollback(
                store,
                ui.session_role(),
                batch_id,
                user=ui.user_name(),
                progress=lambda f, text: bar.progress(f, text=t(f"Publicerar: {text}", text)),
            )
        except UserError as exc:
            st.session_state["rollback_done"] = f"❌ {exc}"
        st.rerun()
    if c2.button(t("Avbryt", "Cancel"), key="cancel_rollback"):
        st.rerun()


done = st.session_state.pop("rollback_done", None)
if done:
    (st.error if done.startswith("❌") else st.success)(done)
    if not done.startswith("❌"):
        st.toast(
            t(
                "Importen är återställd och de publicerade värdena är uppdaterade.",
                "The batch is rolled back and the published values are updated.",
            ),
            icon=":material/check_circle:",
        )
batches = ui.batches()
if batches.empty:
    st.caption(t("Inga importer ännu.", "No batches yet."))
else:
    ui.dataframe(batches, hide_index=True, width="stretch")
    raw = ui.raw_batches()
    loaded = raw[raw["status"] == "loaded"]
    labels = {int(r["id"]): ui.batch_label(r) for _, r in loaded.iterrows()}
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    target = c1.selectbox(
        t("Återställ import", "Roll back batch"),
        list(labels),
        key="rollback_id",
        format_func=labels.get,
        index=None,
        placeholder=t("Välj en import …", "Choose a batch …"),
    )
    if c2.button(t("Återställ …", "Roll back …"), key="do_rollback", disabled=target is None):
        confirm_rollback(int(target), labels[int(target)])

st.subheader(t("Aktualitet per källa", "Freshness per source"))
ui.dataframe(ui.freshness_table(), hide_index=True, width="stretch")
