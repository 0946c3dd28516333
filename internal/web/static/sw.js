// The service worker, served as /sw.js after its configuration line
// (self.NURTURE: the version, the precache list and the server's path
// prefix; see pages_offline.go).
// Hashed assets: cache first. Pages: network first, the cached copy when
// there is no connection, else the offline page. The API is never cached,
// but for the family's recordings a player fetches by content hash (?v=):
// kept with the pages, so a session offline still speaks in their voice.
// Update rule: a new version takes over at once unless a tab shows a
// session player or the crying companion; a later page load asks again.
"use strict";
var C = self.NURTURE, ASSETS = "nurture-assets-" + C.v, PAGES = "nurture-pages-" + C.v;
// BASE is the server's path prefix (--base-url), "" at the site root;
// local(p) is the path p of this site without it, or null outside it.
var BASE = C.base || "";
function local(p) { return p.indexOf(BASE + "/") === 0 ? p.slice(BASE.length) : null; }
var KEEP = /^\/($|offline$|crying$|library(\/.*)?$|babies\/[0-9a-f-]+(\/(log|crying|day|session|sessions|ready))?$)/;
var lastWarm = 0;

function busy() {
  return self.clients.matchAll({ type: "window" }).then(function (cs) {
    return cs.some(function (c) { return /^\/babies\/[^/]+\/(session|crying)$/.test(local(new URL(c.url).pathname) || ""); });
  });
}
function take() { return busy().then(function (b) { if (!b) { return self.skipWaiting(); } }); }

// Each page on its own, so one failing page does not fail the install.
// A kept player keeps the family's recordings it says too.
function keepPage(url) {
  return fetch(url, { credentials: "same-origin" }).then(function (res) {
    if (res.ok && !res.redirected) {
      var copy = res.clone();
      return caches.open(PAGES).then(function (c) { return c.put(url, res); }).then(function () {
        return /\/session\?/.test(url) ? keepVoice(copy) : null;
      });
    }
  }).catch(function () { /* offline: the next visit caches it */ });
}

function keepVoice(res) {
  return res.text().then(function (html) {
    var re = /\/api\/v1\/voice\/[a-z0-9_:]+\?v=[0-9a-f]+/g, m, got = [];
    html = html.replace(/\\\//g, "/");
    while ((m = re.exec(html))) { got.push(recording(new Request(BASE + m[0], { credentials: "same-origin" }))); }
    return Promise.all(got);
  });
}

self.addEventListener("install", function (ev) {
  var assets = C.pre.filter(function (u) { return u.indexOf(BASE + "/static/") === 0; });
  var pages = C.pre.filter(function (u) { return u.indexOf(BASE + "/static/") !== 0; });
  ev.waitUntil(caches.open(ASSETS).then(function (c) { return c.addAll(assets); })
    .then(function () { return Promise.all(pages.map(keepPage)); }).then(take));
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(caches.keys().then(function (ks) {
    return Promise.all(ks.filter(function (k) { return k.indexOf("nurture-") === 0 && k !== ASSETS && k !== PAGES; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// Pages ask: "skip" (a new version may take over now), "warm" (cache the
// pages listed with data-warm on /offline: a baby's pages and players).
self.addEventListener("message", function (ev) {
  var d = ev.data || {};
  if (d.skip) { ev.waitUntil(take()); }
  if (d.warm && Date.now() - lastWarm > 60000) {
    lastWarm = Date.now();
    ev.waitUntil(fetch(BASE + "/offline", { credentials: "same-origin" }).then(function (res) {
      if (!res.ok || res.redirected) { return; }
      return res.clone().text().then(function (html) {
        var urls = [], re = /href="([^"]+)"[^>]*data-warm/g, m;
        while ((m = re.exec(html))) { urls.push(m[1].replace(/&amp;/g, "&")); }
        return caches.open(PAGES).then(function (c) { return c.put(BASE + "/offline", res); })
          .then(function () { return Promise.all(urls.map(keepPage)); });
      });
    }).catch(function () { lastWarm = 0; }));
  }
});

// A session player is kept only in the form that asks the readiness
// question itself (ask=1): a player planned from an earlier answer must
// not be replayed from the cache once that answer is old.
function keepable(url) {
  var p = local(url.pathname);
  return p !== null && KEEP.test(p) && (!/\/session$/.test(p) || url.searchParams.get("ask") === "1");
}

// forget drops every kept page: the server said this session is gone
// (revoked on another device, or expired), so nothing signed in may be
// shown from the cache any more.
function forget() {
  return caches.keys().then(function (ks) {
    return Promise.all(ks.filter(function (k) { return k.indexOf("nurture-pages") === 0; }).map(function (k) { return caches.delete(k); }));
  });
}

function page(req, url) {
  var key = url.origin + url.pathname + url.search;
  return fetch(req).then(function (res) {
    // A navigation to the login page (where the server sends a request
    // whose session is gone) drops them too. Navigations see redirects
    // as opaque, so it is the login page's own load that tells.
    if (local(url.pathname) === "/login") { forget(); }
    if (res.ok && !res.redirected && keepable(url)) {
      var copy = res.clone();
      caches.open(PAGES).then(function (c) { return c.put(key, copy); });
    }
    return res;
  }).catch(function () {
    return caches.open(PAGES).then(function (c) {
      // A player falls back to the routine's kept player, which asks the
      // readiness question itself.
      var rt = url.searchParams.get("routine");
      return c.match(key).then(function (m) { return m || (rt && c.match(url.origin + url.pathname + "?routine=" + encodeURIComponent(rt) + "&ask=1")); })
        .then(function (m) { return m || c.match(BASE + "/offline"); });
    }).then(function (m) { return m || Response.error(); });
  });
}

// A recording never changes under its hash: the kept copy first.
function recording(req) {
  return caches.open(PAGES).then(function (c) {
    return c.match(req.url).then(function (m) {
      return m || fetch(req).then(function (res) {
        // Kept only as the recording its address names.
        var v = new URL(req.url).searchParams.get("v") || "";
        if (res.status === 200 && (res.headers.get("ETag") || "").indexOf('"' + v) === 0) { c.put(req.url, res.clone()); }
        return res;
      });
    });
  });
}

self.addEventListener("fetch", function (ev) {
  var req = ev.request, url = new URL(req.url), p = local(url.pathname);
  if (req.method !== "GET" || url.origin !== self.location.origin || p === null) { return; }
  if (p.indexOf("/static/") === 0) {
    ev.respondWith(caches.match(req).then(function (m) { return m || fetch(req); }));
  } else if (req.mode === "navigate" && p.indexOf("/api/") !== 0) {
    ev.respondWith(page(req, url));
  } else if (/^\/api\/v1\/voice\/[^/]+$/.test(p) && url.searchParams.get("v") && !req.headers.has("range")) {
    ev.respondWith(recording(req));
  }
});
