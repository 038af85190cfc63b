// Essaim — questionnaire pages, improved when scripts run (they work without):
// questions whose condition does not hold are hidden, and the draft is saved as one types.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire-form");
  if (!form) return;
  var status = form.querySelector(".autosave-status");
  var revision = form.querySelector("input[name=revision]");

  function chosen(question) {
    var values = [];
    form.querySelectorAll('[name="' + question + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) values.push(input.value);
    });
    return values;
  }

  // A hidden question keeps nothing: the server clears it too, this only shows it.
  function applyConditions() {
    form.querySelectorAll("fieldset[data-condition-question]").forEach(function (fieldset) {
      var wanted = fieldset.getAttribute("data-condition-values").split(" ");
      var question = fieldset.getAttribute("data-condition-question");
      if (!form.querySelector('[name="' + question + '"]')) return; // asked on another page
      var shown = chosen(question).some(function (v) { return wanted.indexOf(v) >= 0; });
      fieldset.hidden = !shown;
      var hint = fieldset.querySelector(".condition-hint");
      if (hint) hint.hidden = true;
    });
  }

  var timer = null;
  var saving = false;
  function save() {
    if (saving) { schedule(); return; }
    saving = true;
    var data = new URLSearchParams(new FormData(form));
    data.set("aller", "brouillon");
    fetch(form.action, { method: "POST", body: data, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (body) {
        revision.value = body.revision;
        if (body.conflicts && body.conflicts.length) {
          status.textContent = "Une réponse de cette page a été modifiée ailleurs : enregistrez la page pour voir les deux versions.";
        } else {
          var now = new Date();
          status.textContent = "Brouillon enregistré à " + now.getHours() + " h " + String(now.getMinutes()).padStart(2, "0") + ".";
        }
      })
      .catch(function () {
        status.textContent = "Brouillon non enregistré (connexion ?) : vos réponses restent dans la page, enregistrez-la.";
      })
      .finally(function () { saving = false; });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", function () { applyConditions(); schedule(); });
  applyConditions();
})();
