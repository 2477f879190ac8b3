// The joint risk assessment ("16+N") pages of the console: the per-township heat table of scores and levels
// (ECharts, loaded only here), the alerts with the signals behind them, the risk register, the assessment meetings
// with each unit's opinion and the follow-up tasks, and the peace-building designations. See addSections and
// OPENERS in index.html; api, jsonPost, esc, me, when, tag, areaName, nameAreas, showError, clearErrors and
// newClientRef come from there.
addSections(`
<style>
  .risk-level { display: inline-block; padding: 1px 8px; border-radius: 3px; color: #fff; font-size: 90%; }
  .risk-level.red { background: #c62828; } .risk-level.orange { background: #ef6c00; }
  .risk-level.yellow { background: #f9a825; color: #222; } .risk-level.blue { background: #1565c0; }
  #risk-heat-chart { width: 100%; max-width: 900px; }
  .risk-reasons { margin: 4px 0 0 0; padding-left: 18px; font-size: 90%; }
  .risk-granted { color: #1b5e20; font-weight: bold; } .risk-denied { color: #b71c1c; }
</style>
<section data-tab="risk-heat" data-label="风险热力" data-needs="risk.read">
  <h2>各乡镇（街道）风险评分与等级</h2>
  <p class="muted" id="risk-model"></p>
  <div id="risk-heat-chart"></div>
  <div id="risk-heat-table"></div>
  <div id="risk-villages"></div>
  <div id="risk-explain"></div>
</section>
<section data-tab="risk-alerts" data-label="风险预警" data-needs="risk.read">
  <h2>风险预警（每个区域同时只有一条未研判预警）</h2>
  <div id="risk-alert-rows"></div>
</section>
<section data-tab="risk-items" data-label="风险台账" data-needs="risk.read">
  <h2>风险台账</h2>
  <form id="risk-item-form" data-needs-write="risk.assess">
    <p>事项 <input name="title" size="30"> <span class="err" data-for="title"></span>
      类别 <select name="category"></select> 等级 <select name="level"></select></p>
    <p>区划代码（乡镇9位或村12位） <input name="area_code" size="14"> <span class="err" data-for="area_code"></span>
      责任单位 <select name="owner_unit"></select> <span class="err" data-for="owner_unit"></span></p>
    <p>管控措施（每行一条）<br><textarea name="measures" rows="2" style="width:90%"></textarea></p>
    <button type="submit">登记风险事项</button> <span class="err" data-for=""></span>
  </form>
  <div id="risk-item-rows"></div>
</section>
<section data-tab="risk-meetings" data-label="研判会" data-needs="risk.read">
  <h2>联合研判会（16+N）</h2>
  <form id="risk-meeting-form" data-needs-write="risk.assess">
    <p>会议名称 <input name="title" size="30"> <span class="err" data-for="title"></span>
      日期 <input type="date" name="held_on"> <span class="err" data-for="held_on"></span>
      区划代码（可空） <input name="area_code" size="14"> <span class="err" data-for="area_code"></span></p>
    <p>列席单位（每行“单位名称，列席原因”） <span class="err" data-for="invited_units"></span><br>
      <textarea name="invited" rows="2" style="width:90%"></textarea></p>
    <button type="submit">召开定期研判会</button> <span class="err" data-for=""></span>
  </form>
  <div id="risk-meeting-rows"></div>
</section>
<section data-tab="risk-meeting" data-label="研判会详情" data-needs="risk.read" data-nonav>
  <p><a id="risk-meeting-back">← 返回研判会</a></p>
  <div id="risk-meeting-page"></div>
</section>
<section data-tab="risk-designations" data-label="平安创建" data-needs="risk.read">
  <h2>平安创建：无毒、无邪教、无讼、平安示范乡镇</h2>
  <div id="risk-designation-rows"></div>
</section>
`);

let riskRef = null, riskUnits = null;
async function riskBasics() {
  if (!riskRef) [riskRef, riskUnits] = await Promise.all([api("/api/v1/risk/reference"), api("/api/v1/risk/units").then(r => r.items)]);
  return riskRef;
}
const RISK_LEVEL_NAMES = {red: "红", orange: "橙", yellow: "黄", blue: "蓝"};
const RISK_COLOURS = {red: "#c62828", orange: "#ef6c00", yellow: "#f9a825", blue: "#1565c0"};
const riskLevel = l => "<span class='risk-level " + esc(l) + "'>" + esc(RISK_LEVEL_NAMES[l] || l) + "</span>";
const riskCan = p => me && me.permissions.includes(p);
const riskOptions = (values, labels, chosen) => values.map(v => "<option value='" + esc(v) + "'" + (v === chosen ? " selected" : "") + ">" +
  esc(labels ? labels[v] : v) + "</option>").join("");
function riskReasons(reasons, limit) {
  const shown = reasons.slice(0, limit || 8);
  return "<ul class='risk-reasons'>" + shown.map(r => "<li>" + esc(r.kind_label) + (r.category ? "（" + esc(r.category_label || r.category) + "）" : "") +
    " +" + Number(r.value.toFixed(2)) + " <span class='muted'>" + esc(when(r.occurred_at)) + "</span></li>").join("") +
    (reasons.length > shown.length ? "<li class='muted'>另有 " + (reasons.length - shown.length) + " 条信号</li>" : "") + "</ul>";
}
let riskChartLoading = null;
function riskLoadCharts() {
  if (window.echarts) return Promise.resolve();
  if (!riskChartLoading) riskChartLoading = new Promise((ok, fail) => {
    const s = document.createElement("script"); s.src = "/vendor/echarts.min.js"; s.onload = ok; s.onerror = fail;
    document.head.appendChild(s);
  });
  return riskChartLoading;
}

// the heat table -----------------------------------------------------------------------------------------------------
async function showRiskHeat() {
  const ref = await riskBasics();
  const t = ref.thresholds;
  document.getElementById("risk-model").textContent = "评分为各信号权重×类别系数×时间衰减（半衰期" + ref.half_life_days + "天，" +
    ref.window_days + "天外不计）之和。村：黄≥" + t.village.yellow + "、橙≥" + t.village.orange + "、红≥" + t.village.red +
    "；乡镇：黄≥" + t.township.yellow + "、橙≥" + t.township.orange + "、红≥" + t.township.red + "。";
  const heat = await api("/api/v1/risk/heat");
  await nameAreas(heat.areas.map(a => a.area_code));
  const box = document.getElementById("risk-heat-table");
  if (!heat.areas.length) { box.innerHTML = "<p class='muted'>尚无风险信号</p>"; document.getElementById("risk-heat-chart").hidden = true; return; }
  box.innerHTML = "<table id='risk-heat-rows'><tr><th>乡镇（街道）</th><th>评分</th><th>等级</th><th>信号数</th><th>评分时点</th></tr>" +
    heat.areas.map(a => "<tr data-area='" + esc(a.area_code) + "'><td><a class='risk-township' data-area='" + esc(a.area_code) + "'>" +
      esc(areaName(a.area_code)) + "</a></td><td>" + a.score + "</td><td>" + riskLevel(a.level) + "</td><td>" + (a.signal_count || 0) +
      "</td><td>" + esc(when(a.at)) + "</td></tr>").join("") + "</table>";
  for (const a of box.querySelectorAll("a.risk-township")) a.onclick = () => showRiskVillages(a.dataset.area);
  try {
    await riskLoadCharts();
    const el = document.getElementById("risk-heat-chart"); el.hidden = false;
    el.style.height = Math.max(140, 36 * heat.areas.length + 60) + "px";  // one band per township
    const chart = echarts.getInstanceByDom(el) || echarts.init(el);
    const names = heat.areas.map(a => areaName(a.area_code));
    const levels = ["blue", "yellow", "orange", "red"];
    chart.setOption({
      tooltip: {formatter: p => esc(names[p.value[1]]) + "：" + p.value[2] + "（" + RISK_LEVEL_NAMES[levels[p.value[3]]] + "色）"},
      grid: {left: 120, right: 20, top: 10, bottom: 30},
      xAxis: {type: "category", data: ["评分"]}, yAxis: {type: "category", data: names},
      visualMap: {show: false, dimension: 3, type: "piecewise", pieces: levels.map((l, i) => ({value: i, color: RISK_COLOURS[l]}))},
      series: [{type: "heatmap", label: {show: true}, data: heat.areas.map((a, i) => [0, i, a.score, levels.indexOf(a.level)])}],
    }, true);
    chart.off("click"); chart.on("click", p => showRiskVillages(heat.areas[p.value[1]].area_code));
  } catch (err) { document.getElementById("risk-heat-chart").hidden = true; }
}
async function showRiskVillages(township) {
  const heat = await api("/api/v1/risk/heat?township_code=" + encodeURIComponent(township));
  await nameAreas(heat.areas.map(a => a.area_code));
  const box = document.getElementById("risk-villages");
  box.innerHTML = "<h3>" + esc(areaName(township)) + " 各村（社区）</h3><table><tr><th>村（社区）</th><th>评分</th><th>等级</th><th>信号数</th></tr>" +
    heat.areas.map(a => "<tr><td><a class='risk-village' data-area='" + esc(a.area_code) + "'>" + esc(areaName(a.area_code)) +
      "</a></td><td>" + a.score + "</td><td>" + riskLevel(a.level) + "</td><td>" + (a.signal_count || 0) + "</td></tr>").join("") + "</table>";
  for (const a of box.querySelectorAll("a.risk-village")) a.onclick = () => showRiskExplain(a.dataset.area);
}
async function showRiskExplain(code) {
  const s = await api("/api/v1/risk/scores/" + encodeURIComponent(code));
  document.getElementById("risk-explain").innerHTML = "<h3>" + esc(areaName(code)) + " 评分 " + s.score + " " + riskLevel(s.level) +
    "</h3><p class='muted'>依据 " + s.signal_count + " 条信号（" + esc(when(s.at)) + " 时点）</p>" + riskReasons(s.reasons, 50);
}
OPENERS["risk-heat"] = showRiskHeat;

// alerts ----------------------------------------------------------------------------------------------------------------
async function showRiskAlerts() {
  const page = await api("/api/v1/risk/alerts?page_size=50");
  await nameAreas(page.items.map(a => a.area_code));
  const box = document.getElementById("risk-alert-rows");
  if (!page.items.length) { box.innerHTML = "<p class='muted'>暂无风险预警</p>"; return; }
  box.innerHTML = "<table id='risk-alert-table'><tr><th>区域</th><th>等级</th><th>类别</th><th>评分</th><th>预警依据</th><th>通报单位</th><th>状态</th><th></th></tr>" +
    page.items.map(a => "<tr class='risk-alert' data-alert='" + esc(a.id) + "'><td>" + esc(areaName(a.area_code)) + "</td><td>" + riskLevel(a.level) +
      "</td><td>" + esc(a.category) + "</td><td>" + a.score + "</td><td>" + riskReasons(a.reasons) + "</td><td>" + esc(a.units.join("、")) +
      "</td><td>" + (a.status === "open" ? "待研判" : "已研判") + "<div class='muted'>" + esc(when(a.raised_at)) + "</div></td><td>" +
      (a.status === "open" && riskCan("risk.assess") ? "<button class='risk-convene' data-alert='" + esc(a.id) + "'>召开研判会</button>" : "") +
      "</td></tr>").join("") + "</table>";
  for (const b of box.querySelectorAll("button.risk-convene")) b.onclick = async () => {
    try {
      const m = await jsonPost("/api/v1/risk/meetings", {title: "风险预警研判", trigger: "alert", alert_id: b.dataset.alert,
        held_on: countyDay(0), client_ref: newClientRef()});
      openRiskMeeting(m.id);
    } catch (err) { alert(err.message); }
  };
}
OPENERS["risk-alerts"] = showRiskAlerts;

// the register ------------------------------------------------------------------------------------------------------------
async function showRiskItems() {
  const ref = await riskBasics();
  const form = document.getElementById("risk-item-form");
  form.hidden = !riskCan("risk.assess");
  if (!form.dataset.ready) {
    form.category.innerHTML = riskOptions(ref.categories);
    form.level.innerHTML = riskOptions(["red", "orange", "yellow", "blue"], ref.levels);
    form.owner_unit.innerHTML = riskOptions(riskUnits.filter(u => u.active).map(u => u.name));
    form.dataset.ready = "1";
  }
  const page = await api("/api/v1/risk/items?page_size=100");
  await nameAreas(page.items.map(i => i.area_code));
  document.getElementById("risk-item-rows").innerHTML = page.items.length ? "<table id='risk-item-table'><tr><th>事项</th><th>类别</th><th>区域</th><th>等级</th><th>责任单位</th><th>措施</th><th>状态</th></tr>" +
    page.items.map(i => "<tr><td>" + esc(i.title) + "</td><td>" + esc(i.category) + "</td><td>" + esc(areaName(i.area_code)) + "</td><td>" +
      riskLevel(i.level) + "</td><td>" + esc(i.owner_unit) + "</td><td>" + esc((i.measures || []).join("；")) + "</td><td>" +
      esc(ref.item_statuses[i.status]) + "</td></tr>").join("") + "</table>" : "<p class='muted'>台账为空</p>";
}
document.getElementById("risk-item-form").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target; clearErrors(form);
  const f = new FormData(form);
  try {
    await jsonPost("/api/v1/risk/items", {title: f.get("title"), category: f.get("category"), level: f.get("level"),
      area_code: f.get("area_code").trim(), owner_unit: f.get("owner_unit"),
      measures: f.get("measures").split("\n").map(s => s.trim()).filter(Boolean)});
    form.reset(); form.dataset.ready = ""; showRiskItems();
  } catch (err) { showError(form, err); }
};
OPENERS["risk-items"] = showRiskItems;

// meetings ------------------------------------------------------------------------------------------------------------------
async function showRiskMeetings() {
  const form = document.getElementById("risk-meeting-form");
  form.hidden = !riskCan("risk.assess");
  if (!form.held_on.value) form.held_on.value = countyDay(0);
  const page = await api("/api/v1/risk/meetings?page_size=50");
  const box = document.getElementById("risk-meeting-rows");
  box.innerHTML = page.items.length ? "<table id='risk-meeting-table'><tr><th>会议</th><th>日期</th><th>方式</th><th>意见</th><th>状态</th></tr>" +
    page.items.map(m => "<tr><td><a class='risk-meeting-link' data-meeting='" + esc(m.id) + "'>" + esc(m.title) + "</a></td><td>" + esc(m.held_on) +
      "</td><td>" + (m.trigger === "alert" ? "因预警召开" : "定期召开") + "</td><td>" + m.opinions.length + " 家单位</td><td>" +
      (m.status === "concluded" ? "已形成结论 " + riskLevel(m.level) : "研判中") + "</td></tr>").join("") + "</table>" : "<p class='muted'>暂无研判会</p>";
  for (const a of box.querySelectorAll("a.risk-meeting-link")) a.onclick = () => openRiskMeeting(a.dataset.meeting);
}
document.getElementById("risk-meeting-form").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target; clearErrors(form);
  const f = new FormData(form);
  const invited = f.get("invited").split("\n").map(s => s.trim()).filter(Boolean).map(line => {
    const [name, ...rest] = line.split(/[，,]/); return {name: name.trim(), reason: rest.join("，").trim() || "列席"};
  });
  const body = {title: f.get("title"), trigger: "schedule", held_on: f.get("held_on"), invited_units: invited, client_ref: newClientRef()};
  if (f.get("area_code").trim()) body.area_code = f.get("area_code").trim();
  try { const m = await jsonPost("/api/v1/risk/meetings", body); form.reset(); openRiskMeeting(m.id); }
  catch (err) { showError(form, err); }
};
OPENERS["risk-meetings"] = showRiskMeetings;
PARENT_TABS["risk-meeting"] = "risk-meetings";
document.getElementById("risk-meeting-back").onclick = () => openTab("risk-meetings");

async function openRiskMeeting(id) {
  openTab("risk-meeting");
  const ref = await riskBasics();
  const m = await api("/api/v1/risk/meetings/" + encodeURIComponent(id));
  const participants = m.standing_units.concat(m.invited_units.map(u => u.name));
  let html = "<h2>" + esc(m.title) + "</h2><p>" + esc(m.held_on) + " · " + (m.trigger === "alert" ? "因预警召开" : "定期召开") +
    (m.area_code ? " · " + esc(areaName(m.area_code)) : "") + " · " + (m.status === "concluded" ? "已形成结论 " + riskLevel(m.level) : "研判中") + "</p>";
  html += "<p><b>常设成员单位（" + m.standing_units.length + "）</b>：" + esc(m.standing_units.join("、")) + "</p>";
  html += "<p><b>列席单位（" + m.invited_units.length + "）</b>：" + (m.invited_units.map(u => esc(u.name) + "（" + esc(u.reason) + "）").join("、") || "无") + "</p>";
  html += "<h3>各单位意见</h3>" + (m.opinions.length ? "<table id='risk-opinions'><tr><th>单位</th><th>身份</th><th>意见</th><th>建议等级</th></tr>" +
    m.opinions.map(o => "<tr><td>" + esc(o.unit) + "</td><td>" + (o.role === "invited" ? "列席" : "常设") + "</td><td>" + esc(o.opinion) +
      "</td><td>" + (o.suggested_level ? riskLevel(o.suggested_level) : "—") + "</td></tr>").join("") + "</table>" : "<p class='muted'>尚无意见</p>");
  if (m.status === "convened" && riskCan("risk.opinion")) {
    html += "<form id='risk-opinion-form'><p>单位 <select name='unit'>" + riskOptions(participants) + "</select> 建议等级 <select name='suggested_level'><option value=''>—</option>" +
      riskOptions(["red", "orange", "yellow", "blue"], ref.levels) + "</select></p><p><textarea name='opinion' rows='2' style='width:90%' placeholder='研判意见'></textarea> <span class='err' data-for='opinion'></span></p>" +
      "<button type='submit'>提交意见</button> <span class='err' data-for=''></span><span class='err' data-for='unit'></span></form>";
  }
  if (m.status === "concluded") {
    html += "<h3>研判结论</h3><p>" + esc(m.resolution) + "</p>";
  } else if (riskCan("risk.assess")) {
    html += "<h3>形成结论</h3><form id='risk-conclude-form'><p>结论 <textarea name='resolution' rows='2' style='width:90%'></textarea> <span class='err' data-for='resolution'></span></p>" +
      "<p>确定等级 <select name='level'>" + riskOptions(["red", "orange", "yellow", "blue"], ref.levels, m.level) + "</select></p>" +
      "<p>交办任务（每行“任务，责任单位，完成日期YYYY-MM-DD”） <span class='err' data-for='tasks'></span><br><textarea name='tasks' rows='3' style='width:90%'></textarea></p>" +
      "<button type='submit'>形成结论并交办</button> <span class='err' data-for=''></span></form>";
  }
  html += "<h3>交办任务</h3>" + (m.tasks.length ? "<table id='risk-tasks'><tr><th>任务</th><th>责任单位</th><th>完成时限</th><th>状态</th></tr>" +
    m.tasks.map(t => "<tr><td>" + esc(t.title) + "</td><td>" + esc(t.owner_unit) + "</td><td>" + esc(t.due_on) + "</td><td>" +
      (t.status === "done" ? "已完成" : t.escalation_level ? tag("逾期 · " + t.escalated_to, "overdue") : "办理中") +
      (t.status === "open" && riskCan("risk.opinion") ? " <button class='risk-task-done' data-task='" + esc(t.id) + "'>报告完成</button>" : "") +
      "</td></tr>").join("") + "</table>" : "<p class='muted'>暂无</p>");
  const page = document.getElementById("risk-meeting-page");
  page.innerHTML = html;
  const opinion = document.getElementById("risk-opinion-form");
  if (opinion) opinion.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(opinion);
    const f = new FormData(opinion);
    try {
      await jsonPost("/api/v1/risk/meetings/" + m.id + "/opinions", {unit: f.get("unit"), opinion: f.get("opinion"),
        suggested_level: f.get("suggested_level") || null});
      openRiskMeeting(m.id);
    } catch (err) { showError(opinion, err); }
  };
  const conclude = document.getElementById("risk-conclude-form");
  if (conclude) conclude.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(conclude);
    const f = new FormData(conclude);
    const tasks = f.get("tasks").split("\n").map(s => s.trim()).filter(Boolean).map(line => {
      const [title, owner_unit, due_on] = line.split(/[，,]/).map(s => (s || "").trim()); return {title, owner_unit, due_on};
    });
    try {
      await jsonPost("/api/v1/risk/meetings/" + m.id + "/conclusion", {resolution: f.get("resolution"), level: f.get("level"), tasks});
      openRiskMeeting(m.id);
    } catch (err) { showError(conclude, err); }
  };
  for (const b of page.querySelectorAll("button.risk-task-done")) b.onclick = async () => {
    const note = prompt("完成情况");
    if (!note) return;
    try { await jsonPost("/api/v1/risk/tasks/" + b.dataset.task + "/done", {note}); openRiskMeeting(m.id); }
    catch (err) { alert(err.message); }
  };
}

// designations --------------------------------------------------------------------------------------------------------------
async function showRiskDesignations() {
  const rows = (await api("/api/v1/risk/designations")).items;
  await nameAreas(rows.map(d => d.township_code));
  const box = document.getElementById("risk-designation-rows");
  if (!rows.length) { box.innerHTML = "<p class='muted'>尚未评定</p>"; return; }
  const codes = ["drug_free", "cult_free", "litigation_free", "peace_building"];
  const byTownship = {};
  for (const d of rows) (byTownship[d.township_code] = byTownship[d.township_code] || {})[d.designation] = d;
  const cell = d => !d ? "<td>—</td>" : "<td title='" + esc(d.evidence.map(e => e.criterion + "：" + e.count + "（上限" + e.limit + "）").join("；")) +
    "'>" + (d.granted ? "<span class='risk-granted'>✓ 达标</span>" : "<span class='risk-denied'>未达标</span>") +
    "<div class='muted'>" + esc(d.evidence.filter(e => !e.met).map(e => e.criterion + " " + e.count).join("；")) + "</div></td>";
  box.innerHTML = "<table id='risk-designation-table'><tr><th>乡镇（街道）</th>" + codes.map(c => "<th>" + esc(rows.find(d => d.designation === c)?.label || c) + "</th>").join("") +
    "</tr>" + Object.keys(byTownship).sort().map(t => "<tr><td>" + esc(areaName(t)) + "</td>" + codes.map(c => cell(byTownship[t][c])).join("") + "</tr>").join("") + "</table>";
}
OPENERS["risk-designations"] = showRiskDesignations;
