// Progressive enhancement only (the footer always says when the session ends, beside a "Stay signed in"
// button that works without this file). Why it exists: a trainee reading a long brief must hear, before
// being signed out, that the session is about to end and how to keep it (WCAG 2.2.1). Shortly before the end
// the notice moves to the top of the main content, is highlighted, and its words are put in an aria-live region: a
// screen reader announces them without the focus moving. At the end the notice says the session has ended.
(function () {
  "use strict";
  function watch() {
    var box = document.getElementById("session-expiry");
    if (!box) { return; }
    var left = parseInt(box.getAttribute("data-left"), 10);
    var warn = parseInt(box.getAttribute("data-warn"), 10);
    if (isNaN(left) || isNaN(warn)) { return; }
    var live = document.getElementById("session-expiry-live");
    var text = document.getElementById("session-expiry-text");
    var started = Date.now();
    var warned = false;
    function tick() {
      var now = left - (Date.now() - started) / 1000;
      if (!warned && now <= warn) {
        warned = true;
        var main = document.getElementById("main");
        if (main) { main.insertBefore(box, main.firstChild); }
        box.classList.add("notice", "session-warning");
        if (text) { text.textContent = box.getAttribute("data-warning"); }
        if (live) { live.textContent = box.getAttribute("data-warning"); }
      }
      if (now <= 0) {
        window.clearInterval(timer);
        var ended = box.getAttribute("data-ended");
        if (text) { text.textContent = ended; }
        if (live) { live.textContent = ended; }
        var form = box.querySelector("form");
        if (form) { form.hidden = true; }
      }
    }
    var timer = window.setInterval(tick, 1000);
    tick();
  }
  document.addEventListener("DOMContentLoaded", watch);
}());
