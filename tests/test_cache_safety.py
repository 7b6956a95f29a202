"""The scenario cache is a pickle, and loading a pickle runs code: it is loaded only when nobody else could
have written it. A cache file another user owns or can write, one reached through a symbolic link, or one
in a folder others can write to is refused with a warning, and the scenarios are read from their files."""

from __future__ import annotations

import os
import pickle
import stat

import pytest

from trainer.scenario import cache as cache_module
from trainer.scenario.cache import ScenarioCache, default_cache_file
from trainer.scenario.library import load_library


class Planted:
    """What an attacker would leave in a shared cache folder: unpickling it creates `marker`."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def plant(path, marker, mode=0o600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({("x", "y"): Planted(marker)}))
    os.chmod(path, mode)


@pytest.fixture
def cache_file(tmp_path):
    path = default_cache_file()
    assert path is not None and path.parent == tmp_path / "cache"
    getattr(cache_module, "_warned", set()).clear()
    return path


def _loads_from_files(capsys, library, why: str):
    assert library.get("surprise-bill") is not None  # the library still loads, from the files
    err = capsys.readouterr().err
    assert "not using the scenario cache" in err and why in err
    assert len(err.strip().splitlines()) == 1


def test_a_cache_file_others_can_write_is_not_unpickled(tmp_path, cache_file, capsys):
    marker = tmp_path / "code-ran"
    plant(cache_file, marker, mode=0o666)
    library = load_library()
    assert not marker.exists()
    _loads_from_files(capsys, library, "other users can write to it")
    assert stat.S_IMODE(os.stat(cache_file).st_mode) == 0o600  # replaced by this user's own, private file
    getattr(cache_module, "_warned", set()).clear()
    load_library()
    assert capsys.readouterr().err == ""  # and trusted from then on


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_cache_file_another_user_owns_is_not_unpickled(tmp_path, cache_file, capsys):
    marker = tmp_path / "code-ran"
    plant(cache_file, marker)
    os.chown(cache_file, 65534, 65534)
    library = load_library()
    assert not marker.exists()
    _loads_from_files(capsys, library, "it belongs to another user")


def test_a_cache_folder_others_can_write_to_is_neither_read_nor_written(tmp_path, cache_file, capsys):
    marker = tmp_path / "code-ran"
    plant(cache_file, marker)  # this user's own file, but anyone could have swapped it
    os.chmod(cache_file.parent, 0o777)
    library = load_library()
    assert not marker.exists()
    _loads_from_files(capsys, library, "other users can write to its folder")
    assert sorted(p.name for p in cache_file.parent.iterdir()) == [cache_file.name]  # nothing new written there


def test_a_cache_file_that_is_a_symbolic_link_is_not_followed(tmp_path, cache_file, capsys):
    marker = tmp_path / "code-ran"
    elsewhere = tmp_path / "elsewhere.pickle"
    plant(elsewhere, marker)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.symlink_to(elsewhere)
    library = load_library()
    assert not marker.exists()
    _loads_from_files(capsys, library, "cannot be opened safely")


def test_the_cache_folder_is_made_owner_only_and_a_private_cache_is_used(tmp_path, cache_file, capsys):
    load_library()
    assert stat.S_IMODE(os.stat(cache_file.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache_file).st_mode) == 0o600
    warm = ScenarioCache(cache_file)
    assert warm.entries and capsys.readouterr().err == ""
