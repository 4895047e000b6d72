"""Exports a person takes anywhere: tidy CSV (zip) and a FHIR R4 Bundle."""

from backcare.exports.csv_files import export_zip, neutralise, read_csv_zip
from backcare.exports.fhir import build_bundle, bundle_json
from backcare.records import CsvDiary, DiaryTables

__all__ = [
    "CsvDiary",
    "DiaryTables",
    "build_bundle",
    "bundle_json",
    "export_zip",
    "neutralise",
    "read_csv_zip",
]
