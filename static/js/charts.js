// Draws the dashboards' charts with Apache ECharts (js/vendor, loaded before this file
// on pages with charts only). Each chart's option is JSON in a <script
// type="application/json"> the chart's element names in data-chart-option; the numbers
// are also in the table under it, so nothing is lost without JavaScript. SVG, so that
// the charts print sharp.
(function () {
  'use strict';
  var charts = [];

  function draw() {
    if (!window.echarts) {
      return;
    }
    var els = document.querySelectorAll('[data-chart-option]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var src = document.getElementById(el.getAttribute('data-chart-option'));
      if (!src) {
        continue;
      }
      var option;
      try {
        option = JSON.parse(src.textContent);
      } catch (e) {
        continue;
      }
      if (el.classList.contains('chart-hbar')) {
        // Bars laid on their side need room for each category.
        var rows = parseInt(el.getAttribute('data-rows'), 10) || 1;
        el.style.height = Math.max(220, rows * 30 + 60) + 'px';
      }
      var wall = !!el.closest('.dashboard.wall');
      if (wall) {
        option.backgroundColor = 'transparent';
      }
      var chart = window.echarts.init(el, wall ? 'dark' : null, { renderer: 'svg' });
      chart.setOption(option);
      el.setAttribute('data-drawn', 'true');
      charts.push(chart);
    }
  }

  function resize() {
    for (var i = 0; i < charts.length; i++) {
      charts[i].resize();
    }
  }

  var pending;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(resize, 150);
  });
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);

  // The wall screen reloads itself every five minutes, to show the latest figures.
  if (document.querySelector('.dashboard.wall')) {
    setTimeout(function () { window.location.reload(); }, 5 * 60 * 1000);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
