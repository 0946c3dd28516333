// The record page: one button per prompt records it with the microphone
// (MediaRecorder) and sends it to the API; where the browser cannot
// record, a file from the phone's own recorder does. After a recording is
// stored the page comes back at that prompt, drawn by the server.
(function () {
  "use strict";
  var box = document.getElementById("recorder");
  if (!box) { return; }
  function t(name) { return box.getAttribute("data-t-" + name) || ""; }
  var maxMs = (parseInt(box.getAttribute("data-max"), 10) || 30) * 1000;
  var canRecord = !!(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  var busy = null; // the line recording or sending now
  var BASE = (document.querySelector('meta[name="nurture-base"]') || { content: "" }).content; // the server's path prefix, "" at the root

  // The first of these the browser records is used: Opus in WebM or Ogg,
  // AAC in MP4 (Safari).
  function recordType() {
    var types = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (!window.MediaRecorder.isTypeSupported || window.MediaRecorder.isTypeSupported(types[i])) { return types[i]; }
    }
    return "";
  }

  function status(line, msg) { line.querySelector(".rec-status").textContent = msg; }

  function showFilePick(line) {
    var f = line.querySelector(".file-pick");
    if (f) { f.hidden = false; }
  }

  function send(line, blob) {
    var key = line.getAttribute("data-key");
    status(line, t("saving"));
    var type = (blob.type || "").split(";")[0];
    return fetch(BASE + "/api/v1/voice/" + key, {
      method: "PUT", credentials: "same-origin", headers: { "Content-Type": type || "application/octet-stream" }, body: blob
    }).then(function (res) {
      if (res.ok) {
        // A new address each time, so the page is drawn again even when
        // only the fragment would differ.
        location.replace(BASE + "/family/voice?done=saved&k=" + encodeURIComponent(key) + "&n=" + Date.now() + "#" + line.id);
        return;
      }
      return res.json().then(function (b) { throw new Error(b && b.error ? b.error : t("failed")); },
        function () { throw new Error(t("failed")); });
    }).catch(function (e) {
      busy = null;
      status(line, (e && e.message) || t("failed"));
    });
  }

  // One line at a time records or sends; a tap on it while the microphone
  // starts or the recording is sent does nothing.
  function record(line, btn) {
    if (busy && busy !== line) { status(line, t("busy")); return; }
    if (busy === line) {
      if (btn.rec && btn.rec.state === "recording") { btn.rec.stop(); }
      return;
    }
    busy = line;
    var stream = null;
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
      stream = s;
      var type = recordType();
      var rec;
      try { rec = type ? new window.MediaRecorder(stream, { mimeType: type }) : new window.MediaRecorder(stream); } catch (e) { rec = new window.MediaRecorder(stream); }
      var chunks = [];
      var started = Date.now();
      var tick = null, cap = null;
      btn.rec = rec;
      rec.ondataavailable = function (ev) { if (ev.data && ev.data.size) { chunks.push(ev.data); } };
      rec.onstop = function () {
        clearInterval(tick);
        clearTimeout(cap);
        btn.rec = null;
        btn.textContent = t("record");
        btn.setAttribute("aria-pressed", "false");
        line.classList.remove("recording");
        stream.getTracks().forEach(function (tr) { tr.stop(); });
        send(line, new Blob(chunks, { type: rec.mimeType || type }));
      };
      rec.start();
      line.classList.add("recording");
      btn.textContent = t("stop");
      btn.setAttribute("aria-pressed", "true");
      var shown = function () {
        var s = Math.round((Date.now() - started) / 1000);
        status(line, t("recording").replace("{s}", String(s)));
      };
      shown();
      tick = setInterval(shown, 1000);
      cap = setTimeout(function () { if (rec.state === "recording") { rec.stop(); } }, maxMs);
    }).catch(function () {
      if (stream) { stream.getTracks().forEach(function (tr) { tr.stop(); }); }
      btn.rec = null;
      busy = null;
      status(line, t("denied"));
      showFilePick(line);
    });
  }

  Array.prototype.forEach.call(box.querySelectorAll(".voice-line"), function (line) {
    var btn = line.querySelector("[data-record]");
    var file = line.querySelector("[data-file]");
    if (!btn) { return; }
    if (canRecord) {
      btn.hidden = false;
      btn.addEventListener("click", function () { record(line, btn); });
    } else {
      showFilePick(line);
    }
    if (file) {
      file.addEventListener("change", function () {
        if (!file.files || !file.files[0]) { return; }
        if (busy) { status(line, t("busy")); return; }
        busy = line;
        send(line, file.files[0]);
      });
    }
  });
})();
