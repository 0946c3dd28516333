// Offline: registers the service worker and keeps every write of the
// scripts (session saves, timers, crying companion, quick entries) in an
// IndexedDB queue, with the ids the client made. The queue is replayed to
// the API oldest first: at once, on "online", on each page load and every
// 30 s. A 2xx (a replay answers 200) removes an entry; a 409 with the
// stored record means a newer edit from another device was kept; another
// 4xx keeps the entry, marked with the server's message, until the user
// fixes its times or discards it; a 5xx or no answer is tried again later,
// waiting longer each time. Entries belong to the user who made them.
(function () {
  "use strict";
  var box = document.getElementById("sync");
  var user = box ? box.getAttribute("data-user") : "";
  var T = {};
  try { T = JSON.parse(document.getElementById("sync-text").textContent); } catch (e) { /* logged out */ }
  var sw = navigator.serviceWorker;
  // The server's path prefix (--base-url), "" at the site root: the
  // worker lives there and looks after the pages under it only.
  var BASE = (document.querySelector('meta[name="nurture-base"]') || { content: "" }).content;

  if (sw) {
    sw.register(BASE + "/sw.js", { scope: BASE + "/" }).then(function (reg) {
      if (reg.waiting) { reg.waiting.postMessage({ skip: 1 }); }
      return sw.ready;
    }).then(function (reg) {
      if (user && navigator.onLine && reg.active) { reg.active.postMessage({ warm: 1 }); }
    }).catch(function () { /* no worker: the pages still work online */ });
  }

  var dbp = null;
  function db() {
    if (!dbp) {
      var p = new Promise(function (ok, no) {
        var late = false;
        var r = window.indexedDB.open("nurture", 1);
        r.onupgradeneeded = function () { r.result.createObjectStore("q", { keyPath: "k", autoIncrement: true }); };
        r.onsuccess = function () { if (late) { r.result.close(); } else { ok(r.result); } };
        r.onerror = function () { no(r.error); };
        // Chromium can hold an open behind a page left while it was
        // creating the database (kept frozen for the back button): a
        // save does not wait on it, it goes straight to the server, and
        // the next call tries the queue again.
        setTimeout(function () { late = true; no(new Error("IndexedDB does not answer")); }, 4000);
      });
      dbp = p;
      p.catch(function () { if (dbp === p) { dbp = null; } });
    }
    return dbp;
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, no) {
        var t = d.transaction("q", mode), out;
        var r = fn(t.objectStore("q"));
        r.onsuccess = function () { out = r.result; };
        t.oncomplete = function () { ok(out); };
        t.onerror = t.onabort = function () { no(t.error); };
      });
    });
  }
  // list is this user's entries, oldest first.
  function list() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (l) {
      return l.filter(function (x) { return x.u === user; });
    });
  }
  function put(r) { return tx("readwrite", function (s) { return s.put(r); }); }
  function drop(k) { return (k ? tx("readwrite", function (s) { return s.delete(k); }) : Promise.resolve()).then(render); }

  var sending = null; // key of the entry on its way
  var results = {};
  var shown = false;
  var note = "";
  var drawn = "";

  // add queues r ({id, m, url, body, what}). A later write of the same
  // record not yet sent is folded into it: a timer started and stopped
  // offline is one POST with both times.
  function add(r) {
    return list().then(function (l) {
      var same = l.filter(function (x) { return x.id === r.id && x.k !== sending; })[0];
      if (same) {
        for (var f in r.body) { if (r.body.hasOwnProperty(f)) { same.body[f] = r.body[f]; } }
        if (same.m !== "POST") { same.m = r.m; same.url = r.url; }
        r = same;
      }
      r.u = user;
      r.st = "wait";
      r.err = "";
      r.tries = 0;
      r.next = 0;
      return put(r);
    });
  }

  function message(j) {
    var parts = [j.error || ""];
    if (j.fields) { Object.keys(j.fields).forEach(function (k) { parts.push(j.fields[k]); }); }
    return parts.join(" ").trim();
  }

  // stored reports whether the server's answer holds what was sent: every
  // field sent that the answer also has, times compared as instants. An
  // entry whose content was not stored is never dropped.
  function stored(sent, got) {
    if (!got || typeof got !== "object") { return false; }
    return Object.keys(sent).every(function (f) {
      if (f === "id" || f === "updated_at" || !(f in got)) { return true; }
      var a = sent[f], b = got[f];
      if (typeof a === "string" && /^\d{4}-\d\d-\d\dT/.test(a) && typeof b === "string") {
        return Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000); // the server keeps seconds
      }
      if (typeof a === "string" && typeof b === "string") { return a.trim() === b.trim(); }
      if (a === null || a === undefined) { return b === null || b === undefined || b === ""; }
      if (Array.isArray(a) && a.length && typeof a[0] === "object") { return true; } // session steps: compared by count below
      return JSON.stringify(a) === JSON.stringify(b);
    }) && (!Array.isArray(sent.steps) || (Array.isArray(got.steps) && got.steps.length === sent.steps.length));
  }

  // one sends r; it resolves to true to go on with the next entry.
  function one(r) {
    return fetch(r.url, {
      method: r.m, credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(r.body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (j) {
        var s = res.status;
        if (s === 401) { forget(); } // the session is gone: no signed-in page stays cached
        if (s >= 500 || s === 401 || s === 408 || s === 429) { throw new Error("later"); }
        results[r.k] = { k: r.k, status: s, json: j };
        if ((res.ok && (r.m !== "POST" || stored(r.body, j))) || (s === 409 && j.current)) {
          if (s === 409) { note = T.newer; }
          return tx("readwrite", function (st) { return st.delete(r.k); });
        }
        if (res.ok) { j = { error: T.differs }; }
        r.st = "bad";
        r.err = message(j);
        return put(r);
      });
    }).then(function () { return true; }, function () {
      r.tries++;
      r.next = Date.now() + Math.min(300000, 2000 * Math.pow(2, r.tries));
      return put(r).then(function () { return false; });
    });
  }

  function loop(force) {
    return list().then(function (l) {
      var r = l.filter(function (x) { return x.st === "wait"; })[0];
      if (!r || (!force && r.next > Date.now())) { return; }
      sending = r.k;
      return one(r).then(function (more) {
        sending = null;
        render();
        if (more) { return loop(force); }
      });
    });
  }

  // flush sends what waits; two calls at once share one run, and tabs
  // take turns.
  var running = null;
  function flush(force) {
    if (!user) { return Promise.resolve(); }
    if (!running) {
      var go = function () { return loop(force); };
      running = (navigator.locks ? navigator.locks.request("nurture-sync", go) : go())
        .catch(function () { /* tried again later */ })
        .then(function () { running = null; render(); });
    }
    return running;
  }

  // send queues r and tries to send it at once. It resolves to the answer
  // {k, status, json}, or to {k, queued: true} when it has to wait.
  function send(r) {
    return add(r).then(function (k) {
      return flush(true).then(function () { return flush(true); }).then(function () {
        return results[k] || { k: k, queued: true };
      });
    }, function () {
      // No IndexedDB (private mode of an old browser), or it does not
      // answer: straight to the API. No answer at all is an answer too
      // (status 0), never a rejection, so every caller says the write
      // was not saved and lets the parent try again.
      return fetch(r.url, { method: r.m, credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(r.body) })
        .then(function (res) { return res.json().catch(function () { return {}; }).then(function (j) { return { status: res.status, json: j }; }); },
          function () { return { status: 0, json: {} }; });
    });
  }

  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    Object.keys(attrs || {}).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    return e;
  }
  function local(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }

  // render draws the badge: how many entries wait, or "all saved", and
  // each refused entry with its message, its times and what to do.
  function render() {
    if (!box) { return Promise.resolve(); }
    return list().then(function (l) {
      var wait = l.filter(function (x) { return x.st === "wait"; }).length;
      var bad = l.filter(function (x) { return x.st === "bad"; });
      var status = document.getElementById("sync-status");
      var text = "";
      if (wait) {
        var form = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang).select(wait) : (wait === 1 ? "one" : "other");
        text = (form === "one" ? T.one : T.other).replace("{n}", wait);
        shown = true;
      } else if (shown && !bad.length) {
        text = T.saved;
        if (note === T.here) { note = ""; } // it was sent
      }
      text = [note, text].filter(Boolean).join(" ");
      if (status.textContent !== text) { status.textContent = text; }
      var panel = document.getElementById("sync-bad");
      var sig = bad.map(function (r) { return r.k + r.err; }).join();
      if (sig === drawn) { return; } // keep what the user is typing
      drawn = sig;
      panel.hidden = !bad.length;
      panel.className = bad.length ? "flash error" : "";
      panel.textContent = "";
      bad.forEach(function (r) {
        var sec = el("div", "", { "data-k": r.k });
        sec.appendChild(el("p", "", {})).appendChild(el("strong", (r.what ? r.what + ": " : "") + T.bad));
        sec.appendChild(el("p", r.err, {}));
        ["started_at", "ended_at"].forEach(function (f, i) {
          if (!r.body[f]) { return; }
          var id = "sync-" + r.k + "-" + i;
          sec.appendChild(el("label", i ? T.end : T.start, { "for": id }));
          var inp = el("input", "", { id: id, type: "datetime-local", "data-f": f });
          inp.value = local(r.body[f]);
          sec.appendChild(inp);
        });
        var p = sec.appendChild(el("p", "", { "class": "actions" }));
        p.appendChild(el("button", T.retry, { type: "button", "data-retry": r.k }));
        p.appendChild(el("button", T.discard, { type: "button", "class": "quiet", "data-discard": r.k }));
        panel.appendChild(sec);
      });
    }).catch(function () { /* no IndexedDB: nothing queued */ });
  }

  if (box) {
    box.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-retry], button[data-discard]");
      if (!b) { return; }
      var k = +(b.getAttribute("data-retry") || b.getAttribute("data-discard"));
      if (b.hasAttribute("data-discard")) {
        if (window.confirm(T.sure)) { drop(k); }
        return;
      }
      list().then(function (l) {
        var r = l.filter(function (x) { return x.k === k; })[0];
        if (!r) { return; }
        Array.prototype.forEach.call(box.querySelectorAll('[data-k="' + k + '"] input'), function (inp) {
          var d = new Date(inp.value);
          if (!isNaN(d)) { r.body[inp.getAttribute("data-f")] = d.toISOString(); }
        });
        r.body.updated_at = new Date().toISOString();
        r.st = "wait";
        r.next = 0;
        return put(r).then(function () { return flush(true); });
      });
    });
  }

  // Logging out drops the cached pages (not the queue: its entries wait
  // for their user to come back).
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (f.getAttribute("action") !== BASE + "/logout" || f.hasAttribute("data-cleared") || !window.caches) { return; }
    ev.preventDefault();
    f.setAttribute("data-cleared", "1");
    var gone = false;
    var go = function () { if (!gone) { gone = true; f.submit(); } };
    try { localStorage.removeItem("nurture-notes"); } catch (e) { /* private mode */ }
    setTimeout(go, 1500);
    caches.keys().then(function (ks) {
      return Promise.all(ks.filter(function (k) { return k.indexOf("nurture-pages") === 0; }).map(function (k) { return caches.delete(k); }));
    }).then(go, go);
  });

  function forget() {
    if (!window.caches) { return Promise.resolve(); }
    return caches.keys().then(function (ks) {
      return Promise.all(ks.filter(function (k) { return k.indexOf("nurture-pages") === 0; }).map(function (k) { return caches.delete(k); }));
    });
  }

  function uuid() {
    if (window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  window.NurtureQ = {
    text: T, tz: box ? box.getAttribute("data-tz") : "", uuid: uuid,
    send: send, flush: flush, list: list, drop: drop, put: put, render: render, stored: stored,
    say: function (msg) { note = msg; return render(); }
  };
  if (user) {
    window.addEventListener("online", function () { flush(true); });
    setInterval(flush, 30000);
    render().then(function () { flush(); });
  }
})();
