/* The supervision page's bar chart of yellow and red cards per department (ECharts, SVG). */
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("board-chart");
  if (!box || typeof echarts === "undefined") { if (box) { box.hidden = true; } return; }
  var data = JSON.parse(document.getElementById("board-data").textContent);
  var chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, data: [data.labels.red, data.labels.yellow] },
    // Drawn inside the SVG: an HTML tooltip would carry style attributes, which the CSP refuses.
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
    xAxis: { type: "category", data: data.departments, axisTick: { show: false }, axisLabel: { interval: 0, color: "#424853" } },
    yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#e2e5ea" } }, axisLabel: { color: "#626a75" } },
    series: [
      { name: data.labels.red, type: "bar", stack: "flagged", barMaxWidth: 36, data: data.red, itemStyle: { color: "#b3261e" } },
      { name: data.labels.yellow, type: "bar", stack: "flagged", barMaxWidth: 36, data: data.yellow, itemStyle: { color: "#e0a100", borderRadius: [3, 3, 0, 0] } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
