// The Copy button beside a secret shown once (a new API token), bound here: the Content-Security-Policy allows no
// inline script. Where the browser offers no clipboard (a page not served over HTTPS) the button stays hidden, and
// the field selects itself when focused, to be copied by hand.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.addEventListener("focus", () => field.select());
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(field.value).then(
        () => { button.textContent = button.dataset.copied; },
        () => field.focus(),
      );
    });
  });
});
