// The report's Print button, bound here rather than inline: the Content-Security-Policy allows no inline script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".print-button").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
