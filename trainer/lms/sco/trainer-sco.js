/* The SCO: the page the LMS launches. It finds the LMS's SCORM 1.2 API, starts the SCORM session, opens
   the trainer's web app for this package's scenario in a frame (the launch key, scenario and the LMS's
   learner id and name in the URL), and when the trainer posts the attempt's result (only messages from
   the trainer's own origin and frame are believed) it sets the cmi values, commits and finishes.
   Plain ES5 and no libraries: LMS players run in old browsers and must not fetch anything. */
(function () {
  "use strict";

  var body = document.body;
  var base = body.getAttribute("data-trainer-url").replace(/\/+$/, "");
  var frame = document.getElementById("trainer-frame");
  var message = document.getElementById("trainer-message");
  var api = null;
  var finished = false;
  var started = new Date().getTime();
  var trainerOrigin = originOf(base);

  function originOf(url) {
    var link = document.createElement("a");
    link.href = url;
    var port = link.port && !((link.protocol === "http:" && link.port === "80") ||
                               (link.protocol === "https:" && link.port === "443")) ? ":" + link.port : "";
    return link.protocol + "//" + link.hostname.toLowerCase() + port;
  }

  function say(text) {
    message.textContent = text;
    message.hidden = false;
  }

  /* The SCORM 1.2 discovery walk (RTE 3.3.6.1): this window's parents, then the opener's. An ancestor
     from another origin cannot be read; it is skipped, not an error. */
  function findAPI(win) {
    var tries = 0;
    while (win && tries < 500) {
      try {
        if (win.API) { return win.API; }
      } catch (e) { /* another origin's window: keep climbing */ }
      if (!win.parent || win.parent === win) { return null; }
      win = win.parent;
      tries += 1;
    }
    return null;
  }

  function getAPI() {
    var found = findAPI(window);
    if (!found) {
      try {
        if (window.opener) { found = findAPI(window.opener); }
      } catch (e) { found = null; }
    }
    return found;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  /* CMITimespan: HHHH:MM:SS.SS */
  function sessionTime(ms) {
    var hundredths = Math.max(0, Math.round(ms / 10));
    var hours = Math.min(9999, Math.floor(hundredths / 360000));
    var minutes = Math.floor(hundredths / 6000) % 60;
    var seconds = Math.floor(hundredths / 100) % 60;
    var rest = hundredths % 100;
    var h = String(hours);
    while (h.length < 4) { h = "0" + h; }
    return h + ":" + two(minutes) + ":" + two(seconds) + "." + two(rest);
  }

  function set(name, value) { api.LMSSetValue(name, String(value)); }

  function finish(status, score) {
    if (finished || !api) { return; }
    finished = true;
    set("cmi.core.lesson_status", status);
    if (typeof score === "number" && isFinite(score)) {
      set("cmi.core.score.min", "0");
      set("cmi.core.score.max", "100");
      set("cmi.core.score.raw", Math.round(Math.min(100, Math.max(0, score)) * 100) / 100);
    }
    set("cmi.core.session_time", sessionTime(new Date().getTime() - started));
    set("cmi.core.exit", status === "incomplete" ? "suspend" : "");
    api.LMSCommit("");
    api.LMSFinish("");
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== trainerOrigin || event.source !== frame.contentWindow) { return; }
    var data = event.data;
    if (!data || data.type !== "trainer:result") { return; }
    var status = data.status === "passed" || data.status === "failed" ? data.status : "incomplete";
    finish(status, data.score);
  });

  /* The learner closes the LMS window before the debrief: the time spent is kept, the status stays
     incomplete (set at the start), and the LMS knows the session is over. */
  window.addEventListener("pagehide", function () {
    if (!finished && api) { finish("incomplete", null); }
  });

  api = getAPI();
  if (!api) {
    say(body.getAttribute("data-no-api"));
    return;
  }
  if (String(api.LMSInitialize("")) !== "true") {
    say(body.getAttribute("data-no-init") + " (" + api.LMSGetLastError() + ")");
    api = null;
    return;
  }
  var status = String(api.LMSGetValue("cmi.core.lesson_status"));
  if (status === "" || status === "not attempted") {
    set("cmi.core.lesson_status", "incomplete");
    api.LMSCommit("");
  }
  var query = [
    ["key", body.getAttribute("data-launch-key")],
    ["scenario", body.getAttribute("data-scenario")],
    ["student_id", String(api.LMSGetValue("cmi.core.student_id"))],
    ["student_name", String(api.LMSGetValue("cmi.core.student_name"))],
    ["sco_origin", originOf(window.location.href)]
  ].map(function (pair) { return pair[0] + "=" + encodeURIComponent(pair[1]); }).join("&");
  frame.src = base + "/lms/launch?" + query;
  frame.hidden = false;
}());
