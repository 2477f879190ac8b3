// The places pages of the console: the three targets (综治中心规范化建成率, 综合服务设施达标率, 重点区域视频监控覆盖率)
// with their definitions, the governance centres and service facilities with their checklist and inspections
// (photo upload), the key areas with their video points, the county's checklists, and the registers' import.
// See addSections and OPENERS in index.html; api, jsonPost, esc, me, when, tag, percent, areaName, nameAreas,
// showError and clearErrors come from there.
addSections(`
<style>
  .pl-items td.pass { color: #1b5e20; } .pl-items td.fail { color: #b71c1c; }
  #pl-chart { width: 100%; max-width: 900px; height: 320px; }
  .pl-inspection { border-top: 1px dashed #ddd; padding: 6px 0; }
  .pl-judge label { margin-right: 10px; white-space: nowrap; }
</style>
<section data-tab="places-figures" data-label="三项指标" data-needs="places.read">
  <h2>综治中心、综合服务设施、重点区域视频监控</h2>
  <form id="pl-figures-form" class="filters">
    <label>区划代码 <input name="area_code" size="14" placeholder="默认本人辖区"></label>
    <button type="submit">统计</button> <span class="err" data-for=""></span><span class="err" data-for="area_code"></span>
  </form>
  <div id="pl-targets"></div><div id="pl-chart" hidden></div><div id="pl-children"></div>
</section>
<section data-tab="places-centres" data-label="综治中心" data-needs="places.read">
  <h2>县、乡镇（街道）、村（社区）三级综治中心</h2>
  <form class="filters pl-filter" data-subject="governance_centre">
    <label>区划代码 <input name="area_code" size="14"></label>
    <select name="level"><option value="">全部层级</option><option value="county">县级</option>
      <option value="township">乡镇（街道）级</option><option value="village">村（社区）级</option></select>
    <select name="status"><option value="">全部</option><option value="ok">已规范化建成</option><option value="not_ok">未规范化建成</option></select>
    <button type="submit">查询</button> <span class="err" data-for=""></span>
  </form>
  <div class="pl-rows" id="pl-centre-rows">加载中…</div>
</section>
<section data-tab="places-facilities" data-label="综合服务设施" data-needs="places.read">
  <h2>村（社区）综合服务设施</h2>
  <form class="filters pl-filter" data-subject="service_facility">
    <label>区划代码 <input name="area_code" size="14"></label>
    <select name="status"><option value="">全部</option><option value="ok">达标</option><option value="not_ok">未达标</option></select>
    <button type="submit">查询</button> <span class="err" data-for=""></span>
  </form>
  <div class="pl-rows" id="pl-facility-rows">加载中…</div>
</section>
<section data-tab="places-place" data-label="场所详情" data-needs="places.read" data-nonav>
  <p><a id="pl-place-back">‹ 返回列表</a></p>
  <div id="pl-place-page"></div>
</section>
<section data-tab="places-key-areas" data-label="重点区域" data-needs="places.read">
  <h2>公共安全重点区域及视频点位（雪亮工程）</h2>
  <form id="pl-key-filter" class="filters">
    <label>区划代码 <input name="area_code" size="14"></label> <select name="kind"><option value="">全部类别</option></select>
    <select name="covered"><option value="">全部</option><option value="true">已覆盖</option><option value="false">未覆盖</option></select>
    <button type="submit">查询</button> <span class="err" data-for=""></span>
  </form>
  <form id="pl-key-new" class="filters" data-needs-write="places.manage">
    登记重点区域：<input name="area_code" size="13" placeholder="乡镇或村区划代码"><span class="err" data-for="area_code"></span>
    <select name="kind"></select> <input name="name" placeholder="名称"><span class="err" data-for="name"></span>
    <button type="submit">登记</button> <span class="err" data-for=""></span>
  </form>
  <div id="pl-key-rows">加载中…</div>
  <div id="pl-key-page"></div>
</section>
<section data-tab="places-checklists" data-label="检查清单" data-needs="places.read">
  <h2>规范化建设（达标）检查清单</h2>
  <p class="muted">清单由县级统一制定，每次修改生成新版本；发布新版本后，各场所须按新清单重新检查才计为建成（达标）。</p>
  <div id="pl-checklists"></div>
</section>
<section data-tab="places-import" data-label="场所导入" data-needs="places.manage">
  <h2>导入综治中心、综合服务设施、重点区域登记表</h2>
  <form id="pl-import-form">
    <select name="kind"><option value="governance_centre">综治中心</option><option value="service_facility">综合服务设施</option>
      <option value="key_area">重点区域及视频点位</option></select>
    <a id="pl-template">下载模板</a>
    <input type="file" name="file" accept=".xlsx,.csv" required>
    <label><input type="checkbox" name="real"> 正式导入（不勾选仅预检）</label>
    <button type="submit">上传</button> <span class="err" data-for=""></span>
  </form>
  <div id="pl-import-result" class="muted"></div>
</section>
`);

let plRef = null, plPhotoUrls = [], plLastList = "places-centres";
const plCan = p => me && me.permissions.includes(p);
const PL_PATHS = {governance_centre: "governance-centres", service_facility: "service-facilities"};
async function plBasics() {
  if (!plRef) plRef = await api("/api/v1/places/reference");
  return plRef;
}
function plQuery(form) {
  return [...new FormData(form).entries()].filter(([, v]) => v !== "").map(([k, v]) => k + "=" + encodeURIComponent(v)).join("&");
}
async function plDownload(path, fallbackName) {
  const r = await xzSession.fetch(path);
  if (!r.ok) throw new Error((await r.json()).message);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await r.blob()); link.download = fallbackName; link.click();
}
let plChartLoading = null;
function plLoadCharts() {
  if (window.echarts) return Promise.resolve();
  if (!plChartLoading) plChartLoading = new Promise((ok, fail) => {
    const s = document.createElement("script"); s.src = "/vendor/echarts.min.js"; s.onload = ok; s.onerror = fail;
    document.head.appendChild(s);
  });
  return plChartLoading;
}

// the three targets --------------------------------------------------------------------------------------------------
async function showPlaceFigures() {
  const form = document.getElementById("pl-figures-form");
  clearErrors(form);
  let f;
  try { f = await api("/api/v1/places/figures?" + plQuery(form)); } catch (err) { return showError(form, err); }
  document.getElementById("pl-targets").innerHTML = "<h3>" + esc(f.area_name) + "</h3>" + f.targets.map(t =>
    "<div class='rate " + (t.met === null ? "" : t.met ? "pass" : "fail") + "' data-target='" + esc(t.key) + "'><b>" + percent(t.value) +
    "</b>" + esc(t.label) + "（目标" + (t.target >= 1 ? "100%" : "≥" + percent(t.target)) + "）<div class='muted'>" + esc(t.definition) +
    "：" + t.numerator + " ÷ " + t.denominator + "</div></div>").join("") +
    "<p class='muted'>未登记综治中心的区划 " + f.gaps.areas_without_centre.length + " 个；未登记综合服务设施的村（社区） " +
    f.gaps.villages_without_facility.length + " 个（计入分母）；未覆盖的重点区域 " + f.gaps.key_areas_without_online_point + " 个。</p>";
  const rows = f.children;
  document.getElementById("pl-children").innerHTML = rows.length ? "<table id='pl-child-table'><tr><th>区划</th><th>综治中心规范化建成率</th>" +
    "<th>综合服务设施达标率</th><th>视频监控覆盖率</th></tr>" + rows.map(c => "<tr><td>" + esc(c.area_name) + "</td>" +
    ["governance_centre", "service_facility", "video_coverage"].map(k => "<td>" + percent(c[k].value) + " <span class='muted'>" +
      c[k].numerator + "/" + c[k].denominator + "</span></td>").join("") + "</tr>").join("") + "</table>" : "";
  const el = document.getElementById("pl-chart");
  el.hidden = !rows.length;
  if (!rows.length) return;
  try {
    await plLoadCharts();
    const chart = echarts.getInstanceByDom(el) || echarts.init(el);
    const series = [["governance_centre", "综治中心"], ["service_facility", "综合服务设施"], ["video_coverage", "视频覆盖"]];
    chart.setOption({tooltip: {trigger: "axis"}, legend: {data: series.map(s => s[1])}, grid: {left: 40, right: 10, bottom: 60},
      xAxis: {type: "category", data: rows.map(c => c.area_name), axisLabel: {rotate: 45}}, yAxis: {type: "value", max: 100, name: "%"},
      series: series.map(([k, name]) => ({name, type: "bar", data: rows.map(c => c[k].value === null ? null : +(c[k].value * 100).toFixed(1))}))}, true);
  } catch (err) { el.hidden = true; }
}
document.getElementById("pl-figures-form").onsubmit = e => { e.preventDefault(); showPlaceFigures(); };
OPENERS["places-figures"] = showPlaceFigures;

// centres and facilities ---------------------------------------------------------------------------------------------
async function showPlaces(subject) {
  await plBasics();
  const form = document.querySelector("form.pl-filter[data-subject='" + subject + "']");
  const box = document.getElementById(subject === "governance_centre" ? "pl-centre-rows" : "pl-facility-rows");
  clearErrors(form);
  let page;
  try { page = await api("/api/v1/" + PL_PATHS[subject] + "?page_size=200&" + plQuery(form)); } catch (err) { return showError(form, err); }
  box.innerHTML = "<p class='muted'>共 " + page.total + " 个" + (page.total > page.items.length ? "，显示前 " + page.items.length + " 个" : "") + "</p>" +
    "<table class='pl-place-table'><tr><th>名称</th><th>层级</th><th>状态</th><th>通过项</th><th>最近检查</th></tr>" +
    page.items.map(p => "<tr data-place='" + esc(p.place_id) + "'><td><a class='pl-open' data-place='" + esc(p.place_id) + "'>" + esc(p.name) + "</a></td><td>" +
      esc(p.level_label) + "</td><td>" + tag(p.status_label, p.meets_standard ? "" : "overdue") + "</td><td>" + p.items_passed + "/" + p.items_total +
      "</td><td>" + esc(when(p.inspected_at) || "未检查") + "</td></tr>").join("") + "</table>";
  for (const a of box.querySelectorAll("a.pl-open")) a.onclick = () => openPlace(subject, a.dataset.place);
}
for (const form of document.querySelectorAll("form.pl-filter")) form.onsubmit = e => { e.preventDefault(); showPlaces(form.dataset.subject); };
OPENERS["places-centres"] = () => { plLastList = "places-centres"; showPlaces("governance_centre"); };
OPENERS["places-facilities"] = () => { plLastList = "places-facilities"; showPlaces("service_facility"); };
PARENT_TABS["places-place"] = "places-centres";
document.getElementById("pl-place-back").onclick = () => openTab(plLastList);

async function openPlace(subject, id, notice) {
  openTab("places-place");
  PARENT_TABS["places-place"] = plLastList;
  const box = document.getElementById("pl-place-page");
  try { renderPlace(await api("/api/v1/" + PL_PATHS[subject] + "/" + encodeURIComponent(id)), notice); }
  catch (err) { box.innerHTML = "<span class='bad'>" + esc(err.message) + "</span>"; }
}
async function plPhotoUrl(inspectionId, fileId) {
  const r = await xzSession.fetch("/api/v1/inspections/" + inspectionId + "/photos/" + fileId);
  if (!r.ok) throw new Error("照片加载失败");
  const url = URL.createObjectURL(await r.blob());
  plPhotoUrls.push(url);
  return url;
}
function renderPlace(p, notice) {
  for (const u of plPhotoUrls) URL.revokeObjectURL(u);
  plPhotoUrls = [];
  const box = document.getElementById("pl-place-page");
  const labels = Object.fromEntries(p.checklist.items.map(i => [i.code, i.label]));
  let html = (notice ? "<p class='ok' id='pl-notice'>" + esc(notice) + "</p>" : "") + "<h2 id='pl-place-title'>" + esc(p.name) + "</h2><p>" +
    tag(p.status_label, p.meets_standard ? "" : "overdue") + "</p><dl class='fields'><dt>类别</dt><dd>" + esc(p.level_label) + esc(p.subject_label) +
    "</dd><dt>区划代码</dt><dd>" + esc(p.area_code) + "</dd><dt>地址</dt><dd>" + esc(p.address || "—") + "</dd><dt>检查清单</dt><dd>第" +
    p.checklist.version + "版，适用 " + p.checklist.items.length + " 项；最近一次按本版检查通过 " + p.items_passed + " 项</dd></dl>";
  if (plCan("places.inspect") && p.active) {
    html += "<h3>记录检查</h3><form id='pl-inspect-form'><table class='pl-items pl-judge'><tr><th>检查项</th><th>判定</th><th>说明</th></tr>" +
      p.checklist.items.map(i => "<tr><td>" + esc(i.label) + (i.required ? "" : " <span class='muted'>（非必达）</span>") + "</td><td>" +
        "<label><input type='radio' name='r-" + esc(i.code) + "' value='pass' checked> 通过</label><label><input type='radio' name='r-" +
        esc(i.code) + "' value='fail'> 不通过</label></td><td><input name='n-" + esc(i.code) + "' maxlength='200'></td></tr>").join("") +
      "</table><p>检查日期 <input type='date' name='inspected_at'> <span class='err' data-for='inspected_at'></span> 备注 <input name='notes' size='40' maxlength='1000'></p>" +
      "<button type='submit'>保存检查结果</button> <span class='err' data-for='results'></span><span class='err' data-for=''></span></form>";
  }
  html += "<h3>历次检查</h3>" + (p.inspections.length ? "" : "<p class='muted'>尚未检查</p>") + p.inspections.map(i =>
    "<div class='pl-inspection' data-inspection='" + esc(i.inspection_id) + "'><b>" + esc(when(i.inspected_at)) + "</b> " +
    tag(i.passed ? "通过" : "未通过", i.passed ? "" : "overdue") + " 第" + i.checklist_version + "版清单，通过 " + i.items_passed + "/" + i.items_total +
    " 项 <span class='muted'>检查人：" + esc(i.inspector.name) + "</span>" + (i.notes ? "<div>" + esc(i.notes) + "</div>" : "") +
    "<div class='muted'>未通过：" + (i.results.filter(r => !r.passed).map(r => esc(r.label) + (r.note ? "（" + esc(r.note) + "）" : "")).join("；") || "无") + "</div>" +
    "<div class='photos'></div>" + (plCan("places.inspect") ? "<form class='pl-photo-form filters'><select name='item_code'><option value=''>整体照片</option>" +
      i.results.map(r => "<option value='" + esc(r.code) + "'>" + esc(labels[r.code] || r.label) + "</option>").join("") +
      "</select> <input type='file' name='file' accept='image/*,.pdf' required> <button type='submit'>上传照片</button>" +
      "<span class='err' data-for='file'></span><span class='err' data-for=''></span></form>" : "") + "</div>").join("");
  box.innerHTML = html;
  for (const i of p.inspections) {
    const holder = box.querySelector(".pl-inspection[data-inspection='" + i.inspection_id + "']");
    for (const photo of i.photos) {
      const img = document.createElement("img");
      img.alt = img.title = (photo.item_code ? labels[photo.item_code] || photo.item_code : "整体") + " · " + photo.filename;
      holder.querySelector(".photos").appendChild(img);
      plPhotoUrl(i.inspection_id, photo.file_id).then(u => { img.src = u; }).catch(() => { img.alt = "照片加载失败"; });
    }
    const upload = holder.querySelector("form.pl-photo-form");
    if (upload) upload.onsubmit = async e => {
      e.preventDefault(); clearErrors(upload);
      try { await api("/api/v1/inspections/" + i.inspection_id + "/photos", {method: "POST", body: new FormData(upload)}); openPlace(p.subject, p.place_id, "照片已上传"); }
      catch (err) { showError(upload, err); }
    };
  }
  const form = document.getElementById("pl-inspect-form");
  if (form) form.onsubmit = async e => {
    e.preventDefault(); clearErrors(form);
    const data = new FormData(form);
    const body = {results: p.checklist.items.map(i => ({code: i.code, passed: data.get("r-" + i.code) === "pass", note: data.get("n-" + i.code) || null}))};
    if (data.get("inspected_at")) body.inspected_at = data.get("inspected_at");
    if (data.get("notes")) body.notes = data.get("notes");
    try {
      const saved = await jsonPost("/api/v1/" + PL_PATHS[p.subject] + "/" + encodeURIComponent(p.place_id) + "/inspections", body);
      openPlace(p.subject, p.place_id, "检查已记录：" + (saved.passed ? "通过" : "未通过"));
    } catch (err) { showError(form, err); }
  };
}

// key areas and their video points -----------------------------------------------------------------------------------
async function showKeyAreas() {
  const ref = await plBasics();
  const kinds = Object.entries(ref.key_area_kinds).map(([k, v]) => "<option value='" + esc(k) + "'>" + esc(v) + "</option>").join("");
  const filter = document.getElementById("pl-key-filter"), create = document.getElementById("pl-key-new");
  create.hidden = !plCan("places.manage");
  if (filter.kind.options.length < 2) { filter.kind.insertAdjacentHTML("beforeend", kinds); create.kind.innerHTML = kinds; }
  clearErrors(filter);
  let page;
  try { page = await api("/api/v1/key-areas?page_size=200&" + plQuery(filter)); } catch (err) { return showError(filter, err); }
  await nameAreas(page.items.map(a => a.area_code));
  document.getElementById("pl-key-rows").innerHTML = "<p class='muted'>共 " + page.total + " 个重点区域；在线点位须在 " + ref.video_check_days +
    " 天内巡检过才计入覆盖</p><table id='pl-key-table'><tr><th>名称</th><th>类别</th><th>区划</th><th>视频覆盖</th><th>在线点位</th></tr>" +
    page.items.map(a => "<tr data-key-area='" + esc(a.key_area_id) + "'><td><a class='pl-key' data-id='" + esc(a.key_area_id) + "'>" + esc(a.name) +
      "</a></td><td>" + esc(a.kind_label) + "</td><td>" + esc(areaName(a.area_code)) + "</td><td>" + tag(a.status_label, a.covered ? "" : "overdue") +
      "</td><td>" + a.video_points_online + "/" + a.video_points_total + "</td></tr>").join("") + "</table>";
  for (const a of document.querySelectorAll("a.pl-key")) a.onclick = () => openKeyArea(a.dataset.id);
}
async function openKeyArea(id, notice) {
  const box = document.getElementById("pl-key-page");
  let a;
  try { a = await api("/api/v1/key-areas/" + encodeURIComponent(id)); } catch (err) { box.innerHTML = "<span class='bad'>" + esc(err.message) + "</span>"; return; }
  box.innerHTML = (notice ? "<p class='ok'>" + esc(notice) + "</p>" : "") + "<h3 id='pl-key-title'>" + esc(a.name) + " " + tag(a.status_label, a.covered ? "" : "overdue") +
    "</h3><table id='pl-point-table'><tr><th>点位编号</th><th>名称</th><th>状态</th><th>最近检查</th><th></th></tr>" + a.video_points.map(v =>
      "<tr><td>" + esc(v.code) + "</td><td>" + esc(v.name) + "</td><td>" + tag(v.state_label, v.online ? "" : "overdue") + (v.online && !v.counts ? " <span class='muted'>（检查已过期）</span>" : "") +
      "</td><td>" + esc(when(v.checked_at)) + "</td><td>" + (plCan("places.inspect") ? "<button class='pl-check' data-id='" + esc(v.video_point_id) +
        "' data-online='true'>巡检：在线</button> <button class='pl-check' data-id='" + esc(v.video_point_id) + "' data-online='false'>离线</button>" : "") +
      "</td></tr>").join("") + "</table>" + (plCan("places.manage") ? "<form id='pl-point-form' class='filters'>新增点位：<input name='code' placeholder='点位编号' size='22'>" +
      "<span class='err' data-for='code'></span> <input name='name' placeholder='点位名称'><span class='err' data-for='name'></span> <button type='submit'>登记</button>" +
      "<span class='err' data-for=''></span></form>" : "");
  for (const b of box.querySelectorAll("button.pl-check")) b.onclick = async () => {
    try { await jsonPost("/api/v1/video-points/" + b.dataset.id + "/checks", {online: b.dataset.online === "true"}); openKeyArea(id, "巡检已记录"); showKeyAreas(); }
    catch (err) { box.insertAdjacentHTML("afterbegin", "<p class='bad'>" + esc(err.message) + "</p>"); }
  };
  const form = document.getElementById("pl-point-form");
  if (form) form.onsubmit = async e => {
    e.preventDefault(); clearErrors(form);
    try { await jsonPost("/api/v1/key-areas/" + encodeURIComponent(id) + "/video-points", {code: form.code.value, name: form.name.value}); openKeyArea(id, "点位已登记"); showKeyAreas(); }
    catch (err) { showError(form, err); }
  };
}
document.getElementById("pl-key-filter").onsubmit = e => { e.preventDefault(); showKeyAreas(); };
document.getElementById("pl-key-new").onsubmit = async e => {
  e.preventDefault();
  const form = e.target; clearErrors(form);
  try {
    const a = await jsonPost("/api/v1/key-areas", {area_code: form.area_code.value, kind: form.kind.value, name: form.name.value});
    await showKeyAreas(); openKeyArea(a.key_area_id, "重点区域已登记");
  } catch (err) { showError(form, err); }
};
OPENERS["places-key-areas"] = showKeyAreas;

// checklists ---------------------------------------------------------------------------------------------------------
async function showChecklists() {
  const ref = await plBasics();
  const box = document.getElementById("pl-checklists");
  const lists = await Promise.all(["governance_centre", "service_facility"].map(s => api("/api/v1/checklists/" + s)));
  box.innerHTML = lists.map(c => "<h3>" + esc(c.subject_label) + " · 第" + c.current.version + "版 <span class='muted'>" + esc(when(c.current.changed_at)) +
    " " + esc(c.current.changed_by || "") + "</span></h3><table class='pl-items' data-subject='" + esc(c.subject) + "'><tr><th>代码</th><th>检查项</th>" +
    "<th>必达</th><th>适用层级</th></tr>" + c.current.items.map(i => "<tr><td>" + esc(i.code) + "</td><td>" + esc(i.label) + "</td><td>" + (i.required ? "是" : "否") +
      "</td><td>" + esc(i.levels.length ? i.levels.map(l => ref.levels[l]).join("、") : "全部") + "</td></tr>").join("") + "</table>" +
    (plCan("places.configure") ? "<form class='pl-checklist-form' data-subject='" + esc(c.subject) + "'><p class='muted'>修改清单：每行一项，" +
      "格式“代码｜检查项｜必达（是/否）｜适用层级（county,township,village，可空）”</p><textarea name='items' rows='6' style='width:95%'>" +
      esc(c.current.items.map(i => [i.code, i.label, i.required ? "是" : "否", i.levels.join(",")].join("｜")).join("\n")) +
      "</textarea><br><button type='submit'>发布新版本</button> <span class='err' data-for='items'></span><span class='err' data-for=''></span></form>" : "")).join("");
  for (const form of box.querySelectorAll("form.pl-checklist-form")) form.onsubmit = async e => {
    e.preventDefault(); clearErrors(form);
    const items = form.items.value.split("\n").map(l => l.trim()).filter(Boolean).map(l => {
      const [code, label, required, levels] = l.split("｜").map(s => (s || "").trim());
      return {code, label, required: required !== "否", levels: levels ? levels.split(/[,，]/).map(s => s.trim()).filter(Boolean) : []};
    });
    try {
      await api("/api/v1/checklists/" + form.dataset.subject, {method: "PUT", headers: {"Content-Type": "application/json"}, body: JSON.stringify({items})});
      showChecklists();
    } catch (err) { showError(form, err); }
  };
}
OPENERS["places-checklists"] = showChecklists;

// import ------------------------------------------------------------------------------------------------------------
document.getElementById("pl-template").onclick = () => {
  const kind = document.getElementById("pl-import-form").kind.value;
  plDownload("/api/v1/places/import-template?kind=" + kind, kind + ".xlsx").catch(err => alert(err.message));
};
document.getElementById("pl-import-form").onsubmit = async e => {
  e.preventDefault();
  const form = e.target, out = document.getElementById("pl-import-result");
  clearErrors(form);
  const data = new FormData(form);
  const real = data.get("real") === "on", kind = data.get("kind");
  data.delete("real"); data.delete("kind");
  let job;
  try { job = await api("/api/v1/places/imports?kind=" + kind + "&dry_run=" + (!real), {method: "POST", body: data}); }
  catch (err) { return showError(form, err); }
  const poll = async () => {
    let state;
    try { state = await api("/api/v1/places/imports/" + job.job_id); } catch (err) { return setTimeout(poll, 500); }
    if (state.state === "running") { out.textContent = "处理中… " + (state.processed || 0) + "/" + (state.total || "?"); return setTimeout(poll, 500); }
    const r = state.report || {};
    let html = "<span id='pl-import-state'>" + (state.state === "done" ? (r.dry_run ? "预检通过" : "导入完成") : "未通过") + "</span>：" + esc(r.kind_label || "") +
      "共 " + (r.total_rows ?? 0) + " 行，" + (r.ok ? (r.entries ?? 0) + " 条登记（新增 " + (r.new ?? 0) + " 条" +
      (r.video_points !== undefined ? "；视频点位 " + r.video_points + " 个，新增 " + r.new_video_points + " 个" : "") + "）"
        : (r.problems || []).length + " 处问题，改正后重新上传（未导入任何数据）");
    if (r.problems && r.problems.length) html += "<table id='pl-import-problems'><tr><th>行</th><th>列</th><th>值</th><th>原因</th></tr>" +
      r.problems.map(p => "<tr><td>" + esc(p.row) + "</td><td>" + esc(p.column) + "</td><td>" + esc(p.value) + "</td><td>" + esc(p.reason) + "</td></tr>").join("") + "</table>";
    if (state.error) html += "<div class='bad'>" + esc(state.error.message) + "</div>";
    out.innerHTML = html;
  };
  poll();
};
