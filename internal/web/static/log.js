// Timers: ticks the elapsed minutes and, on the baby's page, loads the
// live timers block and refreshes it so every caregiver sees the same
// running timers. The page works without this file.
(function () {
  "use strict";
  var REFRESH_MS = 20000;

  function fmt(ms) {
    var m = Math.max(0, Math.round(ms / 60000));
    if (m < 60) { return m + " min"; }
    var mm = m % 60;
    return Math.floor(m / 60) + " h " + (mm < 10 ? "0" : "") + mm + " min";
  }

  function tick() {
    var now = Date.now();
    Array.prototype.forEach.call(document.querySelectorAll("[data-elapsed]"), function (el) {
      var t = Date.parse(el.getAttribute("data-elapsed"));
      if (!isNaN(t)) { el.textContent = fmt(now - t); }
    });
  }

  // A double tap must not start two timers.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (!f.matches || !f.matches("[data-timers-slot] form, [data-timers] form")) { return; }
    if (f.getAttribute("data-sent")) { ev.preventDefault(); return; }
    f.setAttribute("data-sent", "1");
  });

  function refresh(box) {
    var slot = box.querySelector("[data-timers-slot]");
    if (!slot || document.hidden) { return; }
    // Never pull a button away from under a finger or the keyboard focus.
    if (slot.contains(document.activeElement) && document.activeElement !== document.body) { return; }
    fetch(box.getAttribute("data-timers-src"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        if (slot.contains(document.activeElement) && document.activeElement !== document.body) { return; }
        slot.innerHTML = html;
        tick();
      })
      .catch(function () { /* offline: keep what is shown */ });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-timers-src]"), function (box) {
    refresh(box);
    setInterval(function () { refresh(box); }, REFRESH_MS);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(box); } });
  });
  tick();
  setInterval(tick, 15000);
})();
