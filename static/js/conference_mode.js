// The secretary's conference screen: the notes autosave (htmx, two seconds after typing stops); the arrow
// shortcuts save and move to the next or previous person, who is then put on the chair's screen.
// The buttons work without this file: it only adds the keys and waits for an autosave under way.
(function () {
  "use strict";
  const form = document.getElementById("conference-note-form");
  if (!form) return;
  const status = document.getElementById("note-save-status");
  let inflight = 0;
  let pending = null;
  // Set once the form is being submitted to move on: a second move from the same page (a key, then a click
  // before the next page shows) would post twice, and an autosave whose 2-second timer fires during the move
  // would post the old version after the move's own save.
  let leaving = false;

  function leave(button) {
    if (!button || button.disabled || leaving) return;
    if (inflight > 0) {
      // An autosave is on its way: move once it is answered, so the two saves do not race.
      pending = button;
      status.textContent = form.dataset.saving;
      return;
    }
    status.textContent = form.dataset.saving;
    form.requestSubmit(button);
  }

  document.addEventListener("keydown", function (event) {
    const next = form.querySelector("[data-shortcut=next]");
    const previous = form.querySelector("[data-shortcut=previous]");
    const plain = !event.ctrlKey && !event.metaKey && !event.shiftKey;
    if ((event.altKey && event.key === "ArrowRight") || (plain && !event.altKey && event.key === "PageDown")) {
      event.preventDefault();
      leave(next);
    } else if ((event.altKey && event.key === "ArrowLeft") || (plain && !event.altKey && event.key === "PageUp")) {
      event.preventDefault();
      leave(previous);
    } else if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      status.textContent = form.dataset.saving;
      htmx.trigger(form, "save-now");
    }
  });

  form.addEventListener("submit", function (event) {
    if (leaving) {
      event.preventDefault();
      return;
    }
    leaving = true;
    pending = null;
  });
  // The page is shown again from the back-forward cache: it may move again.
  window.addEventListener("pageshow", function () {
    leaving = false;
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt !== form) return;
    if (leaving) {
      event.preventDefault();
      return;
    }
    inflight += 1;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) return;
    inflight = Math.max(0, inflight - 1);
    if (inflight === 0 && pending) {
      const button = pending;
      pending = null;
      // Stay if the save was refused (e.g. someone else saved this person's notes): the other text is shown.
      if (event.detail.successful && !status.querySelector("[data-save=error]")) {
        form.requestSubmit(button);
      }
    }
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    // An expired session answers the autosave with the login page: keep the text, say so, swap nothing.
    if (event.detail.xhr.responseURL && event.detail.xhr.responseURL.indexOf("/login/") !== -1) {
      event.detail.shouldSwap = false;
      pending = null;
      status.textContent = form.dataset.sessionExpired;
    }
  });
  document.body.addEventListener("htmx:sendError", function () {
    pending = null;
    status.textContent = form.dataset.offline;
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    pending = null;
    status.textContent = event.detail.xhr.status === 403 ? form.dataset.sessionExpired : form.dataset.offline;
  });
})();
