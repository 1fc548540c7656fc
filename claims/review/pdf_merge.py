"""Merge many PDF files into one, page by page, with memory that does not grow with them.

``pypdf.PdfWriter`` keeps every page it is given until it writes the file: for a batch of
1,000 dossiers that is the whole batch in memory. ``StreamingPdfMerger`` reads each source
with ``pypdf``, copies the objects its pages need straight to the output file with new
object numbers, and forgets the source. What it keeps is one integer per written object
(its offset, for the cross-reference table) and one per page (for the page tree), plus a
bookmark per source: a few megabytes for a batch of 1,000 dossiers.

The result is a plain PDF 1.7 (the individual dossiers stay the PDF/A-3 evidence): pages
keep their content, resources, fonts and links; each source gets a bookmark. Structure
trees, forms and attachments of the sources are not carried over.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

# Attributes a page may inherit from its ancestors in the page tree (PDF 1.7, 7.7.3.4).
_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# Page entries that point back into the source's document structure.
_DROPPED_PAGE_KEYS = {"/Parent", "/StructParents", "/B"}


class StreamingPdfMerger:
    """``merger = StreamingPdfMerger(file)``; ``merger.append(path, title=...)`` for each
    source; ``merger.finish()`` writes the page tree, bookmarks and cross-references."""

    def __init__(self, out: BinaryIO, *, title: str = ""):
        self._out = out
        self._title = title
        # offsets[n] is where object n starts; object 0 is the head of the free list.
        self._offsets = array("Q", [0])
        self._pages = array("Q")
        self._bookmarks: list[tuple[str, int]] = []
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self._pages_root = self._reserve()

    def _reserve(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def _write(self, number: int, obj: PdfObject) -> None:
        self._offsets[number] = self._out.tell()
        self._out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self._out)
        self._out.write(b"\nendobj\n")

    def append(self, source, *, title: str = "") -> int:
        """Copy every page of ``source`` (a path or a binary file); returns the page count."""
        reader = PdfReader(source)
        mapping: dict[tuple[int, int], int] = {}
        pending: list[IndirectObject] = []

        def reference(indirect: IndirectObject) -> IndirectObject:
            key = (indirect.idnum, indirect.generation)
            number = mapping.get(key)
            if number is None:
                number = mapping[key] = self._reserve()
                pending.append(indirect)
            return IndirectObject(number, 0, None)

        def copy(obj):
            if isinstance(obj, IndirectObject):
                return reference(obj)
            if isinstance(obj, StreamObject):
                stream = EncodedStreamObject() if "/Filter" in obj else DecodedStreamObject()
                stream._data = obj._data  # the bytes as stored, filters and all
                for key, value in obj.items():
                    if key != "/Length":
                        stream[NameObject(key)] = copy(value)
                return stream
            if isinstance(obj, DictionaryObject):
                if obj.get("/Type") == "/Page":
                    raise _PageReached
                result = DictionaryObject()
                for key, value in obj.items():
                    result[NameObject(key)] = copy(value)
                return result
            if isinstance(obj, ArrayObject):
                return ArrayObject(copy(value) for value in obj)
            return obj

        pages = list(reader.pages)
        # Number every page first: links from one page to another resolve to the copies.
        numbers = []
        for page in pages:
            key = (page.indirect_reference.idnum, page.indirect_reference.generation)
            number = mapping[key] = self._reserve()
            numbers.append(number)
        for page, number in zip(pages, numbers, strict=True):
            copied = DictionaryObject()
            for key, value in page.items():
                if key not in _DROPPED_PAGE_KEYS:
                    copied[NameObject(key)] = copy(value)
            for key in _INHERITABLE:
                if key not in copied:
                    inherited = _inherited(page, key)
                    if inherited is not None:
                        copied[NameObject(key)] = copy(inherited)
            copied[NameObject("/Parent")] = IndirectObject(self._pages_root, 0, None)
            self._write(number, copied)
            self._pages.append(number)
            # The objects this page needs (fonts, images, content streams...).
            while pending:
                indirect = pending.pop()
                number_of = mapping[(indirect.idnum, indirect.generation)]
                try:
                    self._write(number_of, copy(indirect.get_object()))
                except _PageReached:
                    # A page dictionary reached through something else than the page list
                    # (an odd source): write a null object rather than a second page tree.
                    self._write(number_of, _NULL)
        if title and numbers:
            self._bookmarks.append((title, numbers[0]))
        return len(numbers)

    def finish(self) -> int:
        """Write the page tree, bookmarks, catalog and cross-reference table; returns the
        number of pages."""
        out = self._out
        self._offsets[self._pages_root] = out.tell()
        out.write(
            f"{self._pages_root} 0 obj\n<< /Type /Pages /Count {len(self._pages)} /Kids [".encode()
        )
        for start in range(0, len(self._pages), 1000):
            chunk = self._pages[start : start + 1000]
            out.write(" ".join(f"{n} 0 R" for n in chunk).encode())
            out.write(b"\n")
        out.write(b"] >>\nendobj\n")
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(self._pages_root, 0, None),
            }
        )
        if self._bookmarks:
            catalog[NameObject("/Outlines")] = IndirectObject(self._write_bookmarks(), 0, None)
            catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
        catalog_number = self._reserve()
        self._write(catalog_number, catalog)
        info_number = self._reserve()
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("pypdf")})
        if self._title:
            info[NameObject("/Title")] = TextStringObject(self._title)
        self._write(info_number, info)
        xref_at = out.tell()
        size = len(self._offsets)
        out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for start in range(1, size, 1000):
            out.write(
                "".join(
                    f"{offset:010d} 00000 n \n" for offset in self._offsets[start : start + 1000]
                ).encode()
            )
        out.write(
            f"trailer\n<< /Size {size} /Root {catalog_number} 0 R /Info {info_number} 0 R >>\n"
            f"startxref\n{xref_at}\n%%EOF\n".encode()
        )
        return len(self._pages)

    def _write_bookmarks(self) -> int:
        root = self._reserve()
        items = [self._reserve() for _ in self._bookmarks]
        for index, ((title, page), number) in enumerate(zip(self._bookmarks, items, strict=True)):
            item = DictionaryObject(
                {
                    NameObject("/Title"): TextStringObject(title),
                    NameObject("/Parent"): IndirectObject(root, 0, None),
                    NameObject("/Dest"): ArrayObject(
                        [IndirectObject(page, 0, None), NameObject("/Fit")]
                    ),
                }
            )
            if index:
                item[NameObject("/Prev")] = IndirectObject(items[index - 1], 0, None)
            if index + 1 < len(items):
                item[NameObject("/Next")] = IndirectObject(items[index + 1], 0, None)
            self._write(number, item)
        self._write(
            root,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Outlines"),
                    NameObject("/First"): IndirectObject(items[0], 0, None),
                    NameObject("/Last"): IndirectObject(items[-1], 0, None),
                    NameObject("/Count"): NumberObject(len(items)),
                }
            ),
        )
        return root


class _PageReached(Exception):
    pass


_NULL = NullObject()


def _inherited(page: DictionaryObject, key: str):
    node = page.get("/Parent")
    while node is not None:
        node = node.get_object()
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def merge_pdfs(out: BinaryIO, sources: Iterable[tuple[object, str]], *, title: str = "") -> int:
    """Merge ``(source, bookmark title)`` pairs into ``out``; returns the page count."""
    merger = StreamingPdfMerger(out, title=title)
    for source, bookmark in sources:
        merger.append(source, title=bookmark)
    return merger.finish()
