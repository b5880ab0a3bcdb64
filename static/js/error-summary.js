// A refused form or action: start at its message, first in the main content, so that a
// phone shows it and a screen reader reads it (for browsers that ignore autofocus there).
(function () {
  var first = document.getElementById("error-summary") || document.getElementById("error-flash");
  if (first && document.activeElement !== first) {
    first.focus();
  }
})();
