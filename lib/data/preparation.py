"""The instructor's data preparation as one object: import → clean → classify → anonymize → label → publish.

The data page keeps one `Preparation` in its session and calls a method per step; what the instructor
chose accumulates in `recipe` (lib.data.recipe), which is saved beside the publication log and can
be re-run on next year's export (`rerun`, the `prep` command). The working state (the file read,
the frame being cleaned, the zones, the anonymized result) lives here too and is never saved.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from lib.data import anonymize, jp_cleaning, publishing, staging
from lib.data.address_matching import match_addresses
from lib.data.city_areas import CityAreas
from lib.data.column_types import apply_types, conversion_losses
from lib.data.generalization_presets import preset_spec
from lib.data.import_result import DataImportError, ImportResult, Progress
from lib.data.import_worker import read_file_guarded
from lib.data.recipe import CleaningStep, Recipe, RecipeError, Zoning, keep_recipe, printable
from lib.data.zones import Zones, build_zones, with_zones, zone_layer, zones_from_table
from lib.i18n import t


class Anonymized(NamedTuple):
    frame: pd.DataFrame
    report: anonymize.Report
    plan: anonymize.Plan  # as it applies to the output (generalized columns under their new names)


@dataclass
class Preparation:
    recipe: Recipe = field(default_factory=Recipe)
    # the file being read: where it is, the encoding asked for (None: detected), what reading gave
    source_path: Path | None = None
    read_encoding: str | None = None
    imported: ImportResult | None = None
    import_error: DataImportError | None = None
    upload_token: object = None  # which upload source_path holds
    upload_dir: Path | None = None
    # the staged data being worked on
    frame: pd.DataFrame | None = None
    suggested: dict[str, str] = field(default_factory=dict)  # classes offered before the instructor's edits
    zones: Zones | None = None
    zones_key: tuple | None = None
    anonymized: Anonymized | None = None
    published: dict | None = None  # the log entry, once this result is published

    @property
    def name(self) -> str:
        return self.recipe.staging_name

    @property
    def classification(self) -> dict[str, str]:
        return self.recipe.classification

    # ------------------------------------------------------------------------ 1. import
    def read(self, path: Path, shown_name: str, encoding: str | None, sheet: str | None = None,
             progress: Progress | None = None) -> None:
        """Read and check a file (in a guarded worker); a refusal is kept in `import_error`."""
        self.source_path, self.read_encoding = Path(path), encoding
        try:
            self.imported = read_file_guarded(path, encoding=encoding, sheet=sheet, source_name=shown_name,
                                              progress=progress)
            self.import_error = None
        except DataImportError as error:
            self.imported, self.import_error = None, error

    def read_upload(self, file_name: str, data: bytes, token: object, encoding: str | None,
                    progress: Progress | None = None) -> None:
        """An uploaded file, copied to a folder of its own (the previous upload's copy is removed)."""
        if self.upload_dir:
            shutil.rmtree(self.upload_dir, ignore_errors=True)
        self.upload_dir = Path(tempfile.mkdtemp(prefix="workbench-upload-"))
        path = self.upload_dir / Path(file_name).name
        path.write_bytes(data)
        self.upload_token = token
        self.read(path, file_name, encoding, progress=progress)

    def reread(self, encoding: str | None, sheet: str | None = None, progress: Progress | None = None) -> None:
        """The same file again, with another encoding or sheet."""
        shown = self.imported.source_name if self.imported else self.source_path.name
        self.read(self.source_path, shown, encoding, sheet, progress)

    def store_import(self, name: str, types: dict[str, str]) -> None:
        """Put the file read into staging as `name` with the confirmed types, and start working on it."""
        result = self.imported
        staging.store_import(result, name, types=types, imported_by="instructor")
        frame, _types = staging.load_staged(name)
        self._start(Recipe(city_name=self.recipe.city_name, source_name=result.source_name,
                           encoding=self.read_encoding, sheet=result.sheet, columns=result.summary()["columns"],
                           types={**result.types, **types}), name, frame)

    def open_staged(self, name: str) -> None:
        """Work on an import staged before (its encoding is detected again when the recipe re-runs)."""
        frame, types = staging.load_staged(name)
        row = staging.staged_imports().set_index("name").loc[name]
        columns = [str(c) for c in frame.columns if c != "geometry"]
        self._start(Recipe(city_name=self.recipe.city_name, source_name=str(row["source"] or ""),
                           sheet=row["sheet"] if isinstance(row["sheet"], str) else None, columns=columns,
                           types=types), name, frame)

    def _start(self, recipe: Recipe, name: str, frame: pd.DataFrame) -> None:
        self.recipe = recipe
        self.recipe.staging_name = name
        self.frame = frame
        self.suggested = anonymize.suggest_classification(frame)
        self.recipe.classification = dict(self.suggested)
        self.zones = self.zones_key = self.anonymized = self.published = None

    # ------------------------------------------------------------------------ 2. clean
    def _cleaning_options(self, helper: str, areas: CityAreas | None) -> dict:
        return {"areas": areas.table(), "city_name": self.recipe.city_name} if helper == "area" else {}

    def preview_cleaning(self, column: str, helper: str, areas: CityAreas | None = None, lang: str = "ja"):
        return jp_cleaning.preview_cleaning(self.frame, column, helper, lang=lang,
                                            **self._cleaning_options(helper, areas))

    def clean(self, column: str, helper: str, target: str | None = None, areas: CityAreas | None = None) -> None:
        """Apply one cleaning helper; a new column (e.g. area_code) is offered as a quasi-identifier."""
        self.frame = jp_cleaning.apply_cleaning(self.frame, column, helper, target=target or None,
                                                **self._cleaning_options(helper, areas))
        self.recipe.cleaning.append(CleaningStep(column, helper, target or None))
        if target and target not in self.suggested:
            self.suggested[target] = "quasi"
            self.recipe.classification[target] = "quasi"
        self.anonymized = self.published = None

    # ------------------------------------------------------------------------ 3. classify and plan
    def classify(self, classification: dict[str, str]) -> None:
        self.recipe.classification = dict(classification)

    def choose_plan(self, *, k: int, l: int | None, sensitive: str | None, method: str, max_suppression: float,
                    presets: dict[str, str], reference: date) -> anonymize.Plan:
        r = self.recipe
        r.k, r.l, r.sensitive, r.method = int(k), int(l) if l else None, sensitive, method
        r.max_suppression, r.presets, r.reference = float(max_suppression), dict(presets), reference
        return self.plan()

    def plan(self) -> anonymize.Plan:
        r = self.recipe
        generalize = {column: spec for column, preset in r.presets.items()
                      if (spec := preset_spec(preset, r.city_name))}
        return anonymize.Plan(classification=dict(r.classification), k=r.k, l=r.l, sensitive=r.sensitive,
                              method=r.method, max_suppression=r.max_suppression, generalize=generalize)

    @property
    def address_column(self) -> str | None:
        """The column generalized to 町丁・字 codes, which zones are built over."""
        return next((c for c, preset in self.recipe.presets.items() if preset == "area"), None)

    def choose_zones(self, kind: str, areas: CityAreas, *, min_people: int | None = None,
                     table: pd.DataFrame | None = None) -> Zones | None:
        """Zones anonymization may generalize areas to: built from adjacent 町丁・字 (kind "build") or the
        city's own table ("upload"); None for "none". Built once per input (about 1 s on 11,000 rows)."""
        address = self.address_column
        if kind == "none" or address is None or (kind == "upload" and table is None):
            self.recipe.zoning, self.zones, self.zones_key = Zoning(), None, None
            return None
        key = (areas.fingerprint, kind, address, self.recipe.city_name, min_people,
               None if table is None else int(pd.util.hash_pandas_object(table, index=False).sum()),
               int(pd.util.hash_pandas_object(self.frame[address], index=False).sum()))
        if key != self.zones_key:
            shapes = areas.shapes()
            records = match_addresses(self.frame[address], shapes, self.recipe.city_name).values.dropna().value_counts()
            self.zones = (build_zones(shapes, records, int(min_people)) if kind == "build"
                          else zones_from_table(table, shapes, records))
            self.zones_key = key
        self.recipe.zoning = Zoning(kind, int(min_people) if kind == "build" else None,
                                    dict(zip(self.zones.table["area_code"], self.zones.table["zone_name"], strict=True))
                                    if kind == "upload" else {})
        return self.zones

    # ------------------------------------------------------------------------ 4. anonymize
    def anonymize(self, areas: CityAreas) -> Anonymized:
        plan = self.plan()
        result, report = anonymize.anonymize(self.frame, plan, reference=self.recipe.reference,
                                             areas=with_zones(areas.table(), self.zones))
        self.anonymized = Anonymized(result, report, anonymize.applied_plan(plan, report))
        self.published = None
        return self.anonymized

    # ------------------------------------------------------------------------ 5. label and publish
    def publish(self, *, name: str, title: str, description: str, record_unit: str, labels: dict[str, str],
                units: dict[str, str], published_by: str, replace: bool) -> dict:
        """Publish the anonymized result with its dictionary (and its zones' shapes); keep the recipe."""
        if not record_unit.strip():
            raise publishing.PublishError("record_unit_missing")
        frame, report, plan = self.anonymized
        suggested = publishing.suggest_labels(frame)
        japanese = {column: labels.get(column) or column for column in suggested}
        units = {column: unit for column, unit in units.items() if unit}
        dictionary = publishing.build_dictionary(
            frame, name, {"ja": title, "en": title}, {"ja": description, "en": description},
            labels={c: {"ja": label, "en": suggested[c]["en"]} for c, label in japanese.items()},
            units={c: {"ja": unit, "en": unit} for c, unit in units.items()},
            record_unit={"ja": record_unit.strip(), "en": record_unit.strip()},
            anonymization=publishing.anonymization_summary(plan, report.to_dict(), japanese))
        entry = publishing.publish(frame, dictionary, plan, published_by=published_by, report=report.to_dict(),
                                   replace=replace)
        if anonymize.ZONE_COLUMN in frame.columns and self.zones is not None:  # the shapes the map draws
            publishing.publish_public_statistics([zone_layer(self.zones, name)], published_by=published_by,
                                                 source=name)
        r = self.recipe
        r.name, r.title, r.description, r.record_unit = name, title, description, record_unit.strip()
        r.published_by, r.labels, r.units = published_by, japanese, units
        keep_recipe(r)
        self.published = entry
        return entry

    def recipe_text(self) -> str:
        return self.recipe.to_text()

    # ------------------------------------------------------------------------ the recipe, again
    def rerun(self, path: Path, areas: CityAreas, *, dry_run: bool, reference: date | None = None) -> Rerun:
        """The recipe on another file of the same form (next year's export). Any problem raises a
        WorkbenchError before anything is published: a column missing or added, values that do not fit
        their type, an unreadable file, an identifier, or k (and l) not met within the allowed suppression."""
        r = self.recipe
        if reference:
            r.reference = reference
        self._read_as_before(path)
        emptied = self._clean_as_before(areas)
        if r.zoning.kind == "build":
            self.choose_zones("build", areas, min_people=r.zoning.min_people)
        elif r.zoning.kind == "upload":
            self.choose_zones("upload", areas, table=pd.DataFrame(
                {"area_code": list(r.zoning.table), "zone_name": list(r.zoning.table.values())}))
        try:
            frame, report, plan = self.anonymize(areas)
        except (ValueError, KeyError) as exc:
            raise RecipeError("anonymize_failed") from exc
        k_achieved = self._refuse_unsafe(frame, report, plan)
        if not dry_run:
            self.publish(name=r.name, title=r.title, description=r.description, record_unit=r.record_unit,
                         labels=r.labels, units=r.units, published_by=r.published_by or "cli", replace=True)
        return Rerun(path.name, r.name, report, [str(c) for c in frame.columns if c != "geometry"], k_achieved,
                     emptied, r.reference, published=not dry_run)

    def _read_as_before(self, path: Path) -> None:
        """The file read with the recipe's encoding and sheet: the same columns, each value fitting its type."""
        r = self.recipe
        result = read_file_guarded(path, encoding=r.encoding, sheet=r.sheet)
        columns = result.summary()["columns"]
        missing = [c for c in r.columns if c not in columns]
        added = [c for c in columns if c not in r.columns]
        if missing or added:
            raise RecipeError("columns_differ", name=path.name, missing=_listed(missing), added=_listed(added))
        _refuse_type_losses(result.frame, r.types)
        self.imported, self.frame = result, apply_types(result.frame, {**result.types, **r.types})

    def _clean_as_before(self, areas: CityAreas) -> dict[str, int]:
        """The recipe's cleaning steps in order; per cleaned column, how many values they left empty."""
        emptied = {}
        for step in self.recipe.cleaning:
            if step.column not in self.frame.columns:
                raise RecipeError("cleaning_column", column=printable(step.column))
            before = int(self.frame[step.column].notna().sum())
            self.frame = jp_cleaning.apply_cleaning(self.frame, step.column, step.helper, target=step.target,
                                                    **self._cleaning_options(step.helper, areas))
            emptied[step.target or step.column] = before - int(self.frame[step.target or step.column].notna().sum())
        unclassified = [c for c in self.frame.columns if c != "geometry" and c not in self.recipe.classification]
        if unclassified:
            raise RecipeError("unclassified", columns=_listed(unclassified))
        return emptied

    def _refuse_unsafe(self, frame: pd.DataFrame, report: anonymize.Report, plan: anonymize.Plan) -> int:
        """k (and l) met within the allowed suppression, the publishing rule passed, the columns of the
        last publication; the k publishing measures."""
        r = self.recipe
        if report.suppressed_share > r.max_suppression:
            raise RecipeError("too_much_suppressed", k=r.k, suppressed=report.records_suppressed,
                              rows=report.records_in, share=report.suppressed_share, limit=r.max_suppression)
        check = publishing.check_rule(frame, plan)
        if not check.passed:
            raise RecipeError("rule_failed", reasons=" ".join(check.messages("ja")))
        published = [str(c) for c in frame.columns if c != "geometry"]
        if set(published) != set(r.labels):
            raise RecipeError("published_columns_differ", missing=_listed(c for c in r.labels if c not in published),
                              added=_listed(c for c in published if c not in r.labels))
        return check.k_achieved


def _refuse_type_losses(frame: pd.DataFrame, types: dict[str, str]) -> None:
    for column, lost in conversion_losses(frame, types).items():
        converted = apply_types(frame[[column]], {column: types[column]})[column]
        examples = frame.loc[frame[column].notna() & converted.isna(), column].astype(str).unique()[:3]
        raise RecipeError("type_mismatch", column=printable(column), n=lost, type=t(f"type.{types[column]}", "ja"),
                          examples="、".join(f"「{printable(v)}」" for v in examples))


def _listed(columns) -> str:
    """Column names in a message (a file's headers may hold anything)."""
    return "、".join(printable(c) for c in columns) or "—"


@dataclass
class Rerun:
    """What a re-run of a recipe gave (and published, unless a dry run)."""
    input_name: str
    name: str
    report: anonymize.Report
    columns: list[str]
    k_achieved: int  # measured as publishing measures it (exact dates count as quasi-identifiers)
    emptied: dict[str, int]  # per cleaned column: values that cleaning left empty
    reference: date
    published: bool

    def lines(self, lang: str = "ja") -> list[str]:
        report = self.report
        lines = [t("recipe.run.published" if self.published else "recipe.run.dry", lang, name=self.name,
                   file=self.input_name),
                 t("recipe.run.rows", lang, rows=report.records_out, total=report.records_in,
                   suppressed=report.records_suppressed, share=report.suppressed_share),
                 t("recipe.run.columns", lang, n=len(self.columns), columns=_listed(self.columns)),
                 t("recipe.run.k", lang, k=self.k_achieved, required=report.k_required)]
        if report.l_required:
            lines.append(t("recipe.run.l", lang, l=report.l_achieved, required=report.l_required))
        if report.steps:
            lines.append(t("recipe.run.steps", lang,
                           steps="、".join(anonymize.describe_steps(report.steps, report.renamed, lang))))
        lines.append(t("recipe.run.reference", lang, date=self.reference.isoformat()))
        lines += [t("recipe.run.emptied", lang, column=column, n=n) for column, n in self.emptied.items() if n]
        return lines
