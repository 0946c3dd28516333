// The guided massage session: speaks each step, keeps time, listens to the
// parent's three answers (enjoying it, needs a break, baby says no) and saves
// the session through the JSON API. No framework, no inline code (CSP).
(function () {
  "use strict";
  var planEl = document.getElementById("plan");
  var root = document.getElementById("player");
  if (!planEl || !root) { return; }
  var plan;
  try { plan = JSON.parse(planEl.textContent); } catch (e) { return; }

  function $(id) { return document.getElementById(id); }
  var steps = plan.steps || [];
  var speed = plan.speed > 0 ? plan.speed : 1;
  var text = plan.text || {};
  var hasSpeech = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";
  // The family's own recordings speak even where the device cannot.
  var ownVoice = Object.keys(plan.voice || {}).length > 0;
  if (!hasSpeech && !ownVoice) { root.classList.add("nospeech"); }

  // Speech, the chime and a short vibration are additions to the words on
  // screen; each can be turned off, and the choice stays on this device.
  var sound = { speech: true, chime: true, vibrate: true };
  try {
    var kept = JSON.parse(localStorage.getItem("nurture-sound") || "{}");
    Object.keys(sound).forEach(function (k) { if (typeof kept[k] === "boolean") { sound[k] = kept[k]; } });
  } catch (e) { /* private mode: the defaults */ }
  Object.keys(sound).forEach(function (k) {
    var box = document.getElementById("sound-" + k);
    if (!box) { return; }
    box.checked = sound[k];
    box.addEventListener("change", function () {
      sound[k] = box.checked;
      try { localStorage.setItem("nurture-sound", JSON.stringify(sound)); } catch (e) { /* not kept */ }
      if (k === "speech" && !box.checked) { hush(); }
    });
  });
  if (!hasSpeech && !ownVoice) { var sp = document.getElementById("sound-speech-row"); if (sp) { sp.hidden = true; } }
  if (!("vibrate" in navigator)) { var vb = document.getElementById("sound-vibrate-row"); if (vb) { vb.hidden = true; } }

  // Per step: "" not reached, then neutral, engaged or disengaged.
  var answers = steps.map(function () { return ""; });
  var idx = -1;
  var timer = null;
  var endsAt = 0;
  var remaining = 0;
  var breaks = [];
  var startedAt = null;
  var endedAt = null;
  var outcome = "";
  var saved = false;
  var audio = null;
  var wake = null;
  var running = false;
  var paused = false;
  var first = 0; // the first spoken step: after the ritual, if any
  var undoTimer = null;
  var clockTimer = null;
  var sessionId = newId();

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    // randomUUID needs a secure context; a home server on plain http has
    // getRandomValues only.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function show(name, focusId) {
    ["ask", "start", "step", "break", "summary"].forEach(function (n) { $("screen-" + n).hidden = n !== name; });
    root.setAttribute("data-phase", name);
    var f = focusId && $(focusId);
    if (f) { f.focus(); }
  }

  // Speech: the family's language, a voice of that language when one is
  // installed, a little slower than usual.
  function voiceFor(lang) {
    var vs = window.speechSynthesis.getVoices ? window.speechSynthesis.getVoices() : [];
    var base = lang.split("-")[0];
    var exact = null, near = null;
    for (var i = 0; i < vs.length; i++) {
      if (vs[i].lang === lang) { exact = exact || vs[i]; }
      if (vs[i].lang && vs[i].lang.split(/[-_]/)[0] === base) { near = near || vs[i]; }
    }
    return exact || near;
  }

  // The family's recordings this session says (plan.voice: key → URL) are
  // fetched as the page opens, so they play even if the connection drops
  // later (the service worker keeps them for the next time), and decoded
  // once the first tap has allowed sound.
  var voice = plan.voice || {};
  var fetched = {};
  var decoded = {};
  Object.keys(voice).forEach(function (k) {
    fetched[k] = window.fetch ? window.fetch(voice[k], { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.arrayBuffer() : null;
    }).catch(function () { return null; }) : Promise.resolve(null);
  });

  function recording(key) {
    if (!key || !fetched[key]) { return Promise.resolve(null); }
    if (!decoded[key]) {
      decoded[key] = fetched[key].then(function (buf) {
        if (!buf || !audio) { return null; }
        return new Promise(function (done) {
          try {
            var p = audio.decodeAudioData(buf.slice(0), done, function () { done(null); });
            if (p && p.catch) { p.catch(function () { done(null); }); }
          } catch (e) { done(null); }
        });
      });
    }
    return decoded[key];
  }

  // talk counts what has been said: hush moves it on, so a piece still
  // waiting for its recording knows it is no longer wanted.
  var talk = 0;
  var playing = null;
  var utterance = null; // held, or some browsers drop it before "end"

  function synth(words, lang, slow, then) {
    if (!hasSpeech || !words || !sound.speech) { then(); return; }
    try {
      var u = new window.SpeechSynthesisUtterance(words);
      u.lang = lang || plan.lang;
      u.rate = slow ? 0.75 : 0.9; // a stroke met for the first time, slower
      var v = voiceFor(u.lang);
      if (v) { u.voice = v; }
      var went = false, late = null;
      var go = function () { if (!went) { went = true; clearTimeout(late); then(); } };
      // "end" does not always come: go on after the time the words take,
      // counted from when they start (queued speech may wait its turn).
      var wait = function () { clearTimeout(late); late = setTimeout(go, 2000 + words.length * 110 / u.rate); };
      u.onstart = wait;
      u.onend = go;
      u.onerror = go;
      utterance = u;
      window.speechSynthesis.speak(u);
      wait();
    } catch (e) { then(); /* the text is on screen */ }
  }

  // sayAll says pieces ({key, text, lang, slow}) one after another: the
  // family's recording of a piece when there is one, the device's voice
  // otherwise, the words on screen always.
  function sayAll(pieces) {
    var my = talk;
    var i = 0;
    function more() {
      if (my !== talk || i >= pieces.length) { return; }
      var p = pieces[i++];
      recording(p.key).then(function (buf) {
        if (my !== talk) { return; }
        if (buf && sound.speech && audio) {
          try {
            var src = audio.createBufferSource();
            src.buffer = buf;
            src.playbackRate.value = p.slow ? 0.9 : 1;
            src.connect(audio.destination);
            src.onended = function () {
              if (playing === src) { playing = null; }
              if (p.also && my === talk) { synth(p.also, p.lang, p.slow, more); } else { more(); }
            };
            playing = src;
            root.setAttribute("data-heard", p.key);
            src.start();
            return;
          } catch (e) { /* speak it instead */ }
        }
        synth(p.text, p.lang, p.slow, more);
      });
    }
    more();
  }

  function hush() {
    talk++;
    if (playing) { try { playing.stop(); } catch (e) { /* already over */ } playing = null; }
    if (hasSpeech) { try { window.speechSynthesis.cancel(); } catch (e) { /* nothing to stop */ } }
  }

  // A soft, short sine tone between steps.
  function chime() {
    if (sound.vibrate && navigator.vibrate) { try { navigator.vibrate(60); } catch (e) { /* no motor */ } }
    if (!audio || !sound.chime) { return; }
    try {
      var t = audio.currentTime;
      var o = audio.createOscillator();
      var g = audio.createGain();
      o.type = "sine";
      o.frequency.value = 660;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.06, t + 0.05);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.9);
      o.connect(g);
      g.connect(audio.destination);
      o.start(t);
      o.stop(t + 1);
    } catch (e) { /* silence is fine */ }
  }

  // Sound is unlocked by the parent's tap: the audio context for the chime
  // and the recordings, and speech (iOS speaks later utterances only if a
  // first one began in a tap); recordings play even with the ring switch
  // off where the browser lets a page say so.
  function startAudio() {
    try { if (navigator.audioSession) { navigator.audioSession.type = "playback"; } } catch (e) { /* not offered */ }
    if (hasSpeech && sound.speech) { try { window.speechSynthesis.speak(new window.SpeechSynthesisUtterance("")); } catch (e) { /* silent */ } }
    var A = window.AudioContext || window.webkitAudioContext;
    if (audio) { if (audio.resume) { audio.resume().catch(function () { /* stays suspended */ }); } return; }
    if (!A) { return; }
    try { audio = new A(); } catch (e) { audio = null; }
  }

  function lock() {
    if (!("wakeLock" in navigator) || wake) { return; }
    navigator.wakeLock.request("screen").then(function (w) {
      wake = w;
      w.addEventListener("release", function () { wake = null; });
    }).catch(function () { wake = null; });
  }

  function unlock() {
    if (wake) { wake.release().catch(function () { /* already gone */ }); wake = null; }
  }

  // The browser drops the lock when the page is hidden; take it again.
  document.addEventListener("visibilitychange", function () {
    if (running && document.visibilityState === "visible") { lock(); }
  });

  function stepMs(s) { return Math.max(50, s.seconds * 1000 / speed); }

  function arm(ms) {
    clearTimeout(timer);
    endsAt = Date.now() + ms;
    timer = setTimeout(next, ms);
  }

  // mmss writes a duration as 4:05.
  function mmss(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  // clock says how long this step and the whole session have left, at
  // the session's speed; redrawn every few seconds, not every tick, so
  // the screen stays still.
  function clock() {
    if (idx < 0 || idx >= steps.length) { return; }
    var stepLeft = timer ? Math.max(0, endsAt - Date.now()) : (paused && remaining > 0 ? remaining : stepMs(steps[idx]));
    var total = stepLeft;
    for (var i = idx + 1; i < steps.length; i++) { total += stepMs(steps[i]); }
    $("step-time").textContent = (text.time_left || "{step} · {total}").replace("{step}", mmss(stepLeft)).replace("{total}", mmss(total));
  }

  function goStep(i) {
    if (i >= steps.length) { finish("completed"); return; }
    idx = i;
    if (!answers[i] || answers[i] === "skipped") { answers[i] = "neutral"; }
    paused = false;
    $("btn-pause").setAttribute("aria-pressed", "false");
    $("btn-pause").textContent = text.pause || "Pause";
    var s = steps[i];
    $("step-count").textContent = (text.step_of || "{n} / {total}").replace("{n}", String(i - first + 1)).replace("{total}", String(steps.length - first));
    $("step-part").textContent = s.part;
    $("step-stroke").textContent = s.stroke;
    $("step-new").hidden = !s.new;
    // A stroke met for the first time shows its drawing.
    Array.prototype.forEach.call(document.querySelectorAll(".new-diagram"), function (f) {
      f.hidden = !s.new || f.getAttribute("data-stroke") !== s.stroke_id;
    });
    $("step-say").textContent = s.speak;
    $("btn-back").disabled = i <= first;
    var enjoy = $("btn-enjoy");
    enjoy.setAttribute("aria-pressed", answers[i] === "engaged" ? "true" : "false");
    $("btn-relaxed").hidden = !s.wait_tap;
    chime();
    speakStep(s);
    if (s.wait_tap) {
      clearTimeout(timer);
      timer = null;
    } else {
      arm(stepMs(s));
    }
    clock();
  }

  function speakStep(s) {
    hush();
    var pieces = (s.clips || [{ text: s.speak }]).map(function (c) { return { key: c.key, text: c.text, also: c.also, lang: plan.lang, slow: s.new }; });
    if (s.speak2 && plan.lang2) { pieces.push({ text: s.speak2, lang: plan.lang2, slow: s.new }); }
    if (s.wait_tap) { pieces.push(phrase("relax_wait")); }
    sayAll(pieces);
  }

  // phrase is one of the player's own lines, as a piece to say.
  function phrase(name) {
    return { key: (plan.phrases || {})[name], text: text[name], lang: plan.lang };
  }

  function next() {
    timer = null;
    goStep(idx + 1);
  }

  function begin() {
    startedAt = new Date();
    running = true;
    startAudio();
    lock();
    if (plan.permission && steps.length && steps[0].stroke_id === "permission_ritual") {
      answers[0] = "neutral"; // the ritual just happened: the baby said yes
      first = 1;
    }
    show("step", "step-part");
    goStep(first);
    clockTimer = setInterval(clock, 5000);
  }

  function finish(how) {
    if (outcome) { return; }
    clearTimeout(timer);
    clearTimeout(undoTimer);
    clearInterval(clockTimer);
    timer = null;
    running = false;
    outcome = how;
    endedAt = new Date();
    if (!startedAt) { startedAt = endedAt; }
    hush();
    chime();
    sayAll([phrase(how === "baby_declined" ? "thanks" : "end_spoken")]);
    unlock();
    $("summary-done").hidden = how !== "completed";
    $("summary-thanks").hidden = how !== "baby_declined";
    $("summary-thanks-lead").hidden = how !== "baby_declined";
    $("summary-stopped").hidden = how !== "stopped_early";
    show("summary", how === "completed" ? "summary-done" : how === "baby_declined" ? "summary-thanks" : "summary-stopped");
  }

  $("btn-yes").addEventListener("click", begin);

  // The short readiness answer, when the page asks it itself: sent at once
  // when online (the server's verdict decides), kept in the offline queue
  // otherwise, and named by the session when it is saved. The steps are
  // already those the rules allow after this answer.
  var askYes = $("btn-ask-yes");
  if (askYes && plan.ask) {
    askYes.addEventListener("click", function () {
      var id = newId();
      var b = { id: id, state: "quiet_alert", now: new Date().toISOString() };
      var Q = window.NurtureQ;
      askYes.disabled = true;
      $("ask-error").hidden = true;
      var sent = Q ? Q.send({ id: id, m: "POST", url: plan.readiness_url, body: b, what: text.ask_what }) :
        fetch(plan.readiness_url, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(b)
        }).then(function (res) {
          return res.json().catch(function () { return {}; }).then(function (j) { return { status: res.status, json: j }; });
        });
      sent.then(function (res) {
        if (res.queued || (res.status === 200 && res.json && res.json.verdict === "go")) {
          plan.check_id = id;
          show("start", "start-h");
          return;
        }
        if (Q && res.k) { Q.drop(res.k); }
        var j = res.json || {};
        var parts = [];
        (j.reasons || []).forEach(function (r) { parts.push(r.message); });
        if (!parts.length) { parts.push(text.ask_failed || "", j.error || ""); }
        var p = $("ask-error");
        p.textContent = parts.join(" ");
        p.hidden = false;
        askYes.disabled = false;
      }).catch(function () {
        var p = $("ask-error");
        p.textContent = text.ask_failed || "";
        p.hidden = false;
        askYes.disabled = false;
      });
    });
  }

  var noStart = $("btn-no-start");
  if (noStart) {
    noStart.addEventListener("click", function () {
      startedAt = new Date();
      if (steps.length && steps[0].stroke_id === "permission_ritual") { answers[0] = "disengaged"; }
      finish("baby_declined");
    });
  }

  $("btn-enjoy").addEventListener("click", function () {
    if (idx < 0 || outcome || undoTimer) { return; }
    answers[idx] = "engaged";
    this.setAttribute("aria-pressed", "true");
  });

  $("btn-relaxed").addEventListener("click", function () {
    if (idx < 0 || outcome || undoTimer) { return; }
    next();
  });

  $("btn-break").addEventListener("click", function () {
    if (idx < 0 || outcome || undoTimer) { return; }
    answers[idx] = "disengaged";
    if (timer) {
      remaining = Math.max(0, endsAt - Date.now());
      clearTimeout(timer);
      timer = null;
    } else if (!paused) {
      remaining = -1; // a step that waits for a tap
    } // paused: remaining already holds what was left of the step
    var now = Date.now();
    breaks.push(now);
    // Two breaks within a minute (at the session's speed) suggest ending.
    var window60 = 60000 / speed;
    var recent = breaks.filter(function (t) { return now - t <= window60; }).length;
    $("break-twice").hidden = recent < 2;
    $("btn-end").hidden = recent < 2;
    hush();
    sayAll([phrase("break_spoken")]);
    show("break", "break-h");
  });

  // Continue after a break carries on, even if the step was paused.
  $("btn-continue").addEventListener("click", function () {
    if (outcome || undoTimer) { return; }
    show("step", "step-part");
    if (paused) {
      paused = false;
      $("btn-pause").setAttribute("aria-pressed", "false");
      $("btn-pause").textContent = text.pause || "Pause";
    }
    if (remaining >= 0) { arm(remaining); }
  });

  $("btn-end").addEventListener("click", function () { if (!undoTimer) { finish("stopped_early"); } });

  // Pause holds the step where it is; back and skip move one step; replay
  // says the step's words again.
  $("btn-pause").addEventListener("click", function () {
    if (idx < 0 || outcome || undoTimer) { return; }
    if (!paused) {
      paused = true;
      remaining = timer ? Math.max(0, endsAt - Date.now()) : -1;
      clearTimeout(timer);
      timer = null;
      hush();
      this.setAttribute("aria-pressed", "true");
      this.textContent = text.resume || "Resume";
    } else {
      paused = false;
      this.setAttribute("aria-pressed", "false");
      this.textContent = text.pause || "Pause";
      if (remaining >= 0) { arm(remaining); }
    }
    clock();
  });
  $("btn-back").addEventListener("click", function () {
    if (idx <= first || outcome || undoTimer) { return; }
    goStep(idx - 1);
  });
  $("btn-skip").addEventListener("click", function () {
    if (idx < 0 || outcome || undoTimer) { return; }
    if (answers[idx] === "neutral") { answers[idx] = "skipped"; }
    clearTimeout(timer);
    goStep(idx + 1);
  });
  $("btn-replay").addEventListener("click", function () {
    if (idx < 0 || outcome || undoTimer) { return; }
    speakStep(steps[idx]);
  });

  // "Baby says no" is one tap, with a few seconds to undo before the
  // session closes (a tap meant for "needs a break" can be taken back).
  // While the undo waits, every other control is still: the session either
  // closes as it was or carries on exactly where it stood.
  $("btn-no").addEventListener("click", function () {
    if (outcome || undoTimer) { return; }
    var held = timer ? Math.max(0, endsAt - Date.now()) : -1;
    clearTimeout(timer);
    timer = null;
    hush();
    $("undo-bar").hidden = false;
    $("btn-undo").focus();
    undoTimer = setTimeout(function () {
      undoTimer = null;
      $("undo-bar").hidden = true;
      if (idx >= 0) { answers[idx] = "disengaged"; }
      finish("baby_declined");
    }, Math.max(300, 5000 / speed));
    $("btn-undo").onclick = function () {
      clearTimeout(undoTimer);
      undoTimer = null;
      $("undo-bar").hidden = true;
      if (held >= 0 && !paused) { arm(held); }
      $("btn-no").focus();
    };
  });

  function checkedValue(name) {
    var el = document.querySelector("input[name='" + name + "']:checked");
    return el ? parseInt(el.value, 10) : null;
  }

  function body() {
    var asleep = null;
    if ($("asleep").checked) {
      var m = parseInt($("asleep-min").value, 10);
      asleep = isNaN(m) ? 0 : m;
    }
    return {
      id: sessionId,
      routine_id: plan.routine_id,
      started_at: startedAt.toISOString(),
      ended_at: endedAt.toISOString(),
      outcome: outcome,
      steps: steps.map(function (s, i) { return { stroke_id: s.stroke_id, response: answers[i] || "skipped" }; }),
      parent_calm_before: checkedValue("calm_before"),
      parent_calm_after: checkedValue("calm_after"),
      fell_asleep_after_min: asleep,
      readiness_check_id: plan.check_id || undefined
    };
  }

  // Asleep after the session: say how to lay the baby down safely.
  $("asleep").addEventListener("change", function () { $("summary-safe-sleep").hidden = !this.checked; });

  function problem(msg) {
    var p = $("save-error");
    p.textContent = msg;
    p.hidden = false;
  }

  $("summary-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (saved || !outcome) { return; }
    var btn = $("btn-save");
    btn.disabled = true;
    $("save-error").hidden = true;
    $("saved").hidden = false;
    $("saved").textContent = text.saving || "";
    // Through the offline queue when there is one: without a connection
    // the session is kept on this device and sent later.
    var b = body();
    var Q = window.NurtureQ;
    var sent = Q ? Q.send({ id: b.id, m: "POST", url: plan.save_url, body: b, what: document.title.split(" · ")[0] }) :
      fetch(plan.save_url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(b)
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (j) { return { status: res.status, json: j }; });
      });
    sent.then(function (res) {
      if (res.queued || res.status < 300) {
        saved = true;
        $("summary-form").hidden = true;
        $("saved").textContent = res.queued ? Q.text.here : text.saved || "";
        $("after-save").hidden = false;
        $("saved").setAttribute("tabindex", "-1");
        $("saved").focus();
        return;
      }
      if (Q) { Q.drop(res.k); } // the parent sees why, and may save again
      var j = res.json;
      var parts = [text.save_failed || ""];
      if (j && j.error) { parts.push(j.error); }
      if (j && j.fields) { Object.keys(j.fields).forEach(function (k) { parts.push(j.fields[k]); }); }
      $("saved").hidden = true;
      problem(parts.join(" "));
      btn.disabled = false;
    }).catch(function () {
      $("saved").hidden = true;
      problem((text.save_failed || "") + " " + (text.offline || ""));
      btn.disabled = false;
    });
  });

  // Leaving with an unsaved session asks first; nothing is lost silently.
  window.addEventListener("beforeunload", function (ev) {
    if ((running || outcome) && !saved) { ev.preventDefault(); ev.returnValue = ""; }
  });
})();
