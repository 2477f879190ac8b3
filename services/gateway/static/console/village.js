// The village self-governance pages of the console (村务自治): see addSections and OPENERS in index.html.
// Here: the helpers the village pages share, 村务自治指标, 村规民约（起草、表决、备案、公布、记录善行与违约）and the
// township's 备案审查. 四会 is village-councils.js, 四议两公开 and 村民说事 village-matters.js.
addSections(`
  <style>#app form input[type=number] { width: 6em; }</style>
  <section data-tab="village-figures" data-label="村务自治指标" data-needs="village.read">
    <h2>村务自治：一约四会 · 四议两公开 · 村民说事</h2>
    <form id="vl-figures-form" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label>
      <label>自 <input type="date" name="since"></label> <label>至 <input type="date" name="until">（不含）</label>
      <button type="submit">统计</button> <span class="err" data-for="area_code"></span><span class="err" data-for="since"></span>
      <span class="err" data-for="until"></span><span class="err" data-for=""></span>
    </form>
    <div id="vl-figures-out"></div>
  </section>
  <section data-tab="village-rules" data-label="村规民约" data-needs="village.read">
    <h2>村规民约 · 居民公约 · 小区守则</h2>
    <form id="vl-rules-filter" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label>
      <label>状态 <select name="status"><option value="">全部</option></select></label>
      <button type="submit">查询</button> <span class="err" data-for="area_code"></span><span class="err" data-for=""></span>
    </form>
    <div id="vl-rules-rows"></div>
    <form id="vl-rules-new" class="action" hidden>
      <h3>起草新版本</h3>
      <p><label>村（社区）或小区网格代码 <input name="area_code" size="16" maxlength="15"></label><span class="err" data-for="area_code"></span>
         <label>类别 <select name="kind"></select></label><span class="err" data-for="kind"></span></p>
      <p><label>标题 <input name="title" size="30" maxlength="60"></label><span class="err" data-for="title"></span></p>
      <div class="vl-clauses"></div><span class="err" data-for="clauses"></span>
      <p><button type="button" class="vl-add-clause">增加条款</button> <button type="submit">保存草案</button> <span class="err" data-for=""></span></p>
    </form>
  </section>
  <section data-tab="village-rules-page" data-label="村规民约详情" data-needs="village.read" data-nonav>
    <p><a id="vl-rules-back">‹ 返回</a> <span id="vl-rules-notice" class="ok"></span></p>
    <div id="vl-rules-page"></div>
  </section>
  <section data-tab="village-filing" data-label="备案审查" data-needs="village.file">
    <h2>乡镇备案审查与督办</h2>
    <form id="vl-filing-filter" class="filters"><label>区划代码 <input name="area_code" size="16"></label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span></form>
    <div id="vl-filing-out"></div>
  </section>
`);

let vlReference = null;
async function vlRef() {
  if (!vlReference) vlReference = await api("/api/v1/village/reference");
  return vlReference;
}
function vlMay(permission) { return !!me && me.permissions.includes(permission); }
function vlOptions(table, selected) {
  return Object.entries(table).map(([k, v]) => "<option value='" + esc(k) + "'" + (k === selected ? " selected" : "") + ">" + esc(v) + "</option>").join("");
}
function vlAreaForm(id, show) {
  const form = document.getElementById(id);
  if (!form.dataset.ready) {
    form.area_code.value = homeArea();
    form.onsubmit = (e) => { e.preventDefault(); show(); };
    form.dataset.ready = "1";
  }
  clearErrors(form);
  return form;
}
// The named inputs of a form, as the API takes them: numbers as numbers, checkboxes as true or false, empty left out.
function vlValues(form, names) {
  const out = {};
  for (const n of names) {
    const input = form.elements[n];
    if (!input) continue;
    if (input.type === "checkbox") { out[n] = input.checked; continue; }
    const v = (input.value || "").trim();
    if (v !== "") out[n] = input.type === "number" ? Number(v) : v;
  }
  return out;
}
function vlSend(method, path, data) {
  return api(path, {method, headers: {"Content-Type": "application/json"}, body: JSON.stringify(data)});
}
function vlCount(label, value, id) {
  return "<span class='count'" + (id ? " id='" + id + "'" : "") + "><b>" + esc(value ?? "—") + "</b>" + esc(label) + "</span>";
}
function vlHistory(items) {
  return "<ol class='timeline'>" + items.map(h => "<li>" + esc(countyDate(h.at)) + " " + esc(h.label) + (h.note ? "：" + esc(h.note) : "") +
    (h.actor ? " <span class='muted'>" + esc(h.actor) + "</span>" : "") + "</li>").join("") + "</ol>";
}
// A household named by its number (户号), as the console's staff know it: its id from the grid.
async function vlHousehold(number) {
  const found = await api("/api/v1/households?" + new URLSearchParams({household_number: number.trim(), page_size: 1}));
  if (!found.items.length) { const err = new Error("未找到该户号"); err.text = "未找到该户号"; err.field = "household_id"; throw err; }
  return found.items[0].household_id;
}

// 村务自治指标 --------------------------------------------------------------------------------------------------
async function showVillageFigures() {
  const form = vlAreaForm("vl-figures-form", showVillageFigures);
  const out = document.getElementById("vl-figures-out");
  out.innerHTML = "统计中…";
  let r;
  try { r = await api("/api/v1/village/figures?" + new URLSearchParams(vlValues(form, ["area_code", "since", "until"]))); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  const keys = Object.keys(r.definitions);
  let html = "<p class='muted' id='vl-figures-scope'>" + esc(r.area_name) + "（" + esc(r.area_code) + "），" + esc(r.since) + " 至 " + esc(r.until) + "（不含）</p><div>" +
    "<span class='rate' id='vl-rate-councils'><b>" + percent(r.councils_active_rate) + "</b>四会活跃率</span>" +
    "<span class='rate' id='vl-rate-matters'><b>" + percent(r.matters_in_time_rate) + "</b>四议两公开按时完成率</span>" +
    "<span class='rate' id='vl-rate-sessions'><b>" + percent(r.session_matters_resolved_rate) + "</b>说事事项办结率</span></div><div>" +
    keys.map(k => vlCount(r.definitions[k].split("（")[0].replace(/^期内|^期末|^其中/, ""), r[k], "vl-count-" + k)).join("") + "</div>";
  if (r.by_area.length) {
    html += "<h3>按下级区划</h3><table id='vl-figures-by-area'><tr><th>区划</th><th>公布施行</th><th>期内备案</th><th>四会</th><th>活跃</th><th>完成六步</th>" +
      "<th>有步骤超时</th><th>决议未成立</th><th>说事</th><th>说事事项办结率</th></tr>" + r.by_area.map(b => "<tr><td>" + esc(b.area_name) + "</td><td>" + b.rules_in_force +
      "</td><td>" + b.rules_filed + "</td><td>" + b.councils + "</td><td>" + b.councils_active + "</td><td>" + b.matters_completed + "</td><td>" + b.matters_late +
      "</td><td>" + b.resolutions_refused + "</td><td>" + b.sessions_held + "</td><td>" + percent(b.session_matters_resolved_rate) + "</td></tr>").join("") + "</table>";
  }
  html += "<h3>口径说明</h3><ul class='muted'>" + keys.map(k => "<li>" + esc(r.definitions[k]) + "</li>").join("") + "</ul>";
  out.innerHTML = html;
}

// 村规民约 ------------------------------------------------------------------------------------------------------
function vlRulesTable(items, id) {
  return "<table id='" + id + "'><tr><th>区划</th><th>类别</th><th>标题</th><th>版本</th><th>状态</th><th>表决</th><th>备案</th><th>公布</th></tr>" +
    (items.length ? items.map(v => "<tr class='vl-rules-row' data-rules='" + esc(v.rules_id) + "'><td>" + esc(v.area_name || v.area_code) + "</td><td>" + esc(v.kind_label) +
      "</td><td><a class='vl-rules-link'>" + esc(v.title) + "</a></td><td>第" + v.version + "版</td><td>" + tag(v.status_label, v.status === "returned" ? "overdue" : "") +
      "</td><td>" + esc(v.adopted_on || "") + "</td><td>" + esc(v.filing.filed_on || v.filing.submitted_on || "") + "</td><td>" + esc(v.published_on || "") + "</td></tr>").join("")
      : "<tr><td colspan='8' class='muted'>无</td></tr>") + "</table>";
}
function vlLinkRules(box, back) {
  for (const a of box.querySelectorAll("a.vl-rules-link")) a.onclick = () => openVillageRules(a.closest("tr").dataset.rules, back);
}
async function showVillageRules() {
  const ref = await vlRef();
  const form = vlAreaForm("vl-rules-filter", showVillageRules);
  if (form.status.options.length === 1) form.status.insertAdjacentHTML("beforeend", vlOptions(ref.rules_status));
  const out = document.getElementById("vl-rules-rows");
  let r;
  try { r = await api("/api/v1/village/rules?" + new URLSearchParams({...vlValues(form, ["area_code", "status"]), page_size: 200})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  out.innerHTML = vlRulesTable(r.items, "vl-rules-table");
  vlLinkRules(out, "village-rules");
  const add = document.getElementById("vl-rules-new");
  if (!vlMay("village.manage")) return;
  add.hidden = false;
  if (add.dataset.ready) return;
  add.kind.innerHTML = vlOptions(ref.rules_kinds);
  add.area_code.value = homeArea();
  const box = add.querySelector(".vl-clauses");
  const clause = () => {
    const row = document.createElement("fieldset");
    row.className = "term";
    row.innerHTML = "第<span class='no'></span>条 <input name='text' size='44' maxlength='500'> <select name='conduct'><option value=''>（不关联积分）</option>" +
      vlOptions(ref.conduct_kinds) + "</select> <input name='points_rule_code' placeholder='积分规则代码' size='14'><span class='err'></span>";
    box.appendChild(row);
    box.querySelectorAll("fieldset").forEach((f, i) => { f.querySelector(".no").textContent = i + 1; f.querySelector(".err").dataset.for = "clauses." + i; });
  };
  clause(); clause();
  add.querySelector(".vl-add-clause").onclick = clause;
  add.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(add);
    const clauses = [...box.querySelectorAll("fieldset")].map((f, i) => ({no: i + 1, ...vlValues(f, ["text", "conduct", "points_rule_code"])})).filter(c => c.text);
    clauses.forEach((c, i) => { c.no = i + 1; });
    let v;
    try { v = await vlSend("POST", "/api/v1/village/rules", {...vlValues(add, ["area_code", "kind", "title"]), clauses}); }
    catch (err) { showError(add, err); return; }
    openVillageRules(v.rules_id, "village-rules", "草案已保存");
  };
  add.dataset.ready = "1";
}
const VL_RULE_FORMS = {
  adopt: ["村里：会议表决", "village.manage", "<select name='meeting_kind'></select> <input type='date' name='held_on'> 到会 <input name='attendees' type='number' min='0' size='5'>" +
          " 代表户数 <input name='households_represented' type='number' min='0' size='4'> 赞成 <input name='votes_for' type='number' min='0' size='4'> 反对 <input name='votes_against' type='number' min='0' size='4'>" +
          " 弃权 <input name='abstentions' type='number' min='0' size='3'><br><input name='minutes' size='60' placeholder='会议记录摘要'>" +
          "<span class='err' data-for='meeting.attendees'></span><span class='err' data-for='meeting.votes_for'></span><span class='err' data-for='meeting'></span>"],
  submit: ["报乡镇备案", "village.manage", "<input type='date' name='on'>"],
  review: ["乡镇审查", "village.file", "<input name='opinion' size='40' placeholder='审查意见'> <input type='date' name='on'>"],
  file: ["予以备案", "village.file", "<input name='filing_number' size='16' placeholder='备案编号'> <input type='date' name='on'>"],
  return: ["退回修改", "village.file", "<input name='reason' size='40' placeholder='退回理由'> <input type='date' name='on'>"],
  publish: ["公布施行", "village.manage", "<input type='date' name='on'>"],
};
async function openVillageRules(id, back, notice) {
  openTab("village-rules-page");
  document.getElementById("vl-rules-back").onclick = () => openTab(back || "village-rules");
  const page = document.getElementById("vl-rules-page");
  page.innerHTML = "加载中…";
  const ref = await vlRef();
  const v = await api("/api/v1/village/rules/" + encodeURIComponent(id));
  const a = v.adoption;
  let html = "<h2 id='vl-rules-title'>" + esc(v.title) + " 第" + v.version + "版 " + tag(v.status_label) + "</h2><p class='muted'>" + esc(v.kind_label) + " · " + esc(v.area_name || v.area_code) + "</p>" +
    "<ol id='vl-rules-clauses'>" + v.clauses.map(c => "<li>" + esc(c.text) + (c.points_rule_code ? " " + tag(c.conduct_label + "：" + c.points_rule_code) : "") + "</li>").join("") + "</ol>" +
    "<dl class='fields'>" + (a ? "<dt>表决</dt><dd id='vl-rules-adoption'>" + esc(a.held_on) + " " + esc(a.meeting_label) + "，到会" + a.attendees + "人" + (a.households_represented ? "（代表" + a.households_represented + "户）" : "") +
      "，赞成" + a.votes_for + "票，反对" + a.votes_against + "票" + (a.basis.adults ? "；本村18周岁以上村民" + a.basis.adults + "人、" + a.basis.households + "户" : "") + "</dd>" : "") +
    (v.filing.submitted_on ? "<dt>报备</dt><dd>" + esc(v.filing.submitted_on) + "</dd>" : "") + (v.filing.opinion ? "<dt>审查意见</dt><dd>" + esc(v.filing.opinion) + "</dd>" : "") +
    (v.filing.filed_on ? "<dt>备案</dt><dd>" + esc(v.filing.filed_on) + " " + esc(v.filing.filing_number || "") + "</dd>" : "") +
    (v.filing.reason ? "<dt>退回理由</dt><dd class='bad'>" + esc(v.filing.reason) + "</dd>" : "") + (v.published_on ? "<dt>公布施行</dt><dd>" + esc(v.published_on) + "</dd>" : "") + "</dl>";
  for (const action of v.actions) {
    const [label, needs, fields] = VL_RULE_FORMS[action] || [];
    if (label && vlMay(needs)) html += "<form class='action vl-rules-action' data-action='" + action + "'><b>" + esc(label) + "</b> " + fields +
      " <button type='submit'>" + esc(label) + "</button> <span class='err' data-for=''></span><span class='err' data-for='action'></span><span class='err' data-for='on'></span>" +
      "<span class='err' data-for='opinion'></span><span class='err' data-for='reason'></span></form>";
  }
  const linked = v.clauses.filter(c => c.points_rule_code);
  if (v.status === "published" && linked.length && vlMay("village.manage")) {
    html += "<form class='action' id='vl-conduct-form'><b>记录善行或违约</b> <select name='clause_no'>" + linked.map(c => "<option value='" + c.no + "'>第" + c.no + "条（" + esc(c.conduct_label) + "）</option>").join("") +
      "</select> 户号 <input name='household_number' size='16'><span class='err' data-for='household_id'></span> <input type='date' name='occurred_on'><span class='err' data-for='occurred_on'></span> " +
      "<input name='note' size='30' placeholder='情况说明'><span class='err' data-for='note'></span> <button type='submit'>记录</button> <span class='err' data-for=''></span>" +
      "<span class='muted'>积分由道德银行复核、公示后入账</span></form>";
  }
  html += "<h3>记录</h3>" + vlHistory(v.history);
  page.innerHTML = html;
  document.getElementById("vl-rules-notice").textContent = notice || "";
  for (const form of page.querySelectorAll("form.vl-rules-action")) {
    if (form.meeting_kind) form.meeting_kind.innerHTML = vlOptions(ref.meeting_kinds);
    if (form.held_on) form.held_on.value = countyDay(0);
    form.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(form);
      const body = form.dataset.action === "adopt"
        ? {meeting: vlValues(form, ["meeting_kind", "held_on", "attendees", "households_represented", "votes_for", "votes_against", "abstentions", "minutes"])}
        : vlValues(form, ["on", "opinion", "reason", "filing_number"]);
      try { await vlSend("POST", "/api/v1/village/rules/" + encodeURIComponent(v.rules_id) + "/" + form.dataset.action, body); }
      catch (err) { showError(form, err); return; }
      openVillageRules(v.rules_id, back, "已" + VL_RULE_FORMS[form.dataset.action][0].replace(/^.*：/, ""));
    };
  }
  const conduct = document.getElementById("vl-conduct-form");
  if (conduct) {
    conduct.occurred_on.value = countyDay(0);
    conduct.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(conduct);
      try {
        const household_id = await vlHousehold(conduct.household_number.value);
        await vlSend("POST", "/api/v1/village/rules/" + encodeURIComponent(v.rules_id) + "/conduct",
                     {clause_no: Number(conduct.clause_no.value), household_id, ...vlValues(conduct, ["occurred_on", "note"])});
      } catch (err) { showError(conduct, err); return; }
      openVillageRules(v.rules_id, back, "已记录，待道德银行复核");
    };
  }
}

// 乡镇备案审查 ----------------------------------------------------------------------------------------------------
async function showVillageFiling() {
  const form = vlAreaForm("vl-filing-filter", showVillageFiling);
  const out = document.getElementById("vl-filing-out");
  let rules, matters;
  const area = form.area_code.value.trim();
  try {
    [rules, matters] = await Promise.all([api("/api/v1/village/rules?" + new URLSearchParams({area_code: area, status: "submitted,reviewed", page_size: 200})),
      api("/api/v1/village/matters?" + new URLSearchParams({area_code: area, flagged: "true", page_size: 200}))]);
  } catch (err) { showError(form, err); out.innerHTML = ""; return; }
  out.innerHTML = "<h3>待审查备案（" + rules.total + "）</h3>" + vlRulesTable(rules.items, "vl-filing-rules") +
    "<h3>超时督办的四议两公开事项（" + matters.total + "）</h3><table id='vl-filing-matters'><tr><th>村（社区）</th><th>事项</th><th>状态</th><th>等待</th><th>督办次数</th></tr>" +
    (matters.items.length ? matters.items.map(m => "<tr class='vl-matter-row' data-matter='" + esc(m.matter_id) + "'><td>" + esc(m.village_name || m.village_code) +
      "</td><td><a class='vl-matter-link'>" + esc(m.title) + "</a></td><td>" + esc(m.status_label) + "</td><td>" + (m.next_step ? esc(m.next_step_label) + " " + m.waiting_days + "天" : "—") +
      (m.overdue ? " " + tag("超时", "overdue") : "") + "</td><td>" + m.flags + "</td></tr>").join("") : "<tr><td colspan='5' class='muted'>无</td></tr>") + "</table>";
  vlLinkRules(out, "village-filing");
  for (const a of out.querySelectorAll("a.vl-matter-link")) a.onclick = () => openVillageMatter(a.closest("tr").dataset.matter, "village-filing");
}

Object.assign(OPENERS, {"village-figures": showVillageFigures, "village-rules": showVillageRules, "village-filing": showVillageFiling});
PARENT_TABS["village-rules-page"] = "village-rules";
