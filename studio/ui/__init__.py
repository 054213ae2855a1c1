"""The only part of ``studio`` that imports Streamlit: widgets and screen pieces."""
