// 平安建设满意度测评 on the residents' page: a household that was drawn for the year's survey got a slip with an
// eight-character code; with it, it answers the questions once. Nothing on the page or in the answer names the
// household. No account.
(function () {
  const block = document.getElementById("survey-block");
  if (!block) return;
  // Big targets for a thumb: each answer a row of its own, the radio beside its words.
  block.innerHTML = "<style>#survey-form label{display:flex;align-items:center;gap:10px;padding:8px 0;font-size:17px}" +
    "#survey-form input[type=radio]{width:22px;height:22px;margin:0;flex:none}#survey-form fieldset{margin:10px 0}</style>" +
    "<h2>平安建设满意度测评</h2><form id='survey-code-form'><label for='survey-code'>测评码（入户时发放的8位码）</label>" +
    "<input id='survey-code' name='code' maxlength='8' autocapitalize='characters' autocomplete='off' required>" +
    "<button type='submit'>开始作答</button></form><div id='survey-out'></div>";
  const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  async function post(path, data) {
    const r = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(data)});
    const body = await r.json();
    if (!r.ok) throw new Error(body.message);
    return body;
  }
  document.getElementById("survey-code-form").onsubmit = async (e) => {
    e.preventDefault();
    const out = document.getElementById("survey-out");
    const code = e.target.code.value.trim().toUpperCase();
    let q;
    try { q = await post("/api/v1/public/survey/questions", {code}); } catch (err) { out.innerHTML = "<p class='bad'>" + esc(err.message) + "</p>"; return; }
    out.innerHTML = "<form id='survey-form'><p>" + q.year + "年度测评，共" + q.questions.length + "题，每户只答一次。</p>" + q.questions.map((x, i) =>
      "<fieldset><legend>" + (i + 1) + ". " + esc(x.text) + "</legend>" + Object.entries(q.scale).map(([v, label]) =>
        "<label><input type='radio' name='" + esc(x.code) + "' value='" + v + "' required> " + esc(label) + "</label>").join(" ") + "</fieldset>").join("") +
      "<button type='submit'>提交</button> <span id='survey-error' class='bad'></span></form>";
    document.getElementById("survey-form").onsubmit = async (ev) => {
      ev.preventDefault();
      const answers = {};
      for (const x of q.questions) answers[x.code] = Number(new FormData(ev.target).get(x.code));
      try { const done = await post("/api/v1/public/survey/answers", {code, answers}); out.innerHTML = "<p class='ok' id='survey-done'>" + esc(done.message) + "</p>"; }
      catch (err) { document.getElementById("survey-error").textContent = err.message; }
    };
  };
})();
