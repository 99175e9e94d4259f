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
  // A long list of checkboxes marked data-filter (a school's classes, the base managers)
  // gets a search box above it that hides the choices whose name does not hold what is
  // typed, and the groups left empty; chosen ones always stay in sight.
  document.querySelectorAll("[data-filter]").forEach(function (list, n) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "pick-filter";
    box.id = "pick-filter-" + n;
    box.setAttribute("aria-label", list.getAttribute("data-filter"));
    box.placeholder = list.getAttribute("data-filter");
    box.autocomplete = "off";
    var none = document.createElement("p");
    none.className = "hint";
    none.hidden = true;
    none.textContent = list.getAttribute("data-filter-none");
    var legend = list.querySelector("legend");
    var at = legend && legend.parentNode === list ? legend.nextSibling : list.firstChild;
    list.insertBefore(box, at);
    list.insertBefore(none, at);
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase();
      var shown = 0;
      list.querySelectorAll("label.check").forEach(function (l) {
        var input = l.querySelector("input");
        var show = q === "" || l.textContent.toLowerCase().indexOf(q) >= 0 || (input && input.checked && input.name !== "grade");
        l.hidden = !show;
        if (show) { shown++; }
      });
      list.querySelectorAll("[data-group]").forEach(function (g) {
        g.hidden = q !== "" && !g.querySelector("label.check:not([hidden]) input:not([name=grade])");
      });
      none.hidden = shown > 0;
    });
    box.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
  });
  // A table wider than its box says so above it (the text is the page's, data-table-hint
  // on <body>), and the hint goes once the table has been scrolled to its end.
  var hint = document.body.getAttribute("data-table-hint");
  function mark(w) {
    var more = w.scrollWidth > w.clientWidth + 1 && w.scrollLeft + w.clientWidth < w.scrollWidth - 1;
    var p = w.previousElementSibling;
    var has = p && p.classList.contains("table-hint");
    if (more && !has && hint) {
      p = document.createElement("p");
      p.className = "table-hint";
      p.textContent = hint;
      w.parentNode.insertBefore(p, w);
    } else if (!more && has) {
      p.remove();
    }
  }
  function markAll() { document.querySelectorAll(".table-wrap").forEach(mark); }
  markAll();
  window.addEventListener("resize", markAll);
  document.addEventListener("scroll", function (e) {
    if (e.target.classList && e.target.classList.contains("table-wrap")) { mark(e.target); }
  }, true);
})();
