"""Read ``.txt`` files: one article per file, in the seed format or as plain text.

A folder is searched recursively; files and folders whose name starts with ``.`` are ignored
(editor and notebook checkpoints). Files come in the order of their relative POSIX paths, and
a file's id is that path without the ``.txt`` extension (``sub/a.txt`` -> ``sub/a``), so the
seed article ``seeds/000_f8d3ef48d24ec83a.txt`` is ``000_f8d3ef48d24ec83a``. A single file's
id is its name without the extension.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> (folder / "sub").mkdir()
>>> _ = (folder / "sub" / "a.txt").write_text("Erster Absatz.\\n\\nZweiter Absatz.")
>>> [(r.document.id, len(r.document.paragraphs)) for r in read_text_files(folder)]
[('sub/a', 2)]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from toolkit.corpus.document import Document
from toolkit.corpus.records import Problem, Read, find_undecodable, open_text, read_whole
from toolkit.corpus.seed import is_seed_format, parse_seed_text
from toolkit.errors import CorpusError


def list_text_files(path: str | Path) -> list[Path]:
    """The ``.txt`` files under ``path`` (or ``[path]`` for a file), sorted by relative path."""
    path = Path(path)
    if path.is_file():
        return [path]
    found = (
        file
        for file in path.rglob("*.txt")
        if file.is_file() and not any(part.startswith(".") for part in file.relative_to(path).parts)
    )
    return sorted(found, key=lambda file: file.relative_to(path).as_posix())


def text_file_id(root: Path, file: Path) -> str:
    """``file``'s id: its path relative to ``root`` without ``.txt`` (its stem for a file root)."""
    relative = Path(file.name) if root.is_file() else file.relative_to(root)
    posix = relative.as_posix()
    return posix[: -len(".txt")] if posix.lower().endswith(".txt") else posix


def read_text_files(
    path: str | Path,
    kind: Literal["auto", "seed", "txt"] = "auto",
    encoding: str = "utf-8",
    split_long: int = 0,
) -> Iterator[Read | Problem]:
    """Stream the ``.txt`` files under ``path`` as documents, or problems for bad files.

    Parameters
    ----------
    path : str or Path
        A folder (searched recursively) or one file.
    kind : {"auto", "seed", "txt"}
        ``auto`` parses files that pass :func:`is_seed_format` as seed articles and others as
        plain text; ``seed`` requires the seed format; ``txt`` reads every file as plain text
        (paragraphs are blank-line separated blocks).
    encoding : str
        The files' encoding.
    split_long : int
        Cut paragraphs longer than this many words at sentence ends (0: never).

    Yields
    ------
    Read or Problem
    """
    root = Path(path)
    for file in list_text_files(root):
        doc_id = text_file_id(root, file)
        handle, bom = open_text(file, encoding)
        with handle:
            try:
                text = read_whole(handle, file)
            except CorpusError as exc:
                yield Problem(str(file), None, doc_id, "undecodable bytes", str(exc))
                continue
        undecodable = find_undecodable(text, handle.encoding, bom)
        if undecodable is not None:
            yield Problem(str(file), undecodable[0], doc_id, "undecodable bytes", undecodable[1])
            continue
        yield _parse(file, doc_id, text, kind, split_long)


def _parse(file: Path, doc_id: str, text: str, kind: str, split_long: int) -> Read | Problem:
    if not text.strip():
        return Problem(str(file), None, doc_id, "empty document", "the file is empty or blank")
    if kind == "seed" or (kind == "auto" and is_seed_format(text)):
        stripped = text.lstrip("\ufeff \t\r\n")
        date_line = text[: len(text) - len(stripped)].count("\n") + 1
        if is_seed_format(text) and not stripped.partition("\n")[2].strip():
            return Problem(
                str(file), date_line, doc_id, "empty document", "no text after the date line"
            )
        try:
            document = parse_seed_text(text, doc_id, split_long=split_long)
        except ValueError as exc:
            return Problem(str(file), date_line, doc_id, "invalid seed file", str(exc))
        return Read(document, str(file), None)
    return Read(Document.from_text(doc_id, text, split_long=split_long), str(file), None)
