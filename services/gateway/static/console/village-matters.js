// The village pages of the console, 四议两公开 and 村民说事: important matters through their six steps (the next
// step's form only; the resolution counted against the village's numbers; a meeting short of quorum stays in the
// history), and sessions whose matters go to the grid or to mediation with one action. Uses village.js's helpers.
addSections(`
  <section data-tab="village-matters" data-label="四议两公开" data-needs="village.read">
    <h2>四议两公开：村党组织提议 → 村“两委”会议商议 → 党员大会审议 → 村民（代表）会议决议 → 决议公开 → 实施结果公开</h2>
    <form id="vl-matter-filter" class="filters"><label>区划代码 <input name="area_code" size="16"></label>
      <label><input type="checkbox" name="flagged"> 只看超时督办的</label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span></form>
    <div id="vl-matter-rows"></div>
    <form id="vl-matter-new" class="action" hidden>
      <h3>登记重大事项</h3>
      <p><label>村（社区）代码 <input name="village_code" size="14" maxlength="12"></label><span class="err" data-for="village_code"></span>
         <label>类别 <select name="kind"></select></label> <label>金额（元） <input name="amount_yuan" type="number" min="0" size="10"></label><span class="err" data-for="amount_yuan"></span></p>
      <p><label>事项 <input name="title" size="30" maxlength="60"></label><span class="err" data-for="title"></span></p>
      <p><label>内容<br><textarea name="description" rows="2" cols="70" maxlength="2000"></textarea></label><span class="err" data-for="description"></span></p>
      <button type="submit">登记</button> <span class="err" data-for=""></span>
    </form>
  </section>
  <section data-tab="village-matter" data-label="事项详情" data-needs="village.read" data-nonav>
    <p><a id="vl-matter-back">‹ 返回</a> <span id="vl-matter-notice" class="ok"></span></p>
    <div id="vl-matter-page"></div>
  </section>
  <section data-tab="village-sessions" data-label="村民说事" data-needs="village.read">
    <h2>村民说事 · 民情恳谈 · 百姓议事</h2>
    <form id="vl-session-filter" class="filters"><label>区划代码 <input name="area_code" size="16"></label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span></form>
    <div id="vl-session-rows"></div>
    <form id="vl-session-new" class="action" hidden>
      <h3>记录一次说事</h3>
      <p><label>村（社区）代码 <input name="village_code" size="14" maxlength="12"></label><span class="err" data-for="village_code"></span>
         <select name="kind"></select> <input type="date" name="held_on"><span class="err" data-for="held_on"></span>
         <label>地点 <input name="place" size="12"></label><span class="err" data-for="place"></span></p>
      <p><label>议题 <input name="topic" size="24"></label><span class="err" data-for="topic"></span>
         <label>参加人数 <input name="participants" type="number" min="1" size="5"></label><span class="err" data-for="participants"></span></p>
      <div class="vl-raised"></div><span class="err" data-for="matters"></span>
      <p><button type="button" class="vl-add-raised">增加群众提出的事项</button> <button type="submit">保存</button> <span class="err" data-for=""></span></p>
    </form>
  </section>
  <section data-tab="village-session" data-label="说事详情" data-needs="village.read" data-nonav>
    <p><a id="vl-session-back">‹ 返回村民说事</a> <span id="vl-session-notice" class="ok"></span></p>
    <div id="vl-session-page"></div>
  </section>
`);

// 四议两公开 -----------------------------------------------------------------------------------------------------
async function showVillageMatters() {
  const ref = await vlRef();
  const form = vlAreaForm("vl-matter-filter", showVillageMatters);
  const out = document.getElementById("vl-matter-rows");
  let r;
  try { r = await api("/api/v1/village/matters?" + new URLSearchParams({area_code: form.area_code.value.trim(), flagged: form.flagged.checked, page_size: 200})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  out.innerHTML = "<table id='vl-matter-table'><tr><th>村（社区）</th><th>事项</th><th>类别</th><th>进度</th><th>下一步</th><th>等待</th></tr>" + (r.items.length ? r.items.map(m =>
    "<tr class='vl-matter-row' data-matter='" + esc(m.matter_id) + "'><td>" + esc(m.village_name || m.village_code) + "</td><td><a class='vl-matter-link'>" + esc(m.title) + "</a></td><td>" +
    esc(m.kind_label) + "</td><td>" + esc(m.status_label) + (m.refusals ? " " + tag("决议曾未成立") : "") + "</td><td>" + esc(m.next_step_label || "—") + "</td><td>" +
    (m.next_step ? m.waiting_days + "天" + (m.overdue ? " " + tag("超时", "overdue") : "") : "—") + "</td></tr>").join("") : "<tr><td colspan='6' class='muted'>无</td></tr>") + "</table>";
  for (const a of out.querySelectorAll("a.vl-matter-link")) a.onclick = () => openVillageMatter(a.closest("tr").dataset.matter, "village-matters");
  const add = document.getElementById("vl-matter-new");
  add.hidden = !vlMay("village.manage");
  if (add.hidden || add.dataset.ready) return;
  add.kind.innerHTML = vlOptions(ref.matter_kinds);
  add.village_code.value = homeArea().length === 12 ? homeArea() : "";
  add.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(add);
    let m;
    try { m = await vlSend("POST", "/api/v1/village/matters", vlValues(add, ["village_code", "kind", "title", "description", "amount_yuan"])); }
    catch (err) { showError(add, err); return; }
    add.reset(); openVillageMatter(m.matter_id, "village-matters", "已登记");
  };
  add.dataset.ready = "1";
}
const VL_INPUTS = {expected: "应到", present: "实到", households_represented: "到会户数", votes_for: "赞成", votes_against: "反对", abstentions: "弃权"};
function vlStepForm(step, ref) {
  const fields = ref.step_fields[step];
  let html = "<form class='action' id='vl-step-form' data-step='" + step + "'><b>下一步：" + esc(ref.matter_steps[step]) + "</b> <input type='date' name='held_on'><span class='err' data-for='held_on'></span> ";
  if (fields.includes("meeting_kind")) html += "<select name='meeting_kind'>" + vlOptions(ref.meeting_kinds) + "</select> ";
  for (const [name, label] of Object.entries(VL_INPUTS)) if (fields.includes(name))
    html += label + " <input name='" + name + "' type='number' min='0' size='4'><span class='err' data-for='" + name + "'></span> ";
  if (fields.includes("minutes")) html += "<br><input name='minutes' size='60' placeholder='会议记录摘要'><span class='err' data-for='minutes'></span>";
  if (fields.includes("channel")) html += "<select name='channel'>" + vlOptions(ref.publication_channels) + "</select><br><textarea name='content' rows='2' cols='60' placeholder='公开内容'></textarea><span class='err' data-for='content'></span>";
  return html + " <button type='submit'>记录</button> <span class='err' data-for=''></span><span class='err' data-for='step'></span><span class='err' data-for='meeting_kind'></span></form>";
}
async function openVillageMatter(id, back, notice) {
  openTab("village-matter");
  document.getElementById("vl-matter-back").onclick = () => openTab(back || "village-matters");
  const page = document.getElementById("vl-matter-page");
  page.innerHTML = "加载中…";
  const ref = await vlRef();
  const m = await api("/api/v1/village/matters/" + encodeURIComponent(id));
  const done = Object.fromEntries(m.steps.map(s => [s.step, s]));
  let html = "<h2 id='vl-matter-title'>" + esc(m.title) + " " + tag(m.status_label) + "</h2><p class='muted'>" + esc(m.village_name || m.village_code) + " · " + esc(m.kind_label) +
    (m.amount_yuan ? " · " + m.amount_yuan + "元" : "") + " · " + esc(m.registered_on) + " 登记</p><p>" + esc(m.description) + "</p>";
  html += "<table id='vl-matter-steps'><tr><th>步骤</th><th>日期</th><th>情况</th></tr>" + Object.entries(ref.matter_steps).map(([step, label], i) => {
    const s = done[step];
    const what = !s ? (m.next_step === step ? "<b>待办</b>" + (m.overdue ? " " + tag("已等待" + m.waiting_days + "天", "overdue") : "") : "<span class='muted'>未到</span>")
      : s.channel ? esc(s.channel_label) + "：" + esc(s.content)
      : (s.meeting_label ? esc(s.meeting_label) + "，" : "") + (s.expected ? "应到" + s.expected + "人，" : "") + "实到" + s.present + "人" +
        (s.households_represented ? "（代表" + s.households_represented + "户）" : "") + "，赞成" + s.votes_for + "票、反对" + s.votes_against + "票";
    return "<tr data-step='" + step + "'><td>" + (i + 1) + ". " + esc(label) + "</td><td>" + esc(s ? s.held_on : "") + "</td><td>" + what + (s && s.late ? " " + tag("超时", "overdue") : "") + "</td></tr>";
  }).join("") + "</table>";
  if (m.refused_meetings.length) html += "<h3>未成立的决议会议</h3><ul id='vl-matter-refused'>" + m.refused_meetings.map(r => "<li class='bad'>" + esc(r.held_on) + " " +
    esc(r.meeting_label) + "：" + esc(r.reason_label) + "。" + esc(r.message) + "</li>").join("") + "</ul>";
  if (m.overdue_flags.length) html += "<h3>超时督办</h3><ul>" + m.overdue_flags.map(f => "<li>" + esc(f.flagged_on) + " 等待「" + esc(f.waiting_for_label) + "」" + f.days + "天</li>").join("") + "</ul>";
  if (vlMay("village.manage") && m.next_step) html += vlStepForm(m.next_step, ref);
  if (vlMay("village.manage") && m.actions.includes("withdraw")) html += "<form class='action' id='vl-withdraw-form'><b>撤回事项</b> <input name='reason' size='40' placeholder='撤回理由'>" +
    "<span class='err' data-for='reason'></span> <button type='submit'>撤回</button> <span class='err' data-for=''></span></form>";
  html += "<h3>记录</h3>" + vlHistory(m.history);
  page.innerHTML = html;
  document.getElementById("vl-matter-notice").textContent = notice || "";
  const form = document.getElementById("vl-step-form");
  if (form) {
    form.held_on.value = countyDay(0);
    form.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(form);
      const body = vlValues(form, ["held_on", "meeting_kind", ...Object.keys(VL_INPUTS), "minutes", "channel", "content"]);
      try { await vlSend("POST", "/api/v1/village/matters/" + encodeURIComponent(m.matter_id) + "/steps/" + form.dataset.step, body); }
      catch (err) {
        showError(form, err);
        if (err.field === "present" || err.field === "votes_for") openVillageMatter(m.matter_id, back, "").then(() => {
          showError(document.getElementById("vl-step-form"), err);  // the refused meeting is in the history now
        });
        return;
      }
      openVillageMatter(m.matter_id, back, "已记录：" + ref.matter_steps[form.dataset.step]);
    };
  }
  const withdraw = document.getElementById("vl-withdraw-form");
  if (withdraw) withdraw.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(withdraw);
    try { await vlSend("POST", "/api/v1/village/matters/" + encodeURIComponent(m.matter_id) + "/withdraw", vlValues(withdraw, ["reason"])); }
    catch (err) { showError(withdraw, err); return; }
    openVillageMatter(m.matter_id, back, "已撤回");
  };
}

// 村民说事 ------------------------------------------------------------------------------------------------------
async function showVillageSessions() {
  const ref = await vlRef();
  const form = vlAreaForm("vl-session-filter", showVillageSessions);
  const out = document.getElementById("vl-session-rows");
  let r;
  try { r = await api("/api/v1/village/sessions?" + new URLSearchParams({area_code: form.area_code.value.trim(), page_size: 200})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  out.innerHTML = "<table id='vl-session-table'><tr><th>村（社区）</th><th>日期</th><th>形式</th><th>议题</th><th>参加</th><th>事项</th><th>已办结</th></tr>" + (r.items.length ? r.items.map(s =>
    "<tr class='vl-session-row' data-session='" + esc(s.session_id) + "'><td>" + esc(s.village_name || s.village_code) + "</td><td>" + esc(s.held_on) + "</td><td>" + esc(s.kind_label) +
    "</td><td><a class='vl-session-link'>" + esc(s.topic) + "</a></td><td>" + s.participants + "人</td><td>" + s.matters_matters + "</td><td>" + s.matters_resolved + "</td></tr>").join("")
    : "<tr><td colspan='7' class='muted'>无</td></tr>") + "</table>";
  for (const a of out.querySelectorAll("a.vl-session-link")) a.onclick = () => openVillageSession(a.closest("tr").dataset.session);
  const add = document.getElementById("vl-session-new");
  add.hidden = !vlMay("village.manage");
  if (add.hidden || add.dataset.ready) return;
  add.kind.innerHTML = vlOptions(ref.session_kinds);
  add.village_code.value = homeArea().length === 12 ? homeArea() : "";
  add.held_on.value = countyDay(0);
  const box = add.querySelector(".vl-raised");
  const raised = () => {
    const row = document.createElement("fieldset");
    row.className = "term";
    // Not `topic`: the session's own topic is a field of the same form.
    row.innerHTML = "<input name='summary' size='40' placeholder='群众提出的事项'> <select name='matter_topic'>" + vlOptions(ref.topics) + "</select> " +
      "<input name='grid_code' size='16' placeholder='事发网格代码（可空）'><span class='err'></span>";
    box.appendChild(row);
    box.querySelectorAll("fieldset").forEach((f, i) => { f.querySelector(".err").dataset.for = "matters." + i; });
  };
  raised();
  add.querySelector(".vl-add-raised").onclick = raised;
  add.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(add);
    const matters = [...box.querySelectorAll("fieldset")].map(f => vlValues(f, ["summary", "matter_topic", "grid_code"]))
      .filter(x => x.summary).map(({matter_topic, ...x}) => ({...x, topic: matter_topic}));
    let s;
    try { s = await vlSend("POST", "/api/v1/village/sessions", {...vlValues(add, ["village_code", "kind", "held_on", "place", "topic", "participants"]), matters}); }
    catch (err) { showError(add, err); return; }
    openVillageSession(s.session_id, "已记录");
  };
  add.dataset.ready = "1";
}
let vlItems = null;
async function openVillageSession(id, notice) {
  openTab("village-session");
  document.getElementById("vl-session-back").onclick = () => openTab("village-sessions");
  const page = document.getElementById("vl-session-page");
  page.innerHTML = "加载中…";
  const s = await api("/api/v1/village/sessions/" + encodeURIComponent(id));
  if (!vlItems && vlMay("affairs.read"))
    vlItems = (await api("/api/v1/responsibility-items")).categories.flatMap(c => c.items).filter(i => i.active);
  const grids = (await api("/api/v1/village/areas?parent_code=" + s.village_code)).items.filter(a => a.kind === "grid");
  const manage = vlMay("village.manage");
  let html = "<h2 id='vl-session-title'>" + esc(s.kind_label) + "：" + esc(s.topic) + "</h2><p class='muted'>" + esc(s.village_name || s.village_code) + " · " + esc(s.held_on) + " · " +
    esc(s.place) + " · 参加" + s.participants + "人（登记居民" + s.known_participants + "人）</p>";
  html += "<table id='vl-session-matters'><tr><th>#</th><th>事项</th><th>类别</th><th>去向与结果</th><th></th></tr>" + s.matters.map(m => "<tr class='vl-raised-row' data-matter='" + esc(m.matter_id) +
    "'><td>" + m.no + "</td><td>" + esc(m.summary) + "</td><td>" + esc(m.topic_label) + "</td><td class='vl-outcome'>" + tag(m.status_label, m.status === "unresolved" ? "overdue" : "") +
    (m.case_id ? " 网格事件 " + esc(m.case_id) : "") + (m.dispute_id ? " 纠纷 " + esc(m.dispute_id) : "") + (m.note ? " " + esc(m.note) : "") +
    m.moves.map(x => "<br><span class='muted'>" + esc(countyDate(x.at)) + " " + esc(x.label) + "</span>").join("") + "</td><td>" +
    (manage && m.actions.length ? "<form class='vl-route-form'>" + (m.actions.includes("refer_to_grid") && vlItems ? "<select name='item_code'>" +
      vlItems.map(i => "<option value='" + esc(i.code) + "'>" + esc(i.category_label + "·" + i.name) + "</option>").join("") + "</select> <select name='grid_code'>" +
      grids.map(g => "<option value='" + esc(g.code) + "'" + (g.code === m.grid_code ? " selected" : "") + ">" + esc(g.name) + "</option>").join("") +
      "</select> <button type='submit' value='refer_to_grid'>转网格事件</button> " : "") +
      "<button type='submit' value='refer_to_mediation'>转人民调解</button> <input name='note' size='12' placeholder='当场答复情况'> <button type='submit' value='settle'>当场解决</button>" +
      " <span class='err' data-for=''></span><span class='err' data-for='note'></span><span class='err' data-for='grid_code'></span><span class='err' data-for='item_code'></span></form>" : "") +
    "</td></tr>").join("") + "</table>";
  page.innerHTML = html;
  document.getElementById("vl-session-notice").textContent = notice || "";
  for (const form of page.querySelectorAll("form.vl-route-form")) form.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(form);
    const action = e.submitter.value;
    const body = action === "refer_to_grid" ? vlValues(form, ["item_code", "grid_code"]) : action === "settle" ? vlValues(form, ["note"]) : {};
    try { await vlSend("POST", "/api/v1/village/sessions/" + encodeURIComponent(s.session_id) + "/matters/" + form.closest("tr").dataset.matter + "/" + action, body); }
    catch (err) { showError(form, err); return; }
    openVillageSession(s.session_id, {refer_to_grid: "已转网格事件并上报乡镇", refer_to_mediation: "已转人民调解", settle: "已当场解决"}[action]);
  };
}

Object.assign(OPENERS, {"village-matters": showVillageMatters, "village-sessions": showVillageSessions});
Object.assign(PARENT_TABS, {"village-matter": "village-matters", "village-session": "village-sessions"});
