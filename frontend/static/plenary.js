// The plenary's small improvements (docs/plenary.md); every page works without them.
// - Tally page: follows the server-sent events of the tally, without reloading.
// - Projection: ← and → follow the previous / next links.
// Never loaded on the participant's vote page: nothing there changes while one types.
(function () {
  "use strict";
  var tally = document.querySelector("[data-tally-stream]");
  if (tally && window.EventSource) {
    var states = { open: "Vote ouvert", closed: "Vote clos", pending: "Vote pas encore ouvert" };
    var keys = ["confirmed", "to_amend", "not_confirmed"];
    var live = tally.querySelector("[data-tally-live]");
    var source = new EventSource(tally.getAttribute("data-tally-stream"));
    source.addEventListener("tally", function (event) {
      var t;
      try { t = JSON.parse(event.data); } catch (e) { return; }
      // "Mis à jour en direct" only while votes can still change.
      if (live) live.hidden = t.state !== "open";
      var state = tally.querySelector("[data-tally-state]");
      var text = (states[t.state] || "") + (t.verdict ? " — verdict de la salle enregistré" : "");
      if (state && state.textContent !== text) state.textContent = text;
      var total = tally.querySelector("[data-tally-total]");
      if (total) total.textContent = String(t.total);
      var hidden = tally.querySelector("[data-tally-hidden]");
      if (hidden) hidden.hidden = !!t.shown;
      keys.forEach(function (k) {
        var n = t[k];
        var cell = tally.querySelector('[data-tally-count="' + k + '"]');
        if (cell) cell.textContent = n === null || n === undefined ? "—" : String(n);
        var share = tally.querySelector('[data-tally-share="' + k + '"]');
        if (share) share.textContent = (n === null || n === undefined || !t.total) ? "" : Math.round(n * 100 / t.total) + " %";
      });
    });
    source.addEventListener("error", function () { if (live) live.hidden = true; });
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var link = document.querySelector('a[data-key="' + event.key + '"]');
    if (link) { event.preventDefault(); window.location.href = link.href; }
  });
})();
