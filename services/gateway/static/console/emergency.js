// The emergency pages of the console (平战转换): plans with their versions, yearly review and closing reports; the
// responses and drills with the activation form; the live situation board (polled every second with an ETag: an
// unchanged board costs a 304) with the commander's level change, extension and deactivation; the closing report.
// See addSections and OPENERS in index.html; api, jsonPost, esc, me, when, tag, showError, clearErrors and
// newClientRef come from there.
addSections(`
<style>
  .em-counts { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 8px 0; }
  .em-counts span { min-width: 6.5em; } .em-counts b { display: block; font-size: 24px; color: #b71c1c; }
  .em-banner { background: #b71c1c; color: #fff; padding: 8px 12px; border-radius: 6px; }
  .em-banner.frozen { background: #546e7a; } .em-banner .tag { background: #fff; color: #b71c1c; }
  #em-board-chart { width: 100%; max-width: 900px; height: 260px; }
  .em-grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 24px; }
  .em-outdated { color: #b71c1c; font-weight: bold; }
  .em-forms form { border-top: 1px dashed #ccc; padding-top: 6px; margin-top: 8px; }
  @media (max-width: 600px) { .em-counts b { font-size: 20px; } table { font-size: 13px; } }
</style>
<section data-tab="emergency-plans" data-label="应急预案" data-needs="emergency.read">
  <h2>应急预案（县、乡镇、村）</h2>
  <p class="muted" id="em-plan-summary"></p>
  <div id="em-plan-rows">加载中…</div>
  <form id="em-plan-form" data-needs-write="emergency.plan">
    <h3>新建或修订预案（保存为草稿，发布后生效）</h3>
    <p>预案编号 <input name="plan_id" size="18" placeholder="EP500229201-flood"> <span class="err" data-for="plan_id"></span>
      名称 <input name="title" size="24"> <span class="err" data-for="title"></span></p>
    <p>区划代码（县、乡镇或村） <input name="area_code" size="14"> <span class="err" data-for="area_code"></span>
      灾种 <select name="hazard"></select> <span class="err" data-for="hazard"></span></p>
    <p>副指挥长 <input name="deputies" size="16" placeholder="多人用顿号分隔"> 村（社区）干部 <input name="cadres" size="20">
      <span class="err" data-for="command"></span></p>
    <p>入户排查自 <select name="check_level"></select> 起，<input name="check_minutes" size="4" value="120"> 分钟内完成；
      转移安置自 <select name="evacuation_level"></select> 起；道路封控自 <select name="closure_level"></select> 起
      <label><input type="checkbox" name="hourly" checked> 各村每小时报告</label>
      <label><input type="checkbox" name="watch" checked> 网格值守巡查</label> <span class="err" data-for="task_templates"></span></p>
    <p>安置点（每行“编号，名称，区划代码，容纳人数”） <span class="err" data-for="shelters"></span><br>
      <textarea name="shelters" rows="2" style="width:90%"></textarea></p>
    <p>物资（每行“名称，数量，单位，存放地点”） <span class="err" data-for="materials"></span><br>
      <textarea name="materials" rows="2" style="width:90%"></textarea></p>
    <p>联系人（每行“姓名，职务，单位，手机”） <span class="err" data-for="contacts"></span><br>
      <textarea name="contacts" rows="2" style="width:90%"></textarea></p>
    <button type="submit">保存草稿</button> <span class="err" data-for=""></span>
  </form>
</section>
<section data-tab="emergency-plan" data-label="预案详情" data-needs="emergency.read" data-nonav>
  <p><a id="em-plan-back">‹ 返回应急预案</a></p>
  <div id="em-plan-page"></div>
</section>
<section data-tab="emergency-activations" data-label="应急响应" data-needs="emergency.read">
  <h2>应急响应与演练</h2>
  <div id="em-activation-counts" class="em-counts"></div>
  <div id="em-activation-rows">加载中…</div>
  <form id="em-activate-form" data-needs-write="emergency.command">
    <h3>平→战：启动应急响应</h3>
    <p>预案 <select name="plan_id"></select> <span class="err" data-for="plan_id"></span>
      响应等级 <select name="level"></select> <span class="err" data-for="level"></span></p>
    <p>响应区域（乡镇或村代码，多个用逗号分隔） <input name="area_codes" size="34"> <span class="err" data-for="area_codes"></span></p>
    <p>启动理由 <input name="reason" size="50"> <span class="err" data-for="reason"></span>
      <label><input type="checkbox" name="drill"> 演练</label></p>
    <button type="submit">启动</button> <span class="err" data-for=""></span>
  </form>
</section>
<section data-tab="emergency-board" data-label="态势图" data-needs="emergency.read" data-nonav>
  <p><a id="em-board-back">‹ 返回应急响应</a></p>
  <div id="em-board"></div>
  <div id="em-board-chart"></div>
  <div id="em-board-tables"></div>
  <div id="em-command"></div>
  <div id="em-tasks"></div>
  <div id="em-board-actions" class="em-forms"></div>
</section>
<section data-tab="emergency-report" data-label="总结报告" data-needs="emergency.read" data-nonav>
  <p class="no-print"><a id="em-report-back">‹ 返回态势图</a> <button id="em-report-print">打印</button></p>
  <div id="em-report"></div>
</section>
`);

let emRef = null;
const emCan = p => me && me.permissions.includes(p);
async function emBasics() { if (!emRef) emRef = await api("/api/v1/emergency/reference"); return emRef; }
const emOptions = (labels, chosen) => Object.entries(labels).map(([k, v]) => "<option value='" + esc(k) + "'" + (k === chosen ? " selected" : "") + ">" + esc(v) + "</option>").join("");
const emLines = text => String(text || "").split("\n").map(s => s.trim()).filter(Boolean).map(l => l.split(/[，,]/).map(s => s.trim()));
const emSplit = text => String(text || "").split(/[、,，\s]+/).map(s => s.trim()).filter(Boolean);
PARENT_TABS["emergency-plan"] = "emergency-plans";
PARENT_TABS["emergency-board"] = "emergency-activations";
PARENT_TABS["emergency-report"] = "emergency-activations";

// plans -------------------------------------------------------------------------------------------------------------------
async function showEmergencyPlans() {
  const ref = await emBasics();
  const form = document.getElementById("em-plan-form");
  if (form && !form.hazard.options.length) {
    form.hazard.innerHTML = emOptions(ref.hazards);
    for (const [name, chosen] of [["check_level", "IV"], ["evacuation_level", "III"], ["closure_level", "II"]])
      form[name].innerHTML = emOptions(ref.levels, chosen);
  }
  if (form) form.hidden = !emCan("emergency.plan");
  const page = await api("/api/v1/emergency/plans");
  document.getElementById("em-plan-summary").textContent = "共 " + page.total + " 件，其中过期未复审 " + page.outdated + " 件（预案每年复审一次）";
  document.getElementById("em-plan-rows").innerHTML = page.items.length ? "<table id='em-plans'><tr><th>预案</th><th>区域</th><th>灾种</th>" +
    "<th>版本</th><th>状态</th><th>审定日期</th><th>安置点</th></tr>" + page.items.map(p => "<tr class='em-plan-row' data-plan='" + esc(p.plan_id) +
    "'><td><a class='em-plan-link' data-plan='" + esc(p.plan_id) + "'>" + esc(p.title) + "</a></td><td>" + esc(p.area_name) + "</td><td>" +
    esc(p.hazard_label) + "</td><td>" + p.version + (p.has_draft ? " " + tag("有草稿") : "") + "</td><td>" + esc(p.status_label) +
    (p.outdated ? " <span class='em-outdated'>过期未复审</span>" : "") + "</td><td>" + esc(p.reviewed_on) + "</td><td>" + p.shelters +
    "（可容纳 " + p.shelter_capacity + " 人）</td></tr>").join("") + "</table>" : "<p class='muted'>暂无预案</p>";
  for (const a of document.querySelectorAll("a.em-plan-link")) a.onclick = () => openEmergencyPlan(a.dataset.plan);
}
OPENERS["emergency-plans"] = showEmergencyPlans;

document.getElementById("em-plan-form").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target; clearErrors(form);
  const f = new FormData(form);
  const templates = [{kind: "household_check", title: "逐户核查人员安全", min_level: f.get("check_level"), scope: "household",
    due_minutes: Number(f.get("check_minutes")) || 120},
    {kind: "evacuation", title: "转移名单内需协助人员", min_level: f.get("evacuation_level"), scope: "household", due_minutes: 90},
    {kind: "road_closure", title: "封闭危险路段", min_level: f.get("closure_level"), scope: "village", assignee_role: "police", due_minutes: 60}];
  if (f.get("hourly")) templates.push({kind: "hourly_report", title: "每小时报告", min_level: "IV", scope: "village",
    assignee_role: "village_cadre", due_minutes: 60, repeat_minutes: 60});
  if (f.get("watch")) templates.push({kind: "watch", title: "值守巡查隐患点", min_level: "IV", scope: "grid", due_minutes: 30});
  const body = {title: f.get("title"), area_code: f.get("area_code"), hazard: f.get("hazard"), task_templates: templates,
    command: [{role: "commander", duty: "统一指挥本区域应急处置和群众转移"},
              {role: "deputy", duty: "协助指挥长，负责物资和安置点", people: emSplit(f.get("deputies"))},
              {role: "village_cadre", duty: "包片督导入户排查", people: emSplit(f.get("cadres"))},
              {role: "police", duty: "维护秩序，协助封控"}, {role: "grid_worker", duty: "逐户核查并上报"},
              {role: "party_member", duty: "党员先锋队协助转移需协助人员"}],
    shelters: emLines(f.get("shelters")).map(([shelter_id, name, area_code, capacity]) => ({shelter_id, name, area_code, capacity: Number(capacity)})),
    materials: emLines(f.get("materials")).map(([name, quantity, unit, location]) => ({name, quantity: Number(quantity), unit, location})),
    contacts: emLines(f.get("contacts")).map(([name, title, unit, phone]) => ({name, title, unit, phone: phone || null}))};
  try {
    const plan = await api("/api/v1/emergency/plans/" + encodeURIComponent(f.get("plan_id")), {method: "PUT",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    form.reset();
    openEmergencyPlan(plan.plan_id, "草稿已保存，发布后生效");
  } catch (err) { showError(form, err); }
};

async function openEmergencyPlan(planId, notice) {
  openTab("emergency-plan");
  const box = document.getElementById("em-plan-page");
  box.innerHTML = "加载中…";
  let p;
  try { p = await api("/api/v1/emergency/plans/" + encodeURIComponent(planId)); }
  catch (err) { box.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; return; }
  const canPublish = emCan("emergency.plan");
  let html = (notice ? "<p class='ok' id='em-plan-notice'>" + esc(notice) + "</p>" : "") + "<h2 id='em-plan-title'>" + esc(p.title) +
    " <span class='muted'>第 " + p.version + " 版 · " + esc(p.status_label) + "</span>" + (p.outdated ? " <span class='em-outdated'>过期未复审</span>" : "") +
    "</h2><p>" + esc(p.area_name) + " · " + esc(p.hazard_label) + " · 审定 " + esc(p.reviewed_on) + "，须于 " + esc(p.review_due_on) +
    " 前复审 · 覆盖 " + p.coverage.grids + " 个网格、" + p.coverage.households + " 户</p>";
  if (canPublish) html += "<p><button id='em-publish'>" + (p.draft || !p.in_force ? "发布草稿" : "年度复审（以今天为审定日期重新发布）") +
    "</button> <span class='err' id='em-publish-err'></span></p>";
  if (p.draft) html += "<p class='muted'>另有待发布的草稿（第 " + p.draft.version + " 版）</p>";
  html += "<div class='em-grid2'><div><h3>响应等级与任务</h3>" + p.levels.map(l => "<p><b>" + esc(l.label) + "</b>：" + l.tasks.map(esc).join("；") + "</p>").join("") +
    "<h3>指挥体系</h3><ul>" + p.command.map(c => "<li><b>" + esc(c.role_label) + "</b>：" + esc(c.duty) + (c.people.length ? "（" + c.people.map(esc).join("、") + "）" : "") + "</li>").join("") +
    "</ul></div><div><h3>安置点</h3>" + (p.shelters.length ? "<table><tr><th>安置点</th><th>位置</th><th>容纳</th></tr>" + p.shelters.map(s => "<tr><td>" +
    esc(s.name) + "</td><td>" + esc(s.area_name) + "</td><td>" + s.capacity + "</td></tr>").join("") + "</table>" : "<p class='muted'>无</p>") +
    "<h3>物资</h3>" + (p.materials.map(m => esc(m.name) + " " + m.quantity + esc(m.unit) + "（" + esc(m.location) + "）").join("；") || "无") +
    "<h3>联系人</h3>" + (p.contacts.map(c => esc(c.name) + "（" + esc(c.title) + "，" + esc(c.unit) + "）" + esc(c.phone || "")).join("<br>") || "无") + "</div></div>";
  html += "<h3>历次版本</h3><table><tr><th>版本</th><th>状态</th><th>审定日期</th><th>发布时间</th></tr>" + p.versions.map(v => "<tr><td>" + v.version +
    "</td><td>" + esc(v.status_label) + "</td><td>" + esc(v.reviewed_on) + "</td><td>" + esc(when(v.published_at)) + "</td></tr>").join("") + "</table>";
  html += "<h3>总结报告</h3>" + (p.closing_reports.length ? "<ul id='em-plan-reports'>" + p.closing_reports.map(r => "<li><a class='em-report-link' data-activation='" +
    esc(r.activation_id) + "'>" + esc(when(r.deactivated_at)) + (r.drill ? "（演练）" : "") + " " + esc(r.level) + "级 · " + r.counts.households + " 户</a></li>").join("") +
    "</ul>" : "<p class='muted'>尚无</p>");
  box.innerHTML = html;
  document.getElementById("em-plan-back").onclick = () => openTab("emergency-plans");
  for (const a of box.querySelectorAll("a.em-report-link")) a.onclick = () => openEmergencyReport(a.dataset.activation);
  const publish = document.getElementById("em-publish");
  if (publish) publish.onclick = async () => {
    try { await jsonPost("/api/v1/emergency/plans/" + encodeURIComponent(planId) + "/publish", {}); openEmergencyPlan(planId, "已发布"); }
    catch (err) { document.getElementById("em-publish-err").textContent = err.message; }
  };
}

// activations -------------------------------------------------------------------------------------------------------------
async function showEmergencyActivations() {
  const ref = await emBasics();
  const page = await api("/api/v1/emergency/activations?page_size=50");
  document.getElementById("em-activation-counts").innerHTML = "<span><b>" + page.items.filter(a => a.status === "active").length +
    "</b>响应中</span><span><b>" + page.real + "</b>实战响应</span><span><b>" + page.drills + "</b>演练</span>";
  document.getElementById("em-activation-rows").innerHTML = page.items.length ? "<table id='em-activations'><tr><th>预案</th><th>区域</th><th>灾种</th>" +
    "<th>等级</th><th>状态</th><th>启动</th><th>解除</th></tr>" + page.items.map(a => "<tr class='em-activation-row' data-activation='" + esc(a.activation_id) +
    "'><td><a class='em-board-link' data-activation='" + esc(a.activation_id) + "'>" + esc(a.plan_title) + "</a>" + (a.drill ? " " + tag("演练") : "") +
    "</td><td>" + esc(a.area_names.join("、")) + "</td><td>" + esc(a.hazard_label) + "</td><td>" + esc(a.level_label) + "</td><td>" + esc(a.status_label) +
    "</td><td>" + esc(when(a.activated_at)) + "</td><td>" + esc(when(a.deactivated_at)) + "</td></tr>").join("") + "</table>" : "<p class='muted'>暂无</p>";
  for (const a of document.querySelectorAll("a.em-board-link")) a.onclick = () => openEmergencyBoard(a.dataset.activation);
  const form = document.getElementById("em-activate-form");
  if (!form) return;
  form.hidden = !emCan("emergency.command");
  const plans = (await api("/api/v1/emergency/plans")).items.filter(p => p.status === "published");
  form.plan_id.innerHTML = plans.map(p => "<option value='" + esc(p.plan_id) + "' data-area='" + esc(p.area_code) + "'>" + esc(p.area_name + " · " + p.title) +
    (p.outdated ? "（过期未复审）" : "") + "</option>").join("");
  if (!form.level.options.length) form.level.innerHTML = emOptions(ref.levels, "IV");
  const fill = () => { const o = form.plan_id.selectedOptions[0]; if (o && o.dataset.area.length > 6 && !form.area_codes.value) form.area_codes.value = o.dataset.area; };
  form.plan_id.onchange = () => { form.area_codes.value = ""; fill(); };
  fill();
  form.dataset.ref = form.dataset.ref || newClientRef();
}
OPENERS["emergency-activations"] = showEmergencyActivations;

document.getElementById("em-activate-form").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target; clearErrors(form);
  const f = new FormData(form);
  try {
    const started = await jsonPost("/api/v1/emergency/activations", {plan_id: f.get("plan_id"), level: f.get("level"),
      area_codes: emSplit(f.get("area_codes")), reason: f.get("reason"), drill: !!f.get("drill"), client_ref: form.dataset.ref});
    form.dataset.ref = newClientRef();
    form.reset();
    openEmergencyBoard(started.activation_id);
  } catch (err) { showError(form, err); }
};

// the situation board -------------------------------------------------------------------------------------------------------
let emBoard = {id: null, version: null, timer: null, chartLoading: null, activation: null};
function emLoadCharts() {
  if (window.echarts) return Promise.resolve();
  if (!emBoard.chartLoading) emBoard.chartLoading = new Promise((ok, fail) => {
    const s = document.createElement("script"); s.src = "/vendor/echarts.min.js"; s.onload = ok; s.onerror = fail; document.head.appendChild(s);
  });
  return emBoard.chartLoading;
}
async function openEmergencyBoard(id) {
  openTab("emergency-board");
  clearTimeout(emBoard.timer);
  emBoard = {...emBoard, id, version: null, activation: null};
  document.getElementById("em-board").innerHTML = "加载中…";
  document.getElementById("em-board-tables").innerHTML = document.getElementById("em-command").innerHTML = "";
  document.getElementById("em-board-actions").innerHTML = "";
  document.getElementById("em-board-back").onclick = () => openTab("emergency-activations");
  try { emBoard.activation = await api("/api/v1/emergency/activations/" + id); } catch (err) {
    document.getElementById("em-board").innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; return;
  }
  renderCommand(emBoard.activation);
  showEmergencyTasks(id);
  pollBoard();
}
// The grids' and villages' own tasks, each reported done from here (hourly reports go in the form below).
async function showEmergencyTasks(id) {
  const box = document.getElementById("em-tasks");
  const found = (await api("/api/v1/emergency/activations/" + id + "/tasks")).items;
  const active = emBoard.activation && emBoard.activation.status === "active";
  box.innerHTML = "<h3>战时任务</h3>" + (found.length ? "<table id='em-task-rows'><tr><th>任务</th><th>区域</th><th>责任</th><th>时限</th><th>状态</th></tr>" +
    found.map(t => "<tr data-task='" + esc(t.task_id) + "'><td>" + esc(t.kind_label) + "：" + esc(t.title) + "</td><td>" + esc(t.area_name) + "</td><td>" +
      esc(t.assignee_label) + "</td><td>" + (t.repeat_minutes ? "每" + t.repeat_minutes + "分钟" : esc(when(t.due_at))) + "</td><td>" +
      (t.status === "done" ? "已完成 <span class='muted'>" + esc(t.done_note) + "</span>" : (t.overdue ? tag("逾期", "overdue") : "进行中") +
       (active && !t.repeat_minutes && emCan("emergency.report") ? " <button class='em-task-done' data-task='" + esc(t.task_id) + "'>报告完成</button>" : "")) +
      "</td></tr>").join("") + "</table>" : "<p class='muted'>无</p>");
  for (const b of box.querySelectorAll("button.em-task-done")) b.onclick = async () => {
    const note = prompt("完成情况");
    if (!note) return;
    try { await jsonPost("/api/v1/emergency/tasks/" + b.dataset.task + "/done", {note}); showEmergencyTasks(id); }
    catch (err) { alert(err.message); }
  };
}
// One poll a second while the board is on screen; a 304 means nothing changed and nothing is drawn again.
async function pollBoard() {
  const section = document.querySelector("section[data-tab=emergency-board]");
  const id = emBoard.id;
  if (!section || section.hidden || !id) return;
  try {
    const r = await xzSession.fetch("/api/v1/emergency/activations/" + id + "/board", {headers:
      emBoard.version ? {"If-None-Match": '"' + emBoard.version + '"'} : {}});
    if (r.status === 200 && id === emBoard.id) {
      const b = await r.json();
      emBoard.version = b.version;
      renderBoard(b);
      if (b.frozen) return;  // a deactivated board no longer changes
    }
  } catch (err) { /* the next poll tries again */ }
  if (id === emBoard.id) emBoard.timer = setTimeout(pollBoard, 1000);
}
function renderBoard(b) {
  const a = b.activation, t = b.totals, labels = b.status_labels;
  document.getElementById("em-board").innerHTML = "<div class='em-banner" + (b.frozen ? " frozen" : "") + "' id='em-board-banner'>" +
    esc(a.plan_title) + " · " + esc(a.area_names.join("、")) + " · " + esc(a.hazard_label) + " " + esc(a.level_label) + (a.drill ? " " + tag("演练") : "") +
    " · " + (b.frozen ? "已解除（态势已冻结，" + esc(when(a.deactivated_at)) + "）" : "响应中") + "</div>" +
    "<div class='em-counts' id='em-totals'><span data-count='households'><b>" + t.households + "</b>户</span>" +
    ["pending", "checked", "not_reached", "evacuated", "needs_help"].map(s => "<span data-count='" + s + "'><b>" + t[s] + "</b>" + esc(labels[s]) + "</span>").join("") +
    "<span data-count='vulnerable'><b>" + t.vulnerable_accounted + "/" + t.vulnerable + "</b>需协助人员已落实</span><span data-count='evacuated_people'><b>" +
    t.evacuated_people + "</b>人已转移</span><span><b>" + b.overdue.length + "</b>逾期任务</span></div>" +
    (b.frozen ? "<p><a id='em-report-open'>查看总结报告 ›</a></p>" : "");
  const open = document.getElementById("em-report-open");
  if (open) open.onclick = () => openEmergencyReport(a.activation_id);
  const row = (r, first) => "<tr data-area='" + esc(r.area_code) + "'><td>" + esc(first) + "</td><td>" + r.households + "</td>" +
    ["pending", "checked", "not_reached", "evacuated", "needs_help"].map(s => "<td data-status='" + s + "'>" + r[s] + "</td>").join("") +
    "<td>" + r.vulnerable_accounted + "/" + r.vulnerable + "</td></tr>";
  const head = "<tr><th>区域</th><th>户数</th>" + ["pending", "checked", "not_reached", "evacuated", "needs_help"].map(s => "<th>" + esc(labels[s]) + "</th>").join("") + "<th>需协助人员</th></tr>";
  document.getElementById("em-board-tables").innerHTML = "<div class='em-grid2'><div><h3>各村（社区）</h3><table id='em-village-rows'>" + head +
    b.villages.map(v => row(v, v.name)).join("") + "</table><h3>各网格</h3><table id='em-grid-rows'>" + head + b.grids.map(g => row(g, g.name)).join("") +
    "</table></div><div><h3>安置点</h3>" + (b.shelters.length ? "<table id='em-shelters'><tr><th>安置点</th><th>位置</th><th>已安置/容纳</th></tr>" +
    b.shelters.map(s => "<tr data-shelter='" + esc(s.shelter_id) + "'><td>" + esc(s.name) + "</td><td>" + esc(s.area_name) + "</td><td" + (s.full ? " class='bad'" : "") +
    ">" + s.occupants + "/" + s.capacity + "</td></tr>").join("") + "</table>" : "<p class='muted'>无</p>") +
    "<h3>逾期任务</h3>" + (b.overdue.length ? "<ul id='em-overdue'>" + b.overdue.map(o => "<li>" + esc(o.area_name) + "：" + esc(o.kind_label) + " " + esc(o.title) + "</li>").join("") + "</ul>" : "<p class='muted'>无</p>") +
    "<h3>每小时报告</h3>" + (b.hourly.length ? "<ul>" + b.hourly.map(h => "<li>" + esc(h.name) + "：" + (h.last_at ? "最近 " + esc(when(h.last_at)) : "尚未报告") +
      (h.overdue ? " " + tag("逾期", "overdue") : "") + "</li>").join("") + "</ul>" : "") +
    b.hourly_reports.map(r => "<p class='muted'>" + esc(when(r.at)) + " " + esc(r.area_name) + "：" + esc(r.summary) + "</p>").join("") +
    "<h3>最新入户上报</h3><ul id='em-recent'>" + b.recent_reports.map(r => "<li>" + esc(when(r.at)) + " " + esc(r.grid_name) + " " + esc(r.status_label) + "</li>").join("") +
    "</ul></div></div>";
  emLoadCharts().then(() => {
    const el = document.getElementById("em-board-chart");
    const chart = echarts.getInstanceByDom(el) || echarts.init(el);
    const statuses = ["checked", "evacuated", "not_reached", "needs_help", "pending"];
    const colours = {checked: "#2e7d32", evacuated: "#1565c0", not_reached: "#757575", needs_help: "#c62828", pending: "#ef6c00"};
    chart.setOption({tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 110, right: 20, top: 30, bottom: 20},
      xAxis: {type: "value"}, yAxis: {type: "category", data: b.villages.map(v => v.name)},
      series: statuses.map(s => ({name: labels[s], type: "bar", stack: "households", itemStyle: {color: colours[s]}, data: b.villages.map(v => v[s])}))}, true);
  }).catch(() => { document.getElementById("em-board-chart").hidden = true; });
  renderBoardActions(b);
}
function renderCommand(a) {
  const c = a.command;
  document.getElementById("em-command").innerHTML = "<h3>战时指挥体系</h3>" + (c.org_unavailable ? "<p class='bad'>党建服务暂不可用，指挥长待补充</p>" : "") +
    "<table id='em-command-villages'><tr><th>村（社区）</th><th>指挥长</th><th>村警</th><th>报到党员</th></tr>" + c.villages.map(v => "<tr><td>" + esc(v.name) +
    "</td><td>" + esc(v.commander || "未配备") + "</td><td>" + esc(v.police.map(p => p.name).join("、") || "未配备") + "</td><td>" + v.party_members + "</td></tr>").join("") +
    "</table><p class='muted'>" + c.posts.filter(p => p.people.length).map(p => esc(p.label) + "：" + p.people.map(esc).join("、")).join("；") + "</p>" +
    "<p class='muted'>网格员：" + c.grids.map(g => esc(g.name) + " " + esc(g.workers.map(w => w.name || w.worker_id).join("、") || "未配备")).join("；") + "</p>";
}
function renderBoardActions(b) {
  const box = document.getElementById("em-board-actions");
  if (b.frozen || !(emCan("emergency.command") || emCan("emergency.report"))) { box.innerHTML = ""; return; }
  if (box.dataset.activation === b.activation.activation_id && box.innerHTML) return;  // keep what is being typed
  box.dataset.activation = b.activation.activation_id;
  const hourly = emCan("emergency.report") ? "<form id='em-hourly-form'><b>每小时报告</b> 村（社区）<select name='area_code'>" +
    b.villages.map(v => "<option value='" + esc(v.area_code) + "'>" + esc(v.name) + "</option>").join("") + "</select> 情况 <input name='summary' size='40'>" +
    " <button type='submit'>报告</button> <span class='err' data-for='summary'></span><span class='err' data-for=''></span></form>" : "";
  box.innerHTML = hourly + (!emCan("emergency.command") ? "" : "<form id='em-level-form'><b>调整响应等级</b> <select name='level'>" + emOptions(emRef ? emRef.levels : {}, b.activation.level) +
    "</select> 理由 <input name='reason' size='30'> <button type='submit'>调整</button> <span class='err' data-for='reason'></span><span class='err' data-for=''></span></form>" +
    "<form id='em-extend-form'><b>扩大响应区域</b> 区划代码 <input name='area_codes' size='24'> 理由 <input name='reason' size='24'> <button type='submit'>扩大</button>" +
    " <span class='err' data-for='area_codes'></span><span class='err' data-for='reason'></span><span class='err' data-for=''></span></form>" +
    "<form id='em-deactivate-form'><b>战→平：解除响应</b> 理由 <input name='reason' size='30'> <span class='err' data-for='reason'></span><br>" +
    "存在的问题（每行一条）<br><textarea name='went_wrong' rows='2' style='width:90%'></textarea><br>后续整改（每行“事项，责任单位，完成日期YYYY-MM-DD”）" +
    " <span class='err' data-for='follow_ups'></span><br><textarea name='follow_ups' rows='2' style='width:90%'></textarea><br>" +
    "<button type='submit'>解除响应并形成总结报告</button> <span class='err' data-for=''></span></form>");
  const id = b.activation.activation_id;
  const act = (formId, path, body) => {
    const form = document.getElementById(formId);
    if (!form) return;
    form.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(form);
      try { await jsonPost("/api/v1/emergency/activations/" + id + "/" + path, body(new FormData(form))); box.innerHTML = ""; openEmergencyBoard(id); }
      catch (err) { showError(form, err); }
    };
  };
  act("em-hourly-form", "hourly-reports", f => ({report_id: newClientRef(), area_code: f.get("area_code"), summary: f.get("summary")}));
  act("em-level-form", "level", f => ({level: f.get("level"), reason: f.get("reason")}));
  act("em-extend-form", "extend", f => ({area_codes: emSplit(f.get("area_codes")), reason: f.get("reason")}));
  act("em-deactivate-form", "deactivate", f => ({reason: f.get("reason"), went_wrong: String(f.get("went_wrong") || "").split("\n").map(s => s.trim()).filter(Boolean),
    follow_ups: emLines(f.get("follow_ups")).map(([title, owner, due_on]) => ({title, owner, due_on}))}));
}

// the closing report ---------------------------------------------------------------------------------------------------------
async function openEmergencyReport(id) {
  openTab("emergency-report");
  const box = document.getElementById("em-report");
  document.getElementById("em-report-back").onclick = () => openEmergencyBoard(id);
  document.getElementById("em-report-print").onclick = () => window.print();
  let r;
  try { r = await api("/api/v1/emergency/activations/" + id + "/closing-report"); }
  catch (err) { box.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; return; }
  const c = r.counts, labels = r.status_labels;
  box.innerHTML = "<h2 id='em-report-title'>" + esc(r.plan_title) + (r.drill ? "（演练）" : "") + " 总结报告</h2><p>" + esc(r.area_names.join("、")) + " · " +
    esc(r.hazard_label) + " " + esc(r.level_label) + " · " + esc(when(r.activated_at)) + " 至 " + esc(when(r.deactivated_at)) + "（" + r.minutes + " 分钟）</p>" +
    "<p>解除理由：" + esc(r.deactivation_reason) + "</p><table id='em-report-counts'><tr><th>户数</th>" +
    ["pending", "checked", "not_reached", "evacuated", "needs_help"].map(s => "<th>" + esc(labels[s]) + "</th>").join("") + "<th>需协助人员已落实</th><th>转移人数</th></tr><tr>" +
    "<td data-count='households'>" + c.households + "</td>" + ["pending", "checked", "not_reached", "evacuated", "needs_help"].map(s => "<td data-count='" + s + "'>" + c[s] + "</td>").join("") +
    "<td>" + c.vulnerable_accounted + "/" + c.vulnerable + "</td><td>" + c.evacuated_people + "</td></tr></table>" +
    "<h3>时间线</h3><ol>" + r.timeline.map(e => "<li>" + esc(when(e.at)) + " <b>" + esc(e.label) + "</b> " + esc(e.detail || "") + "</li>").join("") + "</ol>" +
    "<h3>安置点</h3><p>" + r.shelters.map(s => esc(s.name) + " " + s.occupants + "/" + s.capacity).join("；") + "</p>" +
    "<h3>逾期任务</h3><p>" + (r.overdue_tasks.map(o => esc(o.area_name) + "：" + esc(o.title)).join("；") || "无") + "</p>" +
    "<h3>存在的问题</h3><ul>" + (r.went_wrong.map(w => "<li>" + esc(w) + "</li>").join("") || "<li>无</li>") + "</ul>" +
    "<h3>后续整改任务</h3><ul id='em-report-follow-ups'>" + (r.follow_ups.map(f => "<li>" + esc(f.title) + "（" + esc(f.owner) + "，" + esc(f.due_on) + " 前）</li>").join("") || "<li>无</li>") + "</ul>";
}
