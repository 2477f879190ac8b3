// The org pages of the console: see addSections and OPENERS in index.html.
// 党建引领：党组织树、网格覆盖、党员与双报到、下沉干部与联建共建、法治与联系名册、党建指标.
addSections(`
  <section data-tab="org-figures" data-label="党建指标" data-needs="org.read">
    <h2>党建引领指标</h2>
    <form id="org-figures-form" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label>
      <button type="submit">统计</button> <span class="err" data-for="area_code"></span><span class="err" data-for=""></span>
    </form>
    <div id="org-figures-out"></div>
  </section>
  <section data-tab="org-tree" data-label="党组织" data-needs="org.read">
    <h2>党组织树</h2>
    <form id="org-tree-form" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label> <button type="submit">查看</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span>
    </form>
    <div id="org-tree-out"></div>
    <form id="org-new-form" class="action" hidden>
      <h3>新设党组织</h3>
      <p><label>所在区划代码 <input name="area_code" size="16" maxlength="15"></label><span class="err" data-for="area_code"></span></p>
      <p><label>类别 <select name="kind"></select></label><span class="err" data-for="kind"></span></p>
      <p><label>名称 <input name="name" size="30" maxlength="60"></label><span class="err" data-for="name"></span></p>
      <p><label>上级党组织 <select name="parent_org_id"><option value="">（无）</option></select></label><span class="err" data-for="parent_org_id"></span></p>
      <p><label>书记（组长） <input name="secretary" size="10" maxlength="30"></label><span class="err" data-for="secretary"></span></p>
      <button type="submit">保存</button> <span class="err" data-for=""></span><span class="err" data-for="org_id"></span>
      <span id="org-new-notice" class="ok"></span>
    </form>
  </section>
  <section data-tab="org-gaps" data-label="网格党组织覆盖" data-needs="org.read">
    <h2>支部建在网格上：尚未覆盖的网格</h2>
    <form id="org-gaps-form" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span>
    </form>
    <div id="org-gaps-out"></div>
  </section>
  <section data-tab="org-members" data-label="党员" data-needs="org.read">
    <h2>党员名册</h2>
    <form id="org-member-filter" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label>
      <label>双报到 <select name="registration"><option value="">全部</option><option value="missing">未完成</option><option value="both">已完成</option></select></label>
      <label>状态 <select name="status"><option value="active">在册</option><option value="transferred_out">已转出</option><option value="">全部</option></select></label>
      <button type="submit">查询</button> <span class="err" data-for=""></span><span class="err" data-for="area_code"></span>
    </form>
    <div id="org-member-rows">加载中…</div>
    <form id="org-member-form" class="action" hidden>
      <h3>党员入册</h3>
      <p><label>所属党组织 <select name="org_id"><option value="">请选择…</option></select></label><span class="err" data-for="org_id"></span></p>
      <p><label>姓名 <input name="name" size="8" maxlength="60"></label><span class="err" data-for="name"></span>
         <label>性别 <select name="gender"><option value="male">男</option><option value="female">女</option></select></label></p>
      <p><label>身份证号 <input name="id_number" size="19" maxlength="18" autocomplete="off"></label><span class="err" data-for="id_number"></span>
         <label>电话 <input name="phone" size="12" maxlength="11" autocomplete="off"></label><span class="err" data-for="phone"></span></p>
      <p><label>党员类别 <select name="category"></select></label><span class="err" data-for="category"></span>
         <label>工作单位 <input name="work_unit" size="18" maxlength="60"></label><span class="err" data-for="work_unit"></span>
         <label>流出地党组织 <input name="origin" size="18" maxlength="100"></label><span class="err" data-for="origin"></span></p>
      <p><label>政治面貌 <select name="political_status"></select></label><span class="err" data-for="political_status"></span>
         <label>入党日期 <input type="date" name="joined_on"></label><span class="err" data-for="joined_on"></span></p>
      <button type="submit">入册</button> <span class="err" data-for=""></span>
    </form>
  </section>
  <section data-tab="org-member" data-label="党员详情" data-needs="org.read" data-nonav>
    <p><a id="org-member-back">‹ 返回党员名册</a> <span id="org-member-notice" class="ok"></span></p>
    <div id="org-member-page"></div>
  </section>
  <section data-tab="org-registrations" data-label="双报到" data-needs="org.read">
    <h2>三亮双报到</h2>
    <p class="muted">党员在网格单位、居住地社区（村）党组织两处报到，亮身份、亮职责、亮承诺。</p>
    <form id="org-registration-form" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span>
    </form>
    <div id="org-registration-out"></div>
  </section>
  <section data-tab="org-cadres" data-label="下沉与共建" data-needs="org.read">
    <h2>干部下沉网格 · 联建共建</h2>
    <form id="org-cadre-filter" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span>
    </form>
    <div id="org-cadre-out"></div>
    <form id="org-cadre-form" class="action" hidden>
      <h3>干部下沉网格</h3>
      <p><label>姓名 <input name="name" size="8" maxlength="60"></label><span class="err" data-for="name"></span>
         <label>电话 <input name="phone" size="12" maxlength="11"></label><span class="err" data-for="phone"></span>
         <label>派出单位 <input name="work_unit" size="16" maxlength="60"></label><span class="err" data-for="work_unit"></span>
         <label>职务 <input name="post" size="8" maxlength="30"></label></p>
      <p><label>网格代码 <input name="grid_code" size="16" maxlength="15"></label><span class="err" data-for="grid_code"></span>
         <label>下沉日期 <input type="date" name="assigned_on"></label><span class="err" data-for="assigned_on"></span>
         <button type="submit">保存</button> <span class="err" data-for=""></span></p>
    </form>
    <div id="org-joint-out"></div>
  </section>
  <section data-tab="org-rosters" data-label="法治与联系名册" data-needs="org.read">
    <h2>一村一警 · 一村一法律顾问 · 一街镇一法官 · 一乡一检察官 · 两代表一委员</h2>
    <form id="org-roster-filter" class="filters">
      <label>区划代码 <input name="area_code" size="16"></label>
      <label><input type="checkbox" name="gaps"> 只看未配齐</label> <button type="submit">查询</button>
      <span class="err" data-for="area_code"></span><span class="err" data-for=""></span>
    </form>
    <div id="org-roster-out"></div>
  </section>
`);

let orgRef = null;
async function orgBasics() {
  if (!orgRef) orgRef = await api("/api/v1/org/reference");
  return orgRef;
}
function orgMay(permission) { return !!me && me.permissions.includes(permission); }
function orgPut(path, data) {
  return api(path, {method: "PUT", headers: {"Content-Type": "application/json"}, body: JSON.stringify(data)});
}
// A filter form of one area: defaults to the account's own area, and runs `show` on submit.
function orgAreaForm(id, show) {
  const form = document.getElementById(id);
  if (!form.dataset.ready) {
    form.area_code.value = homeArea();
    form.onsubmit = (e) => { e.preventDefault(); show(); };
    form.dataset.ready = "1";
  }
  clearErrors(form);
  return form;
}
function orgCount(label, value, id) {
  return "<span class='count'" + (id ? " id='" + id + "'" : "") + "><b>" + esc(value ?? "—") + "</b>" + esc(label) + "</span>";
}
function orgValues(form, names) {
  const out = {};
  for (const n of names) { const v = (form[n].value || "").trim(); if (v) out[n] = v; }
  return out;
}

// 党建指标 -----------------------------------------------------------------------------------------------------
const ORG_RATES = [["branch_coverage", "网格党组织覆盖率"], ["double_registration_rate", "双报到率"],
                   ["roster_completeness", "名册完整率"]];
async function showOrgFigures() {
  const form = orgAreaForm("org-figures-form", showOrgFigures);
  const out = document.getElementById("org-figures-out");
  out.innerHTML = "统计中…";
  let r;
  try { r = await api("/api/v1/org/figures?" + new URLSearchParams({area_code: form.area_code.value.trim()})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  let html = "<p class='muted' id='org-figures-scope'>" + esc(r.area_name) + "（" + esc(r.area_code) + "）</p><div>" +
    ORG_RATES.map(([k, label]) => "<span class='rate' id='org-rate-" + k + "'><b>" + percent(r[k]) + "</b>" + esc(label) + "</span>").join("") +
    "<span class='rate' id='org-rate-cadres_per_grid'><b>" + esc(r.cadres_per_grid ?? "—") + "</b>每网格下沉干部数</span></div><div>" +
    orgCount("网格", r.grids) + orgCount("已建党组织的网格", r.grids_covered) + orgCount("未覆盖网格", r.grids_uncovered) +
    orgCount("在册党员", r.members, "org-count-members") + orgCount("网格报到", r.registered_at_grid) + orgCount("社区报到", r.registered_at_community) +
    orgCount("双报到完成", r.registered_both, "org-count-both") + orgCount("在岗下沉干部", r.cadres) + orgCount("应配名册岗位", r.roster_slots) +
    orgCount("已配齐", r.roster_filled) + "</div>";
  html += "<h3>按下级区划</h3><table id='org-figures-by-area'><tr><th>区划</th><th>网格</th><th>覆盖率</th><th>党员</th><th>双报到率</th>" +
    "<th>下沉干部</th><th>每网格干部</th><th>名册完整率</th></tr>" + (r.by_area.length ? r.by_area.map(b => "<tr><td>" + esc(b.area_name || b.area_code) +
    "</td><td>" + b.grids + "</td><td>" + percent(b.branch_coverage) + "</td><td>" + b.members + "</td><td>" + percent(b.double_registration_rate) +
    "</td><td>" + b.cadres + "</td><td>" + esc(b.cadres_per_grid ?? "—") + "</td><td>" + percent(b.roster_completeness) + "</td></tr>").join("")
    : "<tr><td colspan='8' class='muted'>无</td></tr>") + "</table>";
  html += "<h3>口径说明</h3><ul class='muted' id='org-definitions'>" + Object.values(r.definitions).map(d => "<li>" + esc(d) + "</li>").join("") + "</ul>";
  out.innerHTML = html;
}

// 党组织树 ------------------------------------------------------------------------------------------------------
let orgTree = [];
async function showOrgTree() {
  const ref = await orgBasics();
  const form = orgAreaForm("org-tree-form", showOrgTree);
  const out = document.getElementById("org-tree-out");
  let r;
  try { r = await api("/api/v1/org/party-orgs?" + new URLSearchParams({area_code: form.area_code.value.trim()})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  orgTree = r.items;
  const children = {};
  for (const o of r.items) (children[o.parent_org_id || ""] = children[o.parent_org_id || ""] || []).push(o);
  const ids = new Set(r.items.map(o => o.org_id));
  const roots = r.items.filter(o => !o.parent_org_id || !ids.has(o.parent_org_id));
  const render = o => "<li data-org='" + esc(o.org_id) + "'><b>" + esc(o.name) + "</b> " + tag(o.kind_label) + " <span class='muted'>" +
    esc(o.area_name) + (o.secretary ? " · 书记 " + esc(o.secretary) : "") + (o.active ? "" : " · 已撤销") + "</span>" +
    ((children[o.org_id] || []).length ? "<ul>" + children[o.org_id].map(render).join("") + "</ul>" : "") + "</li>";
  out.innerHTML = roots.length ? "<ul id='org-tree-list'>" + roots.map(render).join("") + "</ul>" : "<p class='muted'>该区划尚未设立党组织</p>";
  const add = document.getElementById("org-new-form");
  if (!orgMay("org.manage")) return;
  add.hidden = false;
  add.kind.innerHTML = Object.entries(ref.kinds).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("");
  add.parent_org_id.innerHTML = "<option value=''>（无）</option>" + orgTree.map(o => "<option value='" + esc(o.org_id) + "'>" + esc(o.name) + "</option>").join("");
  if (add.dataset.prefill) {
    const p = JSON.parse(add.dataset.prefill);
    // The parent is the organisation of the area directly above, when the tree has one.
    const above = orgTree.find(o => o.active && o.area_code === p.area_code.slice(0, -3));
    add.area_code.value = p.area_code; add.kind.value = p.kind; add.name.value = p.name; add.parent_org_id.value = above ? above.org_id : "";
    delete add.dataset.prefill;
  }
  add.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(add);
    const body = orgValues(add, ["area_code", "kind", "name", "parent_org_id", "secretary"]);
    const id = "PO" + (body.area_code || "") + "-" + Math.random().toString(36).slice(2, 8);
    try { await orgPut("/api/v1/org/party-orgs/" + encodeURIComponent(id), body); }
    catch (err) { showError(add, err); return; }
    add.reset();
    document.getElementById("org-new-notice").textContent = "已设立：" + body.name;
    showOrgTree();
  };
}

// 网格覆盖缺口 ----------------------------------------------------------------------------------------------------
async function showOrgGaps() {
  const form = orgAreaForm("org-gaps-form", showOrgGaps);
  const out = document.getElementById("org-gaps-out");
  out.innerHTML = "加载中…";
  let r;
  try { r = await api("/api/v1/org/coverage-gaps?" + new URLSearchParams({area_code: form.area_code.value.trim(), page_size: 200})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  let html = "<p id='org-gaps-summary'>网格 " + r.grids + " 个，尚无党支部或党小组的 <b>" + r.total + "</b> 个。</p>";
  html += "<table id='org-gap-rows'><tr><th>乡镇（街道）</th><th>村（社区）</th><th>网格</th><th></th></tr>" + (r.items.length ? r.items.map(g =>
    "<tr class='gap-row' data-grid='" + esc(g.grid_code) + "'><td>" + esc(g.township_name || g.township_code) + "</td><td>" + esc(g.village_name || g.village_code) +
    "</td><td>" + esc(g.grid_name) + "（" + esc(g.grid_code) + "）</td><td>" + (orgMay("org.manage") ? "<a class='gap-fix'>建立党支部</a>" : "") + "</td></tr>").join("")
    : "<tr><td colspan='4' class='muted'>全部网格均已建立党组织</td></tr>") + "</table>";
  out.innerHTML = html;
  for (const link of out.querySelectorAll("a.gap-fix")) link.onclick = () => {
    const g = r.items.find(x => x.grid_code === link.closest("tr").dataset.grid);
    const add = document.getElementById("org-new-form");
    add.dataset.prefill = JSON.stringify({area_code: g.grid_code, kind: "branch", name: (g.village_name || "") + g.grid_name + "党支部"});
    document.getElementById("org-tree-form").area_code.value = g.village_code;
    document.getElementById("org-tree-form").dataset.ready = "1";
    openTab("org-tree");
  };
}

// 党员名册 ------------------------------------------------------------------------------------------------------
function orgTick(done) { return done ? "<span class='ok'>✓</span>" : "<span class='bad'>✗</span>"; }
async function showOrgMembers() {
  const ref = await orgBasics();
  const form = orgAreaForm("org-member-filter", showOrgMembers);
  const out = document.getElementById("org-member-rows");
  out.innerHTML = "加载中…";  // rows of the last visit must not be taken for this one's
  const f = new FormData(form);
  let r;
  try { r = await api("/api/v1/org/members?" + new URLSearchParams({area_code: f.get("area_code").trim(), registration: f.get("registration"), status: f.get("status"), page_size: 200})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  const sensitive = r.items.some(m => m.political_status_visible);
  out.innerHTML = "<p class='muted'>共 " + r.total + " 名" + (sensitive ? "" : "（政治面貌仅对有权限的角色显示）") + "</p><table><tr><th>姓名</th><th>类别</th><th>所在区划</th>" +
    (sensitive ? "<th>政治面貌</th>" : "") + "<th>网格报到</th><th>社区报到</th><th>状态</th></tr>" + r.items.map(m =>
      "<tr class='member-row' data-member='" + esc(m.member_id) + "'><td><a class='member-link'>" + esc(m.name) + "</a></td><td>" + esc(m.category_label) +
      "</td><td>" + esc(m.area_code) + "</td>" + (sensitive ? "<td>" + esc(m.political_status_label || "") + "</td>" : "") + "<td>" + orgTick(m.registrations.grid) +
      "</td><td>" + orgTick(m.registrations.community) + "</td><td>" + esc(m.status_label) + "</td></tr>").join("") + "</table>";
  for (const link of out.querySelectorAll("a.member-link")) link.onclick = () => openOrgMember(link.closest("tr").dataset.member);
  const add = document.getElementById("org-member-form");
  if (!orgMay("org.manage")) return;
  add.hidden = false;
  if (!add.dataset.ready) {
    add.category.innerHTML = Object.entries(ref.categories).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("");
    add.political_status.innerHTML = "<option value=''>请选择</option>" + Object.entries(ref.political_statuses).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("");
    add.onsubmit = submitOrgMember;
    add.dataset.ready = "1";
  }
  const tree = await api("/api/v1/org/party-orgs?" + new URLSearchParams({area_code: f.get("area_code").trim()}));
  const keep = add.org_id.value;
  add.org_id.innerHTML = "<option value=''>请选择…</option>" + tree.items.filter(o => o.area_code.length >= 12 && o.active)
    .map(o => "<option value='" + esc(o.org_id) + "'>" + esc(o.name) + "</option>").join("");
  add.org_id.value = keep;
}
async function submitOrgMember(e) {
  e.preventDefault();
  const add = e.target;
  clearErrors(add);
  const body = orgValues(add, ["org_id", "name", "gender", "id_number", "phone", "category", "work_unit", "origin", "political_status", "joined_on"]);
  let m;
  try { m = await jsonPost("/api/v1/org/members", body); }
  catch (err) { showError(add, err); return; }
  add.reset();
  openOrgMember(m.member_id, "已入册");
}

// 党员详情：双报到、组织关系转接 --------------------------------------------------------------------------------
async function openOrgMember(id, notice) {
  openTab("org-member");
  document.getElementById("org-member-back").onclick = () => openTab("org-members");
  document.getElementById("org-member-notice").textContent = "";
  document.getElementById("org-member-page").innerHTML = "加载中…";  // not the last member's forms meanwhile
  const ref = await orgBasics();
  const m = await api("/api/v1/org/members/" + encodeURIComponent(id));
  const names = m.area_names || {};
  const place = code => esc(names[code] || code);
  let html = "<h2 id='org-member-name'>" + esc(m.name) + " " + tag(m.category_label) + " " + tag(m.status_label) +
    (m.both_registered ? " " + tag("已完成双报到", "ok") : "") + "</h2><dl class='fields'>" +
    "<dt>所属党组织</dt><dd>" + esc(m.org_name || m.org_id) + "（" + place(m.area_code) + "）</dd>" +
    (m.political_status_visible ? "<dt>政治面貌</dt><dd id='org-member-status'>" + esc(m.political_status_label) + "，" + esc(m.joined_on) + " 入党</dd>" : "") +
    "<dt>身份证号</dt><dd>" + esc(m.id_number) + "</dd><dt>电话</dt><dd>" + esc(m.phone || "") + "</dd>" +
    (m.work_unit ? "<dt>工作单位</dt><dd>" + esc(m.work_unit) + "</dd>" : "") + (m.origin ? "<dt>流出地</dt><dd>" + esc(m.origin) + "</dd>" : "") + "</dl>";
  html += "<h3>三亮双报到</h3><table id='org-member-registrations'><tr><th>报到</th><th>地点</th><th>日期</th><th>亮身份</th><th>亮职责</th><th>亮承诺</th></tr>" +
    Object.entries(ref.registrations).map(([k, label]) => { const r = m.registrations[k];
      return "<tr data-kind='" + k + "'><td>" + esc(label) + "</td>" + (r ? "<td>" + place(r.area_code) + "</td><td>" + esc(r.registered_on) + "</td><td>" + esc(r.identity) +
        "</td><td>" + esc(r.duty) + "</td><td>" + esc(r.pledge) + "</td>" : "<td colspan='5' class='bad'>未报到</td>") + "</tr>"; }).join("") + "</table>";
  const manage = orgMay("org.manage") && m.status === "active";
  if (manage) {
    html += Object.entries(ref.registrations).map(([k, label]) => "<form class='action org-registration' id='org-reg-" + k + "' data-kind='" + k + "'><b>" + esc(label) + "</b> " +
      "<select name='area_code'><option value=''>" + (k === "grid" ? "选择网格…" : "选择村（社区）…") + "</option></select><span class='err' data-for='area_code'></span> " +
      "<input type='date' name='registered_on'><span class='err' data-for='registered_on'></span><br>" +
      "<input name='identity' placeholder='亮身份' size='16' maxlength='100'><span class='err' data-for='identity'></span> " +
      "<input name='duty' placeholder='亮职责' size='16' maxlength='200'><span class='err' data-for='duty'></span> " +
      "<input name='pledge' placeholder='亮承诺' size='24' maxlength='300'><span class='err' data-for='pledge'></span> " +
      "<button type='submit'>报到</button> <span class='err' data-for=''></span><span class='err' data-for='kind'></span></form>").join("");
  }
  if (orgMay("org.manage") && m.actions.length) {
    html += "<form class='action' id='org-transfer-form'><b>组织关系转接</b> <select name='action'>" +
      m.actions.map(a => "<option value='" + a + "'>" + esc((ref.membership.find(t => t.action === a) || {}).label || a) + "</option>").join("") + "</select> " +
      "<input name='to_org_id' placeholder='转入党组织编号' size='20'><span class='err' data-for='to_org_id'></span> " +
      "<input name='destination' placeholder='转往（县外党组织）' size='20'><span class='err' data-for='destination'></span> " +
      "<input type='date' name='on'><span class='err' data-for='on'></span> <button type='submit'>办理</button> <span class='err' data-for=''></span><span class='err' data-for='action'></span></form>";
  }
  html += "<h3>记录</h3><ol class='timeline' id='org-member-history'>" + m.history.map(h => "<li>" + esc(h.on || "") + " " + esc(ORG_HISTORY[h.action] || h.action) +
    (h.to_org_id ? " → " + esc(h.to_org_id) : "") + (h.destination ? " → " + esc(h.destination) : "") + (h.area_code ? " " + place(h.area_code) : "") +
    (h.actor ? " <span class='muted'>" + esc(h.actor.name) + "</span>" : "") + "</li>").join("") + "</ol>";
  const page = document.getElementById("org-member-page");
  page.innerHTML = html;
  if (manage) await wireOrgRegistrations(page, m);
  document.getElementById("org-member-notice").textContent = notice || "";  // once the page shows the change
  const transfer = document.getElementById("org-transfer-form");
  if (transfer) transfer.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(transfer);
    const body = orgValues(transfer, ["to_org_id", "destination", "on"]);
    try { await jsonPost("/api/v1/org/members/" + encodeURIComponent(m.member_id) + "/" + transfer.action.value, body); }
    catch (err) { showError(transfer, err); return; }
    openOrgMember(m.member_id, "已办理组织关系转接");
  };
}
const ORG_HISTORY = {enrol: "入册", transfer: "组织内调转", transfer_out: "转出", transfer_in: "转回", register_grid: "网格报到", register_community: "居住地社区报到"};
async function wireOrgRegistrations(page, m) {
  // Grids of the member's village, and the villages (communities) of their township, as the org service knows them.
  const village = m.area_path[2] || m.area_path[m.area_path.length - 1];
  const township = m.area_path[1] || village;
  const [grids, villages] = await Promise.all([api("/api/v1/org/areas?parent_code=" + village), api("/api/v1/org/areas?parent_code=" + township)]);
  const options = {grid: grids.items.filter(a => a.kind === "grid"), community: villages.items.filter(a => a.kind === "village" || a.kind === "community")};
  for (const form of page.querySelectorAll("form.org-registration")) {
    const kind = form.dataset.kind;
    form.area_code.insertAdjacentHTML("beforeend", options[kind].map(a => "<option value='" + esc(a.code) + "'>" + esc(a.name) + "</option>").join(""));
    form.registered_on.value = countyDay(0);
    form.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(form);
      const body = {kind: kind, ...orgValues(form, ["area_code", "registered_on", "identity", "duty", "pledge"])};
      try { await jsonPost("/api/v1/org/members/" + encodeURIComponent(m.member_id) + "/registrations", body); }
      catch (err) { showError(form, err); return; }
      openOrgMember(m.member_id, kind === "grid" ? "已在网格报到" : "已在居住地社区报到");
    };
  }
}

// 双报到 -------------------------------------------------------------------------------------------------------
async function showOrgRegistrations() {
  const form = orgAreaForm("org-registration-form", showOrgRegistrations);
  const out = document.getElementById("org-registration-out");
  const code = form.area_code.value.trim();
  let r, missing;
  try {
    [r, missing] = await Promise.all([api("/api/v1/org/figures?" + new URLSearchParams({area_code: code})),
                                      api("/api/v1/org/members?" + new URLSearchParams({area_code: code, registration: "missing", status: "active", page_size: 200}))]);
  } catch (err) { showError(form, err); out.innerHTML = ""; return; }
  let html = "<div><span class='rate' id='org-registration-rate'><b>" + percent(r.double_registration_rate) + "</b>双报到率</span>" +
    orgCount("在册党员", r.members) + orgCount("网格报到", r.registered_at_grid) + orgCount("社区报到", r.registered_at_community) + orgCount("两处均已报到", r.registered_both) + "</div>";
  html += "<h3>尚未完成双报到的党员（" + missing.total + "）</h3><table id='org-registration-missing'><tr><th>姓名</th><th>所在区划</th><th>网格报到</th><th>社区报到</th></tr>" +
    (missing.items.length ? missing.items.map(m => "<tr class='member-row' data-member='" + esc(m.member_id) + "'><td><a class='member-link'>" + esc(m.name) + "</a></td><td>" +
      esc(m.area_code) + "</td><td>" + orgTick(m.registrations.grid) + "</td><td>" + orgTick(m.registrations.community) + "</td></tr>").join("")
      : "<tr><td colspan='4' class='muted'>无</td></tr>") + "</table>";
  html += "<h3>按下级区划</h3><table><tr><th>区划</th><th>党员</th><th>双报到</th><th>双报到率</th></tr>" + r.by_area.map(b => "<tr><td>" + esc(b.area_name || b.area_code) +
    "</td><td>" + b.members + "</td><td>" + b.registered_both + "</td><td>" + percent(b.double_registration_rate) + "</td></tr>").join("") + "</table>";
  out.innerHTML = html;
  for (const link of out.querySelectorAll("a.member-link")) link.onclick = () => openOrgMember(link.closest("tr").dataset.member);
}

// 下沉干部与联建共建 ------------------------------------------------------------------------------------------
async function showOrgCadres() {
  const ref = await orgBasics();
  const form = orgAreaForm("org-cadre-filter", showOrgCadres);
  const code = form.area_code.value.trim();
  let cadres, pairs;
  try {
    [cadres, pairs] = await Promise.all([api("/api/v1/org/cadres?" + new URLSearchParams({area_code: code, page_size: 200})),
                                         api("/api/v1/org/joint-buildings?" + new URLSearchParams({area_code: code, page_size: 200}))]);
  } catch (err) { showError(form, err); return; }
  document.getElementById("org-cadre-out").innerHTML = "<h3>下沉网格干部（" + cadres.total + "）</h3><table id='org-cadre-rows'><tr><th>姓名</th><th>派出单位</th><th>网格</th>" +
    "<th>下沉日期</th><th>状态</th><th>活动记录</th></tr>" + (cadres.items.length ? cadres.items.map(c => "<tr><td>" + esc(c.name) + (c.post ? "（" + esc(c.post) + "）" : "") +
    "</td><td>" + esc(c.work_unit) + "</td><td>" + esc(c.grid_name || c.grid_code) + "</td><td>" + esc(c.assigned_on) + "</td><td>" + esc(c.status_label) + "</td><td>" +
    (c.activities.length ? c.activities.map(a => esc(a.held_on + " " + a.kind_label + "：" + a.content)).join("<br>") : "<span class='muted'>无</span>") + "</td></tr>").join("")
    : "<tr><td colspan='6' class='muted'>无</td></tr>") + "</table>";
  document.getElementById("org-joint-out").innerHTML = "<h3>联建共建（" + pairs.total + "）</h3><table id='org-joint-rows'><tr><th>共建单位</th><th>结对党组织</th>" +
    "<th>起始</th><th>共建内容</th><th>活动</th></tr>" + (pairs.items.length ? pairs.items.map(p => "<tr><td>" + esc(p.partner_name) + " " + tag(p.partner_kind_label) +
    "</td><td>" + esc(p.org_name || p.org_id) + "</td><td>" + esc(p.since) + "</td><td>" + esc(p.content) + "</td><td>" +
    (p.activities.length ? p.activities.map(a => esc(a.held_on + " " + a.title + "（" + a.participants + "人）")).join("<br>") : "<span class='muted'>无</span>") + "</td></tr>").join("")
    : "<tr><td colspan='5' class='muted'>无</td></tr>") + "</table>";
  const add = document.getElementById("org-cadre-form");
  if (!orgMay("org.manage")) return;
  add.hidden = false;
  add.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(add);
    try { await jsonPost("/api/v1/org/cadres", orgValues(add, ["name", "phone", "work_unit", "post", "grid_code", "assigned_on"])); }
    catch (err) { showError(add, err); return; }
    add.reset(); showOrgCadres();
  };
}

// 法治与联系名册 ------------------------------------------------------------------------------------------------
async function showOrgRosters() {
  const ref = await orgBasics();
  const form = orgAreaForm("org-roster-filter", showOrgRosters);
  const out = document.getElementById("org-roster-out");
  let r;
  try { r = await api("/api/v1/org/rosters?" + new URLSearchParams({area_code: form.area_code.value.trim()})); }
  catch (err) { showError(form, err); out.innerHTML = ""; return; }
  const slots = form.gaps.checked ? r.items.filter(s => !s.complete) : r.items;
  const person = p => esc(p.name) + "（" + esc(p.unit) + (p.phone ? "，" + esc(p.phone) : "") + "）" + (p.deputy_kind_label ? " " + tag(p.deputy_kind_label) +
    " " + esc(p.frequency_label) + "联系，最近 " + esc(p.last_contact_on || "未联系") + (p.next_contact_on ? "，下次 " + esc(p.next_contact_on) : "") +
    (p.contact_overdue ? " " + tag("待联系", "overdue") : "") +
    (p.person_id && orgMay("org.manage") ? " <a class='deputy-visit' data-person='" + esc(p.person_id) + "'>记录联系</a>" : "") : "");
  out.innerHTML = "<p id='org-roster-summary'>应配岗位 " + r.slots + " 个，已配齐 <b>" + r.complete + "</b> 个（" + percent(r.slots ? r.complete / r.slots : null) + "）。</p>" +
    "<table id='org-roster-rows'><tr><th>区划</th><th>岗位</th><th>人员</th><th>配备</th><th></th></tr>" + slots.map((s, i) =>
      "<tr class='roster-row' data-slot='" + esc(s.area_code + ":" + s.role) + "' data-i='" + i + "'><td>" + esc(s.area_name || s.area_code) + "</td><td>" + esc(s.role_label) +
      "</td><td>" + (s.people.length ? s.people.map(person).join("<br>") : "<span class='muted'>未配备</span>") + "</td><td>" +
      (s.complete ? "<span class='ok'>已配齐</span>" : "<span class='bad'>未配齐</span>") + "</td><td>" + (orgMay("org.manage") ? "<a class='roster-edit'>编辑</a>" : "") + "</td></tr>").join("") + "</table>";
  for (const link of out.querySelectorAll("a.roster-edit")) link.onclick = () => editOrgRoster(link.closest("tr"), slots[Number(link.closest("tr").dataset.i)], ref);
  for (const link of out.querySelectorAll("a.deputy-visit")) link.onclick = () => orgDeputyVisit(link, slots[Number(link.closest("tr").dataset.i)]);
}
// 两代表一委员: a deputy's visit to the community, recorded against the roster (the last contact moves to it).
const ORG_VISIT_KINDS = {visit: "走访群众", reception: "接待群众", forum: "座谈议事"};
function orgDeputyVisit(link, slot) {
  const row = document.createElement("tr");
  row.innerHTML = "<td colspan='5'><form class='action deputy-visit-form'><b>记录联系</b> <input type='date' name='visited_on'><span class='err' data-for='visited_on'></span> " +
    "<select name='kind'>" + Object.entries(ORG_VISIT_KINDS).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("") + "</select> " +
    "<input name='participants' type='number' min='1' placeholder='接触群众人数' size='6'><span class='err' data-for='participants'></span> " +
    "<input name='content' placeholder='联系内容' size='30' maxlength='500'><span class='err' data-for='content'></span> " +
    "<button type='submit'>保存</button> <span class='err' data-for=''></span><span class='err' data-for='person_id'></span></form></td>";
  link.closest("tr").after(row);
  const form = row.querySelector("form");
  form.visited_on.value = countyDay(0);
  form.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(form);
    const body = {area_code: slot.area_code, person_id: link.dataset.person, visited_on: form.visited_on.value, kind: form.kind.value,
                  participants: Number(form.participants.value || 0), content: form.content.value.trim()};
    try { await jsonPost("/api/v1/org/deputy-visits", body); }
    catch (err) { showError(form, err); return; }
    showOrgRosters();
  };
}
function orgRosterRow(box, slot, ref, p) {
  p = p || {};
  const deputy = slot.role === "deputy_contact";
  const row = document.createElement("fieldset");
  row.className = "party";
  row.innerHTML = "<input name='name' placeholder='姓名' size='6' value='" + esc(p.name || "") + "'> <input name='unit' placeholder='单位' size='14' value='" + esc(p.unit || "") + "'> " +
    "<input name='phone' placeholder='电话（不改留空）' size='12' maxlength='11'>" + (deputy ? " <select name='deputy_kind'>" + Object.entries(ref.deputy_kinds).map(([k, v]) =>
    "<option value='" + k + "'" + (k === p.deputy_kind ? " selected" : "") + ">" + esc(v) + "</option>").join("") + "</select> <select name='frequency'>" +
    Object.entries(ref.frequencies).map(([k, v]) => "<option value='" + k + "'" + (k === p.frequency ? " selected" : "") + ">" + esc(v) + "</option>").join("") +
    "</select> 最近联系 <input type='date' name='last_contact_on' value='" + esc(p.last_contact_on || "") + "'>" : "") +
    " <button type='button' class='remove-person'>删除</button><span class='err' data-field=''></span>";
  row.querySelector(".remove-person").onclick = () => { row.remove(); orgNumberRows(box); };
  box.appendChild(row);
  orgNumberRows(box);
}
function orgNumberRows(box) {
  box.querySelectorAll("fieldset").forEach((row, i) => { for (const slot of row.querySelectorAll(".err")) slot.dataset.for = "people." + i; });
}
function editOrgRoster(tr, slot, ref) {
  const cell = document.createElement("tr");
  cell.innerHTML = "<td colspan='5'><form class='action roster-form'><div class='people'></div><button type='button' class='add-person'>增加人员</button> " +
    "<button type='submit'>保存</button> <span class='err' data-for='people'></span><span class='err' data-for=''></span>" +
    "<p class='muted'>电话已脱敏显示；不修改请留空，原号码保留。</p></form></td>";
  tr.after(cell);
  const form = cell.querySelector("form"), box = form.querySelector(".people");
  for (const p of slot.people) orgRosterRow(box, slot, ref, p);
  if (!slot.people.length) orgRosterRow(box, slot, ref);
  form.querySelector(".add-person").onclick = () => orgRosterRow(box, slot, ref);
  form.onsubmit = async (e) => {
    e.preventDefault(); clearErrors(form);
    const people = [...box.querySelectorAll("fieldset")].map(row => {
      const p = {};
      for (const input of row.querySelectorAll("input, select")) if (input.value.trim()) p[input.name] = input.value.trim();
      return p;
    }).filter(p => Object.keys(p).length > (slot.role === "deputy_contact" ? 2 : 0));
    try { await orgPut("/api/v1/org/rosters/" + encodeURIComponent(slot.area_code) + "/" + slot.role, {people}); }
    catch (err) { showError(form, err); return; }
    showOrgRosters();
  };
}

Object.assign(OPENERS, {"org-figures": showOrgFigures, "org-tree": showOrgTree, "org-gaps": showOrgGaps, "org-members": showOrgMembers,
                        "org-registrations": showOrgRegistrations, "org-cadres": showOrgCadres, "org-rosters": showOrgRosters});
PARENT_TABS["org-member"] = "org-members";
