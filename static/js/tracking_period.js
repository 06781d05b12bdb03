// A period of periodic tracking: the person's form (live score with its working, rows of the work plan added
// and removed, a copy of what is typed kept in this browser so a lost session loses nothing) and the tracker's
// confirmation (the same live score; a line that differs from the self-score asks for its reason).
// No inline script or style anywhere: strict CSP. The server's score is the one that counts; this is a preview.
(function () {
  "use strict";

  // Exact arithmetic in integers scaled by 10^places, like the server's decimals: general points + task% × max / 100.
  function liveScore(form) {
    const places = parseInt(form.dataset.places || "2", 10);
    const scale = Math.pow(10, places);
    const taskMax = parseInt(form.dataset.taskMax || "70", 10);
    let general = 0;
    let percent = 0;
    let count = 0;
    let missing = 0;
    const shownGeneral = [];
    const shownPercent = [];
    form.querySelectorAll("input.period-value").forEach(function (input) {
      const text = input.value.trim().replace(",", ".");
      const n = Number(text);
      if (text === "" || Number.isNaN(n)) { missing += 1; return; }
      const scaled = Math.round(n * scale);
      if (input.dataset.percentage) { percent += scaled; count += 1; shownPercent.push(fmt(scaled / scale)); }
      else { general += scaled; shownGeneral.push(fmt(scaled / scale)); }
    });
    if (missing || !count) return null;
    // total × scale = (general × count × 100 + taskMax × percent) / (count × 100)
    const numerator = general * count * 100 + taskMax * percent;
    const denominator = count * 100;
    const total = form.dataset.rounding === "half_up"
      ? Math.floor((2 * numerator + denominator) / (2 * denominator))
      : Math.floor(numerator / denominator);
    return {
      total: total / scale,
      working: fmt(general / scale) + " + " + taskMax + " × (" + shownPercent.join(" + ") + ") / " + count + " / 100",
    };
  }

  function fmt(value) {
    const lang = document.documentElement.lang || "vi";
    return value.toLocaleString(lang === "en" ? "en-US" : "vi-VN", { maximumFractionDigits: 4 });
  }

  function showScore(form) {
    const totalEl = document.getElementById("period-total");
    const workingEl = document.getElementById("period-working");
    if (!totalEl) return;
    const score = liveScore(form);
    totalEl.textContent = score ? fmt(score.total) : "—";
    if (workingEl) workingEl.textContent = score ? score.working : form.dataset.incomplete || "";
  }

  // --- The tracker's confirmation ---
  const confirmForm = document.getElementById("confirm-form");
  if (confirmForm) {
    const check = function () {
      confirmForm.querySelectorAll(".confirm-line").forEach(function (row) {
        const input = row.querySelector("input.period-value");
        const reason = row.querySelector("textarea.period-reason");
        const hint = row.querySelector(".reason-hint");
        if (!input || !reason || !hint || input.dataset.self === undefined) return;
        const differs = Number(input.value.trim().replace(",", ".")) !== Number(input.dataset.self);
        const needs = differs && reason.value.trim() === "";
        hint.classList.toggle("d-none", !needs);
        // The server's refusal (is-invalid) stays until the reason is given; the hint never removes it.
        if (!needs) reason.classList.remove("is-invalid");
        else if (reason.dataset.touched === "1") reason.classList.add("is-invalid");
        reason.required = differs;
      });
      showScore(confirmForm);
    };
    confirmForm.addEventListener("input", function (event) {
      if (event.target.classList.contains("period-reason")) event.target.dataset.touched = "1";
      check();
    });
    check();
    return;
  }

  // --- The person's period ---
  const form = document.getElementById("period-form");
  if (!form) return;
  const storageKey = "tracking-period:" + form.dataset.record;

  // Rows of the work plan: "Thêm nhiệm vụ" copies the formset's empty form; "Xóa" empties a row (blank rows
  // are skipped by the server) and hides it.
  const template = document.getElementById("task-template");
  const rows = document.getElementById("task-rows");
  const total = form.querySelector("input[name='tasks-TOTAL_FORMS']");
  const max = form.querySelector("input[name='tasks-MAX_NUM_FORMS']");
  const add = document.getElementById("add-task");
  function wireRemove(row) {
    const button = row.querySelector(".task-remove");
    if (!button) return;
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
      row.classList.add("d-none");
      form.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  if (template && rows && total && add) {
    rows.querySelectorAll(".task-row").forEach(wireRemove);
    add.classList.remove("d-none");
    add.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { add.disabled = true; return; }
      const html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const row = rows.lastElementChild;
      wireRemove(row);
      const first = row.querySelector("input, textarea");
      if (first) first.focus();
    });
  }

  function values() {
    const data = {};
    form.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (el) { data[el.name] = el.value; });
    data["tasks-TOTAL_FORMS"] = total ? total.value : "";
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
    // Only offer what the server has not seen: a copy from an older version of the period is stale.
    if (!differs || saved.version !== form.dataset.version) { localStorage.removeItem(storageKey); return; }
    const banner = document.getElementById("restore-banner");
    banner.classList.remove("d-none");
    document.getElementById("restore-yes").addEventListener("click", function () {
      Object.keys(saved.values).forEach(function (name) {
        const el = form.elements.namedItem(name);
        if (el && el.type !== "hidden") el.value = saved.values[name];
      });
      banner.classList.add("d-none");
      showScore(form);
      form.dispatchEvent(new Event("input", { bubbles: true }));
    });
    document.getElementById("restore-no").addEventListener("click", function () {
      localStorage.removeItem(storageKey);
      banner.classList.add("d-none");
    });
  }

  form.addEventListener("input", function () { showScore(form); keepLocalCopy(); });

  const status = document.getElementById("save-status");
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    // An expired session answers the autosave with the login page: keep the text, say so, swap nothing.
    if (event.detail.xhr.responseURL && event.detail.xhr.responseURL.indexOf("/login/") !== -1) {
      event.detail.shouldSwap = false;
      status.textContent = form.dataset.sessionExpired;
    }
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    if (document.querySelector("#save-status [data-save=ok]")) {
      form.dataset.version = form.elements.namedItem("version").value;
      localStorage.removeItem(storageKey);
    }
  });
  document.body.addEventListener("htmx:sendError", function () { status.textContent = form.dataset.offline; });
  document.body.addEventListener("htmx:responseError", function (event) {
    // 403: the session or its CSRF cookie is gone; anything else: the server could not save. Text stays.
    status.textContent = event.detail.xhr.status === 403 ? form.dataset.sessionExpired : form.dataset.offline;
  });

  showScore(form);
  offerRestore();
})();
