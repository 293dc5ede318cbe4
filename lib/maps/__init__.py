"""Maps: MapSpec → map data → folium map with offline assets / PNG / exports.

Imports lib.charts (labels), lib.analysis, lib.data and the base modules only.
"""
