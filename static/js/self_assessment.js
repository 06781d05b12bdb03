// The self-assessment form: live points total and level, a warning when the chosen level differs, and a
// copy of what is typed kept in this browser so a lost session or a closed tab loses nothing.
(function () {
  "use strict";
  const form = document.getElementById("self-assessment-form");
  if (!form) return;
  const bands = JSON.parse(form.dataset.bands || "[]");
  const totalEl = document.getElementById("points-total");
  const levelEl = document.getElementById("points-level");
  const mismatch = document.getElementById("level-mismatch");
  const select = form.querySelector("select[name=self_level]");
  const storageKey = "self-assessment:" + form.dataset.evaluation;

  // Hundredths as integers, so 8.7 + 9.1 is 17.8 and not 17.799999.
  function hundredths(value) {
    const n = Number(String(value).replace(",", "."));
    return value === "" || Number.isNaN(n) ? null : Math.round(n * 100);
  }

  function levelFor(total) {
    for (const band of bands) {
      if (total >= hundredths(band.min)) return band;
    }
    return bands[bands.length - 1];
  }

  function update() {
    if (!totalEl) return;
    let sum = 0;
    form.querySelectorAll("input[data-points]").forEach(function (input) {
      const v = hundredths(input.value);
      if (v !== null) sum += v;
    });
    totalEl.textContent = (sum / 100).toLocaleString("vi-VN", { maximumFractionDigits: 2 });
    const band = levelFor(sum);
    levelEl.textContent = band ? band.label : "";
    const chosen = select && select.value ? select.options[select.selectedIndex].text : "";
    mismatch.classList.toggle("d-none", !chosen || !band || chosen === band.label);
  }

  function values() {
    const data = {};
    form.querySelectorAll("textarea, input[data-points], select").forEach(function (el) {
      data[el.name] = el.value;
    });
    return data;
  }

  function keepLocalCopy() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ version: form.dataset.version, values: values() }));
    } catch (e) { /* storage full or disabled: the server copy still autosaves */ }
  }

  function offerRestore() {
    let saved;
    try { saved = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { saved = null; }
    if (!saved) return;
    const current = values();
    const differs = Object.keys(saved.values).some(function (name) {
      return name in current && saved.values[name] !== current[name];
    });
    // Only offer what the server has not seen: a copy from an older version of the form is stale.
    if (!differs || saved.version !== form.dataset.version) {
      localStorage.removeItem(storageKey);
      return;
    }
    const banner = document.getElementById("restore-banner");
    banner.classList.remove("d-none");
    document.getElementById("restore-yes").addEventListener("click", function () {
      Object.keys(saved.values).forEach(function (name) {
        const el = form.elements.namedItem(name);
        if (el) el.value = saved.values[name];
      });
      banner.classList.add("d-none");
      update();
      form.dispatchEvent(new Event("input", { bubbles: true }));
    });
    document.getElementById("restore-no").addEventListener("click", function () {
      localStorage.removeItem(storageKey);
      banner.classList.add("d-none");
    });
  }

  form.addEventListener("input", function () { update(); keepLocalCopy(); });
  form.addEventListener("change", update);

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    // An expired session answers the autosave with the login page: keep the text, say so, swap nothing.
    if (event.detail.xhr.responseURL && event.detail.xhr.responseURL.indexOf("/login/") !== -1) {
      event.detail.shouldSwap = false;
      document.getElementById("save-status").textContent = form.dataset.sessionExpired;
    }
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    const ok = document.querySelector("#save-status [data-save=ok]");
    if (ok) {
      form.dataset.version = form.elements.namedItem("version").value;
      localStorage.removeItem(storageKey);
    }
  });
  document.body.addEventListener("htmx:sendError", function () {
    document.getElementById("save-status").textContent = form.dataset.offline;
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    // 403: the session or its CSRF cookie is gone; anything else: the server could not save. Text stays.
    const status = event.detail.xhr.status;
    document.getElementById("save-status").textContent =
      status === 403 ? form.dataset.sessionExpired : form.dataset.offline;
  });

  update();
  offerRestore();
})();
