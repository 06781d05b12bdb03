// Issue #17: sign with the USB token's plugin (vgcaplugin.js, installed by the token's vendor) when the page has it.
// The button carries the call (vgca_sign_approved / vgca_sign_issued), the PDF's URL (FileName) and our upload
// endpoint (FileUploadHandler). Without the plugin the page says so and opens the download/upload fallback.
(function () {
  "use strict";
  function show(element, text) {
    element.textContent = text;
    element.hidden = false;
  }
  document.querySelectorAll("[data-vgca-sign]").forEach(function (button) {
    button.addEventListener("click", function () {
      var status = document.getElementById(button.dataset.status);
      var fallback = document.getElementById(button.dataset.fallback);
      var call = window[button.dataset.vgcaSign];
      if (typeof call !== "function") {
        show(status, button.dataset.missing);
        if (fallback) { fallback.open = true; }
        return;
      }
      var parameters = {
        FileName: button.dataset.file,
        FileUploadHandler: button.dataset.upload,
        SessionId: "",
        MetaData: []
      };
      button.disabled = true;
      call(JSON.stringify(parameters), function (answer) {
        var result = {};
        try { result = JSON.parse(answer); } catch (error) { result = { Status: -1, Message: String(answer) }; }
        button.disabled = false;
        if (result.Status === 0) {
          window.location.reload();
        } else {
          show(status, button.dataset.failed + " " + (result.Message || ""));
          if (fallback) { fallback.open = true; }
        }
      });
    });
  });
})();
