// 线上考核 and 评选 in the console: the rounds of the county's scheme (a township or village sees its own result,
// each point with the sentence that explains it, and appeals a point during the notice; the county publishes), and
// the annual selections (nominations with their material and the nominee's assessment; the county shortlists).
// See addSections and OPENERS in index.html; api, jsonPost, esc, me, tag, showError and clearErrors come from there.
addSections(`
<section data-tab="assessment-rounds" data-label="考核结果" data-needs="assessment.read">
  <h2>线上考核</h2>
  <div id="ar-rounds">加载中…</div>
  <div id="ar-round"></div>
</section>
<section data-tab="assessment-selections" data-label="评选" data-needs="assessment.read">
  <h2>年度评选</h2>
  <div id="sl-list">加载中…</div>
  <div id="sl-page"></div>
</section>
`);

function arMay(permission) { return me.permissions.includes(permission); }

async function showRounds() {
  const box = document.getElementById("ar-rounds");
  const page = await api("/api/v1/assessment/rounds");
  box.innerHTML = page.items.length ? "<table id='ar-round-table'><tr><th>期次</th><th>层级</th><th>状态</th><th>公示期</th></tr>" +
    page.items.map(r => "<tr><td><a class='ar-open' data-round='" + esc(r.round_id) + "'>" + esc(r.period) + "</a></td><td>" +
      esc(r.level === "township" ? "乡镇（街道）" : "村（社区）") + "</td><td>" + tag(r.status_label) + "</td><td>" +
      esc(r.noticed_on ? r.noticed_on + " 至 " + r.notice_until : "") + "</td></tr>").join("") + "</table>" : "<p class='muted'>尚无考核期次</p>";
  for (const a of box.querySelectorAll("a.ar-open")) a.onclick = () => showRound(a.dataset.round);
}
async function showRound(roundId, notice) {
  const box = document.getElementById("ar-round");
  const r = await api("/api/v1/assessment/rounds/" + encodeURIComponent(roundId));
  const appeals = r.appeals.map(a => "<li>" + esc(a.area_code) + " " + esc(a.label) + "：" + esc(a.reason) + " " + tag(a.status_label) +
    (a.points_after !== null && a.points_after !== undefined ? " " + a.points_before + "→" + a.points_after : "") +
    (a.status === "pending" && arMay("assessment.manage") ? " <button class='ar-decide' data-appeal='" + esc(a.appeal_id) + "' data-decision='upheld'>成立</button>" +
      "<button class='ar-decide' data-appeal='" + esc(a.appeal_id) + "' data-decision='rejected'>不成立</button>" : "") + "</li>").join("");
  let html = (notice ? "<p class='ok' id='ar-notice'>" + esc(notice) + "</p>" : "") +
    "<h3 id='ar-title'>" + esc(r.period) + " " + tag(r.status_label) + "</h3><p><a id='ar-export'>导出 .xlsx</a> <span class='muted as-export-state'></span></p>" +
    (r.notice_until ? "<p class='muted'>公示期 " + esc(r.noticed_on) + " 至 " + esc(r.notice_until) + "</p>" : "") +
    r.results.map(x => "<details class='ar-result' data-area='" + esc(x.area_code) + "'" + (r.results.length === 1 ? " open" : "") + "><summary>" +
      (x.rank ? "第" + x.rank + "名 " : "") + esc(x.area_name) + " <b>" + (x.total === null ? "待评" : x.total + "分") + "</b></summary><table><tr><th>指标</th><th>得分</th><th>说明</th></tr>" +
      x.points.map(p => "<tr><td>" + esc(p.label) + "</td><td>" + (p.points === null ? "—" : p.points) + " / " + p.max + "</td><td>" + esc(p.basis) +
        (p.evidence.length ? "<div class='muted'>佐证：" + esc(p.evidence.join("、")) + "</div>" : "") + "</td></tr>").join("") + "</table>" +
      (r.status === "in_notice" && arMay("assessment.appeal") ? "<form class='ar-appeal' data-area='" + esc(x.area_code) + "'>申诉 <select name='indicator'>" +
        x.points.map(p => "<option value='" + esc(p.indicator) + "'>" + esc(p.label) + "</option>").join("") + "</select> <input name='reason' size='30' placeholder='申诉理由'>" +
        " <input name='evidence' size='20' placeholder='佐证材料'> <button type='submit'>提交申诉</button> <span class='err' data-for=''></span>" +
        "<span class='err' data-for='reason'></span><span class='err' data-for='evidence'></span><span class='err' data-for='filed_on'></span></form>" : "") + "</details>").join("") +
    (appeals ? "<h4>申诉</h4><ul id='ar-appeals'>" + appeals + "</ul>" : "") +
    (r.status === "in_notice" && arMay("assessment.manage") ? "<p><button id='ar-publish'>发布结果</button> <span class='err' id='ar-publish-err'></span></p>" : "");
  box.innerHTML = html;
  for (const form of box.querySelectorAll("form.ar-appeal")) form.onsubmit = async e => {
    e.preventDefault(); clearErrors(form);
    try {
      await jsonPost("/api/v1/assessment/rounds/" + encodeURIComponent(roundId) + "/appeals", {area_code: form.dataset.area,
        indicator: form.indicator.value, reason: form.reason.value, evidence: form.evidence.value ? [form.evidence.value] : []});
      showRound(roundId, "申诉已提交，待县级裁定");
    } catch (err) { showError(form, err); }
  };
  for (const b of box.querySelectorAll("button.ar-decide")) b.onclick = async () => {
    const note = prompt(b.dataset.decision === "upheld" ? "裁定意见（成立）" : "裁定意见（不成立）") || "";
    const points = b.dataset.decision === "upheld" ? Number(prompt("改定分数") || "0") : null;
    try { await jsonPost("/api/v1/assessment/appeals/" + encodeURIComponent(b.dataset.appeal) + "/decision", {decision: b.dataset.decision, points, note}); showRound(roundId, "已裁定"); }
    catch (err) { alert(err.message); }
  };
  document.getElementById("ar-export").onclick = () => asExport({table: "round", round_id: roundId}, box);
  const publish = document.getElementById("ar-publish");
  if (publish) publish.onclick = async () => {
    try { await jsonPost("/api/v1/assessment/rounds/" + encodeURIComponent(roundId) + "/publish", {}); showRound(roundId, "已发布"); showRounds(); }
    catch (err) { document.getElementById("ar-publish-err").textContent = err.message; }
  };
}
OPENERS["assessment-rounds"] = showRounds;

// 评选 -----------------------------------------------------------------------------------------------------------------
async function showSelections() {
  const box = document.getElementById("sl-list");
  const page = await api("/api/v1/assessment/selections");
  box.innerHTML = page.items.length ? "<ul id='sl-items'>" + page.items.map(s => "<li><a class='sl-open' data-selection='" + esc(s.selection_id) + "'>" +
    esc(s.title) + "</a> " + tag(s.status_label) + (s.notice_until ? " <span class='muted'>公示至 " + esc(s.notice_until) + "</span>" : "") + "</li>").join("") + "</ul>" : "<p class='muted'>尚无评选</p>";
  for (const a of box.querySelectorAll("a.sl-open")) a.onclick = () => showSelection(a.dataset.selection);
}
async function showSelection(id, notice) {
  const s = await api("/api/v1/assessment/selections/" + encodeURIComponent(id));
  const box = document.getElementById("sl-page");
  box.innerHTML = (notice ? "<p class='ok'>" + esc(notice) + "</p>" : "") + "<h3 id='sl-title'>" + esc(s.title) + " " + tag(s.status_label) + "</h3>" +
    "<table id='sl-nominations'><tr><th>推荐对象</th><th>区划</th><th>材料</th><th>考核结果</th><th>状态</th><th></th></tr>" + s.nominations.map(n =>
      "<tr><td>" + esc(n.nominee) + "</td><td>" + esc(n.area_code) + "</td><td>" + esc(n.material) + "</td><td>" +
      (n.assessment ? esc(n.assessment.period) + " " + n.assessment.total + "分，第" + n.assessment.rank + "/" + n.assessment.of + "名" : "—") + "</td><td>" +
      tag(n.status_label) + n.objections.map(o => "<div class='muted'>异议：" + esc(o.reason) + "（" + esc(o.status) + "）</div>").join("") + "</td><td>" +
      (s.status === "nominating" && arMay("assessment.manage") ? "<button class='sl-decide' data-id='" + esc(n.nomination_id) + "' data-decision='shortlisted'>拟表彰</button>" +
        "<button class='sl-decide' data-id='" + esc(n.nomination_id) + "' data-decision='rejected'>不入选</button>" : "") + "</td></tr>").join("") + "</table>" +
    (s.status === "nominating" && arMay("assessment.appeal") ? "<form id='sl-nominate'>推荐 <input name='area_code' size='13' placeholder='区划代码'> <input name='nominee' placeholder='名称或姓名'>" +
      " <input name='material' size='40' placeholder='推荐材料（事迹、成效）'> <button type='submit'>推荐</button> <span class='err' data-for=''></span>" +
      "<span class='err' data-for='area_code'></span><span class='err' data-for='material'></span></form>" : "");
  for (const b of box.querySelectorAll("button.sl-decide")) b.onclick = async () => {
    const note = prompt("评审意见") || "";
    try { await jsonPost("/api/v1/assessment/nominations/" + encodeURIComponent(b.dataset.id) + "/decision", {decision: b.dataset.decision, note}); showSelection(id, "已评审"); }
    catch (err) { alert(err.message); }
  };
  const form = document.getElementById("sl-nominate");
  if (form) form.onsubmit = async e => {
    e.preventDefault(); clearErrors(form);
    try { await jsonPost("/api/v1/assessment/selections/" + encodeURIComponent(id) + "/nominations", {area_code: form.area_code.value, nominee: form.nominee.value, material: form.material.value}); showSelection(id, "已推荐"); }
    catch (err) { showError(form, err); }
  };
}
OPENERS["assessment-selections"] = showSelections;

// 测评 (surveys) ----------------------------------------------------------------------------------------------------
addSections(`
<section data-tab="assessment-surveys" data-label="满意度测评" data-needs="assessment.read">
  <h2>群众安全感和满意度测评</h2>
  <form id="sv-open" class="filters" data-needs-write="assessment.manage">开始年度测评：
    <label>年度 <input name="year" type="number" size="6"></label>
    <label>每村（社区）抽样户数 <input name="households_per_village" type="number" min="1" max="200" size="4" value="10"></label>
    <button type="submit">抽样并生成测评码</button> <span class="err" data-for=""></span><span class="err" data-for="year"></span>
    <span class="err" data-for="households_per_village"></span>
  </form>
  <div id="sv-list">加载中…</div>
  <div id="sv-slips"></div>
  <div id="sv-results"></div>
</section>
`);
const SV_INDICATORS = {sense_of_security: "群众安全感", team_satisfaction: "政法队伍满意度", judicial_credibility: "司法公信力"};
async function showSurveys() {
  const form = document.getElementById("sv-open");
  if (form) {
    form.hidden = !arMay("assessment.manage");
    if (!form.year.value) form.year.value = new Date().toLocaleDateString("en-CA", {timeZone: "Asia/Shanghai"}).slice(0, 4);
  }
  const page = await api("/api/v1/assessment/surveys");
  const box = document.getElementById("sv-list");
  box.innerHTML = page.items.length ? "<table id='sv-table'><tr><th>年度</th><th>状态</th><th>抽样户数</th><th>已作答</th><th></th></tr>" + page.items.map(s =>
    "<tr><td>" + s.year + "</td><td>" + tag(s.status_label) + "</td><td>" + s.sampled + "</td><td>" + s.answered + "</td><td><a class='sv-results' data-survey='" +
    esc(s.survey_id) + "'>查看结果</a></td></tr>").join("") + "</table>" : "<p class='muted'>尚无测评</p>";
  for (const a of box.querySelectorAll("a.sv-results")) a.onclick = () => showSurveyResults(a.dataset.survey);
}
async function showSurveyResults(id) {
  const r = await api("/api/v1/assessment/surveys/" + encodeURIComponent(id) + "/results");
  const list = (await api("/api/v1/assessment/surveys")).items.find(s => s.survey_id === id) || {};
  const box = document.getElementById("sv-results");
  box.innerHTML = "<h3 id='sv-results-title'>" + esc(r.area_name) + " 测评结果</h3><p class='muted'>抽样 " + r.sampled + " 户，已作答 " + r.answered + " 户</p>" +
    "<table><tr><th>指标</th><th>得分</th><th>样本量</th><th>误差（95%）</th></tr>" + Object.values(r.indicators).map(x =>
      "<tr><td>" + esc(x.label) + "</td><td>" + (x.value === null ? "—" : x.value) + "</td><td>" + x.n + "</td><td>" + (x.margin === null ? "—" : "±" + x.margin) + "</td></tr>").join("") + "</table>" +
    (list.status === "open" && arMay("assessment.manage") ? "<form id='sv-close'>结束测评，录入全市平均：" + Object.entries(SV_INDICATORS).map(([k, v]) =>
      "<label>" + esc(v) + " <input name='" + k + "' size='5'></label>").join(" ") + " <button type='submit'>结束并计入记分卡</button> <span class='err' data-for=''></span></form>" : "");
  const close = document.getElementById("sv-close");
  if (close) close.onsubmit = async e => {
    e.preventDefault(); clearErrors(close);
    const city_average = {};
    for (const k of Object.keys(SV_INDICATORS)) city_average[k] = Number(close[k].value);
    try { await jsonPost("/api/v1/assessment/surveys/" + encodeURIComponent(id) + "/close", {city_average}); showSurveys(); showSurveyResults(id); }
    catch (err) { showError(close, err); }
  };
}
document.getElementById("sv-open").onsubmit = async e => {
  e.preventDefault();
  const form = e.target; clearErrors(form);
  let opened;
  try { opened = await jsonPost("/api/v1/assessment/surveys", {year: Number(form.year.value), households_per_village: Number(form.households_per_village.value)}); }
  catch (err) { return showError(form, err); }
  // The slips are shown this once: printed and handed to the households; only the codes' hashes are kept.
  document.getElementById("sv-slips").innerHTML = "<h3>入户测评码（仅显示这一次，请打印后发放）</h3><p><button type='button' onclick='window.print()'>打印</button></p>" +
    "<table id='sv-slip-table'><tr><th>村（社区）</th><th>户号</th><th>户主</th><th>住址</th><th>测评码</th></tr>" + opened.slips.map(s =>
      "<tr><td>" + esc(s.village_name) + "</td><td>" + esc(s.household_number || s.household_id) + "</td><td>" + esc(s.head || "") + "</td><td>" +
      esc(s.address || "") + "</td><td><b>" + esc(s.code) + "</b></td></tr>").join("") + "</table>";
  showSurveys();
};
OPENERS["assessment-surveys"] = showSurveys;
