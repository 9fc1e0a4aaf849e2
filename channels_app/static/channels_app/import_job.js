// The import job's page (admin, contacts.csv upload): while a task checks or imports the file, ask the job's
// JSON status every second, move the progress bar, and reload the page when the state changes (then the
// report is on it). No inline script, so that a Content-Security-Policy of script-src 'self' allows it.
"use strict";

(function () {
  const section = document.getElementById("import-job");
  if (!section || !section.dataset.statusUrl) {
    return;
  }
  const bar = document.getElementById("import-job-progress");
  const label = document.getElementById("import-job-percent");
  const shownState = section.dataset.state;
  const everyMs = 1000;

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      const json = (response.headers.get("Content-Type") || "").startsWith("application/json");
      if (response.redirected || (response.ok && !json) || (!response.ok && response.status < 500)) {
        window.location.reload(); // logged out (sent to the login page), or the job is gone: the page says which
        return;
      }
      if (response.ok) {
        const status = await response.json();
        if (status.state !== shownState) {
          window.location.reload();
          return;
        }
        if (status.bytes_total > 0) {
          bar.max = status.bytes_total;
          bar.value = status.bytes_done;
        }
        bar.textContent = status.progress_text;
        label.textContent = status.progress_text;
      }
    } catch (error) {
      // The network hiccuped: ask again at the next tick.
    }
    window.setTimeout(poll, everyMs);
  }

  window.setTimeout(poll, everyMs);
})();
