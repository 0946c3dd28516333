// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Pre-fill the time zone the browser knows, if the field is empty.
  var tz = document.querySelector("[data-detect-timezone]");
  if (tz && !tz.value && window.Intl) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep empty: server uses UTC */ }
  }
})();
