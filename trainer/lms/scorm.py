"""A SCORM 1.2 package (a zip an LMS imports): imsmanifest.xml at its root with one SCO per scenario, and
for each scenario a small page that finds the LMS's API and frames the site's web app (sco/trainer-sco.js).

Why SCORM 1.2 and not 2004: it is what HealthStream, Cornerstone and Moodle all take without trouble.
The package holds no scenario content and no learner data, only the site's address, the scenario ids
and the package's launch key: the learning happens on the site, which keeps the authoritative record.
"""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
SCHEMA_LOCATION = (f"{IMSCP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd {ADLCP} adlcp_rootv1p2.xsd")
SCO_DIR = Path(__file__).resolve().parent / "sco"
SCRIPT = "trainer-sco.js"
MANIFEST = "imsmanifest.xml"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries dated alike: the same package twice is the same bytes but the key


@dataclass(frozen=True)
class ScoEntry:
    """One scenario in a package: its id (what the launch asks for), its title, and its page's language."""
    scenario_id: str
    title: str
    language: str = "en"


@dataclass(frozen=True)
class PageWords:
    """What the SCO page says when it cannot start, in the language the package is made in."""
    no_api: str
    no_init: str


def sco_file(index: int) -> str:
    return f"sco-{index}.html"


def manifest_xml(package_id: int, course_title: str, entries: list[ScoEntry]) -> bytes:
    """imsmanifest.xml: ADL SCORM 1.2 (schemaversion 1.2), one organization, one item and one
    `adlcp:scormtype="sco"` resource per scenario."""
    ET.register_namespace("", IMSCP)
    ET.register_namespace("adlcp", ADLCP)
    ET.register_namespace("xsi", XSI)
    manifest = ET.Element(f"{{{IMSCP}}}manifest", {"identifier": f"trainer-package-{package_id}", "version": "1",
                                                   f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    metadata = ET.SubElement(manifest, f"{{{IMSCP}}}metadata")
    ET.SubElement(metadata, f"{{{IMSCP}}}schema").text = "ADL SCORM"
    ET.SubElement(metadata, f"{{{IMSCP}}}schemaversion").text = "1.2"
    organizations = ET.SubElement(manifest, f"{{{IMSCP}}}organizations", {"default": "trainer"})
    organization = ET.SubElement(organizations, f"{{{IMSCP}}}organization", {"identifier": "trainer"})
    ET.SubElement(organization, f"{{{IMSCP}}}title").text = course_title
    resources = ET.SubElement(manifest, f"{{{IMSCP}}}resources")
    for index, entry in enumerate(entries, 1):
        item = ET.SubElement(organization, f"{{{IMSCP}}}item", {
            "identifier": f"item-{index}", "identifierref": f"resource-{index}", "isvisible": "true"})
        ET.SubElement(item, f"{{{IMSCP}}}title").text = entry.title
        resource = ET.SubElement(resources, f"{{{IMSCP}}}resource", {
            "identifier": f"resource-{index}", "type": "webcontent", f"{{{ADLCP}}}scormtype": "sco",
            "href": sco_file(index)})
        ET.SubElement(resource, f"{{{IMSCP}}}file", {"href": sco_file(index)})
        ET.SubElement(resource, f"{{{IMSCP}}}file", {"href": SCRIPT})
    ET.indent(manifest)
    return ET.tostring(manifest, encoding="UTF-8", xml_declaration=True) + b"\n"


def sco_page(entry: ScoEntry, base_url: str, key: str, words: PageWords) -> bytes:
    """One scenario's launch page: its settings in data attributes, its behaviour in trainer-sco.js
    (no inline script, so it runs under a strict content security policy too)."""
    template = (SCO_DIR / "page.html").read_text(encoding="utf-8")
    quote = lambda text: html.escape(text, quote=True)  # noqa: E731
    return template.format(lang=quote(entry.language), title=quote(entry.title), base_url=quote(base_url),
                           key=quote(key), scenario=quote(entry.scenario_id), no_api=quote(words.no_api),
                           no_init=quote(words.no_init)).encode("utf-8")


def build_package(package_id: int, course_title: str, entries: list[ScoEntry], base_url: str, key: str,
                  words: PageWords) -> bytes:
    """The whole package as zip bytes, manifest first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        add(MANIFEST, manifest_xml(package_id, course_title, entries))
        add(SCRIPT, (SCO_DIR / SCRIPT).read_bytes())
        for index, entry in enumerate(entries, 1):
            add(sco_file(index), sco_page(entry, base_url, key, words))
    return buffer.getvalue()


def check_base_url(text: str) -> str | None:
    """The site's address as the package will frame it (no trailing slash), or None when it is not an
    http(s) address with a host and nothing after the path."""
    from urllib.parse import urlsplit

    value = text.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password or any(ch.isspace() or not ch.isprintable() for ch in value):
        return None
    return value.rstrip("/")
