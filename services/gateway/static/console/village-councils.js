// The village pages of the console, 四会: a village's four councils, their members and meetings, the 红白理事会's
// reports of weddings and funerals and its check afterwards, and the 道德评议会's review of points claims waiting in
// the credit service. Uses the helpers of village.js.
addSections(`
  <section data-tab="village-councils" data-label="四会" data-needs="village.read">
    <h2>红白理事会 · 村民议事会 · 道德评议会 · 禁毒禁赌会</h2>
    <form id="vl-council-filter" class="filters"><label>区划代码 <input name="area_code" size="16"></label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span></form>
    <div id="vl-council-rows"></div>
    <form id="vl-council-new" class="action" hidden>
      <h3>设立或换届</h3>
      <p><label>村（社区）代码 <input name="village_code" size="14" maxlength="12"></label><span class="err" data-for="village_code"></span>
         <label>类别 <select name="kind"></select></label><span class="err" data-for="kind"></span>
         <label>简办标准（桌） <input name="max_tables" type="number" min="1" size="4"></label><span class="err" data-for="max_tables"></span></p>
      <p><label>任期 <input type="date" name="term_start"></label> 至 <input type="date" name="term_end"><span class="err" data-for="term_end"></span><span class="err" data-for="term_start"></span></p>
      <p><label>成员居民编号（第一位为会长，用逗号或空格分隔）<br><input name="members" size="80"></label><span class="err" data-for="members"></span></p>
      <button type="submit">保存</button> <span class="err" data-for=""></span>
    </form>
  </section>
  <section data-tab="village-council" data-label="会的详情" data-needs="village.read" data-nonav>
    <p><a id="vl-council-back">‹ 返回四会</a> <span id="vl-council-notice" class="ok"></span></p>
    <div id="vl-council-page"></div>
  </section>
`);

// 四会 ---------------------------------------------------------------------------------------------------------
async function showVillageCouncils() {
  const ref = await vlRef();
  const form = vlAreaForm("vl-council-filter", showVillageCouncils);
  const out = document.getElementById("vl-council-rows");
  let r;
  try { r = await api("/api/v1/village/councils?" + new URLSearchParams(vlValues(form, ["area_code"]))); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  out.innerHTML = "<table id='vl-council-table'><tr><th>村（社区）</th><th>会</th><th>任期</th><th>成员</th><th>最近开会</th></tr>" + (r.items.length ? r.items.map(c =>
    "<tr class='vl-council-row' data-council='" + esc(c.council_id) + "'><td>" + esc(c.village_code) + "</td><td><a class='vl-council-link'>" + esc(c.name) + "</a> " + tag(c.kind_label) +
    "</td><td>" + esc(c.term_start) + " 至 " + esc(c.term_end) + (c.in_term ? "" : " " + tag("任期已满", "overdue")) + "</td><td>" + c.members.length + "人</td><td>" +
    (c.last_met_on ? esc(c.last_met_on) : "<span class='bad'>未开会</span>") + "</td></tr>").join("") : "<tr><td colspan='5' class='muted'>尚未设立</td></tr>") + "</table>";
  for (const a of out.querySelectorAll("a.vl-council-link")) a.onclick = () => openVillageCouncil(a.closest("tr").dataset.council);
  const add = document.getElementById("vl-council-new");
  if (!vlMay("village.manage") || add.dataset.ready) { add.hidden = !vlMay("village.manage"); return; }
  add.hidden = false;
  add.kind.innerHTML = vlOptions(ref.council_kinds);
  add.village_code.value = homeArea().length === 12 ? homeArea() : "";
  add.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(add);
    const ids = add.members.value.split(/[\s,，]+/).filter(Boolean);
    const body = {...vlValues(add, ["village_code", "kind", "term_start", "term_end", "max_tables"]),
                  members: ids.map((id, i) => ({resident_id: id, role: i === 0 ? "chair" : "member"}))};
    let c;
    try { c = await vlSend("POST", "/api/v1/village/councils", body); }
    catch (err) { showError(add, err); return; }
    openVillageCouncil(c.council_id, "已保存");
  };
  add.dataset.ready = "1";
}

async function openVillageCouncil(id, notice) {
  openTab("village-council");
  document.getElementById("vl-council-back").onclick = () => openTab("village-councils");
  const page = document.getElementById("vl-council-page");
  page.innerHTML = "加载中…";
  const ref = await vlRef();
  const c = await api("/api/v1/village/councils/" + encodeURIComponent(id));
  const manage = vlMay("village.manage");
  let html = "<h2 id='vl-council-name'>" + esc(c.name) + " " + tag(c.kind_label) + "</h2><p class='muted'>任期 " + esc(c.term_start) + " 至 " + esc(c.term_end) +
    (c.max_tables ? " · 简办标准：酒席不超过" + c.max_tables + "桌" : "") + "</p><p>成员：" + c.members.map(m => esc(m.name) + "（" + esc(m.role_label) + "）").join("、") + "</p>";
  html += "<h3>会议（" + c.meetings.length + "）</h3><table id='vl-council-meetings'><tr><th>日期</th><th>议题</th><th>到会</th><th>纪要</th><th>议定事项</th></tr>" +
    (c.meetings.length ? c.meetings.map(m => "<tr><td>" + esc(m.held_on) + "</td><td>" + esc(m.topic) + "</td><td>" + m.attendees + "</td><td>" + esc(m.minutes) + "</td><td>" +
      m.decisions.map(esc).join("<br>") + "</td></tr>").join("") : "<tr><td colspan='5' class='bad'>本届尚未开会</td></tr>") + "</table>";
  if (manage) html += "<form class='action' id='vl-meeting-form'><b>记录会议</b> <input type='date' name='held_on'><span class='err' data-for='held_on'></span> " +
    "<input name='topic' size='16' placeholder='议题'><span class='err' data-for='topic'></span> 到会 <input name='attendees' type='number' min='1' size='4'><span class='err' data-for='attendees'></span><br>" +
    "<input name='minutes' size='50' placeholder='会议纪要'><span class='err' data-for='minutes'></span><br><textarea name='decisions' rows='2' cols='50' placeholder='议定事项，每行一项'></textarea>" +
    "<span class='err' data-for='decisions'></span> <button type='submit'>保存</button> <span class='err' data-for=''></span></form>";
  if (c.reports) html += vlReports(c, ref, manage);
  if (c.claim_reviews) html += "<h3>积分申报评议（" + c.claim_reviews.length + "）</h3><table id='vl-claim-reviews'><tr><th>日期</th><th>申报</th><th>意见</th><th>说明</th></tr>" +
    c.claim_reviews.map(r => "<tr><td>" + esc(r.held_on) + "</td><td>" + esc((r.holder || "") + " " + (r.rule_name || "") + "（" + r.points + "分）") + "</td><td>" + esc(r.opinion_label) +
      "</td><td>" + esc(r.note) + "</td></tr>").join("") + "</table><div id='vl-pending-claims'></div>";
  html += "<h3>记录</h3>" + vlHistory(c.history);
  page.innerHTML = html;
  document.getElementById("vl-council-notice").textContent = notice || "";
  const meeting = document.getElementById("vl-meeting-form");
  if (meeting) {
    meeting.held_on.value = countyDay(0);
    meeting.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(meeting);
      const body = {...vlValues(meeting, ["held_on", "topic", "attendees", "minutes"]), decisions: meeting.decisions.value.split("\n").map(s => s.trim()).filter(Boolean)};
      try { await vlSend("POST", "/api/v1/village/councils/" + encodeURIComponent(c.council_id) + "/meetings", body); }
      catch (err) { showError(meeting, err); return; }
      openVillageCouncil(c.council_id, "已记录会议");
    };
  }
  if (c.reports) wireVillageReports(page, c, ref);
  if (c.claim_reviews && manage && vlMay("credit.read")) await showPendingClaims(c);
}

// 红白理事会：婚丧事宜报备与事后核查 -------------------------------------------------------------------------------
function vlReports(c, ref, manage) {
  let html = "<h3>婚丧事宜报备（" + c.reports.length + "）</h3><table id='vl-reports'><tr><th>户号</th><th>事项</th><th>日期</th><th>计划</th><th>状态</th><th>核查</th></tr>" +
    (c.reports.length ? c.reports.map(r => "<tr class='vl-report-row' data-report='" + esc(r.report_id) + "'><td>" + esc(r.household_number || r.household_id) + "</td><td>" + esc(r.kind_label) +
      (r.simple_declared ? " " + tag("承诺简办") : "") + "</td><td>" + esc(r.event_date) + "</td><td>" + r.planned_tables + "桌 " + r.planned_guests + "人</td><td>" + esc(r.status_label) + "</td><td>" +
      (r.check ? (r.check.simple ? tag("简办", "ok") : tag("未简办", "overdue")) + " " + r.check.actual_tables + "桌，" + esc(r.check.findings) : "") +
      (manage && r.actions.includes("check") ? "<form class='vl-check-form'><input type='date' name='checked_on'> <input name='actual_tables' type='number' min='0' size='3' placeholder='桌数'>" +
        " <input name='actual_guests' type='number' min='0' size='4' placeholder='人数'> <label><input type='checkbox' name='simple'> 认定简办</label> <input name='findings' size='18' placeholder='核查情况'>" +
        " <button type='submit'>核查</button> <span class='err' data-for=''></span><span class='err' data-for='simple'></span><span class='err' data-for='checked_on'></span>" +
        "<span class='err' data-for='actual_tables'></span><span class='err' data-for='findings'></span></form>" : "") + "</td></tr>").join("")
      : "<tr><td colspan='6' class='muted'>无</td></tr>") + "</table>";
  if (manage) html += "<form class='action' id='vl-report-form'><b>婚丧事宜报备</b> 户号 <input name='household_number' size='16'><span class='err' data-for='household_id'></span> " +
    "<select name='kind'>" + vlOptions(ref.family_event_kinds) + "</select> <input type='date' name='event_date'><span class='err' data-for='event_date'></span> " +
    "<input name='planned_tables' type='number' min='1' size='3' placeholder='桌数'><span class='err' data-for='planned_tables'></span> " +
    "<input name='planned_guests' type='number' min='1' size='4' placeholder='人数'><span class='err' data-for='planned_guests'></span> " +
    "<label><input type='checkbox' name='simple_declared' checked> 承诺简办</label> <button type='submit'>报备</button> <span class='err' data-for=''></span></form>";
  return html;
}
function wireVillageReports(page, c) {
  const report = document.getElementById("vl-report-form");
  if (report) report.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(report);
    try {
      const household_id = await vlHousehold(report.household_number.value);
      await vlSend("POST", "/api/v1/village/councils/" + encodeURIComponent(c.council_id) + "/family-events",
                   {household_id, ...vlValues(report, ["kind", "event_date", "planned_tables", "planned_guests", "simple_declared"])});
    } catch (err) { showError(report, err); return; }
    openVillageCouncil(c.council_id, "已报备");
  };
  for (const form of page.querySelectorAll("form.vl-check-form")) {
    form.checked_on.value = countyDay(0);
    form.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(form);
      const id = form.closest("tr").dataset.report;
      try { await vlSend("POST", "/api/v1/village/family-events/" + encodeURIComponent(id) + "/check",
                         vlValues(form, ["checked_on", "actual_tables", "actual_guests", "simple", "findings"])); }
      catch (err) { showError(form, err); return; }
      openVillageCouncil(c.council_id, "已核查");
    };
  }
}

// 道德评议会：评议待复核的积分申报 -------------------------------------------------------------------------------
async function showPendingClaims(c) {
  const box = document.getElementById("vl-pending-claims");
  const waiting = await api("/api/v1/credit/awards?" + new URLSearchParams({status: "submitted", area_code: c.village_code, page_size: 50}));
  const reviewed = new Set(c.claim_reviews.map(r => r.award_id));
  const open = waiting.items.filter(a => !reviewed.has(a.award_id));
  box.innerHTML = "<h4>待复核的积分申报（" + open.length + "）</h4><table id='vl-pending-table'><tr><th>户</th><th>规则</th><th>分值</th><th>事由</th><th>评议</th></tr>" +
    (open.length ? open.map(a => "<tr data-award='" + esc(a.award_id) + "'><td>" + esc(a.holder || a.household_number || "") + "</td><td>" + esc(a.rule_name) + "</td><td>" + a.points +
      "</td><td>" + esc(a.reason) + "</td><td><form class='vl-review-form'><select name='opinion'><option value='support'>同意</option><option value='oppose'>不同意</option></select> " +
      "<input name='note' size='16' placeholder='评议意见'> <button type='submit'>评议</button> <span class='err' data-for=''></span><span class='err' data-for='note'></span></form></td></tr>").join("")
      : "<tr><td colspan='5' class='muted'>无</td></tr>") + "</table>";
  for (const form of box.querySelectorAll("form.vl-review-form")) form.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(form);
    const body = {award_id: form.closest("tr").dataset.award, held_on: countyDay(0), ...vlValues(form, ["opinion", "note"])};
    try { await vlSend("POST", "/api/v1/village/councils/" + encodeURIComponent(c.council_id) + "/claim-reviews", body); }
    catch (err) { showError(form, err); return; }
    openVillageCouncil(c.council_id, "已评议，记入该积分申报");
  };
}

Object.assign(OPENERS, {"village-councils": showVillageCouncils});
PARENT_TABS["village-council"] = "village-councils";
