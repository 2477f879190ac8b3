// Disputes whose narrative (the matter, kept by the service the dispute came from: a grid case, a resident's
// request, a petition) is still not read half an hour after registration: the mediation service keeps trying in the
// background; this list is for staff to follow up with the source. See addSections and OPENERS in index.html; api,
// esc, when, tag and areaName come from there.
addSections(`
<section data-tab="narratives-missing" data-label="纠纷详情待补" data-needs="mediation.read">
  <h2>来源详情仍未读到的纠纷（登记超过30分钟）</h2>
  <p class="muted">系统每15秒自动重试读取；多次失败的，请联系来源单位（网格、信访）核实。</p>
  <div id="narrative-missing-rows"></div>
</section>
`);
async function showMissingNarratives() {
  const page = await api("/api/v1/mediation/narratives-missing?page_size=100");
  await nameAreas(page.items.map(d => d.area_code));
  document.getElementById("narrative-missing-rows").innerHTML = page.items.length ?
    "<table id='narrative-missing-table'><tr><th>纠纷</th><th>来源</th><th>地区</th><th>登记时间</th><th>已重试</th><th>最近一次</th></tr>" +
    page.items.map(d => "<tr><td><a class='narrative-dispute' data-dispute='" + esc(d.dispute_id) + "'>" + esc(d.dispute_id) + "</a></td><td>" +
      esc(d.source_label) + " " + esc(d.source_ref || "") + "</td><td>" + esc(areaName(d.area_code)) + "</td><td>" + esc(when(d.registered_at)) +
      "</td><td>" + d.attempts + " 次</td><td>" + esc(when(d.tried_at)) + (d.error ? " " + tag("未读到", "overdue") : "") + "</td></tr>").join("") +
    "</table>" : "<p class='muted' id='narrative-missing-none'>所有纠纷的来源详情均已读到</p>";
  for (const a of document.querySelectorAll("a.narrative-dispute")) a.onclick = () => openDispute(a.dataset.dispute);
}
OPENERS["narratives-missing"] = showMissingNarratives;
