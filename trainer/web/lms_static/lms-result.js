/* On a debrief opened from an LMS: hand the attempt's result to the SCO that framed this page (the
   package's page on the LMS), and only to it: the message is addressed to the SCO's origin as the launch
   recorded it, and the SCO in turn believes only messages from this site's origin. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.parent === window) { return; }
  var score = parseFloat(me.getAttribute("data-score"));
  window.parent.postMessage({
    type: "trainer:result",
    status: me.getAttribute("data-status"),
    score: isFinite(score) ? score : null,
    attempt: me.getAttribute("data-attempt")
  }, me.getAttribute("data-sco-origin"));
}());
