// A button that prints the page (or saves it as a PDF, as the browser offers).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
