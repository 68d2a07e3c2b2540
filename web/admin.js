/* The dashboard's charts (/admin), drawn with Chart.js from the tables of figures that the
   server renders next to them: the table stays the reference, the chart is a view of it.
   Readable without colour: the second series is hatched, every bar carries its value. */
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") {
    return; // the tables alone still give every figure
  }

  var INK = "#1b1b1b";
  var SERIES = ["#0b5d6b", "#8a4b00"];

  window.Chart.defaults.color = INK;
  window.Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  window.Chart.defaults.font.size = 13;

  function hatched(color) {
    var tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    var ctx = tile.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(0, 8);
    ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2);
    ctx.lineTo(2, -2);
    ctx.moveTo(6, 10);
    ctx.lineTo(10, 6);
    ctx.stroke();
    return ctx.createPattern(tile, "repeat");
  }

  function number(value) {
    return value.toLocaleString("fr-FR");
  }

  // Each bar's value written at its end (or in the middle of a stacked segment, on white).
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      var stacked = chart.options.scales.x.stacked;
      ctx.save();
      ctx.font = "600 12px " + window.Chart.defaults.font.family;
      ctx.textBaseline = "middle";
      chart.data.datasets.forEach(function (dataset, d) {
        var meta = chart.getDatasetMeta(d);
        if (meta.hidden) {
          return;
        }
        meta.data.forEach(function (bar, i) {
          var value = dataset.data[i];
          if (!value) {
            return;
          }
          var text = number(value);
          var width = ctx.measureText(text).width;
          var x;
          var y;
          if (stacked) {
            x = horizontal ? (bar.x + bar.base) / 2 : bar.x;
            y = horizontal ? bar.y : (bar.y + bar.base) / 2;
            ctx.fillStyle = "#ffffff";
            ctx.fillRect(x - width / 2 - 3, y - 8, width + 6, 16);
            ctx.textAlign = "center";
          } else if (horizontal) {
            x = bar.x + 4;
            y = bar.y;
            ctx.textAlign = "left";
          } else {
            x = bar.x;
            y = bar.y - 9;
            ctx.textAlign = "center";
          }
          ctx.fillStyle = INK;
          ctx.fillText(text, x, y);
        });
      });
      ctx.restore();
    }
  };

  function read(table) {
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return cell.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var columns = [];
    headers.forEach(function (header, c) {
      if (c > 0 && rows.length && rows[0].cells[c] && rows[0].cells[c].querySelector("[data-value]")) {
        columns.push(c);
      }
    });
    return {
      labels: rows.map(function (row) {
        return row.cells[0].textContent.trim();
      }),
      datasets: columns.map(function (c, n) {
        var color = SERIES[n % SERIES.length];
        return {
          label: headers[c],
          data: rows.map(function (row) {
            return Number(row.cells[c].querySelector("[data-value]").getAttribute("data-value"));
          }),
          backgroundColor: n === 0 ? color : hatched(color),
          borderColor: color,
          borderWidth: n === 0 ? 0 : 2
        };
      })
    };
  }

  function draw(table) {
    var figure = table.closest(".figure");
    var area = figure && figure.querySelector(".chart-area");
    if (!area) {
      return;
    }
    var kind = table.getAttribute("data-chart");
    var horizontal = kind === "hbar" || kind === "stacked";
    var stacked = kind === "stacked";
    var data = read(table);
    var caption = table.caption ? table.caption.textContent.trim() : "";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Graphique : " + caption + ". Les valeurs sont dans le tableau qui l\u2019accompagne.");
    area.appendChild(canvas);
    if (horizontal) {
      area.style.height = Math.max(12, data.labels.length * 2.4 + 5) + "rem";
    }
    // The longest bar's value must fit on the right of it.
    var most = 0;
    data.datasets.forEach(function (dataset) {
      dataset.data.forEach(function (value, i) {
        var total = stacked ? data.datasets.reduce(function (sum, other) { return sum + other.data[i]; }, 0) : value;
        most = Math.max(most, total);
      });
    });
    new window.Chart(canvas, {
      type: "bar",
      data: data,
      plugins: [valueLabels],
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: !horizontal,
        aspectRatio: 2,
        locale: "fr-FR",
        layout: { padding: { top: 18, right: 28 } },
        scales: {
          x: { stacked: stacked, beginAtZero: true, suggestedMax: horizontal ? most * 1.1 : undefined, ticks: { precision: 0 } },
          y: { stacked: stacked, beginAtZero: true, suggestedMax: horizontal ? undefined : most * 1.15, ticks: { precision: 0 } }
        },
        plugins: {
          legend: { display: data.datasets.length > 1, position: "bottom" },
          tooltip: { enabled: true }
        }
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table[data-chart]"), draw);
})();
