// Attendance on a phone: one tap per member. Each tap is kept in this browser first
// (localStorage), then sent; without signal the taps wait and go when the network is
// back. The server keeps each member's latest tap by the time it was made, so sending
// the same taps twice, or late, is safe.
(function () {
  "use strict";
  var root = document.getElementById("attendance");
  if (!root) { return; }
  var texts = JSON.parse(root.dataset.texts);
  var KEY = "yoc-attendance-" + root.dataset.meeting;
  var form = document.getElementById("roll");
  var netStatus = document.getElementById("net-status");
  var queueCount = document.getElementById("queue-count");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  function waiting() { return Object.keys(load()).length; }

  function status(message) {
    netStatus.textContent = message || (navigator.onLine === false ? texts.offline : texts.online);
    var n = waiting();
    queueCount.textContent = n ? "· " + n + " " + texts.pending : "";
  }

  function tap(input) {
    var queue = load();
    // The latest tap per member is all that counts, here as on the server.
    queue[input.name.slice(1)] = { member_id: Number(input.name.slice(1)), presence: input.value, marked_at: new Date().toISOString() };
    save(queue);
    status();
    sync();
  }

  function sync() {
    var queue = load();
    var marks = Object.keys(queue).map(function (k) { return queue[k]; });
    if (!marks.length || sending || navigator.onLine === false) { status(); return; }
    sending = true;
    fetch(root.dataset.syncUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": root.dataset.csrf },
      body: JSON.stringify({ marks: marks }),
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { var refused = new Error("HTTP " + response.status); refused.status = response.status; throw refused; }
      return response.json();
    }).then(function () {
      // Only the taps that were sent leave the queue: one made meanwhile stays.
      var now = load();
      marks.forEach(function (m) {
        var key = String(m.member_id);
        if (now[key] && now[key].marked_at === m.marked_at) { delete now[key]; }
      });
      save(now);
      status(waiting() ? null : texts.synced);
    }).catch(function (error) {
      status(error && error.status ? texts.refused : null);
    }).then(function () { sending = false; });
  }

  // Taps kept from before (the page was reloaded, or opened again offline) show as made.
  var kept = load();
  Object.keys(kept).forEach(function (member) {
    var input = form.querySelector('input[name="m' + member + '"][value="' + kept[member].presence + '"]');
    if (input) { input.checked = true; }
  });

  form.addEventListener("change", function (event) {
    if (event.target && event.target.type === "radio") { tap(event.target); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); sync(); });
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { status(); });
  setInterval(sync, 15000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the page still works */ });
  }
  status();
  sync();
})();
