// The quiz page: a countdown to the attempt's deadline that hands the sheet in at zero,
// and the practice "check this question" buttons. The server keeps the time: this only
// shows it, and a sheet handed in late is scored on the answers saved before the deadline.
(function () {
  "use strict";
  // Practice: the check buttons need htmx, so they stay hidden without JavaScript.
  document.querySelectorAll(".check-answer[hidden]").forEach(function (b) { b.hidden = false; });

  var el = document.getElementById("countdown");
  if (!el) { return; }
  var deadline = Date.parse(el.getAttribute("data-deadline"));
  var serverNow = Date.parse(el.getAttribute("data-now"));
  var out = el.querySelector(".countdown-time");
  var form = document.querySelector("form.quiz-form");
  if (isNaN(deadline) || !out || !form) { return; }
  // The phone's clock may be wrong: count from the server's time when the page was made.
  var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
  var handedIn = false;
  form.addEventListener("submit", function () { handedIn = true; });

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    out.textContent = (h > 0 ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
    el.classList.toggle("urgent", left < 60);
    if (left === 0) {
      clearInterval(timer);
      if (!handedIn) {
        handedIn = true;
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
    }
  }
  el.hidden = false;
  var timer = setInterval(tick, 1000);
  tick();
})();
