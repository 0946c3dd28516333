// Night mode: very dim, warm colours and large buttons. The choice (off,
// on, or automatic from 20:00 to 07:00) lives in this device's storage and
// is applied here, in <head>, before the page is drawn, so nothing flashes.
(function () {
  "use strict";
  var KEY = "nurture-night";
  var root = document.documentElement;
  function mode() {
    try { return localStorage.getItem(KEY) || "off"; } catch (e) { return "off"; }
  }
  function isNight(m) {
    if (m === "on") { return true; }
    if (m === "auto") {
      var h = new Date().getHours();
      return h >= 20 || h < 7;
    }
    return false;
  }
  function apply() { root.classList.toggle("night", isNight(mode())); }
  apply();
  setInterval(apply, 60000);
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-night-toggle]");
    if (!box) { return; }
    var m = mode();
    Array.prototype.forEach.call(box.querySelectorAll("input[name=night-mode]"), function (r) {
      r.checked = r.value === m;
      r.addEventListener("change", function () {
        try { localStorage.setItem(KEY, r.value); } catch (e) { /* private mode: this page only */ }
        apply();
      });
    });
    box.hidden = false;
  });
})();
