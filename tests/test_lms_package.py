"""`trainer lms scorm|list|revoke`: the SCORM 1.2 package an LMS imports, its launch key recorded on the
site, and the launch records (one trainee per LMS learner, refusals for unknown and revoked keys)."""

from __future__ import annotations

import json
import zipfile
from xml.etree import ElementTree as ET

import pytest

from tests.site_helpers import BOSS, as_supervisor, make_site
from trainer.cli import cli
from trainer.lms.scorm import ADLCP, IMSCP
from trainer.progress import audit, lms
from trainer.progress.store import Store

SCENARIOS = ("escalating-at-the-desk", "denied-claim-appeal")
URL = "https://training.clinic.example"


@pytest.fixture
def site(runner, monkeypatch, tmp_path):
    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db)
    as_supervisor(monkeypatch)
    return db


def make_package(runner, db, out, *scenarios, url=URL):
    return runner.invoke(cli, ["--db", str(db), "lms", "scorm", *(scenarios or SCENARIOS), "--url", url, "-o", str(out)])


def key_of(archive: zipfile.ZipFile, page: str = "sco-1.html") -> str:
    import re

    return re.search(r'data-launch-key="([^"]+)"', archive.read(page).decode()).group(1)


def test_package_is_scorm_12_with_one_sco_per_scenario(runner, site, tmp_path):
    out = tmp_path / "out" / "course.zip"
    result = make_package(runner, site, out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names[0] == "imsmanifest.xml"
        root = ET.fromstring(archive.read("imsmanifest.xml"))
        assert root.tag == f"{{{IMSCP}}}manifest"
        assert root.findtext(f"{{{IMSCP}}}metadata/{{{IMSCP}}}schema") == "ADL SCORM"
        assert root.findtext(f"{{{IMSCP}}}metadata/{{{IMSCP}}}schemaversion") == "1.2"
        resources = root.findall(f"{{{IMSCP}}}resources/{{{IMSCP}}}resource")
        assert [r.get(f"{{{ADLCP}}}scormtype") for r in resources] == ["sco", "sco"]
        items = root.findall(f".//{{{IMSCP}}}organization/{{{IMSCP}}}item")
        assert [i.get("identifierref") for i in items] == [r.get("identifier") for r in resources]
        for resource in resources:  # every file the manifest names is in the zip
            assert resource.get("href") in names
            assert all(f.get("href") in names for f in resource.findall(f"{{{IMSCP}}}file"))
        page = archive.read("sco-1.html").decode()
        assert f'data-trainer-url="{URL}"' in page and 'data-scenario="escalating-at-the-desk"' in page
        assert "<script>" not in page  # behaviour lives in trainer-sco.js (no inline script)
        key = key_of(archive)
        assert key == key_of(archive, "sco-2.html")
    store = Store.open(site)
    try:
        [package] = lms.packages(store)
        assert package.scenarios == SCENARIOS and package.base_url == URL and package.created_by == BOSS
        assert key not in (store.path.read_bytes().decode("latin-1"))  # only its hash is kept
        assert [e["action"] for e in audit.entries(store, "lms-package")] == ["lms-package"]
    finally:
        store.close()


def test_each_package_has_its_own_key_and_list_shows_them(runner, site, tmp_path):
    for n in (1, 2):
        assert make_package(runner, site, tmp_path / "out" / f"{n}.zip", SCENARIOS[0]).exit_code == 0
    keys = {key_of(zipfile.ZipFile(tmp_path / "out" / f"{n}.zip")) for n in (1, 2)}
    assert len(keys) == 2
    result = runner.invoke(cli, ["--db", str(site), "lms", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [p["id"] for p in listed] == [1, 2] and all(not p["revoked"] for p in listed)
    text = runner.invoke(cli, ["--db", str(site), "lms", "list"]).output
    assert "live" in text and URL in text


def test_revoke_refuses_later_launches_and_ends_sessions(runner, site, tmp_path):
    out = tmp_path / "out" / "course.zip"
    make_package(runner, site, out)
    key = key_of(zipfile.ZipFile(out))
    store = Store.open(site)
    try:
        opened = lms.launch(store, key, SCENARIOS[0], "E1001", "Okafor, Ngozi", "https://lms.example")
        assert lms.session(store, opened.token) is not None
    finally:
        store.close()
    result = runner.invoke(cli, ["--db", str(site), "lms", "revoke", "1"])
    assert result.exit_code == 0, result.output
    store = Store.open(site)
    try:
        assert lms.session(store, opened.token) is None
        with pytest.raises(lms.LaunchRefused) as refused:
            lms.launch(store, key, SCENARIOS[0], "E1001", "Okafor, Ngozi", "https://lms.example")
        assert refused.value.reason == "revoked"
    finally:
        store.close()
    assert runner.invoke(cli, ["--db", str(site), "lms", "revoke", "1"]).exit_code == 1  # already revoked
    assert runner.invoke(cli, ["--db", str(site), "lms", "revoke", "9"]).exit_code == 2  # no such package
    assert "revoked" in runner.invoke(cli, ["--db", str(site), "lms", "list"]).output


def test_one_trainee_per_lms_learner_never_merged_with_an_account(runner, site, tmp_path):
    out = tmp_path / "out" / "course.zip"
    make_package(runner, site, out)
    key = key_of(zipfile.ZipFile(out))
    store = Store.open(site)
    try:
        first = lms.launch(store, key, SCENARIOS[0], "E1001", "Okafor, Ngozi", "https://lms.example")
        again = lms.launch(store, key, SCENARIOS[1], "E1001", "Okafor, Ngozi", "https://lms.example")
        assert first.new_trainee and not again.new_trainee
        assert first.trainee == again.trainee and first.trainee.name == "Ngozi Okafor"
        assert first.token != again.token
        # a learner whose LMS name is an existing passphrase account's gets a trainee of its own
        sam = lms.launch(store, key, SCENARIOS[0], "E2002", "Rivera, Sam", "https://lms.example")
        assert sam.trainee.name == "Sam Rivera (LMS E2002)"
        assert lms.learner_count(store) == 2
        with pytest.raises(lms.LaunchRefused) as unknown:
            lms.launch(store, "not-the-key", SCENARIOS[0], "E1001", "", "https://lms.example")
        assert unknown.value.reason == "unknown-key"
        with pytest.raises(lms.LaunchRefused) as other:
            lms.launch(store, key, "first-opening-26-days", "E1001", "", "https://lms.example")
        assert other.value.reason == "scenario"
        with pytest.raises(lms.LaunchRefused) as blank:
            lms.launch(store, key, SCENARIOS[0], "", "", "https://lms.example")
        assert blank.value.reason == "student"
        from trainer.progress import accounts

        accounts.disable(store, "Sam Rivera (LMS E2002)", BOSS)
        with pytest.raises(lms.LaunchRefused) as disabled:
            lms.launch(store, key, SCENARIOS[0], "E2002", "Rivera, Sam", "https://lms.example")
        assert disabled.value.reason == "disabled" and lms.session(store, sam.token) is None
        assert [e["subject"] for e in audit.entries(store, "lms-launch")] == ["Ngozi Okafor"] * 2 + ["Sam Rivera (LMS E2002)"]
    finally:
        store.close()


def test_needs_a_supervisor_and_a_site(runner, site, tmp_path, monkeypatch):
    monkeypatch.delenv("TRAINER_PASSPHRASE")
    result = make_package(runner, site, tmp_path / "out" / "x.zip")
    assert result.exit_code == 2 and not (tmp_path / "out" / "x.zip").exists()
    monkeypatch.setenv("TRAINER_PASSPHRASE", "personal")
    personal = runner.invoke(cli, ["--db", str(tmp_path / "personal.db"), "lms", "list"])
    assert personal.exit_code == 1 and "personal database" in personal.output


@pytest.mark.parametrize("url", ["ftp://clinic.example", "clinic.example", "https://clinic.example/?a=1"])
def test_bad_url_is_misuse(runner, site, tmp_path, url):
    result = make_package(runner, site, tmp_path / "out" / "x.zip", url=url)
    assert result.exit_code == 2 and "--url" in result.output


def test_unknown_scenario_is_misuse(runner, site, tmp_path):
    result = make_package(runner, site, tmp_path / "out" / "x.zip", "no-such-scenario")
    assert result.exit_code == 2 and "no-such-scenario" in result.output
