"""Where dataset files are looked for, in order, and how they are downloaded.

Order: the folder the user names (`--data-dir` or GRADER_DATA_DIR); the system folders
(Debian's `dataset-fashion-mnist` installs /usr/share/datasets/fashion-mnist/); the grader's
cache (GRADER_CACHE_DIR, else $XDG_CACHE_HOME/grader, else ~/.cache/grader); and last a
download through torchvision into that cache, unless GRADER_OFFLINE=1.

Inside each root, a dataset's files may sit in `<root>/<name>/`, in torchvision's
`<root>/<Class>/raw/`, or in `<root>` itself when the root is named after the dataset
(`.../fashion-mnist/`). Files may be gzipped (`.gz`) or not.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.data.catalog import DatasetSpec, SplitName
from grader.errors import DataNotFound

SYSTEM_DATA_DIRS = (Path("/usr/share/datasets"),)
DOWNLOAD_TIMEOUT_S = 30


def default_cache_dir() -> Path:
    if os.environ.get("GRADER_CACHE_DIR"):
        return Path(os.environ["GRADER_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "grader"


@dataclass(frozen=True)
class SplitFiles:
    images: Path
    labels: Path
    origin: str  # which source found them: "data-dir", "system", "cache", "download"


@dataclass(frozen=True)
class DataSources:
    """The places to look, in order; build it with `from_env` unless a test needs others."""

    user_dir: Path | None = None
    system_dirs: tuple[Path, ...] = SYSTEM_DATA_DIRS
    cache_dir: Path = field(default_factory=default_cache_dir)
    download: bool = True
    mirror: str | None = None  # a base URL to download from instead of torchvision's mirrors

    @classmethod
    def from_env(cls, data_dir: Path | None = None) -> DataSources:
        named = data_dir or (Path(os.environ["GRADER_DATA_DIR"])
                             if os.environ.get("GRADER_DATA_DIR") else None)
        if named is not None and not named.is_dir():
            how = "--data-dir" if data_dir else "GRADER_DATA_DIR"
            raise DataNotFound(f"data folder {named} (from {how}) does not exist",
                               "name a folder that holds the MNIST/FashionMNIST IDX files")
        return cls(user_dir=named, download=os.environ.get("GRADER_OFFLINE", "") in ("", "0"),
                   mirror=os.environ.get("GRADER_DATA_MIRROR") or None)

    def roots(self) -> list[tuple[str, Path]]:
        found = [("data-dir", self.user_dir)] if self.user_dir else []
        found += [("system", d) for d in self.system_dirs]
        return found + [("cache", self.cache_dir)]

    def find(self, spec: DatasetSpec, split: SplitName) -> SplitFiles | None:
        """The first folder, in order, holding both files of the split; None if none does."""
        for origin, root in self.roots():
            for folder in candidate_folders(root, spec):
                files = _split_files(folder, spec, split, origin)
                if files:
                    return files
        return None

    def fetch(self, spec: DatasetSpec, split: SplitName) -> SplitFiles:
        """The split's files, downloading them into the cache if no folder holds them."""
        found = self.find(spec, split)
        if found:
            return found
        if not self.download:
            raise self.not_found(spec, split, "downloads are off (GRADER_OFFLINE=1)")
        problem = download_split(spec, split, self.cache_dir, self.mirror)
        found = self.find(spec, split)
        if found is None:
            raise self.not_found(spec, split, problem or "the download left no files")
        return SplitFiles(found.images, found.labels, "download")

    def not_found(self, spec: DatasetSpec, split: SplitName, why: str) -> DataNotFound:
        looked = ", ".join(str(root) for _, root in self.roots())
        return DataNotFound(
            f"{spec.name} {split.value} data not found (looked in {looked}); {why}",
            "provide it one of three ways: pass --data-dir DIR (or set GRADER_DATA_DIR) to a "
            f"folder holding {spec.files(split)[0]}[.gz] and {spec.files(split)[1]}[.gz]; "
            "install Debian's dataset-fashion-mnist package (FashionMNIST only); or connect "
            f"to the internet once so torchvision downloads it into {self.cache_dir}")


def candidate_folders(root: Path, spec: DatasetSpec) -> list[Path]:
    folders = [root / name for name in spec.folder_names]
    folders += [root / spec.torchvision_class / "raw"]
    if root.name in spec.folder_names:
        folders.insert(0, root)
    return folders


def _split_files(folder: Path, spec: DatasetSpec, split: SplitName, origin: str) -> SplitFiles | None:
    paths = [_either(folder / name) for name in spec.files(split)]
    if paths[0] and paths[1]:
        return SplitFiles(paths[0], paths[1], origin)
    return None


def _either(path: Path) -> Path | None:
    """The uncompressed file if present, else the .gz one."""
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def download_split(spec: DatasetSpec, split: SplitName, cache_dir: Path,
                   mirror: str | None) -> str | None:
    """Download one split through torchvision into `<cache>/<Class>/raw/`; the problem, or None."""
    from torchvision import datasets

    tv_class = getattr(datasets, spec.torchvision_class)
    md5_of = dict(tv_class.resources)
    mirrors = [mirror.rstrip("/") + "/"] if mirror else list(tv_class.mirrors)
    raw = cache_dir / spec.torchvision_class / "raw"
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        raw.mkdir(parents=True, exist_ok=True)
        with contextlib.redirect_stdout(sys.stderr):  # torchvision's progress is not our output
            return _download_files(spec, split, raw, mirrors, md5_of)
    except OSError as exc:
        return f"cannot write to the cache {cache_dir}: {exc.strerror or exc}"
    finally:
        socket.setdefaulttimeout(previous_timeout)


def _download_files(spec: DatasetSpec, split: SplitName, raw: Path, mirrors: list[str],
                    md5_of: dict[str, str]) -> str | None:
    from torchvision.datasets.utils import download_and_extract_archive

    for name in spec.files(split):
        archive = name + ".gz"
        errors = []
        for base in mirrors:
            try:
                download_and_extract_archive(base + archive, download_root=str(raw),
                                             filename=archive, md5=md5_of.get(archive))
                break
            except Exception as exc:  # urllib, socket and md5 failures all mean "try the next"
                errors.append(f"{base}{archive}: {type(exc).__name__}: {exc}".strip())
        else:
            for leftover in (raw / archive, raw / name):  # never leave a partial file to be found
                leftover.unlink(missing_ok=True)
            return "download failed (offline?): " + "; ".join(errors)
    return None
