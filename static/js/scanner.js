// The door scanner: camera (BarcodeDetector, or the vendored jsQR), typed codes, and an
// offline queue. Offline, signed codes are checked with the event's public key (Ed25519)
// and against the event's list of refused tickets (kept on the phone, refreshed while
// online); admitted scans are queued and sent when the network returns. The server
// settles tickets let in twice, and they stay listed here until somebody acknowledges
// them. A browser that cannot check signatures lets nobody in offline. The door's service
// worker (door-sw.js) keeps this page so that it opens again without signal.
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) { return; }
  var texts = JSON.parse(root.dataset.texts);
  var QUEUE_KEY = "yoc-door-queue-" + root.dataset.event;
  var SEEN_KEY = "yoc-door-seen-" + root.dataset.event;
  var LIST_KEY = "yoc-door-list-" + root.dataset.event;
  var CONFLICTS_KEY = "yoc-door-conflicts-" + root.dataset.event;
  var result = document.getElementById("result");
  var form = document.getElementById("manual");
  var codeInput = document.getElementById("code");
  var netStatus = document.getElementById("net-status");
  var queueCount = document.getElementById("queue-count");
  var syncStatus = document.getElementById("sync-status");
  var listStatus = document.getElementById("list-status");
  var offlineBanner = document.getElementById("offline-banner");
  var cryptoWarning = document.getElementById("crypto-warning");
  var conflictsBox = document.getElementById("conflicts");
  var conflictList = document.getElementById("conflict-list");
  var conflictNote = document.getElementById("conflict-note");
  var busy = false;
  function offline() { return navigator.onLine === false; }

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) { localStorage.setItem(key, JSON.stringify(value)); }
  function scanId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name] || ""; });
  }
  // Formatted as the server's pages do it (Babel's en_US and es_US: "$31.00").
  var moneyFormat = new Intl.NumberFormat(root.dataset.moneyLocale, { style: "currency", currency: "USD" });
  function money(cents) { return moneyFormat.format(cents / 100); }
  function localTime(iso) {
    if (!iso) { return ""; }
    return new Date(iso).toLocaleTimeString(root.dataset.lang, { hour: "numeric", minute: "2-digit" });
  }

  var audio = null;
  function beep(good) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = good ? 880 : 220;
      osc.type = good ? "sine" : "square";
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + (good ? 0.15 : 0.45));
    } catch (e) { /* no sound: colour and text still say it */ }
    if (navigator.vibrate) { navigator.vibrate(good ? 80 : [200, 100, 200]); }
  }

  function show(kind, data) {
    result.className = "scan-result result-" + kind;
    result.textContent = "";
    var title = document.createElement("p");
    title.className = "result-title";
    title.textContent = texts[kind] || kind;
    result.appendChild(title);
    if (data && data.name) {
      var who = document.createElement("p");
      who.textContent = (root.dataset.lang === "es" ? data.ticket_type_es : data.ticket_type) + " · " + data.name;
      result.appendChild(who);
    }
    if (kind === "already_checked_in" && data) {
      var first = document.createElement("p");
      first.textContent = fill(texts.first, { time: localTime(data.first_at), gate: data.first_gate || texts.main_gate });
      result.appendChild(first);
    }
    if (data && data.reason && texts["reason_" + data.reason]) {
      var why = document.createElement("p");
      why.textContent = texts["reason_" + data.reason];
      result.appendChild(why);
    }
    if (data && data.conflict) {
      var conflict = document.createElement("p");
      conflict.textContent = fill(texts.conflict, { time: localTime(data.conflict.at), gate: data.conflict.gate || texts.main_gate });
      result.appendChild(conflict);
    }
    if (kind === "not_paid" && data && data.box_office) {
      var due = document.createElement("p");
      due.textContent = texts.to_collect;
      var amount = document.createElement("p");
      amount.className = "amount-due";
      amount.textContent = money(data.collect_cents);
      result.appendChild(due); result.appendChild(amount);
      var pay = document.createElement("form");
      pay.method = "post";
      pay.action = "/door/" + root.dataset.event + "/collect/" + encodeURIComponent(data.order);
      var token = document.createElement("input");
      token.type = "hidden"; token.name = "csrf_token"; token.value = root.dataset.csrf;
      var button = document.createElement("button");
      button.type = "submit"; button.className = "button"; button.textContent = texts.collected;
      pay.appendChild(token); pay.appendChild(button);
      result.appendChild(pay);
    }
    beep(kind === "ok" || kind === "offline");
  }

  // Offline verification -------------------------------------------------------------
  function unb64(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var raw = atob(s);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var keyPromise = null;
  function publicKey() {
    if (!keyPromise && window.crypto && crypto.subtle && window.TextEncoder) {
      keyPromise = crypto.subtle.importKey("raw", unb64(root.dataset.publicKey), { name: "Ed25519" }, false, ["verify"])
        .catch(function () { return null; });
    }
    return keyPromise || Promise.resolve(null);
  }
  // Resolves to true (genuine), false (forged, or another event) or null (cannot tell).
  function verifyOffline(code) {
    var parts = code.trim().split(".");
    if (parts.length !== 5 || parts[0] !== "YC1") { return Promise.resolve(null); }
    if (parts[1] !== root.dataset.eventId) { return Promise.resolve(false); }
    var message = new TextEncoder().encode(parts.slice(0, 4).join("."));
    return publicKey().then(function (key) {
      if (!key) { return null; }
      return crypto.subtle.verify({ name: "Ed25519" }, key, unb64(parts[4]), message)
        .catch(function () { return false; });
    });
  }

  // Whether this browser can check signatures and hash codes (Ed25519 and SHA-256 in
  // WebCrypto, which only secure pages have): without it, nobody goes in offline.
  var cryptoReady = publicKey().then(function (key) {
    return Boolean(key && crypto.subtle.digest);
  });
  cryptoReady.then(function (ok) { cryptoWarning.hidden = ok; });

  // How the server names a ticket in the offline list (tickets.services.door_lists).
  function secretHash(secret) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)).then(function (digest) {
      return hex(new Uint8Array(digest)).slice(0, 32);
    });
  }
  function asSet(list) {
    var out = {};
    (list || []).forEach(function (item) { out[item] = true; });
    return out;
  }

  function showListStatus() {
    var list = load(LIST_KEY, null);
    listStatus.textContent = list ? fill(texts.list_at, { time: localTime(list.at) }) : texts.list_none;
  }
  function refreshList() {
    if (offline()) { return; }
    getJson(root.dataset.listUrl).then(function (data) {
      save(LIST_KEY, { at: data.made_at, revoked: data.revoked, unpaid: asSet(data.unpaid), valid: asSet(data.valid) });
      showListStatus();
    }).catch(function () { /* kept: the list from before */ });
  }

  function queueScan(scan) {
    var queue = load(QUEUE_KEY, []);
    queue.push(scan);
    save(QUEUE_KEY, queue);
    updateStatus();
  }

  function offlineScan(scan) {
    return cryptoReady.then(function (ok) {
      if (!ok) { show("invalid"); result.querySelector(".result-title").textContent = texts.no_crypto; return null; }
      var list = load(LIST_KEY, null);
      if (!list) { show("invalid"); result.querySelector(".result-title").textContent = texts.no_list; return null; }
      return verifyOffline(scan.code).then(function (genuine) {
        if (genuine === false) { show("offline_bad"); return null; }
        var signed = genuine === true;
        var secret = signed ? scan.code.trim().split(".")[3] : scan.code.trim().toUpperCase().replace(/[\s-]/g, "");
        return secretHash(secret).then(function (key) {
          if (list.revoked[key]) { show("revoked", { reason: list.revoked[key] }); return; }
          if (list.unpaid[key]) { show("invalid"); result.querySelector(".result-title").textContent = texts.offline_unpaid; return; }
          // A typed code carries no signature: only one on the list of valid tickets goes in.
          if (!signed && !list.valid[key]) { show("invalid"); result.querySelector(".result-title").textContent = texts.offline_unknown; return; }
          var seen = load(SEEN_KEY, {});
          if (seen[secret]) {
            show("already_checked_in", { first_at: seen[secret].at, first_gate: seen[secret].gate });
            return;
          }
          seen[secret] = { at: scan.scanned_at, gate: scan.gate };
          save(SEEN_KEY, seen);
          queueScan(scan);
          show("offline");
        });
      });
    });
  }

  function getJson(url) {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) {
        var refused = new Error("HTTP " + response.status);
        refused.status = response.status;  // the server answered: this is not "offline"
        throw refused;
      }
      return response.json();
    });
  }

  function submitCode(code) {
    if (!code || busy) { return; }
    busy = true;
    var scan = { code: code.trim(), gate: root.dataset.gate, scan_id: scanId(), scanned_at: new Date().toISOString() };
    var request = offline() ? Promise.reject(new Error("offline")) : post(root.dataset.scanUrl, scan);
    request.then(function (data) {
      if (data.result === "order" && data.location) { window.location.href = data.location; return; }
      show(data.result, data);
    })
      .catch(function (error) {
        if (error && error.status) {
          show("invalid");
          result.querySelector(".result-title").textContent = texts.refused;
          return null;
        }
        return offlineScan(scan);
      })
      .then(function () { busy = false; codeInput.value = ""; codeInput.focus(); });
  }

  function sync() {
    var queue = load(QUEUE_KEY, []);
    if (offline()) { updateStatus(); return; }
    if (!queue.length) { updateStatus(); refreshConflicts(); return; }
    post(root.dataset.syncUrl, { scans: queue }).then(function (data) {
      var done = {};
      data.results.forEach(function (r) { done[r.scan_id] = r; });
      save(QUEUE_KEY, load(QUEUE_KEY, []).filter(function (s) { return !done[s.scan_id]; }));
      // Anything but a plain "ok" needs the volunteer's eyes: a conflict, a duplicate,
      // or a ticket that turned out not to be valid.
      var notable = data.results.filter(function (r) { return r.conflict || r.result !== "ok"; });
      if (notable.length) { show(notable[0].result, notable[0]); }
      if (!load(QUEUE_KEY, []).length) {
        syncStatus.textContent = fill(texts.synced_at, { time: localTime(new Date().toISOString()) });
      }
      updateStatus();
      refreshConflicts();
    }).catch(updateStatus);
  }

  function updateStatus() {
    var waiting = load(QUEUE_KEY, []).length;
    netStatus.textContent = offline() ? texts.offline_state : texts.online;
    offlineBanner.hidden = !offline();
    queueCount.textContent = waiting ? waiting + " " + texts.pending : "";
    if (waiting) { syncStatus.textContent = ""; }
  }

  // Tickets let in twice: kept on the phone, so they stay on screen (offline, or after a
  // reload) until somebody acknowledges them; the server's list is the truth.
  function gateName(gate) { return gate || texts.main_gate; }
  function renderConflicts() {
    var list = load(CONFLICTS_KEY, []);
    conflictsBox.hidden = !list.length;
    conflictList.textContent = "";
    list.forEach(function (c) {
      var item = document.createElement("li");
      item.className = "member-row";
      var text = document.createElement("span");
      text.textContent = fill(texts.conflict_item, {
        ticket: root.dataset.lang === "es" ? c.ticket_type_es : c.ticket_type,
        order: c.order,
        first_gate: gateName(c.first_gate), first_time: localTime(c.first_at),
        second_gate: gateName(c.second_gate), second_time: localTime(c.second_at)
      });
      var button = document.createElement("button");
      button.type = "button"; button.className = "button button-small"; button.textContent = texts.acknowledge;
      button.addEventListener("click", function () { acknowledge(c.id); });
      item.appendChild(text); item.appendChild(document.createTextNode(" ")); item.appendChild(button);
      conflictList.appendChild(item);
    });
  }
  function forget(id) {
    save(CONFLICTS_KEY, load(CONFLICTS_KEY, []).filter(function (c) { return c.id !== id; }));
    renderConflicts();
  }
  function acknowledge(id) {
    if (offline()) { conflictNote.textContent = texts.ack_offline; return; }
    conflictNote.textContent = "";
    post(root.dataset.conflictsUrl + "/" + id + "/acknowledge", {}).then(function () { forget(id); })
      .catch(function (error) {
        // Somebody else acknowledged it first (409): it is dealt with.
        if (error && error.status === 409) { forget(id); refreshConflicts(); return; }
        conflictNote.textContent = texts.ack_offline;
      });
  }
  function refreshConflicts() {
    if (offline()) { renderConflicts(); return; }
    getJson(root.dataset.conflictsUrl).then(function (data) {
      save(CONFLICTS_KEY, data.conflicts);
      renderConflicts();
    }).catch(renderConflicts);
  }

  // An order's code ("YOC-5CTR9V22", in any case, with or without spaces or the prefix):
  // the form goes to the server, whose page lists the order's tickets to let in.
  var ORDER_CODE = /^(YOC)?[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;
  function isOrderCode(text) {
    return ORDER_CODE.test(text.toUpperCase().replace(/[\s\u2010-\u2014-]+/g, ""));
  }

  form.addEventListener("submit", function (event) {
    if (isOrderCode(codeInput.value) && navigator.onLine !== false) { return; }
    event.preventDefault();
    submitCode(codeInput.value);
  });
  window.addEventListener("online", function () { sync(); refreshList(); });
  window.addEventListener("offline", updateStatus);
  setInterval(sync, 20000);
  setInterval(refreshList, 60000);
  updateStatus();
  showListStatus();
  renderConflicts();
  refreshList();
  sync();

  // The door's service worker keeps this page (as the server marks it fit to keep: no
  // search, no order, no one-time message) and what it loads, to open without signal.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/door/sw.js", { scope: "/door/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var ready = document.getElementById("offline-ready");
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.kept === location.pathname) { ready.hidden = false; }
      });
      if (offline()) { ready.hidden = false; return; }
      // A page with search results, an order or a message is not kept (the one kept before
      // stays); the worker checks the server's mark again.
      if (root.dataset.keep !== "yes") { return; }
      registration.active.postMessage({ keep: location.pathname + location.search });
    }).catch(function () { /* the page still works while online */ });
  }

  // Camera ---------------------------------------------------------------------------
  var video = document.getElementById("camera");
  var canvas = document.getElementById("frame");
  var toggle = document.getElementById("camera-toggle");
  var box = video.parentNode;
  var stream = null;
  var detector = null;
  var last = { code: "", at: 0 };
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) { toggle.hidden = false; }

  function found(code) {
    var now = Date.now();
    if (code === last.code && now - last.at < 4000) { return; }  // the same QR, still in view
    last = { code: code, at: now };
    submitCode(code);
  }
  function tick() {
    if (!stream) { return; }
    if (detector) {
      detector.detect(video).then(function (codes) { if (codes.length) { found(codes[0].rawValue); } })
        .catch(function () {}).then(function () { requestAnimationFrame(tick); });
      return;
    }
    if (video.readyState === video.HAVE_ENOUGH_DATA && window.jsQR) {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var qr = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (qr) { found(qr.data); }
    }
    requestAnimationFrame(tick);
  }
  toggle.addEventListener("click", function () {
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null; box.hidden = true; return;
    }
    if ("BarcodeDetector" in window) {
      try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s; video.srcObject = s; box.hidden = false; video.play(); requestAnimationFrame(tick);
    }).catch(function () { show("invalid"); result.querySelector(".result-title").textContent = texts.camera_off; });
  });
})();
