// The summary's print button, shown only where the browser can print.
(function () {
  "use strict";
  var b = document.getElementById("print");
  if (!b || typeof window.print !== "function") { return; }
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
})();
