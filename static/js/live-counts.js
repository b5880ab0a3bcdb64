// Live counts: fresh numbers every few seconds, put in place rather than by reloading the
// page (a reload makes a screen reader start over). The numbers are in a polite live
// region, and each row is read whole when one of its numbers changes.
(function () {
  "use strict";
  var region = document.getElementById("live-counts");
  if (!region || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = (Number(region.getAttribute("data-every")) || 15) * 1000;
  var note = document.getElementById("live-note");
  if (note) {
    note.hidden = false;
  }

  function units(root) {
    return root.querySelectorAll(".stats li, tbody tr");
  }

  function readWhole(root) {
    Array.prototype.forEach.call(units(root), function (unit) {
      unit.setAttribute("aria-atomic", "true");
    });
  }

  function putInPlace(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").body;
    var now = units(region);
    var next = units(fresh);
    if (now.length !== next.length) {
      // A new ticket type or gate: the whole piece changes shape.
      region.innerHTML = fresh.innerHTML;
      readWhole(region);
      return;
    }
    for (var i = 0; i < now.length; i += 1) {
      if (now[i].innerHTML !== next[i].innerHTML) {
        now[i].innerHTML = next[i].innerHTML;
      }
    }
  }

  var busy = false;
  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(region.getAttribute("data-src"), {
      credentials: "same-origin",
      redirect: "error", // signed out: keep the numbers shown; the Refresh link still works
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(putInPlace)
      .catch(function () {})
      .then(function () {
        busy = false;
      });
  }

  readWhole(region);
  window.setInterval(refresh, every);
  // Back on the tab after a while: fresh numbers at once.
  document.addEventListener("visibilitychange", refresh);
})();
