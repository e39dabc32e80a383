"""Read measured data files (profiles and trajectories) into named arrays, refusing
hostile files with a one-line error before they cost memory or time.

Formats (by suffix):

* ``.csv``: a header line naming the columns, then one number per field (UTF-8, an
  optional byte-order mark, ``#`` comment lines; an empty field reads as NaN). A column
  named ``id`` is read as text labels.
* ``.npy``: one array, stored as ``x``.
* ``.npz``: named arrays.
* ``.nc``, ``.h5``, ``.netcdf``: NetCDF variables and coordinates (and a ``dt`` attribute).

What is refused (:class:`DataFileError`, naming the file and the fault): something
that is not a regular file (a directory, a FIFO, a device such as /dev/zero), text that
is not UTF-8 or holds NUL bytes, a line longer than :data:`MAX_LINE_CHARACTERS`, arrays
of Python objects (numpy would need pickle to read them), an array whose header claims
more bytes than the file holds (checked before anything is allocated; so also a
truncated file) and a file larger than :data:`MAX_FILE_BYTES`.
"""

from __future__ import annotations

import csv
import io
import stat
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

__all__ = ["DataFileError", "read_table", "MAX_FILE_BYTES", "MAX_LINE_CHARACTERS"]

#: largest data file (or uncompressed member of a .npz) read, in bytes
MAX_FILE_BYTES = 4 * 1024**3
#: longest CSV line, in characters
MAX_LINE_CHARACTERS = 1 << 20
SUFFIXES = (".csv", ".npy", ".npz", ".nc", ".h5", ".netcdf")


class DataFileError(ValueError):
    """A data file that cannot be read; the message names the file and the fault."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _check_path(path: Path) -> None:
    try:
        status = path.stat()
    except FileNotFoundError:
        raise DataFileError(f"{path}: data file does not exist") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read the data file ({exc.strerror})") from None
    if not stat.S_ISREG(status.st_mode):
        raise DataFileError(f"{path}: is {_kind(status.st_mode)}, not a data file")
    if status.st_size > MAX_FILE_BYTES:
        raise DataFileError(f"{path}: {status.st_size} bytes exceeds the limit of {MAX_FILE_BYTES} bytes for a data file")
    if path.suffix.lower() not in SUFFIXES:
        raise DataFileError(f"{path}: unknown data format {path.suffix!r} (use .csv, .nc, .npy or .npz)")


def _number(text: str) -> float:
    text = text.strip()
    return float(text) if text else float("nan")


def _lines(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = []
            for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_CHARACTERS + 1), ""), start=1):
                if len(line) > MAX_LINE_CHARACTERS:
                    raise DataFileError(f"{path}: line {number} is longer than {MAX_LINE_CHARACTERS} characters")
                if "\0" in line:
                    raise DataFileError(f"{path}: line {number} holds a NUL byte (a binary file, not CSV text)")
                lines.append(line)
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: is not UTF-8 text (byte {exc.start} of a chunk cannot be decoded): not a CSV file") from None
    return lines


def read_csv(path: Path) -> dict[str, np.ndarray]:
    """Columns of a CSV file with a header; a one-line error naming the line at fault
    (data lines are counted after the header, comments left out)."""
    rows = [row for row in csv.reader(_lines(path)) if row and not row[0].lstrip().startswith("#")]
    if len(rows) < 2:
        raise DataFileError(f"{path}: needs a header line and at least one data line")
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header):
        raise DataFileError(f"{path}: the header names a column twice ({', '.join(header)})")
    columns: dict[str, list[Any]] = {name: [] for name in header}
    for number, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            raise DataFileError(f"{path}: data line {number} has {len(row)} fields, the header has {len(header)}")
        for name, text in zip(header, row):
            try:
                columns[name].append(text.strip() if name == "id" else _number(text))
            except ValueError:
                raise DataFileError(f"{path}: data line {number}, column {name!r}: {text.strip()[:40]!r} is not a number") from None
    return {name: np.asarray(values) for name, values in columns.items()}


def _checked_array(handle: BinaryIO, available: int, where: str) -> np.ndarray:
    """One .npy array from ``handle`` whose remaining size is ``available`` bytes: the
    header is read and checked (no objects, a size the file holds) before the data."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(handle)
        reader = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran, dtype = reader(handle, max_header_size=10_000)
    except (ValueError, OSError, EOFError, SyntaxError) as exc:
        raise DataFileError(f"{where}: not a readable .npy array ({str(exc).splitlines()[0][:120]})") from None
    if dtype.hasobject:
        hint = "store trajectories of unequal length as one 2D array padded with NaN, or as a 1D array with an id array"
        raise DataFileError(f"{where}: holds Python objects (dtype {dtype}), which would need pickle to load: {hint}")
    needed = int(np.prod(shape, dtype=object)) * dtype.itemsize
    remaining = available - handle.tell()
    if needed > remaining:
        raise DataFileError(f"{where}: the header claims shape {shape} ({needed} bytes) but the file holds {remaining} bytes (truncated or corrupt)")
    data = handle.read(needed)
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape, order="F" if fortran else "C").copy()


def _read_npy(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as handle:
        return {"x": _checked_array(handle, path.stat().st_size, str(path))}


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataFileError(f"{path}: not a .npz (zip) archive ({exc})") from None
    arrays = {}
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_FILE_BYTES:
            raise DataFileError(f"{path}: its arrays hold more than {MAX_FILE_BYTES} bytes uncompressed")
        for member in members:
            name = member.filename.removesuffix(".npy")
            try:
                raw = archive.read(member)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise DataFileError(f"{path}: array {name!r} cannot be read ({exc})") from None
            arrays[name] = _checked_array(io.BytesIO(raw), len(raw), f"{path}: array {name!r}")
    return arrays


def _read_netcdf(path: Path) -> dict[str, Any]:
    import xarray as xr

    try:
        with xr.open_dataset(path, engine="h5netcdf") as dataset:
            arrays = {name: dataset[name].values for name in [*dataset.data_vars, *dataset.coords]}
            arrays.update({name: value for name, value in dataset.attrs.items() if name == "dt"})
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise DataFileError(f"{path}: cannot read NetCDF: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    return arrays


def read_table(path: Path) -> dict[str, Any]:
    """The named arrays of a data file (see the module docstring)."""
    path = Path(path)
    _check_path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".npy":
        return _read_npy(path)
    if suffix == ".npz":
        return _read_npz(path)
    return _read_netcdf(path)
