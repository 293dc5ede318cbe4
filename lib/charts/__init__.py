"""Charts: ChartSpec → SQL → DataFrame → Plotly figure / picture; pivot tables and survey analysis.

Imports lib.analysis, lib.data and the base modules only.
"""
