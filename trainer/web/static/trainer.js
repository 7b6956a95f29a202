// The site page's own script, served as a file: the Content-Security-Policy allows no inline script.
// "Start again" after a closed session reloads the page without textual-serve's ?delay= parameter.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("start-again");
  if (!button) return;
  button.addEventListener("click", () => {
    const url = new URL(window.location.href);
    url.searchParams.delete("delay");
    window.location.href = url.pathname + url.search;
  });
});
