"""The data layer: IDX validation, where data are looked for, downloads, the cache."""

from __future__ import annotations

import functools
import gzip
import http.server
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from grader.data import DataSources, SplitName, load_split, load_train_test
from grader.data.catalog import DATASETS
from grader.data.idx import read_images, read_labels, write_idx
from grader.errors import DataCorrupt, DataNotFound

MNIST = DATASETS["mnist"]


def _sources(tmp_path: Path, user: Path | None = None, system: tuple[Path, ...] = (),
             download: bool = False, mirror: str | None = None) -> DataSources:
    return DataSources(user_dir=user, system_dirs=system, cache_dir=tmp_path / "cache",
                       download=download, mirror=mirror)


@pytest.mark.parametrize("compress", [False, True])
def test_good_idx_round_trips(tmp_path, compress):
    images = np.random.default_rng(1).integers(0, 256, (5, 28, 28)).astype(np.uint8)
    write_idx(tmp_path / "img", images, compress)
    write_idx(tmp_path / "lab", np.array([0, 9, 3, 3, 1]), compress)
    assert np.array_equal(read_images(tmp_path / "img"), images)
    assert read_labels(tmp_path / "lab").tolist() == [0, 9, 3, 3, 1]


def _header(ndim, *dims, kind=0x08):
    return bytes([0, 0, kind, ndim]) + struct.pack(f">{ndim}I", *dims)


# (what is wrong, file bytes, reader, words the error must contain)
BAD_FILES = [
    ("wrong magic", b"\x01\x02\x08\x01" + bytes(8), read_labels, "bad magic"),
    ("float type", _header(1, 3, kind=0x0D) + bytes(12), read_labels, "not unsigned byte"),
    ("labels as images", _header(1, 4) + bytes(4), read_images, "1 dimensions, expected 3"),
    ("truncated body", _header(3, 2, 28, 28) + bytes(784 + 100), read_images, "truncated"),
    ("trailing bytes", _header(1, 2) + bytes(3), read_labels, "trailing bytes"),
    ("truncated header", bytes([0, 0, 8, 3]) + bytes(5), read_images, "truncated header"),
    ("wrong image size", _header(3, 1, 32, 32) + bytes(1024), read_images, "32x32"),
    ("label out of range", _header(1, 3) + bytes([1, 10, 2]), read_labels, "label 10"),
    ("empty file", b"", read_labels, "bad magic"),
    ("broken gzip", gzip.compress(_header(1, 3) + bytes(3))[:-9], read_labels, "damaged gzip"),
]


@pytest.mark.parametrize("name, content, reader, words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_idx_is_an_error_naming_the_file(tmp_path, name, content, reader, words):
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(content)
    with pytest.raises(DataCorrupt, match=words) as caught:
        reader(path)
    assert str(path) in str(caught.value)


def test_mismatched_counts_are_an_error(tmp_path, tiny_dataset):
    folder = tiny_dataset(tmp_path / "mnist", train=None, test=20)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(19))
    with pytest.raises(DataCorrupt, match="20 images but .* 19 labels"):
        load_split("mnist", SplitName.TEST, _sources(tmp_path, user=tmp_path))


@pytest.mark.parametrize("layout", ["mnist", "MNIST/raw", "mnist-as-root"])
@pytest.mark.parametrize("compress", [False, True])
def test_layouts_found(tmp_path, tiny_dataset, layout, compress):
    root = tmp_path / "data"
    folder = root / "mnist" if layout == "mnist-as-root" else root / layout
    tiny_dataset(folder, compress=compress)
    user = folder if layout == "mnist-as-root" else root
    split, where = load_split("mnist", SplitName.TRAIN, _sources(tmp_path, user=user))
    assert len(split) == 60 and split.images.shape == (60, 28, 28)
    assert where == f"{folder} (data-dir)"


def test_flat_files_in_a_folder_not_named_after_the_dataset_are_not_guessed(tmp_path, tiny_dataset):
    """FashionMNIST and MNIST files have the same names; a folder's name must say which."""
    folder = tiny_dataset(tmp_path / "downloads")
    assert _sources(tmp_path, user=folder).find(MNIST, SplitName.TRAIN) is None


def test_source_order_user_then_system_then_cache(tmp_path, tiny_dataset):
    user, system, cache = tmp_path / "user", tmp_path / "system", tmp_path / "cache"
    tiny_dataset(system / "mnist", train=30)
    tiny_dataset(cache / "MNIST" / "raw", train=40)
    sources = _sources(tmp_path, user=user, system=(system,))
    assert sources.find(MNIST, SplitName.TRAIN).origin == "system"
    tiny_dataset(user / "mnist", train=50)
    found = sources.find(MNIST, SplitName.TRAIN)
    assert (found.origin, found.images.parent) == ("data-dir", user / "mnist")
    for folder in (user / "mnist", system / "mnist"):
        for path in folder.iterdir():
            path.unlink()
    assert sources.find(MNIST, SplitName.TRAIN).origin == "cache"


def test_each_split_from_the_first_source_holding_it(tmp_path, tiny_dataset):
    user, system = tmp_path / "user", tmp_path / "system"
    tiny_dataset(user / "mnist", train=None, test=20)
    tiny_dataset(system / "mnist", train=30, test=25)
    data = load_train_test("mnist", _sources(tmp_path, user=user, system=(system,)))
    assert (len(data.train), len(data.test)) == (30, 20)
    assert "standard split" in data.data_split


def test_missing_train_split_uses_a_documented_split_of_the_test_images(tmp_path, tiny_dataset):
    tiny_dataset(tmp_path / "user" / "mnist", train=None, test=2500)
    data = load_train_test("mnist", _sources(tmp_path, user=tmp_path / "user"))
    assert (len(data.train), len(data.test)) == (2000, 500)
    test_only, _ = load_split("mnist", SplitName.TEST, _sources(tmp_path, user=tmp_path / "user"))
    assert np.array_equal(data.train.images, test_only.images[:2000])
    assert np.array_equal(data.test.labels, test_only.labels[2000:])
    assert "training split not found" in data.data_split and "2,000" in data.data_split


def test_offline_with_no_data_names_the_three_ways(tmp_path):
    with pytest.raises(DataNotFound) as caught:
        load_train_test("fashion-mnist", _sources(tmp_path))
    message = str(caught.value)
    assert "GRADER_OFFLINE=1" in message
    for way in ("--data-dir", "GRADER_DATA_DIR", "dataset-fashion-mnist", "internet"):
        assert way in message
    assert caught.value.exit_code == 2


def test_named_folder_that_does_not_exist(tmp_path):
    with pytest.raises(DataNotFound, match="does not exist"):
        DataSources.from_env(tmp_path / "nope")


def test_environment_chooses_folder_and_offline(tmp_path, monkeypatch, tiny_dataset):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tiny_dataset(tmp_path / "env" / "mnist").parent))
    sources = DataSources.from_env()
    assert sources.user_dir == tmp_path / "env" and sources.download is False
    assert DataSources.from_env(tmp_path).user_dir == tmp_path  # the option beats the variable


def test_cache_makes_a_second_load_fast_and_notices_a_changed_file(tmp_path, tiny_dataset):
    folder = tiny_dataset(tmp_path / "user" / "mnist", compress=True)
    sources = _sources(tmp_path, user=tmp_path / "user")
    first, _ = load_split("mnist", SplitName.TRAIN, sources)
    assert len(list((tmp_path / "cache" / "arrays").glob("*.npy"))) == 2
    second, _ = load_split("mnist", SplitName.TRAIN, sources)
    assert isinstance(second.images, np.memmap) and not second.images.flags.writeable
    assert np.array_equal(first.images, second.images)
    time.sleep(0.01)
    tiny_dataset(folder, seed=5, compress=True)  # new content, same names
    third, _ = load_split("mnist", SplitName.TRAIN, sources)
    assert not np.array_equal(third.images, first.images)


def test_damaged_cache_entry_is_parsed_again(tmp_path, tiny_dataset):
    tiny_dataset(tmp_path / "user" / "mnist")
    sources = _sources(tmp_path, user=tmp_path / "user")
    first, _ = load_split("mnist", SplitName.TRAIN, sources)
    for entry in (tmp_path / "cache" / "arrays").glob("*.npy"):
        entry.write_bytes(b"garbage")
    again, _ = load_split("mnist", SplitName.TRAIN, sources)
    assert np.array_equal(first.labels, again.labels)


@pytest.fixture
def mirror():
    """A real HTTP server on localhost serving a folder: (folder) -> base URL."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_download_through_torchvision_with_checksums(tmp_path, real_data, mirror):
    """The real MNIST test files (torchvision's md5) from a local mirror; no train files there."""
    sources = _sources(tmp_path, download=True, mirror=mirror(real_data / "mnist"))
    data = load_train_test("mnist", sources)
    assert data.sources == (f"{tmp_path / 'cache' / 'MNIST' / 'raw'} (download)",)
    assert "training split not found" in data.data_split
    assert (len(data.train), len(data.test)) == (8000, 2000)
    raw = tmp_path / "cache" / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir() if p.name.startswith("train")) == []


def test_download_with_wrong_checksum_leaves_nothing(tmp_path, tiny_dataset, mirror):
    served = tiny_dataset(tmp_path / "served", compress=True)
    sources = _sources(tmp_path, download=True, mirror=mirror(served))
    with pytest.raises(DataNotFound, match="download failed"):
        load_split("mnist", SplitName.TEST, sources)
    assert list((tmp_path / "cache" / "MNIST" / "raw").iterdir()) == []


def test_download_from_an_unreachable_mirror_is_a_clear_error(tmp_path):
    sources = _sources(tmp_path, download=True, mirror="http://127.0.0.1:9/")
    with pytest.raises(DataNotFound, match="download failed .*127.0.0.1:9"):
        load_split("fashion-mnist", SplitName.TEST, sources)


def test_real_fashion_mnist(real_data):
    data = load_train_test("fashion-mnist")
    assert (len(data.train), len(data.test)) == (60_000, 10_000)
    assert np.bincount(data.train.labels, minlength=10).tolist() == [6000] * 10
    assert "standard split" in data.data_split
