"""Byte-stable writers: GeoJSON (sorted features, 6-decimal coordinates), Parquet (zstd, no
index, no metadata), YAML (key order kept). Nothing time- or machine-dependent is written."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
import yaml

from .constants import COORD_DECIMALS


def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), COORD_DECIMALS) + 0.0 for v in obj]
        return [_round_coords(o) for o in obj]
    return obj


def _geometry_json(geom) -> dict:
    geom = shapely.orient_polygons(geom, exterior_cw=False)  # RFC 7946: exterior counter-clockwise
    mapping = shapely.geometry.mapping(geom)
    return {"type": mapping["type"], "coordinates": _round_coords(mapping["coordinates"])}


def _plain(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def write_geojson(gdf, path: Path, name: str, sort_by: str) -> Path:
    gdf = gdf.sort_values(sort_by, kind="stable")
    props = [c for c in gdf.columns if c != "geometry"]
    lines = []
    for row in gdf.itertuples(index=False):
        rec = row._asdict()
        feature = {
            "type": "Feature",
            "properties": {c: _plain(rec[c]) for c in props},
            "geometry": _geometry_json(rec["geometry"]),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False, separators=(",", ":"))
    text = head[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    fields, arrays = [], []
    for col in df.columns:
        s = df[col]
        if str(s.dtype) == "Int8":
            arr = pa.array(s.astype("float64").to_numpy(), type=pa.float64(), from_pandas=True).cast(pa.int8())
        elif pd.api.types.is_integer_dtype(s.dtype):
            arr = pa.array(s.astype("int64").to_numpy(), type=pa.int64())
        elif pd.api.types.is_float_dtype(s.dtype):
            arr = pa.array(s.to_numpy(), type=pa.float64(), from_pandas=True)
        else:
            arr = pa.array([None if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else str(v)
                            for v in s.tolist()], type=pa.string())
        fields.append(pa.field(col, arr.type))
        arrays.append(arr)
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True)
    return path


class _DictionaryDumper(yaml.SafeDumper):
    """Short {ja, en} pairs, scales and lists on one line; long texts as block mappings."""


def _represent_dict(dumper, data):
    scalar = all(not isinstance(v, (dict, list)) for v in data.values())
    short = scalar and sum(len(str(k)) + len(str(v)) for k, v in data.items()) <= 70
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=short)


def _represent_list(dumper, data):
    scalar = all(not isinstance(v, (dict, list)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=scalar)


_DictionaryDumper.add_representer(dict, _represent_dict)
_DictionaryDumper.add_representer(list, _represent_list)


def write_yaml(data: dict, path: Path) -> Path:
    text = yaml.dump(data, Dumper=_DictionaryDumper, allow_unicode=True, sort_keys=False, width=10000)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
