// The chair's screen polls the person on screen every 3 seconds (htmx). If the session has ended, the poll is
// answered with the login page: reload instead of showing a login form inside the screen.
(function () {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const url = event.detail.xhr.responseURL || "";
    if (url.indexOf("/login/") !== -1) {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
})();
