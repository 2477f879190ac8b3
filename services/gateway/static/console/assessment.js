// The assessment pages of the console: the leader's first screen (the plan's eight targets as cards with their
// 12-month sparklines, the tile map of the areas below coloured by 目标达成指数, the ranking, the open risk alerts),
// the records behind a figure, and the export of any of these tables to .xlsx. See addSections and OPENERS in
// index.html; api, esc, me, tag, percent, areaName, nameAreas, homeArea and when come from there.
addSections(`
<style>
  #as-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px; }
  .as-card { border: 1px solid #ddd; border-radius: 4px; padding: 8px; cursor: pointer; background: #fff; }
  .as-card.met { border-left: 5px solid #2e7d32; } .as-card.unmet { border-left: 5px solid #c62828; }
  .as-card .as-value { font-size: 150%; font-weight: bold; }
  .as-spark { width: 100%; height: 36px; }
  #as-tiles { display: grid; grid-template-columns: repeat(5, 1fr); gap: 3px; max-width: 640px; }
  .as-tile { padding: 6px 2px; text-align: center; font-size: 85%; cursor: pointer; border-radius: 3px; color: #111; }
  .as-tile b { display: block; font-size: 110%; }
  #as-ranking td.num { text-align: right; }
</style>
<section data-tab="assessment-records" data-label="指标记录" data-needs="assessment.read" data-nonav>
  <p><a id="as-records-back">‹ 返回记分卡</a> <a id="as-records-export" class="as-export">导出 .xlsx</a>
    <span class="muted as-export-state"></span></p>
  <div id="as-records"></div>
</section>
`);

const AS = {area: null, since: null, until: null};
const AS_PERIODS = {last12: "近12个月", year: "本年", month: "本月"};
function asDay(d) { return d.toLocaleDateString("en-CA", {timeZone: "Asia/Shanghai"}); }
function asPeriod(kind) {
  const today = asDay(new Date()), [y, m] = today.split("-").map(Number);
  const tomorrow = asDay(new Date(Date.now() + 86400e3));
  if (kind === "month") return [today.slice(0, 8) + "01", tomorrow];
  if (kind === "last12") return [new Date(Date.UTC(y - 1, m, 1)).toISOString().slice(0, 10), tomorrow];
  return [y + "-01-01", tomorrow];
}
function asQuery(extra) {
  const all = {area_code: AS.area, since: AS.since, until: AS.until, ...(extra || {})};
  return new URLSearchParams(Object.entries(all).filter(([, v]) => v !== null && v !== undefined)).toString();
}
function asValue(c) {
  if (c.code === "public_opinion") return c.value === null ? "—" : (c.met ? "不低于" : "低于") + "全市平均";
  return percent(c.value);
}
function asThreshold(c) { return c.threshold === null ? "不低于全市平均" : (c.threshold >= 1 ? "100%" : "≥" + percent(c.threshold)); }
function asColour(score) {
  if (score === null || score === undefined) return "#eeeeee";
  const t = Math.max(0, Math.min(1, (score - 50) / 50));  // 50 and below red, 100 green
  return "hsl(" + Math.round(120 * t) + ", 60%, " + (72 - 10 * t) + "%)";
}
let asChartLoading = null;
function asLoadCharts() {
  if (window.echarts) return Promise.resolve();
  if (!asChartLoading) asChartLoading = new Promise((ok, fail) => {
    const s = document.createElement("script"); s.src = "/vendor/echarts.min.js"; s.onload = ok; s.onerror = fail;
    document.head.appendChild(s);
  });
  return asChartLoading;
}

// the leader's first screen ---------------------------------------------------------------------------------------
async function showAssessmentHome() {
  if (!me || !me.permissions.includes("assessment.read")) return;
  const home = document.querySelector("section[data-tab=home]");
  let box = document.getElementById("as-home");
  if (box) return;  // coming back to the first screen keeps what it shows (the period links read it again)
  {
    home.insertAdjacentHTML("afterbegin", "<div id='as-home'><h2 id='as-title'>目标考核</h2>" +
      "<p class='filters'>" + Object.entries(AS_PERIODS).map(([k, v]) => "<a class='as-period' data-period='" + k + "'>" + v + "</a>").join(" · ") +
      " <a id='as-up' hidden>‹ 返回上一级</a> <a class='as-export' data-table='scorecard'>导出记分卡</a> <a class='as-export' data-table='ranking'>导出排名</a>" +
      " <span class='muted as-export-state'></span></p>" +
      "<p class='muted' id='as-summary'></p><div id='as-cards'></div><h3 id='as-tiles-title'></h3><div id='as-tiles'></div>" +
      "<h3>排名</h3><div id='as-ranking'></div><div id='as-alerts'></div></div>");
    box = document.getElementById("as-home");
    for (const a of box.querySelectorAll("a.as-period")) a.onclick = () => { [AS.since, AS.until] = asPeriod(a.dataset.period); renderAssessment(); };
    for (const a of box.querySelectorAll("a.as-export")) a.onclick = () => asExport({table: a.dataset.table}, box);
    document.getElementById("as-up").onclick = () => { AS.area = AS.area.length > 9 ? AS.area.slice(0, 9) : AS.area.slice(0, 6); renderAssessment(); };
    const title = home.querySelector("h2:not(#as-title)");
    if (title) title.textContent = "我的工作";
  }
  AS.area = homeArea(); [AS.since, AS.until] = asPeriod("last12");  // a rolling year: January is not empty
  await renderAssessment();
}
async function renderAssessment() {
  const cardsBox = document.getElementById("as-cards");
  let card, ranking;
  try {
    [card, ranking] = await Promise.all([api("/api/v1/assessment/scorecard?" + asQuery()),
      AS.area.length < 12 ? api("/api/v1/assessment/ranking?" + asQuery()) : Promise.resolve({items: []})]);
  } catch (err) { cardsBox.innerHTML = "<span class='bad'>" + esc(err.message) + "</span>"; return; }
  document.getElementById("as-up").hidden = AS.area === homeArea();
  document.getElementById("as-title").textContent = card.area_name + " · 八项目标";
  document.getElementById("as-summary").textContent = AS.since + " 至 " + AS.until + "（不含） · 达标 " + card.met + "/" +
    card.cards.length + " 项 · 目标达成指数 " + (card.attainment === null ? "—" : card.attainment);
  cardsBox.innerHTML = card.cards.map((c, i) => "<div class='as-card " + (c.met === null ? "" : c.met ? "met" : "unmet") + "' data-target='" + esc(c.code) + "'>" +
    "<div>" + esc(c.label) + "</div><div class='as-value'>" + esc(asValue(c)) + "</div>" +
    "<div>" + (c.met === null ? tag("无数据") : tag(c.met ? "达标" : "未达标", c.met ? "" : "overdue")) + " <span class='muted'>目标 " + esc(asThreshold(c)) + "</span></div>" +
    "<div class='muted'>" + (c.denominator === null ? esc(c.definition) : c.numerator + " ÷ " + c.denominator + " · " + esc(c.definition)) + "</div>" +
    "<div class='as-spark' id='as-spark-" + i + "'></div></div>").join("");
  for (const el of cardsBox.querySelectorAll(".as-card")) el.onclick = () => showAssessmentRecords(el.dataset.target);
  renderTiles(ranking);
  renderAlerts();
  try {
    await asLoadCharts();
    card.cards.forEach((c, i) => {
      const el = document.getElementById("as-spark-" + i);
      const chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption({grid: {left: 2, right: 2, top: 4, bottom: 2}, xAxis: {type: "category", show: false, data: c.trend.map(t => t.month)},
        yAxis: {type: "value", show: false, min: 0}, tooltip: {trigger: "axis", valueFormatter: v => v === null ? "—" : v + (c.threshold === null ? "" : "%")},
        series: [{type: "line", showSymbol: false, connectNulls: true, data: c.trend.map(t => t.value === null ? null : +(t.value * 100).toFixed(1))}]}, true);
    });
  } catch (err) { /* the cards stand without their sparklines */ }
}
function renderTiles(ranking) {
  const tiles = document.getElementById("as-tiles");
  document.getElementById("as-tiles-title").textContent = ranking.items.length ? (AS.area.length === 6 ? "各乡镇（街道）目标达成指数" : "各村（社区）目标达成指数") : "";
  const byCode = [...ranking.items].sort((a, b) => a.area_code.localeCompare(b.area_code));
  tiles.innerHTML = byCode.map(r => "<div class='as-tile' data-area='" + esc(r.area_code) + "' style='background:" + asColour(r.attainment) + "'>" +
    esc(r.area_name) + "<b>" + (r.attainment === null ? "—" : r.attainment) + "</b></div>").join("");
  for (const t of tiles.querySelectorAll(".as-tile")) t.onclick = () => { AS.area = t.dataset.area; renderAssessment(); };
  document.getElementById("as-ranking").innerHTML = ranking.items.length ? "<table id='as-ranking-table'><tr><th>名次</th><th>区划</th><th>目标达成指数</th><th>达标项数</th></tr>" +
    ranking.items.map(r => "<tr><td class='num'>" + r.rank + "</td><td><a class='as-drill' data-area='" + esc(r.area_code) + "'>" + esc(r.area_name) +
      "</a></td><td class='num'>" + (r.attainment === null ? "—" : r.attainment) + "</td><td class='num'>" + r.met + "</td></tr>").join("") + "</table>" : "";
  for (const a of document.querySelectorAll("#as-ranking a.as-drill")) a.onclick = () => { AS.area = a.dataset.area; renderAssessment(); };
}
async function renderAlerts() {
  const box = document.getElementById("as-alerts");
  if (!me.permissions.includes("risk.read")) { box.innerHTML = ""; return; }
  try {
    const page = await api("/api/v1/risk/alerts?status=open&page_size=5&area_code=" + encodeURIComponent(AS.area));
    await nameAreas(page.items.map(a => a.area_code));
    box.innerHTML = "<h3>风险预警（待研判 " + page.total + " 条）</h3>" + (page.items.length ? "<ul id='as-alert-list'>" + page.items.map(a =>
      "<li>" + esc(areaName(a.area_code)) + " " + tag(a.level) + " " + esc(a.category) + " 评分 " + a.score + " <span class='muted'>" + esc(when(a.raised_at)) + "</span></li>").join("") +
      "</ul>" : "<p class='muted'>暂无</p>");
  } catch (err) { box.innerHTML = ""; }
}

// the records behind a figure, and the export -------------------------------------------------------------------------
let asRecordsTarget = null;
async function showAssessmentRecords(target) {
  asRecordsTarget = target;
  openTab("assessment-records");
  const box = document.getElementById("as-records");
  box.innerHTML = "加载中…";
  let page;
  try { page = await api("/api/v1/assessment/records?" + asQuery({target})); } catch (err) { box.innerHTML = "<span class='bad'>" + esc(err.message) + "</span>"; return; }
  const counted = page.items.filter(r => r.counted).length;
  box.innerHTML = "<h2 id='as-records-title'>" + esc(page.label) + "</h2><p class='muted'>计入分子 " + counted + " 条，分母共 " + page.total + " 条</p>" +
    (page.items.length ? "<table id='as-records-table'><tr><th>编号</th><th>状态或渠道</th><th>时间</th><th>计数</th></tr>" + page.items.map(r =>
      "<tr><td>" + (r.kind === "dispute" ? "<a class='as-dispute' data-id='" + esc(r.id) + "'>" + esc(r.id) + "</a>" : esc(r.id)) + "</td><td>" +
      esc(r.status || r.channel || r.indicator || "") + (r.overdue ? " " + tag("超期未结", "overdue") : "") + "</td><td>" +
      esc(r.registered_at ? when(r.registered_at) : r.received_at ? when(r.received_at) : r.year || "") + "</td><td>" +
      (r.counted ? tag("计入分子") : "<span class='muted'>仅计入分母</span>") + "</td></tr>").join("") + "</table>" : "<p class='muted'>没有记录</p>");
  for (const a of box.querySelectorAll("a.as-dispute")) a.onclick = () => { if (window.openDispute) openDispute(a.dataset.id); };
}
document.getElementById("as-records-back").onclick = () => openTab("home");
document.getElementById("as-records-export").onclick = () =>
  asExport({table: "records", target: asRecordsTarget}, document.querySelector("section[data-tab=assessment-records]"));
async function asExport(extra, box) {
  const state = box.querySelector(".as-export-state");
  state.textContent = "正在导出…";
  try {
    const r = await xzSession.fetch("/api/v1/assessment/export?" + asQuery(extra));
    if (!r.ok) throw new Error((await r.json()).message);
    const blob = await r.blob();
    const link = document.createElement("a");
    const names = {ranking: "排名", records: "指标记录", round: "考核结果-" + extra.round_id, scorecard: "记分卡"};
    link.href = URL.createObjectURL(blob); link.download = (names[extra.table] || "记分卡") + "-" + (AS.area || "本辖区") + ".xlsx";
    document.body.appendChild(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    state.textContent = "已导出";
  } catch (err) { state.textContent = err.message; }
}
OPENERS.home = showAssessmentHome;
