"""A stand-in LMS for the SCORM tests: a page on its own origin (http://localhost:PORT, another site than the
trainer at 127.0.0.1) whose SCORM 1.2 API is scorm-again's real run-time, framing the package's SCO as an
LMS player does. scorm-again comes from npm (`.ci/run` installs it and sets SCORM_AGAIN_DIR)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser_helpers import IN_CI

SCORM_AGAIN = Path(os.environ.get("SCORM_AGAIN_DIR", "/nonexistent/scorm-again"))


def scorm_again_script() -> Path:
    """scorm-again's SCORM 1.2 build, or a skip (a failure in CI, where .ci/run must have installed it)."""
    script = SCORM_AGAIN / "dist" / "scorm12.js"
    if not script.is_file():
        reason = (f"needs scorm-again from npm: set SCORM_AGAIN_DIR to its folder (`npm install scorm-again` into a "
                  f"temporary folder; .ci/run does it); {script} is missing")
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return script


LMS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="/scorm12.js"></script>
<script>
  window.lmsCalls = [];
  var api = new Scorm12API({logLevel: 5});
  api.cmi.core.student_id = %(student_id)s;
  api.cmi.core.student_name = %(student_name)s;
  ["LMSInitialize", "LMSCommit", "LMSFinish"].forEach(function (name) {
    api.on(name, function () { window.lmsCalls.push(name); });
  });
  window.lmsSet = {};  /* what the SCO set, element by element (session_time cannot be read back) */
  api.on("LMSSetValue.cmi.*", function (element, value) { window.lmsSet[element] = String(value); });
  window.API = api;
</script></head>
<body><iframe id="sco" title="course" src="/course/%(sco)s" style="width:100%%;height:95vh;border:0"></iframe></body></html>
"""


class Lms:
    """The stand-in LMS's files (the unzipped package, scorm-again, a player page per learner) served from
    a thread on 127.0.0.1; its pages are opened as http://localhost:PORT."""

    def __init__(self, root: Path, package: Path):
        self.root = root
        (root / "course").mkdir(parents=True)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(root / "course")
        shutil.copy(scorm_again_script(), root / "scorm12.js")
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def player(self, name: str, student_id: str, student_name: str, sco: str = "sco-1.html") -> str:
        """The address of a player page that launches `sco` for this learner."""
        (self.root / f"{name}.html").write_text(LMS_PAGE % {"student_id": json.dumps(student_id),
                                                            "student_name": json.dumps(student_name), "sco": sco},
                                                encoding="utf-8")
        return f"http://localhost:{self.port}/{name}.html"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass
