"""Building blocks of the fictional Midorino City (みどり野市) demo-data generator.

Entry point: :func:`datasets.generate.generate`. Each module makes one part of the
municipality; every random draw comes from one seeded ``numpy.random.Generator``
passed in by the caller, so the same seed always gives the same files.
"""
