// A table's row count over time (the Data pages): draws each [data-chart] element's points with
// ECharts (loaded before this script). The points come as JSON in the attribute; no inline script.
(function () {
  'use strict';
  if (!window.echarts) return;
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var data;
    try {
      data = JSON.parse(el.getAttribute('data-chart'));
    } catch {
      return;
    }
    var chart = window.echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 24, top: 24, bottom: 40 },
      tooltip: {
        trigger: 'axis',
        formatter: function (items) {
          var p = data.points[items[0].dataIndex];
          var div = document.createElement('div');
          div.textContent =
            p.at.replace('T', ' ').slice(0, 19) + ' UTC · ' + (p.label || p.ds || '') + ': ' + p.rows + ' rows';
          return div.innerHTML;
        },
      },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', name: data.title, minInterval: 1 },
      series: [
        {
          type: 'line',
          name: data.title,
          showSymbol: true,
          data: data.points.map(function (p) {
            return [p.at, p.rows];
          }),
        },
      ],
    });
    window.addEventListener('resize', function () {
      chart.resize();
    });
  });
})();
