"""Streamlit pages: thin views over indicators/ and geo/ (shared pieces in pages.ui)."""
