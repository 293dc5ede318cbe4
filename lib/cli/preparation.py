"""`prep`: a data preparation recipe (saved on the data page) re-run on another year's export."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from lib.data.city_areas import CityAreas
from lib.data.preparation import Preparation
from lib.data.recipe import RecipeError, read_recipe
from lib.errors import WorkbenchError
from lib.i18n import t


def prep_command(args) -> int:
    """`prep RECIPE --input FILE [--dry-run] [--reference-date YYYY-MM-DD]`: exit 2, publishing nothing,
    on any problem."""
    try:
        reference = _date(args.reference_date) if args.reference_date else None
        preparation = Preparation(recipe=read_recipe(args.recipe))
        done = preparation.rerun(Path(args.input), CityAreas(), dry_run=args.dry_run, reference=reference)
    except WorkbenchError as error:
        print(error.text("ja"), t("recipe.nothing_published", "ja"), sep="\n", file=sys.stderr)
        return 2
    print("\n".join(done.lines("ja")))
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise RecipeError("bad_value", where="--reference-date", value=text, expected="2025-04-01") from exc
