// Keep ticket pages available offline: the service worker stores each one that is opened.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(function () { /* the page still works */ });
}
