// The comment meeting's minutes: vote tallies show only when a vote was held, and "Thêm ý kiến" adds an
// opinion row from the formset's empty form kept in a <template> (no inline script: strict CSP).
(function () {
  "use strict";
  var form = document.getElementById("meeting-form");
  if (!form) {
    return;
  }

  var voted = document.getElementById("id_votes_recorded");
  var votes = document.getElementById("meeting-votes");
  function syncVotes() {
    votes.classList.toggle("d-none", !voted.checked);
  }
  if (voted && votes) {
    voted.addEventListener("change", syncVotes);
    syncVotes();
  }

  var template = document.getElementById("opinion-template");
  var rows = document.getElementById("opinion-rows");
  var total = form.querySelector("input[name='opinions-TOTAL_FORMS']");
  var max = form.querySelector("input[name='opinions-MAX_NUM_FORMS']");
  var add = document.getElementById("add-opinion");
  if (!(template && rows && total && add)) {
    return;
  }
  add.classList.remove("d-none");
  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) {
      add.disabled = true;
      return;
    }
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = rows.lastElementChild.querySelector("input, textarea");
    if (first) {
      first.focus();
    }
  });
})();
