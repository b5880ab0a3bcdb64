// Ticket pages, and what they need, are kept so a ticket opens at the gate without signal;
// so is a meeting's attendance page, so that a mentor can open it again without signal.
var CACHE = "yoc-tickets-v1";
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(["/static/css/site.css", "/static/img/favicon.svg"]);
  }));
  self.skipWaiting();
});
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) { return; }
  var keep = url.pathname.indexOf("/tickets/") === 0 || url.pathname.indexOf("/static/") === 0 ||
    /^\/meetings\/[0-9]+\/attendance$/.test(url.pathname);
  if (!keep) { return; }
  // Network first, so a refunded ticket shows as such; the stored copy when offline.
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(event.request, copy); });
    }
    return response;
  }).catch(function () { return caches.match(event.request); }));
});
