// 村务公开 on the residents' page: a village's rules in force (only once filed with the township and published) and
// the published resolutions of its important matters and their results, each with its date. Read-only, no account.
(function () {
  const block = document.getElementById("village-block");
  if (!block) return;
  block.innerHTML = "<h2>村务公开</h2><form id='village-form'><label>村（社区）代码</label>" +
    "<input name='village_code' placeholder='如 500229001001' inputmode='numeric' maxlength='12' required>" +
    "<button type='submit'>查看</button></form><div id='village-result'></div>";
  const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  document.getElementById("village-form").onsubmit = async (e) => {
    e.preventDefault();
    const out = document.getElementById("village-result");
    const code = e.target.village_code.value.trim();
    const r = await fetch("/api/v1/public/village/" + encodeURIComponent(code));
    const body = await r.json();
    if (!r.ok) { out.innerHTML = "<p class='bad'>" + esc(body.message) + "</p>"; return; }
    let html = "<h3 id='village-name'>" + esc(body.village_name) + "</h3>";
    html += body.rules.length ? body.rules.map(v => "<div class='village-rules'><h4>" + esc(v.title) + "（第" + v.version + "版）</h4><p>" + esc(v.adopted_by) + "于" +
      esc(v.adopted_on) + "表决通过，" + esc(v.filed_on) + "经乡镇备案，" + esc(v.published_on) + "起施行。</p><ol>" +
      v.clauses.map(c => "<li>" + esc(c.text) + "</li>").join("") + "</ol></div>").join("") : "<p>暂无公布施行的村规民约。</p>";
    html += "<h4>重大事项公开（四议两公开）</h4>" + (body.matters.length ? "<ol id='village-matters'>" + body.matters.map(m => "<li><b>" + esc(m.title) + "</b>（" + esc(m.kind_label) + "）" +
      m.publications.map(p => "<br>" + esc(p.label) + " " + esc(p.published_on) + "（" + esc(p.channel_label) + "）：" + esc(p.content)).join("") + "</li>").join("") + "</ol>"
      : "<p>暂无公开的事项。</p>");
    out.innerHTML = html;
  };
})();
