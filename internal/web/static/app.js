// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Pre-fill the time zone the browser knows, if the field is empty.
  var tz = document.querySelector("[data-detect-timezone]");
  if (tz && !tz.value && window.Intl) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep empty: server uses UTC */ }
  }
})();

// Copy and share a link (the invitation): shown only where they work.
(function () {
  "use strict";
  var box = document.querySelector(".share-invite");
  if (!box) { return; }
  var copy = box.querySelector("[data-copy]"), share = box.querySelector("[data-share]");
  var text = function (b) { return document.getElementById(b.getAttribute("data-copy") || b.getAttribute("data-share")).textContent; };
  if (navigator.clipboard && window.isSecureContext !== false) {
    box.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(text(copy)).then(function () { copy.textContent = copy.getAttribute("data-done"); });
    });
  } else { copy.hidden = true; }
  if (navigator.share) {
    box.hidden = false;
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: share.getAttribute("data-title"), url: text(share) }).catch(function () { /* closed */ });
    });
  }
})();
