"""The kinds of background layer a map can have (river, railway, …): a module of its own so the
command line can offer them without loading the map machinery."""
KINDS = ("river", "railway", "station", "road", "place")
