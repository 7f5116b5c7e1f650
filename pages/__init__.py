"""Streamlit pages, one script per page (shared helpers live in the ui package)."""
