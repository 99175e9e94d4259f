// Small enhancements; every page works without them.
(function () {
  "use strict";
  // Buttons marked data-print open the print dialog (join slips, guardian notices).
  document.addEventListener("click", function (e) {
    var t = e.target.closest("[data-print]");
    if (t) { e.preventDefault(); window.print(); }
  });
  // Forms marked data-confirm ask before submitting (remove a student, disable an account).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Auto-submit filters when a select marked data-autosubmit changes.
  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-autosubmit]")) { e.target.form.requestSubmit(); }
  });
})();
