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
upload = st.file_uploader(
    t("CSV- eller Excel-fil", "CSV or Excel file"), type=["csv", "txt", "xlsx"], key="upload"
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
batches = ui.batches()
if batches.empty:
    st.caption(t("Inga importer ännu.", "No batches yet."))
else:
    ui.dataframe(batches, hide_index=True, width="stretch")
    loaded = batches.loc[batches["Status"] == "loaded", "Id"].tolist()
    c1, c2 = st.columns([2, 1])
    target = c1.selectbox(t("Återställ import", "Roll back batch"), loaded, key="rollback_id")
    if c2.button(t("Återställ", "Roll back"), key="do_rollback") and target is not None:
        from access.reads import rollback

        bar = st.progress(0.0, text=t("Återställer …", "Rolling back …"))
        try:
            st.success(
                rollback(
                    store,
                    ui.session_role(),
                    int(target),
                    user=ui.user_name(),
                    progress=lambda f, text: bar.progress(f, text=t(f"Publicerar: {text}", text)),
                )
            )
        except UserError as exc:
            ui.error(exc)

st.subheader(t("Aktualitet per källa", "Freshness per source"))
ui.dataframe(ui.freshness_table(), hide_index=True, width="stretch")
