// The grid worker's emergency view (平战转换) on the phone page /m. While one of the worker's grids is under an
// emergency response the page shows the response, its households and the grid's tasks instead of normal work, and it
// returns to normal work when the response ends. Two taps mark a household: the household, then what was found.
// Reports wait in a queue kept on the phone (localStorage) and are sent again until the service answers; each one
// carries an id made here, so a report that arrives twice counts once. Polls are answered 304 while nothing changed.
// The page calls XZEmergency.start() once signed in; nothing else of the page is used but its session (session.js).
(function () {
  const QUEUE_KEY = "xz-emergency-queue";
  const POLL_MS = 15000, TIMEOUT_MS = 12000, MAX_BACKOFF_MS = 60000;
  const state = {version: null, data: null, visits: {}, open: null, normal: false, backoff: 2000, flushing: false,
                 timer: null, errors: {}};

  const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const newId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), b => b.toString(16).padStart(2, "0")).join("");
  const queue = () => { try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; } };
  const saveQueue = q => localStorage.setItem(QUEUE_KEY, JSON.stringify(q));

  // fetch with the session's token (session.js renews it) and a deadline; {status: 0} when the network is away
  async function call(path, options) {
    options = Object.assign({}, options || {});
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    try {
      const r = await xzSession.fetch(path, Object.assign(options, {signal: abort.signal}));
      const body = r.status === 304 ? null : await r.json().catch(() => ({}));
      return {status: r.status, body, etag: r.headers.get("ETag")};
    } catch (e) { return {status: 0, body: {message: "网络不通"}}; }
    finally { clearTimeout(timer); }
  }

  function box() {
    let view = document.getElementById("em-view");
    if (!view) {
      document.head.insertAdjacentHTML("beforeend", `<style>
        #em-view { padding: 10px; max-width: 480px; margin: auto; }
        .em-banner { background: #b71c1c; color: #fff; border-radius: 8px; padding: 10px 12px; font-size: 17px; font-weight: bold; }
        .em-banner .em-drill { background: #fff; color: #b71c1c; border-radius: 3px; padding: 0 6px; font-size: 13px; margin-left: 6px; }
        .em-banner .muted { color: #fdd; font-weight: normal; font-size: 13px; }
        .em-counts { display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 8px 2px; font-size: 14px; }
        .em-counts b { color: #b71c1c; }
        .em-queue { background: #fff3e0; color: #e65100; padding: 6px 10px; border-radius: 6px; font-size: 14px; margin: 6px 0; }
        ul.em-list { list-style: none; padding: 0; margin: 0; }
        li.em-hh { background: #fff; border-radius: 8px; margin-bottom: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
        button.em-row { display: block; width: 100%; text-align: left; background: none; color: #222; border: 0; margin: 0;
          padding: 12px; font-size: 16px; border-radius: 8px; }
        .em-row .em-addr { color: #555; font-size: 14px; }
        .em-actions { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; padding: 0 12px 12px; }
        .em-actions[hidden] { display: none; }
        .em-actions button { margin: 0; padding: 14px 6px; font-size: 16px; }
        .em-actions button[data-status=checked] { background: #1b5e20; border-color: #1b5e20; }
        .em-actions button[data-status=not_reached] { background: #616161; border-color: #616161; }
        .em-actions button[data-status=evacuated] { background: #0d47a1; border-color: #0d47a1; }
        .em-tag { display: inline-block; font-size: 13px; padding: 1px 6px; border-radius: 3px; background: #eee; margin-left: 4px; }
        .em-tag.pending { background: #fff3e0; color: #e65100; } .em-tag.checked, .em-tag.evacuated { background: #e8f5e9; color: #1b5e20; }
        .em-tag.not_reached, .em-tag.needs_help { background: #ffebee; color: #b71c1c; font-weight: bold; }
        .em-tag.assist { background: #e3f2fd; color: #0d47a1; } .em-tag.unsent { background: #fff8e1; color: #8d6e00; }
        .em-photo { padding: 0 12px 12px; font-size: 14px; }
        .em-err { color: #b71c1c; font-size: 14px; padding: 0 12px 8px; }
        .em-section { background: #fff; border-radius: 8px; padding: 10px 12px; margin: 10px 0; }
        .em-section h2 { font-size: 16px; margin: 0 0 6px; }
      </style>`);
      view = document.createElement("div");
      view.id = "em-view";
      view.hidden = true;
      const main = document.querySelector("main");
      main.parentNode.insertBefore(view, main);
    }
    return view;
  }

  // Emergency or normal work: the normal page stays as it is underneath, only hidden.
  function showEmergency(on) {
    const view = box();
    const normal = !on || state.normal;
    view.hidden = !on;
    for (const id of ["app", "app-nav"]) { const el = document.getElementById(id); if (el) el.hidden = !normal; }
    const list = view.querySelector(".em-body");
    if (list) list.hidden = state.normal;
  }

  async function poll() {
    clearTimeout(state.timer);
    const headers = state.version ? {"If-None-Match": '"' + state.version + '"'} : {};
    const r = await call("/api/v1/emergency/mine", {headers});
    if (r.status === 200) {
      state.version = r.body.version;
      state.data = r.body;
      for (const a of r.body.activations) if (!state.visits[a.activation_id]) await loadVisits(a.activation_id);
      render();
    }
    state.timer = setTimeout(poll, POLL_MS);
  }

  async function loadVisits(activationId) {
    const cached = sessionStorage.getItem("xz-em-visits-" + activationId);
    if (cached) { state.visits[activationId] = JSON.parse(cached); return; }
    const r = await call("/api/v1/emergency/mine/visits?activation_id=" + encodeURIComponent(activationId));
    if (r.status !== 200) return;
    const byId = {};
    for (const v of r.body.items) byId[v.household_id] = v;
    state.visits[activationId] = byId;
    sessionStorage.setItem("xz-em-visits-" + activationId, JSON.stringify(byId));
  }

  // What the phone believes now: the service's status, or the last report still waiting to be sent.
  function statusOf(activation, household) {
    const waiting = queue().filter(q => q.activation_id === activation.activation_id && q.household_id === household.household_id);
    return waiting.length ? {status: waiting[waiting.length - 1].body.status, unsent: true} : {status: household.status, unsent: false};
  }

  function render() {
    const data = state.data;
    if (!data || !data.activations.length) { showEmergency(false); return; }
    const labels = data.status_labels;
    const view = box();
    let html = "";
    for (const a of data.activations) {
      const visits = state.visits[a.activation_id] || {};
      const shown = a.households.map(h => ({...h, ...statusOf(a, h), visit: visits[h.household_id] || {}}));
      const counts = {};
      for (const h of shown) counts[h.status] = (counts[h.status] || 0) + 1;
      const rank = h => (h.status === "pending" ? 0 : h.status === "needs_help" || h.status === "not_reached" ? 1 : 2) * 2 + (h.assist ? 0 : 1);
      shown.sort((x, y) => rank(x) - rank(y) || String(x.visit.household_number).localeCompare(String(y.visit.household_number)));
      html += "<div class='em-banner' id='em-banner'>战时 · " + esc(a.area_names.join("、")) + " " + esc(a.hazard_label) + " " +
        esc(a.level_label) + (a.drill ? "<span class='em-drill'>演练</span>" : "") + "<div class='muted'>" + esc(a.plan_title || "") +
        " · 启动于 " + esc(new Date(a.activated_at).toLocaleString("zh-CN", {timeZone: "Asia/Shanghai", hour12: false})) + "</div></div>";
      html += "<div class='em-body'><div class='em-counts' id='em-counts'>" + Object.keys(labels).map(s =>
        "<span data-count='" + s + "'>" + esc(labels[s]) + " <b>" + (counts[s] || 0) + "</b></span>").join("") + "</div>";
      const waiting = queue().length;
      html += waiting ? "<div class='em-queue' id='em-queue'>" + waiting + " 条报告待发送，网络恢复后自动补发</div>" : "";
      html += "<ul class='em-list'>" + shown.map(h => household(a, h, labels)).join("") + "</ul>";
      if (a.tasks.length) html += "<div class='em-section'><h2>本网格任务</h2>" + a.tasks.map(t => "<div class='em-task' data-task='" +
        esc(t.task_id) + "'>" + esc(t.kind_label) + "：" + esc(t.title) + (t.overdue ? " <span class='em-tag needs_help'>逾期</span>" : "") +
        (t.repeat_minutes ? "" : " <button class='plain em-done' data-task='" + esc(t.task_id) + "'>完成</button>") + "</div>").join("") + "</div>";
      html += "</div>";
    }
    html += "<p class='muted'><a id='em-switch'>" + (state.normal ? "‹ 返回战时任务" : "日常工作 ›") + "</a></p>";
    view.innerHTML = html;
    wire(view);
    showEmergency(true);
  }

  function household(a, h, labels) {
    const v = h.visit, open = state.open === h.household_id;
    const tail = v.household_number ? String(v.household_number).slice(-6) : h.household_id.slice(-6);
    let html = "<li class='em-hh' data-household='" + esc(h.household_id) + "' data-activation='" + esc(a.activation_id) +
      "' data-status='" + esc(h.status) + "'><button class='em-row' type='button'><b>" + esc(tail) + "</b> " + esc(v.head || "") +
      "<span class='em-tag " + esc(h.status) + "'>" + esc(labels[h.status]) + "</span>" +
      (h.unsent ? "<span class='em-tag unsent'>待发送</span>" : "") +
      (h.assist ? "<span class='em-tag assist'>协助转移 " + h.assist + " 人" + (h.evacuate ? "（优先）" : "") + "</span>" : "") +
      "<div class='em-addr'>" + esc(v.address || "") + (v.assist && v.assist.length ? " · 须协助：" + v.assist.map(p => esc(p.name)).join("、") : "") +
      "</div></button>";
    if (state.errors[h.household_id]) html += "<div class='em-err'>" + esc(state.errors[h.household_id]) + "</div>";
    html += "<div class='em-actions'" + (open ? "" : " hidden") + ">" +
      "<button type='button' data-status='checked'>已核查</button><button type='button' data-status='not_reached'>未联系上</button>" +
      a.shelters.map(s => "<button type='button' data-status='evacuated' data-shelter='" + esc(s.shelter_id) + "'>已转移·" + esc(s.name) + "</button>").join("") +
      "<button type='button' data-status='needs_help'>需要帮助</button></div>";
    if (h.status === "needs_help" && h.report_id) html += "<div class='em-photo'>现场照片（可选）<input type='file' accept='image/*' capture='environment' data-report='" + esc(h.report_id) + "'></div>";
    return html + "</li>";
  }

  function wire(view) {
    for (const li of view.querySelectorAll("li.em-hh")) {
      li.querySelector("button.em-row").onclick = () => {
        state.open = state.open === li.dataset.household ? null : li.dataset.household;
        for (const other of view.querySelectorAll("li.em-hh .em-actions")) other.hidden = other.parentNode.dataset.household !== state.open;
      };
      for (const b of li.querySelectorAll(".em-actions button")) b.onclick = () => mark(li.dataset.activation, li.dataset.household, b.dataset.status, b.dataset.shelter);
      const photo = li.querySelector("input[type=file]");
      if (photo) photo.onchange = () => sendPhoto(photo.dataset.report, photo.files[0]);
    }
    for (const b of view.querySelectorAll("button.em-done")) b.onclick = async () => {
      const note = prompt("完成情况");
      if (!note) return;
      const r = await call("/api/v1/emergency/tasks/" + b.dataset.task + "/done", {method: "POST",
        headers: {"Content-Type": "application/json"}, body: JSON.stringify({note})});
      if (r.status === 200) { state.version = null; poll(); } else alert(r.body.message || "提交失败");
    };
    const toggle = document.getElementById("em-switch");
    if (toggle) toggle.onclick = () => { state.normal = !state.normal; render(); };
  }

  // The second tap: the report goes into the queue at once (the page shows it), then out to the service.
  function mark(activationId, householdId, status, shelterId) {
    const body = {report_id: newId(), status};
    if (shelterId) body.shelter_id = shelterId;
    const q = queue();
    q.push({activation_id: activationId, household_id: householdId, body});
    saveQueue(q);
    state.open = null;
    delete state.errors[householdId];
    render();
    flush();
  }

  async function flush() {
    if (state.flushing) return;
    state.flushing = true;
    try {
      while (queue().length) {
        const item = queue()[0];
        const r = await call("/api/v1/emergency/activations/" + item.activation_id + "/households/" + item.household_id + "/reports",
          {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(item.body)});
        if (r.status === 0 || r.status === 429 || r.status >= 500 || r.status === 401) {
          setTimeout(flush, state.backoff);
          state.backoff = Math.min(state.backoff * 2, MAX_BACKOFF_MS);
          return;
        }
        state.backoff = 2000;
        saveQueue(queue().filter(q => q.body.report_id !== item.body.report_id));
        const act = state.data && state.data.activations.find(a => a.activation_id === item.activation_id);
        const h = act && act.households.find(x => x.household_id === item.household_id);
        if (r.status === 200 && h) { h.status = r.body.status; h.report_id = r.body.report_id; state.version = null; }
        else if (r.status !== 200) state.errors[item.household_id] = r.body.message || "提交未成功";
        render();
      }
    } finally { state.flushing = false; }
  }

  async function sendPhoto(reportId, file) {
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await call("/api/v1/emergency/reports/" + reportId + "/photo", {method: "POST", body: form});
      if (r.status === 201) return;
      if (r.status !== 0 && r.status < 500) { alert(r.body.message || "照片未上传"); return; }
      await new Promise(ok => setTimeout(ok, 2000 * (attempt + 1)));
    }
    alert("网络不通，照片未上传，请稍后再试");
  }

  let started = false;
  function start() {
    if (!started) window.addEventListener("online", () => { flush(); poll(); });
    started = true;
    flush();
    return poll();
  }

  window.XZEmergency = {start, poll};
})();
