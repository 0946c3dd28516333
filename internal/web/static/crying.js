// The crying companion: times a crying spell only when the parent says
// the baby is crying now (reading the red flags or the guide starts
// nothing), lets a timer started by mistake be discarded in one tap, shows
// one calm step at a time, paces the parent's breathing and, if asked,
// speaks softly. Without this file every step is on the page and forms
// save.
(function () {
  "use strict";
  var box = document.getElementById("companion");
  if (!box) { return; }
  var api = box.getAttribute("data-api");
  var BASE = (document.querySelector('meta[name="nurture-base"]') || { content: "" }).content; // the server's path prefix, "" at the root
  var eid = document.getElementById("cry-eid");
  var since = document.getElementById("cry-since");
  var elapsed = document.getElementById("cry-elapsed");
  var startForm = document.getElementById("cry-start");
  var discard = document.getElementById("cry-discard");
  var opened = document.querySelector("input[name=opened_at]");
  var loadedAt = Date.now();
  var steps = Array.prototype.slice.call(box.querySelectorAll(".cry-step"));
  var speaking = false;
  var current = null;

  function fmt(ms) {
    var m = Math.max(0, Math.round(ms / 60000));
    if (m < 60) { return m + " min"; }
    var mm = m % 60;
    return Math.floor(m / 60) + " h " + (mm < 10 ? "0" : "") + mm + " min";
  }
  function tick() {
    var t = Date.parse(elapsed.getAttribute("data-elapsed"));
    if (!isNaN(t)) { elapsed.textContent = fmt(serverNow() - t); }
  }
  // The server's clock, from when it drew the page: a phone's clock may be off.
  function serverNow() {
    var base = opened ? Date.parse(opened.value) : NaN;
    return isNaN(base) ? Date.now() : base + (Date.now() - loadedAt);
  }
  function running(entry) {
    eid.value = entry.id;
    box.setAttribute("data-entry", entry.id);
    elapsed.setAttribute("data-elapsed", entry.started_at);
    since.hidden = false;
    if (startForm) { startForm.hidden = true; }
    if (discard) { discard.hidden = false; }
    tick();
  }

  // Start the timer at once; a timer already running (another caregiver
  // started it) is picked up instead. With offline.js the start goes
  // through its queue, so it runs without a connection too.
  var Q = window.NurtureQ;
  function start() {
    var now = new Date(serverNow()).toISOString();
    if (Q) {
      var b = { id: Q.uuid(), started_at: now, updated_at: now };
      running(b);
      Q.send({ id: b.id, m: "POST", url: api, body: b, what: document.title.split(" · ")[0] }).then(function (res) {
        if (res.status === 422) { Q.drop(res.k).then(pickUp); }
      });
      return;
    }
    fetch(api, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ started_at: now }) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, json: j }; }); })
      .then(function (res) {
        if (res.ok) { running(res.json); return; }
        if (res.status === 422) { return pickUp(); }
      })
      .catch(function () { /* offline: the Start button stays */ });
  }

  // Saving the episode stops the timer through the queue too; sent at once
  // it opens the summary as the form would, refused at once the form is
  // sent as is so the server's page says what is wrong.
  var form = document.getElementById("cry-form");
  if (Q && form) {
    form.addEventListener("submit", function (ev) {
      var id = eid.value, started = elapsed.getAttribute("data-elapsed");
      if (!id || !started) { return; }
      ev.preventDefault();
      var fd = new FormData(form), now = new Date(serverNow()).toISOString();
      var stress = parseInt(fd.get("parent_stress"), 10);
      var b = { id: id, started_at: started, ended_at: now, updated_at: now, held: fd.get("held") === "yes",
        needs_checked: fd.getAll("needs_checked"), soothed_by: fd.getAll("soothed_by"), parent_stress: isNaN(stress) ? null : stress, notes: fd.get("notes") || "" };
      var done = BASE + "/babies/" + box.getAttribute("data-baby") + "/crying/" + id + "/done";
      Q.send({ id: id, m: "PUT", url: api + "/" + id, body: b, what: document.title.split(" · ")[0] }).then(function (res) {
        if (res.queued) {
          Q.say(Q.text.here);
          document.getElementById("sync").scrollIntoView();
          return;
        }
        if (res.status < 300 || res.status === 409) { location.assign(done); return; }
        Q.drop(res.k).then(function () { form.submit(); });
      });
    });
  }
  function pickUp() {
    return fetch(api.replace(/\/crying$/, "/timers"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (j) {
        (j.items || []).forEach(function (e) { if (e.type === "crying") { running(e); } });
      });
  }
  if (box.hasAttribute("data-can-write")) {
    if (box.getAttribute("data-entry")) {
      if (startForm) { startForm.hidden = true; }
      since.hidden = false;
    } else if (Q) {
      // A crying timer started offline (this page may come from the cache)
      // is picked up.
      Q.list().then(function (l) {
        var q = l.filter(function (r) { return r.url === api && !r.body.ended_at && r.st === "wait"; })[0];
        if (q) { running(q.body); }
      });
    }
    // Timing starts only when the parent says the baby is crying now.
    if (startForm) {
      startForm.addEventListener("submit", function (ev) { ev.preventDefault(); start(); });
    }
  }
  // Started by mistake: one tap removes the timer, sent or still queued.
  if (discard) {
    if (box.getAttribute("data-entry")) { discard.hidden = false; }
    discard.addEventListener("click", function () {
      var id = eid.value;
      if (!id) { return; }
      var gone = function () {
        eid.value = "";
        box.removeAttribute("data-entry");
        elapsed.removeAttribute("data-elapsed");
        since.hidden = true;
        discard.hidden = true;
        if (startForm) { startForm.hidden = false; }
      };
      // Let a start still on its way arrive first; then an entry still in
      // the queue never reached the server and is dropped there, and one
      // that did is deleted on the server.
      var settled = Q ? Q.flush(true).then(function () { return Q.list(); }) : Promise.resolve([]);
      settled.then(function (l) {
        var q = l.filter(function (r) { return r.id === id && r.url === api; })[0];
        if (q) { return Q.drop(q.k).then(gone); }
        return fetch(api + "/" + encodeURIComponent(id), { method: "DELETE", credentials: "same-origin" })
          .then(function (r) { if (r.ok || r.status === 404) { gone(); } });
      }).catch(function () { /* offline: try again */ });
    });
  }
  if (elapsed.getAttribute("data-elapsed")) { tick(); }
  setInterval(tick, 15000);

  // Speech, off unless asked for.
  var speakRow = document.getElementById("speak-row");
  var speakBtn = document.getElementById("speak-toggle");
  if ("speechSynthesis" in window && window.SpeechSynthesisUtterance) {
    speakRow.hidden = false;
    speakBtn.addEventListener("click", function () {
      speaking = !speaking;
      speakBtn.setAttribute("aria-pressed", speaking ? "true" : "false");
      if (speaking) { say(current); } else { window.speechSynthesis.cancel(); }
    });
  }
  function say(step) {
    if (!speaking || !step) { return; }
    window.speechSynthesis.cancel();
    Array.prototype.forEach.call(step.querySelectorAll("[data-say]"), function (el) {
      var u = new window.SpeechSynthesisUtterance(el.textContent.trim());
      u.lang = box.getAttribute("data-lang") || document.documentElement.lang;
      u.rate = 0.85;
      u.pitch = 0.95;
      u.volume = 0.7;
      window.speechSynthesis.speak(u);
    });
  }

  // Breathing: in for four seconds, out for six, matching the CSS circle.
  var cue = document.getElementById("pacer-cue");
  var pacerTimer = null;
  function pace(on) {
    clearTimeout(pacerTimer);
    var circle = box.querySelector(".pacer-dot");
    if (!on) { circle.classList.remove("go"); return; }
    circle.classList.remove("go");
    void circle.offsetWidth; // restart the animation with the words
    circle.classList.add("go");
    var inhale = true;
    (function next() {
      cue.textContent = cue.getAttribute(inhale ? "data-in" : "data-out");
      pacerTimer = setTimeout(next, inhale ? 4000 : 6000);
      inhale = !inhale;
    })();
  }

  function show(name, focus) {
    steps.forEach(function (s) { s.hidden = s.getAttribute("data-step") !== name; });
    current = box.querySelector('.cry-step[data-step="' + name + '"]');
    box.setAttribute("data-current", name);
    pace(name === "hold");
    if (focus) {
      var h = current.querySelector("h2");
      if (h) { h.focus(); }
    }
    say(current);
  }
  box.classList.add("js-steps");
  box.addEventListener("click", function (ev) {
    var a = ev.target.closest("[data-go]");
    if (!a) { return; }
    ev.preventDefault();
    show(a.getAttribute("data-go"), true);
  });
  // A form sent back with a problem opens on the last step.
  var first = box.querySelector(".field-error") || document.querySelector(".flash.error") ? "end" : "needs";
  show(first, false);
})();
