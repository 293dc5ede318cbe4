"""Data: files → staging → anonymized → published DuckDB; the store and its guarantees.

The bottom layer of lib/: it imports only the base modules (settings, i18n, fonts, table_export).
"""
