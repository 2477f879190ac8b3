// The holiday calendar (节假日安排) page of the console: a year as the suite counts working days (the State
// Council's notice once loaded, the built-in calendar for the years it knows, otherwise the statutory holidays,
// marked provisional), and for county administrators the form that previews and loads a year's notice, pasted as
// published. See addSections and OPENERS in index.html; api, jsonPost, esc, me, when, tag, showError and clearErrors
// come from there.
addSections(`
<style>
  .cal-provisional { color: #b26a00; font-weight: bold; }
  #cal-days td, #cal-changes td { padding: 2px 10px 2px 0; }
</style>
<section data-tab="calendar" data-label="节假日安排" data-needs="registry.read">
  <h2>节假日安排（计算工作日时限所用）</h2>
  <form id="cal-year-form" class="filters">
    <label>年份 <input name="year" type="number" min="2004" max="2100" required></label>
    <button type="submit">查看</button> <span class="err" data-for="year"></span><span class="err" data-for=""></span>
  </form>
  <div id="cal-year"></div>
  <form id="cal-notice-form" hidden>
    <h3>导入国务院办公厅节假日安排通知</h3>
    <p class="muted">将通知原文粘贴在下面（每项形如“一、元旦：1月1日（周五）至3日（周日）放假，共3天。”，调休写明“某月某日（周六）上班”）。
      先预览，核对无误后导入；导入后各服务按新日历重算未办结事项的工作日时限，原“暂定”时限随之确定。</p>
    <p>年份（可空，从通知标题读出） <input name="year" type="number" min="2004" max="2100"> <span class="err" data-for="year"></span></p>
    <p><textarea name="text" rows="10" style="width:95%"></textarea><br><span class="err" data-for="text"></span></p>
    <button type="button" id="cal-preview">预览</button> <button type="submit">导入</button> <span class="err" data-for=""></span>
  </form>
  <div id="cal-preview-out"></div>
</section>
`);

const CAL_BASIS = {notice: "国务院放假安排通知", package: "内置官方日历", statutory: "按法定节日推算（暂定）"};
function calDay(iso) {
  return new Date(iso + "T00:00:00+08:00").toLocaleDateString("zh-CN", {timeZone: "Asia/Shanghai", month: "long", day: "numeric", weekday: "short"});
}
async function showCalendarYear(year) {
  const form = document.getElementById("cal-year-form");
  clearErrors(form);
  try {
    const y = await api("/api/v1/calendar/years/" + encodeURIComponent(year));
    form.year.value = y.year;
    const notice = y.notice ? "<p>依据：" + esc(y.notice.title) + (y.notice.document_number ? "（" + esc(y.notice.document_number) + "）" : "") + "</p>" : "";
    document.getElementById("cal-year").innerHTML =
      "<p>来源：" + tag(CAL_BASIS[y.basis] || y.basis_label, y.provisional ? "due_soon" : "") +
      (y.provisional ? " <span class='cal-provisional'>该年放假安排尚未发布：只按法定节日（含周末补假）推算，调休上班日未知，相关时限均为暂定。</span>" : "") + "</p>" + notice +
      "<table id='cal-days'><tr><th>工作日放假</th><th>节日</th></tr>" +
      (y.weekday_days_off.map(d => "<tr><td>" + esc(calDay(d.date)) + "</td><td>" + esc(d.name || "") + "</td></tr>").join("") || "<tr><td colspan='2'>无</td></tr>") +
      "</table><p>调休上班（周末上班）：" + (y.working_weekend_days.map(d => esc(calDay(d.date))).join("、") || "无") + "</p>" +
      (y.versions.length ? "<h3>历次导入</h3><table id='cal-versions'><tr><th>版本</th><th>通知</th><th>导入时间</th><th>导入人</th></tr>" +
        y.versions.map(v => "<tr><td>" + v.revision + "</td><td>" + esc(v.title) + "</td><td>" + esc(when(v.loaded_at)) + "</td><td>" +
          esc(v.loaded_by || "") + "</td></tr>").join("") + "</table>" : "");
  } catch (err) { showError(form, err); }
}
function calNoticeBody(form) {
  const body = {text: form.text.value};
  if (form.year.value) body.year = Number(form.year.value);
  return body;
}
async function showCalendar() {
  const form = document.getElementById("cal-year-form");
  if (!form.dataset.ready) {
    form.onsubmit = (e) => { e.preventDefault(); showCalendarYear(form.year.value); };
    const notice = document.getElementById("cal-notice-form");
    notice.hidden = !(me && me.permissions.includes("affairs.configure"));
    document.getElementById("cal-preview").onclick = async () => {
      clearErrors(notice);
      try {
        const p = await jsonPost("/api/v1/calendar/notices/preview", calNoticeBody(notice));
        document.getElementById("cal-preview-out").innerHTML = "<h3>预览：" + esc(p.notice.title) + "</h3><p>放假 " + p.notice.days_off +
          " 天（含周末），调休上班 " + p.notice.working_weekend_days + " 天；与现有日历相比变化 " + p.changed_days.length +
          " 天，将调整 " + p.deadlines_moved + " 件未办结事项的时限。</p><table id='cal-changes'><tr><th>日期</th><th>原为</th><th>改为</th></tr>" +
          p.changed_days.map(d => "<tr><td>" + esc(calDay(d.date)) + "</td><td>" + esc(d.was) + "</td><td>" +
            (d.working ? "上班" : "放假" + (d.name ? "（" + esc(d.name) + "）" : "")) + "</td></tr>").join("") + "</table>";
      } catch (err) { showError(notice, err); }
    };
    notice.onsubmit = async (e) => {
      e.preventDefault(); clearErrors(notice);
      try {
        const y = await jsonPost("/api/v1/calendar/notices", calNoticeBody(notice));
        document.getElementById("cal-preview-out").innerHTML = "<p id='cal-loaded'>已导入 " + y.year + " 年放假安排（第 " +
          y.versions[0].revision + " 版），各服务正在按新日历重算时限。</p>";
        showCalendarYear(y.year);
      } catch (err) { showError(notice, err); }
    };
    form.dataset.ready = "1";
  }
  const year = form.year.value || new Date(Date.now() + 8 * 3600e3).getUTCFullYear() + 1;  // next year: the one to prepare
  showCalendarYear(year);
}
OPENERS["calendar"] = showCalendar;
