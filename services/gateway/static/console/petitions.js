// The petitions (信访) pages of the console: registration, the officer's queue with every clock in red/amber/green,
// the petition page, a leader's own cases, the supervision board and the figures. See addSections and OPENERS in
// index.html; api, jsonPost, esc, me, when, tag, areaName, nameAreas, percent, countyDay, showError, clearErrors,
// areaPicker, newClientRef and homeArea come from there.
addSections(`
<style>
  .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
  .dot.green { background: #2e7d32; } .dot.amber { background: #f9a825; } .dot.red { background: #c62828; } .dot.done { background: #9e9e9e; }
  .clock.amber { background: #fff3e0; color: #e65100; font-weight: bold; } .clock.red, .clock.late { background: #ffebee; color: #b71c1c; font-weight: bold; }
  .clock.green, .clock.open { background: #e8f5e9; color: #1b5e20; } .clock.done, .clock.used, .clock.closed { background: #eee; color: #555; }
  tr.petition-row.red td { background: #fff5f5; } tr.petition-row.amber td { background: #fffaf2; }
</style>
<section data-tab="petition-new" data-label="信访登记" data-needs="petitions.register">
  <h2>登记来信、来访、来电</h2>
  <form id="petition-form">
    <p>渠道 <select name="channel"></select> 类别 <select name="category"></select> <span class="err" data-for="category"></span></p>
    <p>事发地 <span id="petition-area"></span> <span class="err" data-for="area_code"></span></p>
    <p><textarea name="matter" rows="3" placeholder="信访事项（诉求、事实与理由）" style="width:90%"></textarea> <span class="err" data-for="matter"></span></p>
    <p>信访人 <input name="name" placeholder="姓名"> <input name="id_number" placeholder="身份证号（可不填）">
      <input name="phone" placeholder="手机号"> <input name="address" placeholder="住址"> <span class="err" data-for="petitioners"></span></p>
    <p>来访人数 <input name="headcount" type="number" min="1" style="width:5em">（五人以上为集体访）
      收到日期 <input name="received_on" type="date"> <span class="err" data-for="received_on"></span></p>
    <button type="submit">登记</button> <span class="err" data-for=""></span>
  </form>
</section>
<section data-tab="petitions" data-label="信访件" data-needs="petitions.read">
  <h2>信访件（按最紧的时限标红、黄、绿）</h2>
  <form id="petition-filter" class="filters">
    <span id="petition-status-boxes"></span><br>
    <label>渠道 <select name="channel"><option value="">全部</option></select></label>
    <label><input type="checkbox" name="supervised"> 督办中</label>
    <label><input type="checkbox" name="repeat"> 重复信访</label>
    <label><input type="checkbox" name="hard_case"> 疑难信访</label>
    <button type="submit">筛选</button> <span class="err" data-for=""></span>
  </form>
  <div id="petition-rows"></div>
</section>
<section data-tab="petition" data-label="信访件详情" data-needs="petitions.read" data-nonav>
  <p><a id="petition-back">← 返回信访件</a></p>
  <div id="petition-page"></div>
</section>
<section data-tab="petition-mine" data-label="我的包案" data-needs="petitions.supervise">
  <h2>我包案的信访件</h2><div id="petition-mine-rows"></div>
</section>
<section data-tab="petition-board" data-label="督办" data-needs="petitions.read">
  <h2>督办中的信访件</h2><div id="petition-board-rows"></div>
</section>
<section data-tab="petition-figures" data-label="信访统计" data-needs="petitions.read">
  <h2>信访统计</h2>
  <form id="petition-figures-form" class="filters">
    <label>开始 <input type="date" name="since"></label> <label>结束（不含） <input type="date" name="until"></label>
    <button type="submit">统计</button> <span class="err" data-for=""></span>
  </form>
  <div id="petition-figures-out"></div>
</section>
`);

let petitionsRef = null;  // channels, categories, units, clocks, statuses and the transition table, loaded once
async function petitionBasics() {
  if (!petitionsRef) {
    const ref = await api("/api/v1/petitions/reference");
    petitionsRef = Object.assign(ref, {table: Object.fromEntries(ref.workflow.map(t => [t.action, t]))});
  }
  return petitionsRef;
}
const petitionOptions = (pairs, chosen) => Object.entries(pairs).map(([k, v]) =>
  "<option value='" + esc(k) + "'" + (k === chosen ? " selected" : "") + ">" + esc(v) + "</option>").join("");
const petitionDot = colour => "<span class='dot " + esc(colour) + "'></span>";
const petitionClockTag = c => "<span class='tag clock " + esc(c.state) + "' data-clock='" + esc(c.clock) + "'>" + esc(c.label) + "：" +
  esc(c.state_label) + (c.days_left !== null && c.days_left !== undefined ? "（剩" + c.days_left + "天）" : "") + "</span>";

// registration ---------------------------------------------------------------------------------------------------
let petitionRef = null;
async function preparePetitionForm(reset) {
  const ref = await petitionBasics();
  const form = document.getElementById("petition-form");
  if (!form.dataset.ready || reset) {
    form.reset();
    const channels = Object.fromEntries(Object.entries(ref.channels).filter(([k]) => k !== "online"));
    form.channel.innerHTML = petitionOptions(channels, "visit") + "<option value='online'>网上信访（代为登记）</option>";
    form.category.innerHTML = petitionOptions(ref.categories, "other");
    form.received_on.value = countyDay(0);
    await areaPicker(document.getElementById("petition-area"), homeArea());
    petitionRef = newClientRef();
    form.dataset.ready = "1";
  }
  clearErrors(form);
}
document.getElementById("petition-form").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target;
  clearErrors(form);
  const f = new FormData(form);
  const person = {};
  for (const k of ["name", "id_number", "phone", "address"]) if (f.get(k)) person[k] = f.get(k).trim();
  const body = {channel: f.get("channel"), category: f.get("category"), matter: f.get("matter"),
    area_code: document.getElementById("petition-area").dataset.code || "", petitioners: [person],
    received_on: f.get("received_on") || null, client_ref: petitionRef};
  if (f.get("headcount")) body.headcount = Number(f.get("headcount"));
  try {
    const p = await jsonPost("/api/v1/petitions", body);
    await preparePetitionForm(true);
    openPetition(p.petition_id, "已登记，查询码 " + p.tracking_code + "（请告知信访人）");
  } catch (err) { showError(form, err); }
};

// lists ----------------------------------------------------------------------------------------------------------
function petitionTable(page, empty) {
  if (!page.items.length) return "<p class='muted'>" + esc(empty) + "</p>";
  let html = "<table><tr><th></th><th>信访事项</th><th>渠道</th><th>事发地</th><th>承办单位</th><th>状态</th><th>时限</th><th>收到</th></tr>";
  for (const p of page.items) {
    const running = p.clocks.filter(c => c.duty && ["green", "amber", "red"].includes(c.state));
    html += "<tr class='petition-row " + esc(p.colour) + "' data-petition='" + esc(p.petition_id) + "'><td>" + petitionDot(p.colour) + "</td><td>" +
      (p.collective ? tag("集体访", "major") + " " : "") + (p.repeat_of ? tag("重复" + p.repeat_count + "次", "due_soon") + " " : "") +
      (p.hard_case ? tag("疑难", "overdue") + " " : "") + (p.supervision_level ? tag("督办", "overdue") + " " : "") +
      "<a class='petition-link' data-petition='" + esc(p.petition_id) + "'>" + esc(p.matter.slice(0, 36)) + "</a><div class='muted'>" +
      esc(p.category_label + " · " + p.petitioners.map(x => x.name || x.resident_id).join("，")) + "</div></td><td>" + esc(p.channel_label) +
      "</td><td>" + esc(areaName(p.area_code)) + "</td><td>" + esc(p.unit || "—") + (p.first_handler && p.first_handler !== p.unit ?
      "<div class='muted'>首办：" + esc(p.first_handler) + "</div>" : "") + "</td><td>" + esc(p.status_label) + "</td><td>" +
      (running.map(petitionClockTag).join(" ") || "—") + "</td><td>" + esc(when(p.received_at)) + "</td></tr>";
  }
  return html + "</table><div class='muted'>共 " + page.total + " 件</div>";
}
async function fillPetitionList(outId, query, empty) {
  const out = document.getElementById(outId);
  const page = await api("/api/v1/petitions?" + query);
  await nameAreas(page.items.map(p => p.area_code));
  out.innerHTML = petitionTable(page, empty);
  for (const link of out.querySelectorAll("a.petition-link")) link.onclick = () => openPetition(link.dataset.petition);
}
const OPEN_PETITION = ["received", "forwarded", "accepted", "replied", "review_requested", "reviewed", "re_review_requested"];
async function showPetitionQueue() {
  const ref = await petitionBasics();
  const form = document.getElementById("petition-filter");
  if (!form.dataset.ready) {
    document.getElementById("petition-status-boxes").innerHTML = "状态：" + Object.entries(ref.statuses).map(([code, label]) =>
      "<label><input type='checkbox' name='status' value='" + esc(code) + "'" + (OPEN_PETITION.includes(code) ? " checked" : "") +
      "> " + esc(label) + "</label>").join("");
    form.channel.insertAdjacentHTML("beforeend", petitionOptions(ref.channels));
    form.onsubmit = (e) => { e.preventDefault(); showPetitionQueue(); };
    form.dataset.ready = "1";
  }
  clearErrors(form);
  const f = new FormData(form);
  const query = new URLSearchParams({page_size: "100", status: f.getAll("status").join(",")});
  for (const k of ["supervised", "repeat", "hard_case"]) if (f.get(k)) query.set(k, "true");
  if (f.get("channel")) query.set("channel", f.get("channel"));
  try { await fillPetitionList("petition-rows", query, "没有符合条件的信访件"); }
  catch (err) { showError(form, err); }
}
OPENERS["petition-new"] = () => preparePetitionForm();
OPENERS["petitions"] = showPetitionQueue;
OPENERS["petition-mine"] = () => fillPetitionList("petition-mine-rows", "leader=me&page_size=100", "暂无包案的信访件");
OPENERS["petition-board"] = () => fillPetitionList("petition-board-rows", "supervised=true&page_size=100", "暂无督办中的信访件");
PARENT_TABS["petition"] = "petitions";
document.getElementById("petition-back").onclick = () => openTab("petitions");

// the petition page ------------------------------------------------------------------------------------------------
const PETITION_ACTION_FIELDS = {  // what each action's form asks for, beyond what the table says it needs
  forward: [["unit", "承办单位", "unit"], ["due_on", "交办期限（可不填）", "date"]],
  transfer: [["unit", "改转单位", "unit"], ["reason", "改转理由", "text"]],
  object: [["reason", "异议理由", "text"]], accept: [["notice", "受理告知书内容", "area"]],
  decline: [["reason", "不予受理理由", "area"]],
  extend: [["days", "延长天数", "number"], ["reason", "延期理由", "text"], ["approved_by", "批准人", "text"]],
  reply: [["reply", "处理意见（答复信访人）", "area"]], request_review: [["reason", "复查请求理由", "text"]],
  decide_review: [["opinion", "复查意见", "area"]], request_re_review: [["reason", "复核请求理由", "text"]],
  decide_re_review: [["opinion", "复核意见", "area"]], conclude: [], convert_to_mediation: [], conclude_mediated: [],
};
function petitionFieldInput(name, label, kind, ref) {
  if (kind === "unit") return "<label>" + esc(label) + " <select name='" + name + "'>" + ref.units.map(u => "<option>" + esc(u) + "</option>").join("") + "</select></label>";
  if (kind === "area") return "<label>" + esc(label) + "<br><textarea name='" + name + "' rows='3'></textarea></label>";
  return "<label>" + esc(label) + " <input name='" + name + "' type='" + (kind === "text" ? "text" : kind) + "'></label>";
}
async function openPetition(id, notice) {
  openTab("petition");
  window.scrollTo(0, 0);
  const box = document.getElementById("petition-page");
  box.innerHTML = "加载中…";
  try { renderPetition(await api("/api/v1/petitions/" + encodeURIComponent(id)), await petitionBasics(), notice); }
  catch (err) { box.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; }
}
function renderPetition(p, ref, notice) {
  const box = document.getElementById("petition-page");
  let html = (notice ? "<p class='ok' id='petition-notice'>" + esc(notice) + "</p>" : "") +
    "<h2>" + petitionDot(p.colour) + esc(p.matter.slice(0, 40)) + "</h2><dl class='fields'>" +
    "<dt>编号</dt><dd>" + esc(p.petition_id) + "</dd><dt>查询码</dt><dd>" + esc(p.tracking_code || "—") + "</dd>" +
    "<dt>状态</dt><dd id='petition-status'>" + esc(p.status_label) + "</dd><dt>渠道</dt><dd>" + esc(p.channel_label) + "</dd>" +
    "<dt>类别</dt><dd>" + esc(p.category_label) + "</dd><dt>事发地</dt><dd>" + esc(areaName(p.area_code)) + "</dd>" +
    "<dt>信访人</dt><dd>" + esc(p.petitioners.map(x => [x.name || x.resident_id, x.id_number, x.phone].filter(Boolean).join(" ")).join("；")) +
    (p.collective ? " " + tag("集体访 " + p.headcount + "人", "major") : "") + "</dd>" +
    "<dt>首办单位</dt><dd>" + esc(p.first_handler || "—") + "</dd><dt>承办单位</dt><dd>" + esc(p.unit || "—") + "</dd>" +
    "<dt>重复信访</dt><dd>" + (p.repeat_of ? "第" + p.repeat_count + "次，首件 <a class='petition-link' data-petition='" + esc(p.repeat_of) + "'>" +
      esc(p.repeat_of) + "</a>" + (p.final_after_re_review ? " " + tag("已复核终结，同一事实和理由不再受理", "overdue") : "") : "否") + "</dd>" +
    "<dt>包案领导</dt><dd>" + esc(p.leader ? p.leader.leader_name : "—") + "</dd>" +
    "<dt>疑难信访</dt><dd>" + (p.hard_case ? tag("骨头案", "overdue") + " " + esc(p.hard_case_reason || "") : "否") + "</dd></dl>" +
    "<h3>事项</h3><p style='white-space:pre-wrap'>" + esc(p.matter) + "</p>";
  html += "<h3>法定时限</h3><table id='petition-clocks'><tr><th>时限</th><th>起算</th><th>截止</th><th>状态</th></tr>" + p.clocks.map(c =>
    "<tr><td>" + esc(c.label) + (c.duty ? "" : " <span class='muted'>（申请期）</span>") + "</td><td>" + esc(when(c.started_at)) + "</td><td>" +
    esc(dueDay(c.due_at, c.provisional)) + "</td><td>" + petitionClockTag(c) + "</td></tr>").join("") + "</table>";
  if (p.extension_days) html += "<p class='muted'>已延长 " + p.extension_days + " 日：" + esc(p.extensions.map(e => e.reason + "（" + e.approved_by + "批准）").join("；")) + "</p>";
  if (p.reply) html += "<h3>处理意见</h3><p style='white-space:pre-wrap'>" + esc(p.reply.text) + "</p>";
  for (const [stage, label] of [["review", "复查"], ["re_review", "复核"]]) if (p[stage])
    html += "<h3>" + label + "</h3><p>请求：" + esc(p[stage].reason) + "</p>" + (p[stage].opinion ? "<p>意见：" + esc(p[stage].opinion) + "</p>" : "");
  if (p.mediation) html += "<h3>人民调解</h3><p id='petition-mediation'>" + tag(p.mediation.status_label, p.mediation.ended ? "" : "due_soon") +
    " <span class='muted'>纠纷编号 " + esc(p.mediation.dispute_id || "（调解委员会登记中）") + "</span></p><ol>" +
    p.mediation.steps.map(m => "<li>" + esc(when(m.at)) + " " + esc(m.label) + "</li>").join("") + "</ol>";
  if (p.satisfaction) html += "<p>群众评价：" + esc(p.satisfaction.label) + (p.satisfaction.comment ? "（" + esc(p.satisfaction.comment) + "）" : "") + "</p>";
  html += "<h3>材料</h3><ul id='petition-files'>" + (p.attachments.map(a => "<li><a class='petition-file' data-file='" + esc(a.file_id) + "'>" +
    esc(a.filename) + "</a> <span class='muted'>" + esc(when(a.at) + " " + a.by) + "</span></li>").join("") || "<li class='muted'>无</li>") + "</ul>";
  if (me.permissions.includes("petitions.register")) html += "<form id='petition-file-form'><input type='file' name='file' accept='image/jpeg,image/png,application/pdf'> " +
    "<button type='submit'>上传材料</button> <span class='err' data-for=''></span></form>";
  if (p.transfers.length) html += "<h3>转办记录</h3><ul>" + p.transfers.map(t => "<li>" + esc(when(t.at)) + " " + esc(t.from) + " → " + esc(t.to) + "：" + esc(t.reason) + "</li>").join("") + "</ul>";
  if (p.supervision.length) html += "<h3>督办</h3><ul id='petition-supervision'>" + p.supervision.map(o => "<li>" + tag(o.level_label, o.closed_at ? "" : "overdue") + " " +
    esc(o.reason) + " <span class='muted'>" + esc(when(o.issued_at)) + (o.closed_at ? " 已结束" : "") + "</span></li>").join("") + "</ul>";
  if (p.visits.length) html += "<h3>约访、接访、下访</h3><ul>" + p.visits.map(v => "<li>" + esc(v.kind_label + " " + v.on + " " + v.place + " " + v.host) +
    (v.held ? "（已开展）" : "（已约定）") + (v.notes ? "：" + esc(v.notes) : "") + "</li>").join("") + "</ul>";
  html += "<h3>流转记录</h3><ol class='timeline'>" + p.history.map(h => "<li>" + esc(when(h.at)) + " " + esc(h.label) +
    (h.actor ? " · " + esc(h.actor.name || h.actor.id) : "") + (h.note ? "：" + esc(h.note) : "") + "</li>").join("") + "</ol>";
  html += "<div id='petition-actions'></div>";
  box.innerHTML = html;
  for (const link of box.querySelectorAll("a.petition-link")) link.onclick = () => openPetition(link.dataset.petition);
  const base = "/api/v1/petitions/" + encodeURIComponent(p.petition_id);
  for (const link of box.querySelectorAll("a.petition-file")) link.onclick = async () => {  // with the token, as a blob
    const r = await xzSession.fetch(base + "/files/" + link.dataset.file);
    if (r.ok) window.open(URL.createObjectURL(await r.blob()), "_blank");
  };
  const upload = document.getElementById("petition-file-form");
  if (upload) upload.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(upload);
    try { renderPetition(await api(base + "/files", {method: "POST", body: new FormData(upload)}), ref, "材料已上传"); }
    catch (err) { showError(upload, err); }
  };
  renderPetitionActions(p, ref);
}
function renderPetitionActions(p, ref) {
  const out = document.getElementById("petition-actions");
  const forms = [];
  for (const action of p.actions) {
    const t = ref.table[action];
    if (!t || !me.permissions.includes(t.duty)) continue;
    forms.push("<form class='action' data-action='" + esc(action) + "'><b>" + esc(t.label) + "</b> " +
      (PETITION_ACTION_FIELDS[action] || []).map(([n, l, k]) => petitionFieldInput(n, l, k, ref)).join(" ") +
      " <button type='submit'>" + esc(t.label) + "</button> <span class='err' data-for=''></span></form>");
  }
  if (me.permissions.includes("petitions.supervise") && !["concluded", "not_accepted", "converted"].includes(p.status)) {
    forms.push("<form class='action' data-extra='supervision'><b>督办</b> <select name='level'>" + petitionOptions(ref.supervision_levels) +
      "</select> <input name='reason' placeholder='督办事由'> 期限 <input name='due_on' type='date'> <button type='submit'>督办</button> <span class='err' data-for=''></span></form>");
    forms.push("<form class='action' data-extra='leader'><b>领导包案</b> <input name='leader_name' placeholder='包案领导' value='" +
      esc(me.display_name) + "'> <button type='submit'>包案</button> <span class='err' data-for=''></span></form>");
    forms.push("<form class='action' data-extra='visits'><b>约访接访下访</b> <select name='kind'>" + petitionOptions(ref.visit_kinds) +
      "</select> <input name='on' type='date'> <input name='place' placeholder='地点'> <input name='host' placeholder='接谈领导'> " +
      "<label><input type='checkbox' name='held'> 已开展</label> <input name='notes' placeholder='情况记录'> <button type='submit'>记录</button> <span class='err' data-for=''></span></form>");
    forms.push("<form class='action' data-extra='hard-case'><b>疑难信访</b> <input name='reason' placeholder='理由'> <button type='submit'>" +
      (p.hard_case ? "取消标记" : "列为骨头案") + "</button> <span class='err' data-for=''></span></form>");
  }
  out.innerHTML = forms.length ? "<h3>办理</h3>" + forms.join("") : "";
  for (const form of out.querySelectorAll("form")) form.onsubmit = async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {};
    for (const [k, v] of new FormData(form)) if (v !== "") body[k] = k === "days" ? Number(v) : k === "held" ? true : v;
    const base = "/api/v1/petitions/" + encodeURIComponent(p.petition_id);
    try {
      let done;
      if (form.dataset.action) done = await jsonPost(base + "/" + form.dataset.action, body);
      else if (form.dataset.extra === "supervision") done = await jsonPost(base + "/supervision", body);
      else if (form.dataset.extra === "visits") done = await jsonPost(base + "/visits", body);
      else {
        const payload = form.dataset.extra === "leader" ? body : {hard_case: !p.hard_case, reason: body.reason || null};
        done = await api(base + "/" + form.dataset.extra, {method: "PUT", headers: {"Content-Type": "application/json"}, body: JSON.stringify(payload)});
      }
      renderPetition(done, ref, "已保存");
    } catch (err) { showError(form, err); }
  };
}

// figures ----------------------------------------------------------------------------------------------------------
document.getElementById("petition-figures-form").onsubmit = (e) => { e.preventDefault(); showPetitionFigures(); };
async function showPetitionFigures() {
  const form = document.getElementById("petition-figures-form");
  if (!form.since.value) { form.since.value = countyDay(-90); form.until.value = countyDay(1); }
  clearErrors(form);
  const out = document.getElementById("petition-figures-out");
  try {
    const r = await api("/api/v1/petitions/figures?" + new URLSearchParams({since: form.since.value, until: form.until.value}));
    await nameAreas(r.by_area.map(b => b.area_code));
    const target = r.targets.online_share;
    const verdict = r.online_share === null ? "" : r.online_share >= target ? "pass" : "fail";
    const rate = (label, v, cls) => "<span class='rate " + (cls || "") + "'><b>" + percent(v) + "</b>" + esc(label) + "</span>";
    let html = "<div id='petition-rates'>" + rate("网上信访占比（目标≥" + Math.round(target * 100) + "%）", r.online_share, verdict) +
      rate("按期登记转送交办率（逾期 " + r.registration_late + " 件）", r.on_time_registration) +
      rate("按期受理率", r.on_time_acceptance) + rate("按期办结率", r.on_time_handling) + rate("重复信访率", r.repeat_rate) +
      rate("满意率", r.satisfaction_rate) + rate("清仓见底率（期初存量 " + r.backlog_at_start + " 件）", r.clearance_rate) + "</div>";
    html += "<p>收到 <b id='petition-received'>" + r.received + "</b> 件，其中网上 " + r.online + " 件；集体访 " + r.collective + " 件；疑难 " + r.hard_cases + " 件</p>";
    const cols = b => "<td>" + b.received + "</td><td class='" + (b.online_share === null ? "" : b.online_share >= target ? "pass" : "fail") + "'>" +
      percent(b.online_share) + "</td><td>" + percent(b.on_time_registration) + "</td><td>" + percent(b.on_time_acceptance) + "</td><td>" + percent(b.on_time_handling) + "</td><td>" +
      percent(b.repeat_rate) + "</td><td>" + percent(b.satisfaction_rate) + "</td>";
    const head = "<th>收到</th><th>网上占比</th><th>按期登记交办</th><th>按期受理</th><th>按期办结</th><th>重复率</th><th>满意率</th>";
    html += "<h3>按下级区划</h3><table id='petition-by-area'><tr><th>区划</th>" + head + "<th>存量</th><th>化解</th></tr>" + r.by_area.map(b =>
      "<tr><td>" + esc(areaName(b.area_code)) + "</td>" + cols(b) + "<td>" + b.backlog_at_start + "</td><td>" + b.backlog_cleared + "</td></tr>").join("") + "</table>";
    html += "<h3>按首办单位</h3><table id='petition-by-unit'><tr><th>单位</th>" + head + "</tr>" + r.by_unit.map(b => "<tr><td>" + esc(b.unit_label) + "</td>" + cols(b) + "</tr>").join("") + "</table>";
    html += "<h3>口径说明</h3><ul class='muted'>" + Object.values(r.definitions).map(d => "<li>" + esc(d) + "</li>").join("") + "</ul>";
    out.innerHTML = html;
  } catch (err) { showError(form, err); out.innerHTML = ""; }
}
OPENERS["petition-figures"] = showPetitionFigures;
