"""Analysis: numbers from the published data — trainee SQL, statistical tests, spatial analyses, indicators.

Imports lib.data and the base modules only.
"""
