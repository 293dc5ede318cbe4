"""Workspace: courses, groups, members and their versioned items, the curriculum and its worksheets.

Imports lib.maps, lib.charts, lib.analysis, lib.data and the base modules only.
"""
