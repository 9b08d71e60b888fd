"""Contract packages as Inera ships them, read once into memory and confined to their root.

A package is a folder or a zip holding ``schemas/interactions/<X>Interaction/*.wsdl`` and
``schemas/core_components/*.xsd``, a flat folder of WSDL+XSD files, or a single WSDL path.
Every file is read here exactly once; afterwards zeep, lxml and xmlschema are served from
this snapshot, so nothing is fetched from the network and nothing outside the package root
is ever opened (``../core_components`` is fine, ``../../../etc`` is not).

Paths are "virtual absolute" POSIX strings: a folder's real path, or ``/abs/pkg.zip!/...``
for zip members, which also reads well in error messages.
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from harness.errors import ContractError

CONTRACT_SUFFIXES = (".wsdl", ".xsd")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PACKAGE_BYTES = 500 * 1024 * 1024
MAX_FILES = 20_000
_REMOTE_SCHEMES = ("http", "https", "ftp", "ftps")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One contract file with the digest the self-declaration records."""

    path: str
    relative: str
    sha256: str
    size: int


class ContractPackage:
    """An immutable in-memory snapshot of one package's WSDL and XSD files."""

    def __init__(self, origin: Path, root: str, files: dict[str, bytes], wsdls: list[str]) -> None:
        self.origin = origin
        self.root = root
        self._files = files
        self._folded = {key.casefold(): key for key in files}
        self.wsdls = tuple(wsdls)
        self.case_mismatches: list[tuple[str, str]] = []

    def __repr__(self) -> str:
        return f"ContractPackage({str(self.origin)!r}, {len(self._files)} files, {len(self.wsdls)} WSDL)"

    def __contains__(self, path: str) -> bool:
        return self.lookup(path) is not None

    def paths(self) -> Iterator[str]:
        """Every file path in the snapshot."""
        return iter(self._files)

    def relative(self, path: str) -> str:
        """``path`` relative to the package root, for messages and manifests."""
        return posixpath.relpath(path, self.root)

    def lookup(self, path: str) -> str | None:
        """The snapshot key for ``path``, matching case-insensitively as Windows-made packages need."""
        normal = posixpath.normpath(path)
        if normal in self._files:
            return normal
        found = self._folded.get(normal.casefold())
        if found is not None and (normal, found) not in self.case_mismatches:
            self.case_mismatches.append((normal, found))
        return found

    def read(self, path: str) -> bytes:
        """Bytes of a file known to be in the package."""
        key = self.lookup(path)
        if key is None:
            raise ContractError(f"{path}: not in contract package {self.origin}")
        return self._files[key]

    def source_file(self, path: str) -> SourceFile:
        """Digest record for one file."""
        data = self.read(path)
        key = self.lookup(path) or path
        return SourceFile(key, self.relative(key), hashlib.sha256(data).hexdigest(), len(data))

    def digest(self) -> str:
        """sha256 over every file name and content: the cache key of this snapshot."""
        h = hashlib.sha256()
        for key in sorted(self._files):
            h.update(self.relative(key).encode())
            h.update(b"\0")
            h.update(hashlib.sha256(self._files[key]).digest())
        return h.hexdigest()

    def resolve(self, importer: str, location: str) -> str:
        """Resolve an import ``location`` seen in ``importer`` to a snapshot path, or explain why not."""
        where = self.relative(importer)
        parts = urlsplit(location)
        if parts.scheme.lower() in _REMOTE_SCHEMES:
            raise ContractError(
                f"{where}: imports remote {location!r}",
                hint="the harness never fetches over the network; put the file in the package "
                "and point schemaLocation at it with a relative path",
            )
        if parts.scheme.lower() == "file":
            target = unquote(parts.path)
        elif parts.scheme:
            raise ContractError(
                f"{where}: imports {location!r} with unsupported scheme {parts.scheme!r}",
                hint="use a relative schemaLocation inside the package",
            )
        else:
            target = unquote(location)
        if not posixpath.isabs(target):
            target = posixpath.join(posixpath.dirname(importer), target)
        target = posixpath.normpath(target)
        if not _inside(target, self.root):
            raise ContractError(
                f"{where}: import {location!r} points outside the package root {self.root}",
                hint="pass the folder that holds the whole package (the parent of schemas/)",
            )
        key = self.lookup(target)
        if key is None:
            raise ContractError(
                f"{where}: imports {location!r}, but {self.relative(target)} is not in the package",
                hint="add the missing file to the package or correct the schemaLocation",
            )
        return key


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def open_package(path: Path) -> ContractPackage:
    """Snapshot a package folder, release zip, or single WSDL; raise ContractError when unusable."""
    if not path.exists():
        raise ContractError(
            f"{path}: no such file or folder",
            hint="give a contract package folder, a release .zip or a .wsdl file",
        )
    resolved = path.resolve()
    if resolved.is_dir():
        return _from_folder(path, resolved)
    if resolved.suffix.lower() == ".wsdl":
        return _from_wsdl(path, resolved)
    if zipfile.is_zipfile(resolved):
        return _from_zip(path, resolved)
    raise ContractError(
        f"{path}: neither a folder, a .wsdl file nor a zip archive",
        hint="give a contract package folder, a release .zip or a .wsdl file",
    )


def _contract_files(folder: Path) -> Iterator[Path]:
    for candidate in folder.rglob("*"):
        if candidate.suffix.lower() in CONTRACT_SUFFIXES and candidate.is_file():
            yield candidate


def _read_limited(file: Path, shown: str) -> bytes:
    size = file.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContractError(
            f"{shown}: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit for a contract file",
            hint="this is not a contract schema; remove it from the package",
        )
    return file.read_bytes()


def _snapshot_folder(origin: Path, root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for file in _contract_files(root):
        data = _read_limited(file, str(file))
        total += len(data)
        if len(files) >= MAX_FILES or total > MAX_PACKAGE_BYTES:
            raise ContractError(
                f"{origin}: more than {MAX_FILES} files or {MAX_PACKAGE_BYTES} bytes of WSDL/XSD",
                hint="point at one contract package, not a whole disk",
            )
        files[posixpath.normpath(file.resolve().as_posix())] = data
    return files


def _find_wsdls(files: dict[str, bytes], root: str) -> list[str]:
    wsdls = sorted(p for p in files if p.lower().endswith(".wsdl"))
    interactions = root.rstrip("/") + "/schemas/interactions/"
    released = [p for p in wsdls if p.lower().startswith(interactions.lower())]
    return released or wsdls


def _from_folder(origin: Path, resolved: Path) -> ContractPackage:
    root = posixpath.normpath(resolved.as_posix())
    files = _snapshot_folder(origin, resolved)
    wsdls = _find_wsdls(files, root)
    if not wsdls:
        raise ContractError(
            f"{origin}: no .wsdl file in this folder",
            hint="a RIVTA package holds schemas/interactions/<X>Interaction/<X>Interaction_<m.n>_RIVTABP21.wsdl",
        )
    return ContractPackage(origin, root, files, wsdls)


def _package_root_of(wsdl: Path) -> Path:
    for ancestor in wsdl.parents:
        if ancestor.name.lower() == "schemas":
            return ancestor.parent
    return wsdl.parent


def _from_wsdl(origin: Path, resolved: Path) -> ContractPackage:
    root_dir = _package_root_of(resolved)
    root = posixpath.normpath(root_dir.as_posix())
    files = _snapshot_folder(origin, root_dir)
    wsdl = posixpath.normpath(resolved.as_posix())
    return ContractPackage(origin, root, files, [wsdl])


def _from_zip(origin: Path, resolved: Path) -> ContractPackage:
    base = resolved.as_posix() + "!"
    files: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(resolved) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_FILES:
                raise ContractError(f"{origin}: {len(members)} members is more than {MAX_FILES}")
            for member in members:
                name = member.filename.replace("\\", "/")
                if name.startswith("/") or ".." in name.split("/"):
                    raise ContractError(
                        f"{origin}: member {member.filename!r} would escape the package",
                        hint="this zip is not a contract release; repack it with relative paths",
                    )
                if not name.lower().endswith(CONTRACT_SUFFIXES):
                    continue
                if member.file_size > MAX_FILE_BYTES:
                    raise ContractError(f"{origin}!/{name}: larger than {MAX_FILE_BYTES} bytes unpacked")
                total += member.file_size
                if total > MAX_PACKAGE_BYTES:
                    raise ContractError(f"{origin}: more than {MAX_PACKAGE_BYTES} bytes of WSDL/XSD unpacked")
                data = archive.read(member)
                if len(data) > MAX_FILE_BYTES:
                    raise ContractError(f"{origin}!/{name}: larger than {MAX_FILE_BYTES} bytes unpacked")
                files[posixpath.normpath(f"{base}/{name}")] = data
    except (zipfile.BadZipFile, OSError) as exc:
        raise ContractError(f"{origin}: cannot read zip archive ({exc})") from None
    root = _zip_root(files, base)
    wsdls = _find_wsdls(files, root)
    if not wsdls:
        raise ContractError(
            f"{origin}: the zip holds no .wsdl file, so it is not a contract package",
            hint="use the ServiceContracts_<domain>_<version>.zip release or the unpacked folder",
        )
    return ContractPackage(origin, root, files, wsdls)


def _zip_root(files: dict[str, bytes], base: str) -> str:
    """The folder inside a zip that holds ``schemas/`` (releases often wrap it in one top folder)."""
    for path in sorted(files, key=len):
        marker = path.lower().find("/schemas/", len(base) - 1)
        if marker >= 0:
            return path[:marker]
    return base


def read_release_file(release: Path, relative: str) -> bytes | None:
    """One file of a domain release folder or zip by its path below the release root, or None.

    Releases also carry what is not WSDL/XSD (``test-suite/<Contract>/constraints.xml``,
    ``docs/SjD_TP_<Contract>_<m.n>.docx``). Names match case-insensitively; a zip may wrap the
    release in one top folder. Size limits and member-name confinement are those of a package.
    """
    wanted = posixpath.normpath(relative).casefold()
    resolved = release.resolve()
    if resolved.is_dir():
        found = _child_folded(resolved, wanted.split("/"))
        return _read_limited(found, str(found)) if found is not None else None
    if not resolved.is_file() or not zipfile.is_zipfile(resolved):
        return None
    try:
        with zipfile.ZipFile(resolved) as archive:
            for member in archive.infolist():
                name = member.filename.replace("\\", "/").casefold()
                if member.is_dir() or not (name == wanted or name.endswith("/" + wanted)):
                    continue
                if name.startswith("/") or ".." in name.split("/"):
                    continue
                if name.count("/") > wanted.count("/") + 1:
                    continue
                if member.file_size > MAX_FILE_BYTES:
                    raise ContractError(f"{release}!/{member.filename}: larger than {MAX_FILE_BYTES} bytes unpacked")
                return archive.read(member)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ContractError(f"{release}: cannot read zip archive ({exc})") from None
    return None


def _child_folded(folder: Path, parts: list[str]) -> Path | None:
    """``folder/parts...`` matching each name case-insensitively, never leaving ``folder``."""
    node = folder
    for part in parts:
        if part in ("", ".", "..") or not node.is_dir():
            return None
        match = next((child for child in node.iterdir() if child.name.casefold() == part), None)
        if match is None:
            return None
        node = match
    if not node.is_file() or not _inside(node.resolve().as_posix(), folder.as_posix()):
        return None
    return node
