// The contact form (the admin's and the judges'): a live count of the questions with a choice, the questions
// and the wait hidden (and cleared) while "answered" is unticked, and the form kept in the browser's storage until
// it is saved, so that a closed tab loses nothing. No inline script: a Content-Security-Policy may forbid one.
"use strict";

function contactForm() {
  const form = document.querySelector("form#contact_form, form[data-contact-form]");
  if (!form) {
    return;
  }
  const counter = document.getElementById("answer-counter");
  const answered = form.querySelector("input[name=answered]");
  const storageKey = "contact-draft:" + window.location.pathname + window.location.search;
  const questionNames = Array.from(new Set(
    Array.from(form.querySelectorAll("input[type=radio][name^=q_]")).map((input) => input.name),
  ));

  function rowOf(element) {
    return element.closest(".form-row, .field, fieldset, .question") || element;
  }

  function count() {
    if (!counter) {
      return;
    }
    const chosen = questionNames.filter((name) => form.querySelector(`input[name="${name}"]:checked`)).length;
    counter.textContent = counter.dataset.template
      .replace("%(answered)s", String(chosen))
      .replace("%(total)s", String(questionNames.length));
    counter.classList.toggle("complete", chosen === questionNames.length);
  }

  // What unticking "answered" cleared, given back if it is ticked again (the server never sees it while unticked).
  let cleared = null;

  function showAnswered() {
    if (!answered) {
      return;
    }
    const on = answered.checked;
    const hidden = new Set();
    const keep = {};
    for (const name of questionNames) {
      const first = form.querySelector(`input[name="${name}"]`);
      hidden.add(first.closest("section.questions") || first.closest("fieldset") || rowOf(first));
      const chosen = form.querySelector(`input[name="${name}"]:checked`);
      if (!on && chosen) {
        keep[name] = chosen.value;
        chosen.checked = false;
      } else if (on && cleared && cleared[name] !== undefined) {
        const input = form.querySelector(`input[name="${name}"][value="${cleared[name]}"]`);
        if (input && !chosen) {
          input.checked = true;
        }
      }
    }
    for (const name of ["wait", "received_at", "handled_by"]) {
      const field = form.querySelector(`[name="${name}"]`);
      if (field) {
        hidden.add(rowOf(field));
        if (!on) {
          keep[name] = field.value;
          field.value = "";
        } else if (cleared && cleared[name] && !field.value) {
          field.value = cleared[name];
        }
      }
    }
    cleared = on ? null : keep;
    hidden.forEach((element) => { element.hidden = !on; });
    if (counter) {
      counter.hidden = !on;
    }
    count();
  }

  function save() {
    const values = {};
    for (const element of form.elements) {
      if (!element.name || element.type === "hidden" || element.type === "submit" || element.type === "file") {
        continue;
      }
      if (element.type === "radio") {
        if (element.checked) {
          values[element.name] = element.value;
        }
      } else if (element.type === "checkbox") {
        values[element.name] = element.checked;
      } else {
        values[element.name] = element.value;
      }
    }
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(values));
    } catch (error) {
      // Storage full or refused: the form still works, only without the safety copy.
    }
  }

  function restore() {
    // Only into a form the server sent blank (a new contact): a page that shows what was posted or stored wins.
    const blank = form.dataset.blank === "true" || /\/add\/$/.test(window.location.pathname);
    if (!blank || form.querySelector(".errorlist")) {
      return;
    }
    let values = null;
    try {
      values = JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      values = null;
    }
    if (!values) {
      return;
    }
    for (const [name, value] of Object.entries(values)) {
      const elements = form.querySelectorAll(`[name="${name}"]`);
      elements.forEach((element) => {
        if (element.type === "radio") {
          element.checked = element.value === value;
        } else if (element.type === "checkbox") {
          element.checked = Boolean(value);
        } else {
          element.value = value;
        }
      });
    }
    const note = document.getElementById("draft-restored");
    if (note) {
      note.hidden = false;
    }
  }

  // The waiting-time question scored from the wait by the edition's bands: its points shown as the wait is typed.
  const waitInput = form.querySelector("[data-bands], [data-limit-seconds]");
  let waitOutput = null;
  if (waitInput) {
    waitOutput = document.createElement("output");
    waitOutput.className = "wait-points";
    waitOutput.setAttribute("aria-live", "polite");
    waitInput.insertAdjacentElement("afterend", waitOutput);
  }

  function workingDeadline(sent, days) {
    // The same clock time on the days-th weekday after the sending: channels_app/waiting.py's working_deadline.
    const deadline = new Date(sent.getTime());
    let left = days;
    while (left > 0) {
      deadline.setDate(deadline.getDate() + 1);
      if (deadline.getDay() !== 0 && deadline.getDay() !== 6) {
        left -= 1;
      }
    }
    return deadline;
  }

  function pastLimit(seconds) {
    const limit = Number(waitInput.dataset.limitSeconds || "0");
    if (limit) {
      return seconds > limit;
    }
    const days = Number(waitInput.dataset.limitDays || "0");
    const sent = form.querySelector("[name=happened_at]");
    if (!days || !sent || Number.isNaN(Date.parse(sent.value))) {
      return false;
    }
    const start = new Date(sent.value);
    return start.getTime() + seconds * 1000 > workingDeadline(start, days).getTime();
  }

  function waitSeconds() {
    if (waitInput.type === "datetime-local") {
      const sent = form.querySelector("[name=happened_at]");
      const start = sent ? Date.parse(sent.value) : NaN;
      const end = Date.parse(waitInput.value);
      return Number.isNaN(start) || Number.isNaN(end) || end < start ? null : Math.round((end - start) / 1000);
    }
    const match = /^\s*(\d+)(?::(\d+))?(?::(\d+))?\s*$/.exec(waitInput.value);
    if (!match) {
      return null;
    }
    const parts = match.slice(1).filter((part) => part !== undefined).map(Number);
    if (parts.slice(1).some((part) => part >= 60)) {
      return null;
    }
    return parts.reduce((seconds, part) => seconds * 60 + part, 0);
  }

  function showWaitPoints() {
    if (!waitOutput) {
      return;
    }
    const seconds = waitSeconds();
    if (seconds === null) {
      waitOutput.textContent = "";
      return;
    }
    if (waitInput.dataset.overTemplate && pastLimit(seconds)) {
      waitOutput.textContent = waitInput.dataset.overTemplate;
      return;
    }
    if (!waitInput.dataset.bands) {
      waitOutput.textContent = "";
      return;
    }
    const bands = JSON.parse(waitInput.dataset.bands);
    const band = bands.find(([limit]) => seconds <= limit);
    waitOutput.textContent = waitInput.dataset.pointsTemplate.replace("%(points)s", String(band ? band[1] : 0));
  }

  restore();
  showAnswered();
  showWaitPoints();
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus(); // after a refused save, the list of what to correct is read first
  }
  form.addEventListener("input", showWaitPoints);
  form.addEventListener("change", (event) => {
    if (event.target === answered) {
      showAnswered();
      showWaitPoints();
    }
    count();
    save();
  });
  form.addEventListener("input", save);
  form.addEventListener("submit", () => {
    try {
      window.localStorage.removeItem(storageKey); // the server has it now, or sends it back with its errors
    } catch (error) {
      // nothing to forget
    }
  });
}

// The admin loads a form's scripts in the page's head, before the form exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", contactForm);
} else {
  contactForm();
}
