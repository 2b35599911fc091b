// The console's behaviour: live updates, keyboard, live proofreading. Every fan text is handled as
// text (textContent), never as markup; the server's own escaped HTML fragments are the only HTML set.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
const page = () => document.body.dataset.page;

// A session that ended (idle, too old, or the account changed) sends the page to the sign-in form.
function signedOutIf(resp) {
  if (resp.status === 401 && page() !== "login") location.assign("/console/login");
  return resp;
}

async function post(url, body) {
  return signedOutIf(await fetch(url, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf()},
    body: JSON.stringify(body || {})}));
}

// -- the inbox: live rows and j/k -------------------------------------------------------------
let selected = 0;

function rows() { return Array.from(document.querySelectorAll("#rows .row")); }

function select(index) {
  const all = rows();
  if (!all.length) return;
  selected = Math.max(0, Math.min(index, all.length - 1));
  all.forEach((row, i) => row.classList.toggle("selected", i === selected));
  all[selected].scrollIntoView({block: "nearest"});
}

let refreshing = null;
async function refreshRows() {
  const list = document.getElementById("rows");
  if (!list) return;
  if (refreshing) { refreshing.again = true; return; }
  refreshing = {again: false};
  try {
    const resp = signedOutIf(await fetch(list.dataset.src, {credentials: "same-origin"}));
    if (resp.ok) {
      const html = await resp.text();
      // The row selected now, not when the fetch began: a j/k pressed while it ran is kept.
      const keep = rows()[selected] && rows()[selected].dataset.id;
      list.innerHTML = html;  // server-rendered, autoescaped
      const index = rows().findIndex(r => r.dataset.id === keep);
      select(index >= 0 ? index : selected);
    }
  } finally {
    const again = refreshing.again;
    refreshing = null;
    if (again) refreshRows();
  }
}

// -- the conversation page: the fan's new messages appear as they arrive ---------------------------
let threading = null;
async function refreshThread() {
  const list = document.getElementById("thread-list");
  if (!list) return;
  if (threading) { threading.again = true; return; }
  threading = {again: false};
  try {
    const resp = signedOutIf(await fetch(`/console/item/${document.body.dataset.item}/thread`,
      {credentials: "same-origin"}));
    if (resp.ok) list.innerHTML = await resp.text();  // server-rendered, autoescaped
  } finally {
    const again = threading.again;
    threading = null;
    if (again) refreshThread();
  }
}

// One row changed (a new case, a CM opened or handled one): only that row is fetched and put in its place.
async function refreshRow(id) {
  const list = document.getElementById("rows");
  if (!list || !id) return;
  const url = new URL(list.dataset.src, location.href);
  url.searchParams.set("id", id);
  const resp = signedOutIf(await fetch(url, {credentials: "same-origin"}));
  if (!resp.ok) return;
  const template = document.createElement("template");
  template.innerHTML = await resp.text();  // server-rendered, autoescaped
  const row = template.content.querySelector(".row");
  const keep = rows()[selected] && rows()[selected].dataset.id;
  const old = rows().find(r => r.dataset.id === id);
  const size = parseInt(list.dataset.pageSize, 10);
  if (!row) { if (old) old.remove(); }
  else if (old) old.replaceWith(row);
  else if (list.dataset.paged === "yes") {
    // A new row: its place in the view's order, if that place is on this page.
    const score = parseFloat(row.dataset.score), all = rows();
    const before = all.findIndex(r => parseFloat(r.dataset.score) > score);
    if (before > 0 || (before === 0 && list.dataset.page === "1")) list.insertBefore(row, all[before]);
    else if (before < 0 && all.length < size) list.append(row);
    if (rows().length > size) rows().pop().remove();
  } else return;
  list.querySelector(".empty")?.remove();
  const index = rows().findIndex(r => r.dataset.id === keep);
  select(index >= 0 ? index : selected);
}

// -- the navigation bar's counts, kept current on every page --------------------------------------
let counting = null;
async function refreshCounts() {
  if (!document.querySelector("[data-count]")) return;
  if (counting) { counting.again = true; return; }
  counting = {again: false};
  try {
    const resp = signedOutIf(await fetch("/console/api/counts",
      {credentials: "same-origin", headers: {"Accept": "application/json"}}));
    if (resp.ok) {
      const counts = await resp.json();
      document.querySelectorAll("[data-count]").forEach((span) => {
        if (span.dataset.count in counts) span.textContent = String(counts[span.dataset.count]);
      });
      // The tab's title carries what waits, so a CM on another tab sees new work.
      const waiting = (counts.escalations || 0) + (counts.drafts || 0);
      document.title = `(${waiting}) ` + document.title.replace(/^\(\d+\) /, "");
    }
  } finally {
    const again = counting.again;
    counting = null;
    if (again) refreshCounts();
  }
}

// -- alerts: a sound and a desktop notification for new work, when the CM turned them on --------------
const ALERTS = "relais-alerts";
function alertsOn() { return localStorage.getItem(ALERTS) === "on"; }

function showAlerts() {
  const button = document.getElementById("notify");
  if (!button) return;
  button.setAttribute("aria-pressed", String(alertsOn()));
  button.textContent = alertsOn() ? button.dataset.on : button.dataset.off;
}

function alertsSetup() {
  const button = document.getElementById("notify");
  if (!button) return;
  showAlerts();
  button.addEventListener("click", async () => {
    if (alertsOn()) localStorage.removeItem(ALERTS);
    else {
      localStorage.setItem(ALERTS, "on");
      if (window.Notification && Notification.permission === "default") await Notification.requestPermission();
    }
    showAlerts();
  });
}

function alertNewWork() {
  if (!alertsOn() || !document.hidden) return;
  try {
    const audio = new AudioContext(), tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = 880; gain.gain.value = 0.08;
    tone.connect(gain).connect(audio.destination);
    tone.start(); tone.stop(audio.currentTime + 0.15);
  } catch (_) { /* no sound available */ }
  if (window.Notification && Notification.permission === "granted") {
    new Notification(document.getElementById("notify").dataset.title);
  }
}

function mentioned(data) {
  const flash = document.getElementById("mention-flash");
  const link = flash.querySelector("a");
  link.href = `/console/item/${encodeURIComponent(data.id)}`;
  link.textContent = flash.dataset.template.replace("{name}", data.by || "");
  flash.hidden = false;
  if (page() === "inbox") refreshRow(data.id);
  if (alertsOn() && document.hidden && window.Notification && Notification.permission === "granted") {
    new Notification(link.textContent);
  }
}

function live() {
  if (!window.EventSource) return;
  const source = new EventSource("/console/events");
  const onEvent = (e) => {
    const data = JSON.parse(e.data);
    if (data.type === "mention") {  // a colleague named this CM in a note
      if (data.to === document.body.dataset.me) mentioned(data);
      return;
    }
    if (data.type === "item" || data.type === "handled") refreshCounts();
    if (data.type === "item" && data.view) alertNewWork();
    if (page() === "inbox") { if (data.id) refreshRow(data.id); else refreshRows(); }
    if (page() === "item" && data.id === document.body.dataset.item && data.type === "viewing"
        && data.by && data.by !== document.body.dataset.me) {
      const viewers = document.getElementById("viewers");
      const names = new Set((viewers.dataset.names || "").split(",").filter(Boolean));
      names.add(data.by);
      viewers.dataset.names = Array.from(names).join(",");
      viewers.textContent = viewers.dataset.template.replace("{names}", Array.from(names).join(", "));
      viewers.hidden = false;
    }
    if (page() === "item" && data.type === "item" && data.conversation
        && data.conversation === document.body.dataset.conversation) refreshThread();
    if (page() === "item" && data.id === document.body.dataset.item && data.type === "handled") {
      const flash = document.getElementById("live-flash") || document.createElement("p");
      flash.id = "live-flash"; flash.className = "flash error";
      flash.textContent = "⟳ " + (data.by || "");
      document.querySelector("main").prepend(flash);
    }
  };
  ["item", "handled", "viewing", "mention"].forEach(name => source.addEventListener(name, onEvent));
  // The stream refused (its session ended): find out, and go to the sign-in form if so.
  source.addEventListener("error", async () => {
    if (source.readyState === EventSource.CLOSED) {
      signedOutIf(await fetch("/console/api/counts", {credentials: "same-origin", headers: {"Accept": "application/json"}}));
    }
  });
  // Whatever happened before the stream (re)connected — a colleague opened an item while this page loaded,
  // or the connection dropped — is caught up with once it is open.
  source.addEventListener("open", () => {
    refreshCounts();
    if (page() === "inbox") refreshRows();
    if (page() === "item") refreshThread();
  });
}

// -- the conversation page: live proofreading -------------------------------------------------
let checkTimer = null, checkSeq = 0;

function renderProof(text, issues) {
  const proof = document.getElementById("proof");
  if (!proof) return;
  proof.replaceChildren();
  const problems = document.getElementById("problems");
  const anyway = document.getElementById("anyway");
  if (!issues.length) {
    proof.textContent = proof.dataset.clean;
    problems.hidden = true; anyway.hidden = true;
    return;
  }
  const view = document.createElement("p");
  view.className = "proof-text";
  let at = 0;
  issues.slice().sort((a, b) => a.start - b.start).forEach((issue) => {
    if (issue.start < at) return;
    view.append(document.createTextNode(text.slice(at, issue.start)));
    const mark = document.createElement("mark");
    mark.className = "issue";
    mark.title = issue.message;
    mark.textContent = text.slice(issue.start, issue.end);
    view.append(mark);
    issue.suggestions.slice(0, 3).forEach((s) => {
      const b = document.createElement("button");
      b.type = "button"; b.className = "suggestion"; b.textContent = s;
      b.addEventListener("click", () => applySuggestion(issue, s));
      view.append(b);
    });
    at = issue.end;
  });
  view.append(document.createTextNode(text.slice(at)));
  proof.append(view);
  const explained = document.createElement("ul");
  explained.className = "issues";
  issues.slice().sort((a, b) => a.start - b.start).forEach((issue) => {
    const li = document.createElement("li");
    const word = document.createElement("q");
    word.textContent = issue.word || text.slice(issue.start, issue.end);
    li.append(word, document.createTextNode(" — " + issue.message));
    explained.append(li);
  });
  proof.append(explained);
  problems.textContent = problems.dataset.template
    ? problems.dataset.template.replace("{n}", issues.length) : issues.length + " ⚠";
  problems.hidden = false; anyway.hidden = false;
}

function applySuggestion(issue, suggestion) {
  const editor = document.getElementById("editor");
  const text = editor.value;
  if (text.slice(issue.start, issue.end) !== issue.word && text.slice(issue.start, issue.end) === "") return;
  editor.value = text.slice(0, issue.start) + suggestion + text.slice(issue.end);
  check();
}

async function check() {
  const editor = document.getElementById("editor");
  if (!editor) return;
  const seq = ++checkSeq, text = editor.value;
  document.body.dataset.proofread = "checking";
  const resp = await post("/console/api/proofread",
    {text, language: editor.dataset.language, first_name: editor.dataset.firstName || null});
  if (seq !== checkSeq) return;  // a newer check is on its way
  const data = await resp.json();
  renderProof(text, data.issues || []);
  document.body.dataset.proofread = "done";
}

function editorSetup() {
  const editor = document.getElementById("editor");
  if (!editor) return;
  const problems = document.getElementById("problems");
  problems.dataset.template = document.documentElement.lang === "fr"
    ? "{n} problème(s) à corriger avant d'envoyer." : "{n} problem(s) to fix before sending.";
  editor.addEventListener("input", () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 350);
  });
  document.querySelectorAll(".use-canned").forEach((b) => b.addEventListener("click", () => {
    editor.value = b.dataset.text;
    document.getElementById("source").value = "canned";
    check();
  }));
  if (editor.value.trim()) check();
  const id = document.body.dataset.item;
  setInterval(() => post(`/console/api/item/${id}/viewing`), 60000);
}

// -- keyboard ----------------------------------------------------------------------------------
function submit(id) {
  const form = document.getElementById(id);
  if (form) form.requestSubmit();
}

// Approving sends the editor's text: the draft as shown, or as the CM edited it.
function approve() {
  const button = document.getElementById("approve");
  if (button) document.getElementById("send-form").requestSubmit(button);
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (["BUTTON", "A", "SUMMARY"].includes(document.activeElement.tagName) && (e.key === "Enter" || e.key === " ")) {
    return;  // the focused control's own action
  }
  if (["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    if (e.key === "Escape") document.activeElement.blur();
    return;
  }
  const current = rows()[selected];
  if (page() === "inbox") {
    if (e.key === "j") select(selected + 1);
    else if (e.key === "k") select(selected - 1);
    else if ((e.key === "Enter" || e.key === "o") && current) location.href = current.dataset.href;
    else if (e.key === "e" && current) location.href = current.dataset.href + "#edit";
    // A draft is approved only once read: "a" opens it, its approve button ready.
    else if (e.key === "a" && current && current.querySelector(".review")) location.href = current.dataset.href + "#approve";
    else if (e.key === "r" && current) location.href = current.dataset.href + "#resolve";
    else if (e.key === "x" && current && current.querySelector(".pick")) {
      const pick = current.querySelector(".pick"); pick.checked = !pick.checked;
    }
    else if (e.key === "n" && document.getElementById("next-page")) document.getElementById("next-page").click();
    else if (e.key === "p" && document.getElementById("prev-page")) document.getElementById("prev-page").click();
    else return;
    e.preventDefault();
  } else if (page() === "item") {
    if (e.key === "e") document.getElementById("editor")?.focus();
    else if (e.key === "a") approve();
    else if (e.key === "r") submit("resolve-form");
    else return;
    e.preventDefault();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  if (document.body.dataset.me) { live(); alertsSetup(); }  // the sign-in page has nothing live to show
  if (page() === "inbox") select(0);
  if (page() === "item") {
    editorSetup();
    if (location.hash === "#edit") document.getElementById("editor")?.focus();
    if (location.hash === "#resolve") document.getElementById("resolve")?.focus();
    if (location.hash === "#approve") document.getElementById("approve")?.focus();
  }
});
