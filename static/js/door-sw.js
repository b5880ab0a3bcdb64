// The door's service worker (scope /door/): it keeps an event's scanner page, and the
// files it loads, so that the scanner opens again at a gate without signal. It keeps
// only a page the server marks fit to keep (X-Door-Shell: no search results, no order,
// no one-time message), and nothing else of the door: no JSON, no sales, no lists.
var CACHE = "yoc-door-v1";
var FILES = [
  "/static/css/site.css",
  "/static/img/favicon.svg",
  "/static/js/scanner.js",
  "/static/vendor/jsqr-1.4.0.js"
];
var SCANNER = /^\/door\/[^/]+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(FILES); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("yoc-door-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function forgetPage(path) {
  return caches.open(CACHE).then(function (cache) {
    return cache.delete(path, { ignoreSearch: true });
  });
}

// The scanner asks, once it has loaded online, to keep its page: fetched again here so
// that what is kept is the page as the server would draw it now, without messages.
self.addEventListener("message", function (event) {
  var wanted = event.data && event.data.keep;
  if (typeof wanted !== "string") { return; }
  var url = new URL(wanted, self.location.origin);
  if (url.origin !== self.location.origin || !SCANNER.test(url.pathname)) { return; }
  var source = event.source;
  event.waitUntil(fetch(url.href, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (!response.ok || response.redirected) { return forgetPage(url.pathname); }
    if (response.headers.get("X-Door-Shell") !== "1") { return null; }  // not fit to keep
    return caches.open(CACHE).then(function (cache) {
      return cache.delete(url.pathname, { ignoreSearch: true }).then(function () {
        return cache.put(url.pathname, response);
      });
    }).then(function () {
      if (source) { source.postMessage({ kept: url.pathname }); }
    });
  }).catch(function () { /* no network: keep what is kept */ }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && SCANNER.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      // Sent elsewhere (the day's access ended) or refused: the kept page goes too.
      if (response.type === "opaqueredirect" || response.redirected ||
          response.status === 403 || response.status === 404) {
        forgetPage(url.pathname);
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: CACHE }).then(function (kept) {
        return kept || Response.error();
      });
    }));
    return;
  }
  if (FILES.indexOf(url.pathname) !== -1) {
    // Network first, so a new version arrives; the kept copy when offline.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: CACHE });
    }));
  }
});
