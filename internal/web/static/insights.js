// Insights charts: draws each chart of the page's JSON (#charts) as bars
// with the vendored uPlot. Under every chart a table holds the same
// numbers; that table is what screen readers and paper get, so the drawing
// is only a picture (its box is role="img") and hidden from them.
(function () {
  "use strict";
  var data = document.getElementById("charts");
  if (!data || typeof uPlot === "undefined") { return; }
  var charts;
  try { charts = JSON.parse(data.textContent) || []; } catch (e) { return; }
  var HEIGHT = 160; // CSS px, with the axes
  var STEPS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600]; // whole minutes, sessions
  var root = document.documentElement;
  var drawn = []; // {el, plot}

  // The page's colours, read now so that night mode shows in the charts.
  function colours() {
    var cs = getComputedStyle(root);
    function v(name) { return cs.getPropertyValue(name).trim(); }
    return { accent: v("--accent"), fg: v("--fg"), line: v("--line"), muted: v("--muted") };
  }

  // The box is hidden while empty (CSS), so measure the figure around it.
  function width(el) { return el.parentNode.clientWidth; }

  function chart(ch, c) {
    var el = document.getElementById("chart-" + ch.id);
    var labels = ch.labels || [], values = ch.values || [];
    if (!el || !values.length) { return; }
    var n = values.length, step = 1;
    var axis = { stroke: c.fg, font: "12px system-ui, sans-serif", ticks: { stroke: c.muted, width: 1, size: 4 } };
    var plot = new uPlot({
      width: width(el), height: HEIGHT,
      legend: { show: false },
      cursor: { show: false }, // no hover read-out: the table has the numbers
      select: { show: false },
      scales: {
        // x is the bar's index; half a bar of room at each end.
        x: { time: false, range: function () { return [-0.5, n - 0.5]; } },
        // y up to a round number, so the top bar meets a labelled line.
        y: { range: function (u, min, max) {
          max = Math.max(1, max);
          step = STEPS.find(function (s) { return max / s <= 4; }) || 1200;
          return [0, Math.ceil(max / step) * step];
        } }
      },
      axes: [
        Object.assign({}, axis, {
          grid: { show: false },
          // A label under every few bars: as many as fit, about 44 px each.
          splits: function (u) {
            var every = Math.max(1, Math.ceil(n * 44 / u.width)), out = [];
            for (var i = 0; i < n; i += every) { out.push(i); }
            return out;
          },
          values: function (u, splits) { return splits.map(function (i) { return labels[i]; }); }
        }),
        Object.assign({}, axis, {
          grid: { stroke: c.line, width: 1 },
          splits: function (u, i, min, max) {
            var out = [];
            for (var v = 0; v <= max; v += step) { out.push(v); }
            return out;
          },
          size: 40
        })
      ],
      series: [{}, {
        fill: c.accent, stroke: c.accent, width: 0,
        points: { show: false },
        paths: uPlot.paths.bars({ size: [0.7, 40] })
      }]
    }, [labels.map(function (_, i) { return i; }), values], el);
    plot.root.setAttribute("aria-hidden", "true");
    drawn.push({ el: el, plot: plot });
  }

  function drawAll() {
    drawn.forEach(function (d) { d.plot.destroy(); });
    drawn = [];
    var c = colours();
    charts.forEach(function (ch) { chart(ch, c); });
  }
  drawAll();

  // Follow the width of the page (a phone turned, a window resized).
  var frame = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(function () {
      drawn.forEach(function (d) { d.plot.setSize({ width: width(d.el), height: HEIGHT }); });
    });
  });

  // night.js switches night mode with a class on <html>: redraw in its colours.
  var cls = root.className;
  new MutationObserver(function () {
    if (root.className !== cls) { cls = root.className; drawAll(); }
  }).observe(root, { attributes: true, attributeFilter: ["class"] });
})();
