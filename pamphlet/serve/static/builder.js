// The bookbuilder: pick, order and annotate essays, set the spec's fields, see estimates,
// build (progress, page spreads, the fold preview, downloads, diagnostics) and save.
// Everything works from the keyboard: buttons move essays, and drag and drop does too.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const builder = {spec: "", shown: "", version: "", essays: [], overrides: {}, job: 0,
                 select: false, touched: false, lastGood: null, estimateTimer: 0,
                 pathChosen: false, dirty: false};
// The [event] keys the form shows, each one line of text (as packet_form.EVENT_TEXT reads them).
const EVENT_FIELDS = ["name", "date", "time", "end", "duration", "place", "host", "contact", "url"];

function titleOf(slug) {
  const item = $(`#pick-list li[data-slug="${CSS.escape(slug)}"] .title`);
  return item ? item.textContent : slug;
}

function lines(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean);
}

function field(name) {
  return $(`#spec-form [name="${name}"]`);
}

function fillForm(draft) {
  for (const name of ["title", "subtitle", "editor", "date", "layout", "page_size", "scheme"]) {
    field(name).value = draft[name] || "";
  }
  const event = draft.event || {};
  for (const name of EVENT_FIELDS) field(`event.${name}`).value = event[name] || "";
  field("event.agenda").value = (event.agenda || []).join("\n");
  builder.essays = [...(draft.essays || [])];
  builder.overrides = structuredClone(draft.essay || {});
}

// The form as packet_form.draft_from_form reads it: flat keys, lists one item a line.
function readForm() {
  const form = {};
  for (const name of ["title", "subtitle", "editor", "date", "layout", "page_size"]) {
    form[name] = field(name).value.trim();
  }
  form["print.scheme"] = field("scheme").value;
  for (const name of EVENT_FIELDS) form[`event.${name}`] = field(`event.${name}`).value.trim();
  form["event.agenda"] = lines(field("event.agenda").value);
  if (builder.select && !builder.touched) return form;  // [select] stays as it is
  form.essays = [...builder.essays];
  for (const slug of builder.essays) {
    const extra = builder.overrides[slug] || {};
    if (extra.intro) form[`essay.${slug}.intro`] = extra.intro;
    if ((extra.questions || []).length) form[`essay.${slug}.questions`] = extra.questions;
    if ((extra.sections || []).length) form[`essay.${slug}.sections`] = extra.sections;
  }
  return form;
}

function renderChosen(focusSlug, focusClass) {
  const list = $("#chosen");
  list.replaceChildren();
  builder.essays.forEach((slug, index) => list.append(chosenItem(slug, index)));
  $("#chosen-empty").hidden = builder.essays.length > 0;
  for (const button of document.querySelectorAll("#pick-list .add")) {
    const inside = builder.essays.includes(button.dataset.slug);
    button.disabled = inside;
    $(".verb", button).textContent = inside ? "Added" : "Add";
  }
  if (focusSlug) {
    const item = $(`#chosen li[data-slug="${CSS.escape(focusSlug)}"]`);
    // Focus stays on the button pressed; at either end, on the one that still moves it.
    const other = focusClass === "up" ? "down" : "up";
    const target = item && ($(`.${focusClass}:not([disabled])`, item) ||
                            $(`.${other}:not([disabled])`, item) || $(".remove", item));
    if (target) target.focus();
  }
  scheduleEstimate();
}

function chosenItem(slug, index) {
  const item = $("#chosen-item").content.firstElementChild.cloneNode(true);
  const extra = builder.overrides[slug] || {intro: "", questions: [], sections: []};
  builder.overrides[slug] = extra;
  item.dataset.slug = slug;
  label(item, slug, index);
  $(".up", item).disabled = index === 0;
  $(".down", item).disabled = index === builder.essays.length - 1;
  $(".up", item).addEventListener("click", () => move(slug, -1, "up"));
  $(".down", item).addEventListener("click", () => move(slug, 1, "down"));
  $(".remove", item).addEventListener("click", () => remove(slug));
  for (const [name, value] of [["intro", extra.intro || ""],
                               ["questions", (extra.questions || []).join("\n")],
                               ["sections", (extra.sections || []).join("\n")]]) {
    const box = $(`.${name}`, item);
    box.value = value;
    box.addEventListener("input", () => {
      builder.touched = builder.dirty = true;
      extra[name] = name === "intro" ? box.value.trim() : lines(box.value);
      scheduleEstimate();
    });
  }
  if (extra.intro || (extra.questions || []).length || (extra.sections || []).length) {
    $("details", item).open = true;
  }
  dragging(item);
  return item;
}

// What an essay's row says: its number and title, and its buttons' names ("Up: move Quiet
// Hours earlier"), written again when the title changes on disk.
function label(item, slug, index) {
  const title = titleOf(slug);
  $(".title", item).replaceChildren(`${index + 1}. `, Object.assign(document.createElement("a"),
    {href: `/essay/${encodeURIComponent(slug)}` +
           (builder.spec ? `?spec=${encodeURIComponent(builder.spec)}` : ""),
     textContent: title}));
  $(".up", item).setAttribute("aria-label", `Up: move ${title} earlier`);
  $(".down", item).setAttribute("aria-label", `Down: move ${title} later`);
  $(".remove", item).setAttribute("aria-label", `Remove ${title} from the packet`);
  $("summary", item).textContent = `Intro, questions, excerpt for ${title}`;
}

function move(slug, delta, focusClass) {
  builder.touched = builder.dirty = true;
  const index = builder.essays.indexOf(slug);
  const to = index + delta;
  if (to < 0 || to >= builder.essays.length) return;
  builder.essays.splice(index, 1);
  builder.essays.splice(to, 0, slug);
  renderChosen(slug, focusClass);
  pamphlet.announce(`${titleOf(slug)} is now number ${to + 1} of ${builder.essays.length}.`);
}

function remove(slug) {
  builder.touched = builder.dirty = true;
  const index = builder.essays.indexOf(slug);
  builder.essays.splice(index, 1);
  renderChosen();
  const next = $("#chosen li:nth-child(" + Math.min(index + 1, builder.essays.length) + ") .remove");
  (next || $(`#pick-list .add[data-slug="${CSS.escape(slug)}"]`)).focus();
  pamphlet.announce(`${titleOf(slug)} removed.`);
}

function add(slug) {
  if (builder.essays.includes(slug)) return;
  builder.touched = builder.dirty = true;
  builder.essays.push(slug);
  renderChosen();
  pamphlet.announce(`${titleOf(slug)} added as number ${builder.essays.length}.`);
}

function dragging(item) {
  item.addEventListener("dragstart", (event) => {
    event.dataTransfer.setData("text/plain", item.dataset.slug);
    event.dataTransfer.effectAllowed = "move";
    item.classList.add("dragging");
  });
  item.addEventListener("dragend", () => item.classList.remove("dragging"));
  item.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });
  item.addEventListener("drop", (event) => {
    event.preventDefault();
    const slug = event.dataTransfer.getData("text/plain");
    const from = builder.essays.indexOf(slug);
    const to = builder.essays.indexOf(item.dataset.slug);
    if (from < 0 || to < 0 || from === to) return;
    builder.touched = builder.dirty = true;
    builder.essays.splice(from, 1);
    builder.essays.splice(to, 0, slug);
    renderChosen();
    pamphlet.announce(`${titleOf(slug)} is now number ${to + 1}.`);
  });
}

// As the library page filters (forms.filter_rows): a tag, and text anywhere in the title,
// author, tags, source or file name; the count is said to screen readers as it changes.
function filterPicks() {
  const tag = $("#pick-tag").value;
  const text = $("#pick-text").value.trim().toLowerCase();
  const items = [...document.querySelectorAll("#pick-list li")];
  for (const item of items) {
    const tags = item.dataset.tags.split(" ");
    item.hidden = Boolean((tag && !tags.includes(tag)) || (text && !item.dataset.text.includes(text)));
  }
  const shown = items.filter((item) => !item.hidden).length;
  const noun = items.length === 1 ? "essay" : "essays";
  $("#pick-count").textContent = `${shown} of ${items.length} ${noun}` +
    (tag ? ` tagged “${tag}”` : "") + (text ? ` matching “${text}”` : "") + ".";
}

function scheduleEstimate() {
  clearTimeout(builder.estimateTimer);
  builder.estimateTimer = setTimeout(estimate, 250);
}

async function estimate() {
  const answer = await pamphlet.post("/api/estimate", body());
  $("#estimate").textContent = answer.text;
  if (!builder.spec && !builder.pathChosen) $("#save-as").value = answer.path;
  showProblems(answer.diagnostics, "What the checks say about this spec", "#form-problems");
  markFields(answer.diagnostics);
}

// A new packet's file is named from its title by the server, unless a name was typed.
function body() {
  return {spec: builder.spec, version: builder.version, form: readForm(),
          path: builder.spec || !builder.pathChosen ? "" : $("#save-as").value.trim()};
}

// Each field a finding is about says so: aria-invalid, and the message under it.
function markFields(items) {
  for (const old of document.querySelectorAll("#spec-form .field-problem")) old.remove();
  for (const input of document.querySelectorAll("#spec-form [aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
  for (const d of items || []) {
    const input = d.field && field(d.field);
    if (!input || input.hasAttribute("aria-invalid")) continue;
    const note = document.createElement("span");
    note.className = "field-problem";
    note.id = `problem-${d.field.replace(/\W/g, "-")}`;
    note.textContent = `${d.code} ${d.message}` + (d.hint ? ` (${d.hint})` : "");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.after(note);
  }
}

function showProblems(items, heading, where = "#problems") {
  const box = $(where);
  box.replaceChildren();
  if (!items || !items.length) return;
  const title = document.createElement("h3");
  title.textContent = heading;
  const list = document.createElement("ul");
  list.className = "diagnostics";
  for (const d of items) {
    const item = document.createElement("li");
    const error = d.severity === "error";
    item.className = error ? "error" : "warning";
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = (d.path || "pamphlet") + (d.line ? `:${d.line}` : "");
    const code = document.createElement("strong");
    code.className = "code";
    code.textContent = d.code;
    item.append(where, " ", code, ` ${error ? "" : "warning: "}${d.message}`);
    if (d.hint) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = `hint: ${d.hint}`;
      item.append(hint);
    }
    list.append(item);
  }
  box.append(title, list);
}

async function build() {
  status("Starting the build…", true);
  const job = await pamphlet.post("/api/build", body());
  builder.shown = job.spec;
  builder.job = job.id;
  showJob(job);
  poll(job.id);
}

async function poll(id) {
  while (builder.job === id) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const response = await fetch(`/api/job/${id}`, {cache: "no-store"});
    if (!response.ok || builder.job !== id) return;
    const job = await response.json();
    showJob(job);
    if (job.state === "done" || job.state === "failed") return;
  }
}

function diskNote(text) {
  $("#disk-note").textContent = text;
  $("#disk-note").hidden = !text;
}

function status(text, busy) {
  $("#status-text").textContent = text;
  $("#progress").hidden = !busy;
  $("#build").setAttribute("aria-busy", busy ? "true" : "false");
}

function showJob(job) {
  if (job.id < builder.job) return;
  builder.job = job.id;
  if (job.state === "queued" || job.state === "building") {
    status(job.state === "queued" ? "Waiting for the other build of this spec…"
                                  : `Building… (${job.elapsed} s)`, true);
    return;
  }
  if (job.state === "done") {
    builder.lastGood = job;
    status(`Built in ${(job.finished - job.started).toFixed(1)} s${job.cached ? " (up to date)" : ""}.`, false);
    showProblems(job.diagnostics, "Warnings");
    showResult(job);
  } else {
    status("The build failed: see the problems below. The last good preview stays.", false);
    showProblems(job.diagnostics, "Why the build failed");
    if (job.last_good && !builder.lastGood) showResult(job.last_good);
  }
  document.getElementById("result-heading").dataset.job = job.id;
}

function showResult(job) {
  const downloads = $("#downloads");
  downloads.replaceChildren();
  for (const name of job.outputs || []) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/out/${job.id}/${encodeURIComponent(name)}`;
    link.download = name;
    link.textContent = `Download ${name}`;
    item.append(link);
    downloads.append(item);
  }
  $("#notes").textContent = (job.notes || []).join(" ");
  fetchPreview(job);
}

async function fetchPreview(job) {
  const spreads = $("#spreads");
  spreads.setAttribute("aria-busy", "true");
  const response = await fetch(`/preview/${job.preview}.json?v=${job.id}`, {cache: "no-store"});
  if (!response.ok || builder.job !== job.id) return;
  const index = await response.json();
  preview.draw(index);
  // Said on the page once drawn: the pages come in two steps (the first few, then the rest).
  spreads.dataset.job = job.id;
  spreads.setAttribute("aria-busy", index.complete ? "false" : "true");
}

async function save() {
  const answer = await pamphlet.post("/api/save", body());
  if (!answer.saved) {
    status("Not saved: see the problems below.", false);
    showProblems(answer.diagnostics, "Why it was not saved", "#save-problems");
    return;
  }
  builder.spec = builder.shown = answer.spec;
  builder.version = answer.version;
  builder.dirty = false;
  diskNote("");
  opened(answer.spec);
  status(`Saved ${answer.spec}.`, false);
  showProblems(answer.diagnostics, "Saved, with warnings", "#save-problems");
  markFields(answer.diagnostics);
}

// The page names the spec it edits: the heading, the spec menu, the address (so a reload
// opens it again), and the essays' links to their reading views.
function opened(spec) {
  $("#save-as-label").hidden = $("#save-as-help").hidden = Boolean(spec);
  $("#builder").dataset.spec = spec;
  $("#opened").replaceChildren(...(spec ? ["Editing ", Object.assign(
    document.createElement("code"), {textContent: spec})] : ["A new packet, not saved yet"]));
  const menu = $('.open-spec select[name="spec"]');
  if (spec && ![...menu.options].some((option) => option.value === spec)) {
    const option = new Option(spec, spec);
    const after = [...menu.options].find((o) => o.value && o.value.localeCompare(spec) > 0);
    menu.add(option, after || null);
  }
  menu.value = spec;
  if (spec) history.replaceState(null, "", `/builder?spec=${encodeURIComponent(spec)}`);
  document.querySelectorAll("#chosen li").forEach((item, index) =>
    label(item, item.dataset.slug, index));
}

async function load() {
  const spec = $("#builder").dataset.spec;
  const response = await fetch(`/api/spec?spec=${encodeURIComponent(spec)}`, {cache: "no-store"});
  const answer = await response.json();
  if (!response.ok) {
    showProblems(answer.diagnostics, "This spec cannot be opened");
    return;
  }
  builder.spec = answer.spec;
  builder.shown = answer.spec;
  builder.version = answer.version;
  builder.select = answer.select;
  builder.touched = builder.dirty = false;
  diskNote("");
  opened(builder.spec);
  if (answer.path) $("#save-as").value = answer.path;
  const note = $("#selection-note");
  note.hidden = !answer.select;
  note.textContent = "This spec chooses its essays by tags ([select]); these are the ones it " +
    "takes now. Add, remove or move one to make it a list of your own.";
  fillForm(answer.draft);
  renderChosen();
}

// Files changed on disk: the library's rows are read again from this page's own address
// (titles, words, new and removed essays), and the essays in the packet are renamed in
// place, so nothing typed is lost. The spec itself is opened again only when nothing in the
// page is unsaved; else the page says so (saving would be refused, V140).
async function changed(paths) {
  if (paths.some((path) => path.startsWith("source/"))) await refreshLibrary();
  if (builder.spec && paths.includes(builder.spec)) {
    if (!builder.dirty) {
      await load();
      pamphlet.announce(`${builder.spec} changed on disk and was opened again.`);
    } else {
      // Said apart from the status line, which the next build's progress takes over: it
      // stands until the page is saved or the file opened again.
      diskNote(`${builder.spec} changed on disk. Your changes here are kept; to keep both, ` +
               "save under another name, or reload to see the file.");
    }
  }
}

async function refreshLibrary() {
  const response = await fetch(location.href, {cache: "no-store"});
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const list = fresh.getElementById("pick-list");
  const tags = fresh.getElementById("pick-tag");
  if (!list || !tags) return;
  const focused = document.activeElement && document.activeElement.closest("#pick-list li");
  const tag = $("#pick-tag").value;
  $("#pick-tag").replaceChildren(...tags.children);
  $("#pick-tag").value = [...$("#pick-tag").options].some((o) => o.value === tag) ? tag : "";
  $("#pick-list").replaceChildren(...list.children);
  bindAdds();
  filterPicks();
  for (const button of document.querySelectorAll("#pick-list .add")) {
    const inside = builder.essays.includes(button.dataset.slug);
    button.disabled = inside;
    $(".verb", button).textContent = inside ? "Added" : "Add";
  }
  if (focused) {
    const again = $(`#pick-list li[data-slug="${CSS.escape(focused.dataset.slug)}"] .add`);
    if (again) again.focus();
  }
  document.querySelectorAll("#chosen li").forEach((item, index) =>
    label(item, item.dataset.slug, index));
  scheduleEstimate();
}

function bindAdds() {
  for (const button of document.querySelectorAll("#pick-list .add")) {
    button.addEventListener("click", () => add(button.dataset.slug));
  }
}

function start() {
  bindAdds();
  $("#pick-tag").addEventListener("change", filterPicks);
  $("#pick-text").addEventListener("input", filterPicks);
  $("#spec-form").addEventListener("input", () => {
    builder.dirty = true;
    scheduleEstimate();
  });
  $("#save-as").addEventListener("input", () => {
    builder.pathChosen = $("#save-as").value.trim() !== "";
    if (!builder.pathChosen) scheduleEstimate();  // a name from the title again
  });
  $("#spec-form").addEventListener("submit", (event) => event.preventDefault());
  $("#build").addEventListener("click", build);
  $("#save").addEventListener("click", save);
  document.addEventListener("pamphlet:build", (event) => {
    if (event.detail.spec === builder.shown) showJob(event.detail);
  });
  document.addEventListener("pamphlet:files", (event) => changed(event.detail.paths));
  load();
}

start();
