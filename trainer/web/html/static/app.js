// Progressive enhancement only: every page works without this file. Why it exists: (1) after a choice the
// page opens at its newest line (#now), and the focus is put there so a screen reader or keyboard user
// carries on from the new line; (2) a timed moment's countdown is drawn every second and announced at
// a few points (not every second: that would drown the conversation), and when it reaches zero the page
// is reloaded so the server takes the timeout branch (the server keeps the deadline, not this script).
(function () {
  "use strict";
  function focusNewest() {
    if (window.location.hash !== "#now") { return; }
    var newest = document.getElementById("now");
    if (newest) { newest.focus(); }
  }
  function countdown() {
    var shown = document.getElementById("countdown");
    if (!shown) { return; }
    var announce = document.getElementById("countdown-announce");
    var template = shown.getAttribute("data-template") || "{seconds} s left";
    var left = parseInt(shown.getAttribute("data-left"), 10);
    if (isNaN(left)) { return; }
    var started = Date.now();
    var said = {};
    function say(seconds) {
      if (announce && !said[seconds]) {
        said[seconds] = true;
        announce.textContent = template.replace("{seconds}", String(seconds));
      }
    }
    say(left);
    var timer = window.setInterval(function () {
      var now = Math.max(0, left - Math.floor((Date.now() - started) / 1000));
      shown.textContent = "\u23F1 " + template.replace("{seconds}", String(now));
      if (now === 30 || now === 10 || now === 5) { say(now); }
      if (now <= 0) {
        window.clearInterval(timer);
        window.location.replace(window.location.pathname + "#now");
        window.location.reload();
      }
    }, 250);
  }
  document.addEventListener("DOMContentLoaded", function () { focusNewest(); countdown(); });
}());
