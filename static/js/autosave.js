// Proposal form: a draft saves itself a few seconds after the speaker stops typing,
// and what is typed is also kept on the phone, so a lost connection loses nothing.
(function () {
  "use strict";
  var form = document.querySelector("form.proposal-form");
  if (!form) return;
  var status = form.querySelector(".autosave-status");
  var url = form.getAttribute("data-autosave");
  var key = "yoc-proposal:" + (url || "new");
  var timer = null;

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "action") data[name] = value;
    });
    return data;
  }

  // Bring back what was typed but never saved (a new proposal, or an offline edit).
  try {
    var kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && !url) {
      Object.keys(kept).forEach(function (name) {
        var input = form.elements[name];
        if (!input || input.value) return;
        if (input.type === "checkbox") input.checked = kept[name] === "1";
        else input.value = kept[name];
      });
    }
  } catch (e) { /* storage may be unavailable: nothing to restore */ }

  function save() {
    try { localStorage.setItem(key, JSON.stringify(fields())); } catch (e) { /* full */ }
    if (!url) return;
    var body = new FormData(form);
    body.delete("action");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Autosave": "1", "X-CSRF-Token": form.elements.csrf_token.value },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (data.saved) {
          var now = new Date();
          status.textContent = form.getAttribute("data-saved-text") + " " +
            now.toLocaleTimeString(document.documentElement.lang, { hour: "numeric", minute: "2-digit" });
          localStorage.removeItem(key);
        } else {
          status.textContent = data.message || form.getAttribute("data-failed-text");
        }
      });
    }).catch(function () {
      status.textContent = form.getAttribute("data-failed-text");
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 2500);
  });
  form.addEventListener("submit", function () {
    clearTimeout(timer);
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  });
})();
