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

  var Q = window.NurtureQ;
  // The server's path prefix (--base-url), "" at the site root; local is
  // a path of this site without it.
  var BASE = (document.querySelector('meta[name="nurture-base"]') || { content: "" }).content;
  function local(u) { return u.indexOf(BASE + "/") === 0 ? u.slice(BASE.length) : u; }
  var api = function (baby, type) { return BASE + "/api/v1/babies/" + baby + "/" + type; };

  // Notes of the running timers, so that stopping one offline keeps them.
  function notes() {
    try { return JSON.parse(localStorage.getItem("nurture-notes")) || {}; } catch (e) { return {}; }
  }

  // With offline.js, timers and quick entries go to the API through its
  // queue, so they are kept without a connection. Sent at once, the page
  // reloads as the form would have; refused at once, the form is sent as
  // is and the server's page says what is wrong.
  function queue(f, rec, after) {
    Q.send(rec).then(function (res) {
      f.removeAttribute("data-sent");
      if (res.queued) { after(); return; }
      if (res.status < 300 || res.status === 409) { location.assign(rec.done || location.pathname + location.search); return; }
      Q.drop(res.k).then(function () { f.submit(); });
    });
  }

  // A double tap must not start two timers.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (!f.matches || !f.matches("[data-timers-slot] form, [data-timers] form")) { return; }
    if (f.getAttribute("data-sent")) { ev.preventDefault(); return; }
    f.setAttribute("data-sent", "1");
    var m = local(f.getAttribute("action") || "").match(/^\/babies\/([^/]+)\/timers\/(?:start|(touch|sleep)\/([^/]+)\/stop)$/);
    if (!Q || !m) { return; }
    ev.preventDefault();
    var btn = f.querySelector("button");
    var kind = btn.getAttribute("data-kind");
    var type = m[2] || (kind === "sleep" ? "sleep" : "touch");
    var now = new Date().toISOString();
    var id = m[3] || Q.uuid();
    var body = { id: id, updated_at: now };
    if (type === "touch") { body.kind = kind; }
    var rec = { id: id, m: "POST", url: api(m[1], type), body: body, what: bare(btn.querySelector(".timer-label").textContent) };
    if (m[3]) {
      var since = btn.querySelector("[data-elapsed]");
      body.started_at = since && since.getAttribute("data-elapsed");
      body.ended_at = now;
      if (notes()[id]) { body.notes = notes()[id]; }
      rec.m = "PUT";
      rec.url += "/" + id;
    } else {
      body.started_at = now;
    }
    queue(f, rec, merge);
  });

  // bare is a kind's name from the label of its button.
  function bare(label) {
    label = label.trim();
    ["tstart", "tstop"].forEach(function (k) {
      var parts = (Q.text[k] || "").split("{what}");
      if (parts.length === 2 && label.indexOf(parts[0]) === 0 && label.slice(label.length - parts[1].length) === parts[1]) {
        label = label.slice(parts[0].length, label.length - parts[1].length);
      }
    });
    return label;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    if (text) { e.textContent = text; }
    return e;
  }

  // merge shows the queued timers: one started offline runs, one stopped
  // offline is stopped, whatever the page (perhaps from the cache) says.
  function merge() {
    if (!Q) { return; }
    Q.list().then(function (l) {
      l.forEach(function (r) {
        var m = local(r.url).match(/^\/api\/v1\/babies\/([^/]+)\/(touch|sleep)(\/|$)/);
        if (!m || !r.body.started_at || r.st === "bad") { return; }
        var kind = m[2] === "sleep" ? "sleep" : r.body.kind;
        var cur = document.querySelector('[data-timers] button[data-kind="' + kind + '"]');
        if (!cur) { return; }
        var f = cur.closest("form");
        var back = f.querySelector("input[name=back]");
        var mine = f.getAttribute("action").indexOf("/" + r.id + "/stop") > 0;
        var nf = el("form", { method: "post" });
        if (back) { nf.appendChild(el("input", { type: "hidden", name: "back", value: back.value })); }
        var b = el("button", { type: "submit", "class": "timer", "data-kind": kind });
        var label = bare(cur.querySelector(".timer-label").textContent);
        if (!r.body.ended_at && !mine) {
          nf.setAttribute("action", BASE + "/babies/" + m[1] + "/timers/" + m[2] + "/" + r.id + "/stop");
          b.className = "timer running";
          b.appendChild(el("span", { "class": "timer-label" }, Q.text.tstop.replace("{what}", label)));
          b.appendChild(el("span", { "class": "timer-meta" })).appendChild(el("span", { "data-elapsed": r.body.started_at }, "0 min"));
        } else if (r.body.ended_at && mine) {
          nf.setAttribute("action", BASE + "/babies/" + m[1] + "/timers/start");
          nf.appendChild(el("input", { type: "hidden", name: "kind", value: kind }));
          b.appendChild(el("span", { "class": "timer-label" }, Q.text.tstart.replace("{what}", label)));
        } else {
          return;
        }
        nf.appendChild(b);
        f.parentNode.replaceChild(nf, f);
      });
      tick();
    });
  }

  // The quick entry of the log page, in the family's time zone.
  function offset(t, tz) {
    var p = {};
    new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" })
      .formatToParts(new Date(t)).forEach(function (x) { p[x.type] = +x.value; });
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
  }
  function zoned(v, tz) {
    var t = Date.parse(v.trim() + "Z");
    if (isNaN(t)) { return null; }
    try { return new Date(t - offset(t - offset(t, tz), tz)).toISOString(); } catch (e) { return new Date(v).toISOString(); }
  }
  var quick = document.querySelector('form[action$="/entries"]');
  if (quick && Q) {
    quick.addEventListener("submit", function (ev) {
      var fd = new FormData(quick);
      var what = fd.get("what");
      var baby = local(quick.getAttribute("action")).split("/")[2];
      var type = what === "sleep" || what === "crying" ? what : "touch";
      var body = { id: Q.uuid(), notes: fd.get("notes") || "", updated_at: new Date().toISOString() };
      var start = (fd.get("start") || "").trim(), end = (fd.get("end") || "").trim();
      if (start) {
        body.started_at = zoned(start, Q.tz);
        if (end) { body.ended_at = zoned(end, Q.tz); }
        if (!body.started_at || body.ended_at === null) { return; } // the server explains
      } else {
        var ago = parseInt(fd.get("ago"), 10), min = parseInt(fd.get("minutes"), 10);
        var t = Math.floor((Date.now() - ago * 60000) / 60000) * 60000;
        if (isNaN(ago)) { return; }
        body.started_at = new Date(t).toISOString();
        if (!isNaN(min)) { body.ended_at = new Date(t + min * 60000).toISOString(); }
      }
      if (type === "touch") { body.kind = what; }
      ev.preventDefault();
      var sel = quick.querySelector("#what");
      queue(quick, { id: body.id, m: "POST", url: api(baby, type), body: body, what: sel.options[sel.selectedIndex].text,
        done: BASE + "/babies/" + baby + "/log?msg=saved" }, function () { quick.reset(); Q.say(Q.text.here); merge(); });
    });
  }

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
        merge();
      })
      .catch(function () { /* offline: keep what is shown */ });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-timers-src]"), function (box) {
    refresh(box);
    setInterval(function () { refresh(box); }, REFRESH_MS);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(box); } });
  });
  // Remember the running timers' notes while online.
  var box = document.querySelector("[data-timers-src]");
  if (box && Q && navigator.onLine) {
    fetch(BASE + "/api/v1" + local(box.getAttribute("data-timers-src")).replace(/\?.*$/, ""), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (j) {
        var n = {};
        (j.items || []).forEach(function (e) { if (e.notes) { n[e.id] = e.notes; } });
        try { localStorage.setItem("nurture-notes", JSON.stringify(n)); } catch (e) { /* private mode */ }
      }).catch(function () { /* offline */ });
  }
  merge();
  tick();
  setInterval(tick, 15000);
})();
