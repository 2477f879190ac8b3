// The credit pages of the console: see addSections and OPENERS in index.html.
// 积分存折 (passbooks and one household's passbook), 积分复核 (the approval queue), 积分公示 (the notice board),
// 积分超市 (stock and redemptions at a village store), 积分规则 (the rules editor), 诚信评级 (ratings, the debtor list
// and appeals). `api`, `jsonPost`, `esc` and `me` come from index.html and are used when a tab opens.
addSections(`
  <section data-tab="credit-passbooks" data-label="积分存折" data-needs="credit.read">
    <h2>积分存折</h2>
    <form id="cp-filter" class="filters">
      <label>户号 <input name="household_number" size="16"></label>
      <label>区划代码 <input name="area_code" size="14"></label>
      <button type="submit">查询</button> <span class="err" data-for=""></span>
    </form>
    <div id="cp-rows">加载中…</div>
    <h3>村（社区）积分排行</h3>
    <form id="cp-rank" class="filters"><label>村（社区）代码 <input name="village_code" size="14" required></label>
      <button type="submit">查看排行</button> <span class="err" data-for=""></span></form>
    <div id="cp-ranking"></div>
  </section>
  <section data-tab="credit-passbook" data-label="存折详情" data-needs="credit.read" data-nonav>
    <p><a id="cp-back">‹ 返回积分存折</a></p>
    <div id="cp-page"></div>
    <div id="cp-award"></div>
  </section>
  <section data-tab="credit-approvals" data-label="积分复核" data-needs="credit.approve">
    <h2>积分复核（申报人以外的人复核）</h2>
    <p class="muted">待复核的申报、异议待核查的公示，以及公示期满待入账的积分。</p>
    <div id="ca-rows">加载中…</div>
  </section>
  <section data-tab="credit-notices" data-label="积分公示" data-needs="credit.read">
    <h2>积分公示栏（姓名已脱敏）</h2>
    <div id="cn-rows">加载中…</div>
  </section>
  <section data-tab="credit-store" data-label="积分超市" data-needs="credit.store">
    <h2>积分超市</h2>
    <form id="cs-pick" class="filters"><label>超市 <select name="store_id" id="cs-store"></select></label></form>
    <div id="cs-stock"></div>
    <h3>兑换</h3>
    <form id="cs-redeem" class="filters">
      <label>户号 <input name="household_number" size="16" required></label>
      <label>商品 <select name="item_id" id="cs-items"></select></label>
      <label>数量 <input name="quantity" type="number" min="1" max="20" value="1" style="width:4em"></label>
      <button type="submit">兑换</button> <span class="err" data-for=""></span>
    </form>
    <div id="cs-notice"></div>
    <h3>入库</h3>
    <form id="cs-add" class="filters">
      <label>商品 <select name="item_id" id="cs-add-items"></select></label>
      <label>数量 <input name="add" type="number" value="10" style="width:5em"></label>
      <button type="submit">入库</button> <span class="err" data-for=""></span>
    </form>
    <h3>兑换记录</h3>
    <div id="cs-redemptions"></div>
  </section>
  <section data-tab="credit-rules" data-label="积分规则" data-needs="credit.read">
    <h2>积分规则目录</h2>
    <div id="cr-rows">加载中…</div>
    <div id="cr-edit"></div>
  </section>
  <section data-tab="credit-ratings" data-label="诚信评级" data-needs="credit.read">
    <h2>诚信评级</h2>
    <form id="cg-filter" class="filters">
      <label>对象 <select name="subject_kind"><option value="">全部</option><option value="household">农户</option>
        <option value="enterprise">企业</option></select></label>
      <label>等级 <select name="level"><option value="">全部</option><option>AAA</option><option>AA</option><option>A</option>
        <option>B</option><option>C</option></select></label>
      <button type="submit">查询</button>
    </form>
    <div id="cg-rows"></div>
    <h2>失信被执行人名单</h2>
    <div id="cg-import"></div>
    <div id="cg-listings"></div>
    <h2>申诉</h2>
    <div id="cg-appeals"></div>
  </section>
`);

const credit = {ref: null, household: null, store: null};
function creditCan(permission) { return !!me && (me.permissions || []).includes(permission); }
async function creditRef() { return credit.ref || (credit.ref = await api("/api/v1/credit/reference")); }
function creditFormError(form, err) {
  for (const e of form.querySelectorAll(".err")) e.textContent = "";
  const spot = form.querySelector(".err[data-for='" + (err.field || "") + "']") || form.querySelector(".err[data-for='']");
  if (spot) spot.textContent = err.text || err.message;
}
// Instants are stored in UTC; the day is the one in Chengkou.
function creditDay(iso) { return iso ? new Date(iso).toLocaleDateString("sv-SE", {timeZone: "Asia/Shanghai"}) : "—"; }
function creditSigned(n) { return (n > 0 ? "+" : "") + n; }

// 积分存折 ---------------------------------------------------------------------------------------------------
async function showPassbooks(form) {
  const f = new FormData(form || document.getElementById("cp-filter"));
  const q = new URLSearchParams({page_size: "50"});
  for (const k of ["household_number", "area_code"]) if (f.get(k)) q.set(k, f.get(k));
  const out = document.getElementById("cp-rows");
  try {
    const page = await api("/api/v1/credit/passbooks?" + q);
    out.innerHTML = "<p class='muted'>共 " + page.total + " 本</p><table><tr><th>户号</th><th>户主</th><th>村（社区）</th><th>余额</th><th>累计获得</th></tr>" +
      page.items.map(p => "<tr class='passbook-row'><td><a data-household='" + esc(p.household_id) + "'>" + esc(p.household_number || p.household_id) +
        "</a></td><td>" + esc(p.holder || "（待同步）") + "</td><td>" + esc(areaName(p.village_code)) + "</td><td>" + p.balance + "</td><td>" + p.earned_total + "</td></tr>").join("") + "</table>";
    for (const a of out.querySelectorAll("a[data-household]")) a.onclick = () => openPassbook(a.dataset.household);
  } catch (err) { out.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; }
}
document.getElementById("cp-filter").onsubmit = (e) => { e.preventDefault(); showPassbooks(e.target); };
document.getElementById("cp-rank").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target;
  try {
    const r = await api("/api/v1/credit/rankings?village_code=" + encodeURIComponent(new FormData(form).get("village_code")));
    creditFormError(form, {});
    document.getElementById("cp-ranking").innerHTML = "<table><tr><th>名次</th><th>户主</th><th>累计获得</th><th>余额</th></tr>" +
      r.items.map(x => "<tr class='rank-row'><td>" + x.rank + "</td><td>" + esc(x.holder) + "</td><td>" + x.earned_total + "</td><td>" + x.balance + "</td></tr>").join("") + "</table>";
  } catch (err) { creditFormError(form, err); }
};
document.getElementById("cp-back").onclick = () => openTab("credit-passbooks");

async function openPassbook(householdId) {
  credit.household = householdId;
  openTab("credit-passbook");
}
async function showPassbook() {
  const out = document.getElementById("cp-page");
  try {
    const p = await api("/api/v1/credit/passbooks/" + encodeURIComponent(credit.household) + "?page_size=50");
    const r = p.rating;
    out.innerHTML = "<h2>积分存折 · " + esc(p.household_number || p.household_id) + "</h2>" +
      "<dl class='fields'><dt>户主</dt><dd id='cp-holder'>" + esc(p.holder || "（待同步）") + "</dd><dt>村（社区）</dt><dd>" + esc(areaName(p.village_code)) +
      "</dd><dt>积分余额</dt><dd id='cp-balance'><b>" + p.balance + "</b> 分</dd><dt>累计获得</dt><dd>" + p.earned_total + " 分</dd>" +
      "<dt>诚信等级</dt><dd id='cp-rating'>" + (r ? esc(r.level) + "（" + esc(r.level_label) + "）<br><span class='muted'>" + r.reasons.map(esc).join("；") + "</span>" : "—") + "</dd></dl>" +
      "<h3>积分流水（每笔均记明规则与来源，哈希链防篡改）</h3><table id='cp-lines'><tr><th>#</th><th>时间</th><th>规则</th><th>类型</th><th>积分</th><th>余额</th><th>说明</th><th></th></tr>" +
      p.history.items.map(h => "<tr class='entry-row'><td>" + h.seq + "</td><td>" + creditDay(h.at) + "</td><td>" + esc(h.rule_name) + "<br><span class='muted'>" + esc(h.category_label) +
        "</span></td><td>" + esc(h.kind_label) + "</td><td>" + creditSigned(h.delta) + "</td><td>" + h.balance_after + "</td><td>" + esc(h.note) +
        "</td><td>" + (creditCan("credit.approve") && ["event", "award"].includes(h.kind) && h.delta ? "<a data-correct='" + esc(h.entry_id) + "'>冲正</a>" : "") + "</td></tr>").join("") + "</table>";
    for (const a of out.querySelectorAll("a[data-correct]")) a.onclick = async () => {
      const reason = prompt("冲正原因（至少5个字）");
      if (!reason) return;
      try { await jsonPost("/api/v1/credit/entries/" + a.dataset.correct + "/correct", {reason}); showPassbook(); }
      catch (err) { alert(err.message); }
    };
    if (creditCan("credit.award")) await awardForm(p);
  } catch (err) { out.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; }
}
async function awardForm(passbook) {
  const box = document.getElementById("cp-award");
  const [ref, rules] = await Promise.all([creditRef(), api("/api/v1/credit/rules")]);
  const manual = rules.items.filter(r => r.trigger === "manual" && r.active);
  box.innerHTML = "<h3>申报积分（附佐证，提交后由他人复核，再公示" + "）</h3><form id='award-form'>" +
    "<p><label>规则 <select name='rule_code'>" + manual.map(r => "<option value='" + esc(r.code) + "'>" + esc(r.name) + "（" + creditSigned(r.points) + "分）</option>").join("") +
    "</select></label><span class='err' data-for='rule_code'></span></p>" +
    "<p><label>发生日期 <input type='date' name='occurred_on' required></label><span class='err' data-for='occurred_on'></span></p>" +
    "<p><label>事由 <input type='text' name='reason' size='40' required></label><span class='err' data-for='reason'></span></p>" +
    "<p><label>佐证 <select name='evidence_kind'>" + Object.entries(ref.evidence_kinds).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("") +
    "</select> <input type='text' name='evidence_description' size='30' placeholder='佐证说明'> <input type='text' name='evidence_ref' size='12' placeholder='编号（可选）'></label>" +
    "<span class='err' data-for='evidence'></span><span class='err' data-for='evidence.0.description'></span></p>" +
    "<button type='submit'>提交申报</button> <span class='err' data-for=''></span><span id='award-notice' class='ok'></span></form>";
  const form = document.getElementById("award-form");
  form.onsubmit = async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const evidence = f.get("evidence_description") ? [{kind: f.get("evidence_kind"), description: f.get("evidence_description"),
      ref: f.get("evidence_ref") || null}] : [];
    try {
      const award = await jsonPost("/api/v1/credit/awards", {household_id: passbook.household_id, rule_code: f.get("rule_code"),
        occurred_on: f.get("occurred_on"), reason: f.get("reason"), evidence});
      creditFormError(form, {});
      document.getElementById("award-notice").textContent = "已提交，状态：" + award.status_label;
    } catch (err) { creditFormError(form, err); }
  };
}

// 积分复核 ---------------------------------------------------------------------------------------------------
async function showApprovals() {
  const out = document.getElementById("ca-rows");
  try {
    const [waiting, notice] = await Promise.all([api("/api/v1/credit/awards?status=submitted,objected&page_size=100"),
      api("/api/v1/credit/awards?status=in_notice&sort=notice_until&page_size=100")]);
    const now = new Date().toISOString();
    const due = notice.items.filter(a => a.notice_until && a.notice_until <= now);
    const rows = [...waiting.items, ...due];
    if (!rows.length) { out.innerHTML = "<p class='muted'>暂无待办。</p>"; return; }
    const details = await Promise.all(rows.map(a => api("/api/v1/credit/awards/" + a.award_id)));
    const labels = {approve: "复核通过并公示", reject: "复核不通过", uphold: "异议成立，终止", dismiss: "异议不成立，继续公示", post: "入账"};
    out.innerHTML = details.map(a => "<div class='action award-item' data-award='" + esc(a.award_id) + "'><b>" + esc(a.holder) + "户 · " + esc(a.rule.name) + " " + creditSigned(a.rule.points) +
      "分</b> <span class='tag'>" + esc(a.status_label) + "</span><br>" + esc(a.reason) + "（" + esc(a.occurred_on) + "，申报人：" + esc(a.submitted_by) + "）<br>" +
      "<span class='muted'>佐证：" + a.evidence.map(e => esc(e.kind_label) + "：" + esc(e.description) + (e.ref ? "（" + esc(e.ref) + "）" : "")).join("；") + "</span>" +
      (a.objections.length ? "<br><span class='bad'>异议：" + a.objections.map(o => esc(o.reason)).join("；") + "</span>" : "") +
      "<br><input type='text' name='reason' placeholder='意见（不通过或处理异议时必填）' size='30'> " +
      a.actions.filter(x => labels[x] && (x !== "post" || a.status === "in_notice")).map(x => "<button data-act='" + x + "'>" + labels[x] + "</button>").join(" ") +
      " <span class='err'></span></div>").join("");
    for (const item of out.querySelectorAll(".award-item")) for (const b of item.querySelectorAll("button[data-act]")) b.onclick = async () => {
      const reason = item.querySelector("input[name=reason]").value || null;
      try { await jsonPost("/api/v1/credit/awards/" + item.dataset.award + "/" + b.dataset.act, {reason}); showApprovals(); }
      catch (err) { item.querySelector(".err").textContent = err.message; }
    };
  } catch (err) { out.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; }
}

// 积分公示 ---------------------------------------------------------------------------------------------------
async function showNotices() {
  const out = document.getElementById("cn-rows");
  try {
    const board = await api("/api/v1/credit/notices?page_size=100");
    out.innerHTML = board.items.length ? "<table><tr><th>村（社区）</th><th>户主</th><th>规则</th><th>积分</th><th>事由</th><th>公示至</th><th>状态</th><th></th></tr>" +
      board.items.map(n => "<tr class='notice-row'><td>" + esc(areaName(n.village_code)) + "</td><td>" + esc(n.holder) + "</td><td>" + esc(n.rule_name) + "</td><td>" + creditSigned(n.points) +
        "</td><td>" + esc(n.reason) + "</td><td>" + creditDay(n.notice_until) + "</td><td>" + esc(n.status_label) + "</td><td>" +
        (creditCan("credit.award") && n.status === "in_notice" ? "<a data-object='" + esc(n.award_id) + "'>登记异议</a>" : "") + "</td></tr>").join("") + "</table>"
      : "<p class='muted'>当前没有公示中的积分。</p>";
    for (const a of out.querySelectorAll("a[data-object]")) a.onclick = async () => {
      const reason = prompt("异议内容（至少2个字）");
      if (!reason) return;
      try { await jsonPost("/api/v1/credit/awards/" + a.dataset.object + "/object", {reason}); showNotices(); }
      catch (err) { alert(err.message); }
    };
  } catch (err) { out.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; }
}

// 积分超市 ---------------------------------------------------------------------------------------------------
async function openStore() {
  const select = document.getElementById("cs-store");
  const stores = await api("/api/v1/credit/stores");
  select.innerHTML = stores.items.map(s => "<option value='" + esc(s.store_id) + "'>" + esc(s.name) + "</option>").join("");
  if (credit.store && stores.items.some(s => s.store_id === credit.store)) select.value = credit.store;
  credit.store = select.value || null;
  select.onchange = () => { credit.store = select.value; showStore(); };
  await showStore();
}
async function showStore() {
  if (!credit.store) { document.getElementById("cs-stock").innerHTML = "<p class='muted'>辖区内还没有积分超市。</p>"; return; }
  const s = await api("/api/v1/credit/stores/" + encodeURIComponent(credit.store) + "/stock");
  const items = (await api("/api/v1/credit/items")).items.filter(i => i.active);
  document.getElementById("cs-stock").innerHTML = "<table id='cs-stock-table'><tr><th>商品</th><th>兑换积分</th><th>库存</th></tr>" +
    s.stock.map(i => "<tr class='stock-row' data-item='" + esc(i.item_id) + "'><td>" + esc(i.name) + "</td><td>" + i.points + "</td><td class='qty'>" + i.quantity + " " + esc(i.unit) + "</td></tr>").join("") + "</table>";
  const options = items.map(i => "<option value='" + esc(i.item_id) + "'>" + esc(i.name) + "（" + i.points + "分）</option>").join("");
  document.getElementById("cs-items").innerHTML = options;
  document.getElementById("cs-add-items").innerHTML = options;
  const page = await api("/api/v1/credit/redemptions?store_id=" + encodeURIComponent(credit.store) + "&page_size=50");
  const out = document.getElementById("cs-redemptions");
  out.innerHTML = "<table><tr><th>时间</th><th>户主</th><th>商品</th><th>积分</th><th>状态</th><th></th></tr>" + page.items.map(r =>
    "<tr class='redemption-row' data-redemption='" + esc(r.redemption_id) + "'><td>" + creditDay(r.reserved_at) + "</td><td>" + esc(r.holder || "") + "</td><td>" + esc(r.item_name) + " ×" + r.quantity +
    "</td><td>" + r.points + "</td><td class='status'>" + esc(r.status_label) + "</td><td>" +
    (r.status === "reserved" ? "<button data-act='fulfil'>领取</button> <button data-act='cancel'>取消</button>" : "") + "</td></tr>").join("") + "</table>";
  for (const row of out.querySelectorAll("tr[data-redemption]")) for (const b of row.querySelectorAll("button")) b.onclick = async () => {
    const body = b.dataset.act === "cancel" ? {reason: prompt("取消原因") || ""} : {};
    try { await jsonPost("/api/v1/credit/redemptions/" + row.dataset.redemption + "/" + b.dataset.act, body); showStore(); }
    catch (err) { alert(err.message); }
  };
}
document.getElementById("cs-redeem").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target, f = new FormData(form);
  try {
    const found = await api("/api/v1/credit/passbooks?household_number=" + encodeURIComponent(f.get("household_number")));
    if (!found.items.length) throw Object.assign(new Error("未找到该户号的积分存折"), {text: "未找到该户号的积分存折", field: ""});
    const r = await jsonPost("/api/v1/credit/redemptions", {household_id: found.items[0].household_id, store_id: credit.store,
      item_id: f.get("item_id"), quantity: Number(f.get("quantity") || 1)});
    creditFormError(form, {});
    document.getElementById("cs-notice").innerHTML = "<p class='ok' id='cs-reserved'>已预留：" + esc(r.item_name) + " ×" + r.quantity + "，扣减 " + r.points + " 分，待领取。</p>";
    showStore();
  } catch (err) { creditFormError(form, err); }
};
document.getElementById("cs-add").onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target, f = new FormData(form);
  try { await jsonPost("/api/v1/credit/stores/" + encodeURIComponent(credit.store) + "/stock", {item_id: f.get("item_id"), add: Number(f.get("add"))});
    creditFormError(form, {}); showStore(); }
  catch (err) { creditFormError(form, err); }
};

// 积分规则 ---------------------------------------------------------------------------------------------------
async function showRules() {
  const [ref, rules] = await Promise.all([creditRef(), api("/api/v1/credit/rules")]);
  document.getElementById("cr-rows").innerHTML = "<table><tr><th>代码</th><th>名称</th><th>类别</th><th>积分</th><th>触发</th><th>上限</th><th>状态</th></tr>" +
    rules.items.map(r => "<tr class='rule-row'><td>" + esc(r.code) + "</td><td>" + esc(r.name) + "</td><td>" + esc(r.category_label) + "</td><td>" + creditSigned(r.points) +
      "</td><td>" + esc(r.trigger_label) + (r.conditions.length ? "<br><span class='muted'>" + r.conditions.map(c => esc(c.field + " " + c.op + " " + c.value)).join("，") + "</span>" : "") +
      "</td><td>" + (r.cap_points ? esc(r.cap_period_label) + r.cap_points + "分" : "—") + "</td><td>" + (r.active ? "启用" : "停用") + "</td></tr>").join("") + "</table>";
  if (!creditCan("credit.configure")) return;
  document.getElementById("cr-edit").innerHTML = "<h3>新增或修改规则</h3><form id='rule-form' class='filters'>" +
    "<label>代码 <input name='code' size='12' required></label><span class='err' data-for='code'></span>" +
    "<label>名称 <input name='name' size='16' required></label><span class='err' data-for='name'></span>" +
    "<label>类别 <select name='category'>" + Object.entries(ref.categories).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("") + "</select></label>" +
    "<label>积分 <input name='points' type='number' style='width:5em' required></label><span class='err' data-for='points'></span>" +
    "<label>触发 <select name='trigger'><option value='manual'>手工申报</option>" + Object.entries(ref.triggers).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("") + "</select></label>" +
    "<label>上限 <input name='cap_points' type='number' style='width:5em'></label><label><select name='cap_period'>" +
    Object.entries(ref.periods).map(([k, v]) => "<option value='" + k + "'>" + esc(v) + "</option>").join("") + "</select></label>" +
    "<label><input type='checkbox' name='active' checked> 启用</label>" +
    "<button type='submit'>保存</button> <span class='err' data-for=''></span></form>";
  const form = document.getElementById("rule-form");
  form.onsubmit = async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    try {
      await api("/api/v1/credit/rules/" + encodeURIComponent(f.get("code")), {method: "PUT", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({name: f.get("name"), category: f.get("category"), points: Number(f.get("points")), trigger: f.get("trigger"),
          cap_points: f.get("cap_points") ? Number(f.get("cap_points")) : null, cap_period: f.get("cap_period"), active: !!f.get("active")})});
      showRules();
    } catch (err) { creditFormError(form, err); }
  };
}

// 诚信评级、失信名单、申诉 -------------------------------------------------------------------------------------
async function showRatings(form) {
  const f = new FormData(form || document.getElementById("cg-filter"));
  const q = new URLSearchParams({page_size: "100"});
  for (const k of ["subject_kind", "level"]) if (f.get(k)) q.set(k, f.get(k));
  const page = await api("/api/v1/credit/ratings?" + q);
  document.getElementById("cg-rows").innerHTML = "<table><tr><th>对象</th><th>编号</th><th>等级</th><th>评定依据</th></tr>" + page.items.map(r =>
    "<tr class='rating-row'><td>" + (r.subject_kind === "household" ? "农户" : "企业") + "</td><td>" + esc(r.subject_id) + "</td><td><b>" + esc(r.level) + "</b> " + esc(r.level_label) +
    "</td><td>" + r.reasons.map(esc).join("；") + (r.evidence.length ? "<br><span class='muted'>" + r.evidence.map(e => esc(e.text)).join("；") + "</span>" : "") + "</td></tr>").join("") + "</table>";
  const listings = await api("/api/v1/credit/listings?page_size=100");
  document.getElementById("cg-listings").innerHTML = "<table><tr><th>被执行人</th><th>证件</th><th>案号</th><th>法院</th><th>列入</th><th>届满</th><th>联合惩戒</th></tr>" +
    listings.items.map(l => "<tr class='listing-row'><td>" + esc(l.name) + "</td><td>" + esc(l.id_number || l.enterprise_code) + "</td><td>" + esc(l.case_number) + "</td><td>" + esc(l.court) +
      "</td><td>" + esc(l.listed_on) + "</td><td>" + esc(l.expires_on) + "</td><td>" + l.flags.map(x => "<span class='tag'>" + esc(x.label) + "</span>").join(" ") + "</td></tr>").join("") + "</table>";
  if (creditCan("credit.configure")) {
    document.getElementById("cg-import").innerHTML = "<form id='debtor-import' class='filters'><label>法院名单文件（.xlsx/.csv） <input type='file' name='file' required></label>" +
      "<label><input type='checkbox' name='write'> 校验通过后写入</label><button type='submit'>导入</button> <span class='err' data-for=''></span><div id='debtor-report'></div></form>";
    const importForm = document.getElementById("debtor-import");
    importForm.onsubmit = async (e) => {
      e.preventDefault();
      const data = new FormData(); data.append("file", importForm.file.files[0]);
      try {
        const r = await api("/api/v1/credit/listings/import?dry_run=" + (importForm.write.checked ? "false" : "true"), {method: "POST", body: data});
        document.getElementById("debtor-report").innerHTML = r.errors.length ? "<ul class='bad'>" + r.errors.map(x => "<li>第" + x.row + "行 " + esc(x.field || "") + "：" + esc(x.message) + "</li>").join("") + "</ul>"
          : "<p class='ok'>共 " + r.rows + " 行" + (r.dry_run ? "，校验通过" : "，新列入 " + r.listed + " 条，已有 " + r.known + " 条") + "</p>";
        if (!r.dry_run) showRatings();
      } catch (err) { creditFormError(importForm, err); }
    };
  }
  const appeals = await api("/api/v1/credit/appeals");
  document.getElementById("cg-appeals").innerHTML = appeals.items.length ? "<table><tr><th>对象</th><th>编号</th><th>理由</th><th>状态</th><th></th></tr>" + appeals.items.map(a =>
    "<tr class='appeal-row' data-appeal='" + esc(a.appeal_id) + "'><td>" + esc(a.target_label) + "</td><td>" + esc(a.ref) + "</td><td>" + esc(a.reason) + "</td><td>" + esc(a.outcome_label || a.status_label) +
    "</td><td>" + (a.status === "open" && creditCan("credit.approve") ? "<button data-outcome='upheld'>申诉成立</button> <button data-outcome='dismissed'>维持</button>" : esc(a.note || "")) + "</td></tr>").join("") + "</table>"
    : "<p class='muted'>暂无申诉。</p>";
  for (const row of document.querySelectorAll("#cg-appeals tr[data-appeal]")) for (const b of row.querySelectorAll("button")) b.onclick = async () => {
    const note = prompt("处理意见");
    if (!note) return;
    try { await jsonPost("/api/v1/credit/appeals/" + row.dataset.appeal + "/decide", {outcome: b.dataset.outcome, note}); showRatings(); }
    catch (err) { alert(err.message); }
  };
}
document.getElementById("cg-filter").onsubmit = (e) => { e.preventDefault(); showRatings(e.target); };

OPENERS["credit-passbooks"] = () => showPassbooks();
OPENERS["credit-passbook"] = () => { document.getElementById("cp-award").innerHTML = ""; showPassbook(); };
OPENERS["credit-approvals"] = showApprovals;
OPENERS["credit-notices"] = showNotices;
OPENERS["credit-store"] = openStore;
OPENERS["credit-rules"] = showRules;
OPENERS["credit-ratings"] = () => showRatings();
PARENT_TABS["credit-passbook"] = "credit-passbooks";
