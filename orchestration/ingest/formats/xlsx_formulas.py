"""Formula cells of an .xlsx sheet that have no saved (cached) value.

A workbook written by a program (openpyxl, some CRM exports) can hold formulas that Excel never
calculated: the cell has a formula (``<f>``) and no value (``<v>`` missing or empty). openpyxl
reads such a cell as empty, which would land as NULL (a skipped answer) or make the row vanish
as an empty row. This module finds those cells so that their rows are quarantined instead.

A formula whose saved result is the empty text (``t="str"`` with an empty ``<v>``) has a value
and is not reported. The sheet's XML is scanned for a formula tag first (a fast byte search of
the decompressed XML); only a sheet that has one is parsed cell by cell.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element, iterparse

from openpyxl.utils import coordinate_to_tuple

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
REASON = "formula without a saved value: open and save the workbook in Excel"


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    tail = b""
    with archive.open(member) as xml:
        while chunk := xml.read(1 << 20):
            if FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _uncached(cell: Element) -> bool:
    if cell.find(f"{MAIN}f") is None or cell.get("t") == "str":
        return False
    return not cell.findtext(f"{MAIN}v")


def uncached_formulas(path: Path, member: str) -> dict[int, list[str]]:
    """Excel row number -> coordinates (``D3``) of its formula cells without a saved value."""
    found: dict[int, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        if not _has_formula(archive, member):
            return found
        with archive.open(member) as xml:
            row = 0
            for event, element in iterparse(xml, events=("start", "end")):
                if element.tag == f"{MAIN}row":
                    if event == "start":
                        row = int(element.get("r") or row + 1)
                    else:
                        element.clear()  # the row's cells are done: free them
                elif element.tag == f"{MAIN}c" and event == "end" and _uncached(element):
                    coordinate = element.get("r")
                    number = coordinate_to_tuple(coordinate)[0] if coordinate else row
                    found.setdefault(number, []).append(coordinate or f"row {row}")
    return found
