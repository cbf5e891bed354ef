// The bookbuilder: pick, order and annotate essays, set the spec's fields, see estimates,
// build (progress, page spreads, the fold preview, downloads, diagnostics) and save.
// Everything works from the keyboard: buttons move essays, and drag and drop does too.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const builder = {spec: "", shown: "", version: "", essays: [], overrides: {}, job: 0,
                 select: false, touched: false, lastGood: null, estimateTimer: 0};

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
  for (const name of ["name", "date", "time", "place", "host"]) {
    field(`event.${name}`).value = event[name] || "";
  }
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
  for (const name of ["name", "date", "time", "place", "host"]) {
    form[`event.${name}`] = field(`event.${name}`).value.trim();
  }
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
  const title = titleOf(slug);
  const extra = builder.overrides[slug] || {intro: "", questions: [], sections: []};
  builder.overrides[slug] = extra;
  item.dataset.slug = slug;
  $(".title", item).textContent = `${index + 1}. ${title}`;
  for (const [name, words] of [["up", "earlier"], ["down", "later"], ["remove", "from the packet"]]) {
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = name === "remove" ? ` ${title} ${words}` : `: move ${title} ${words}`;
    $(`.${name}`, item).append(hidden);
  }
  $(".up", item).disabled = index === 0;
  $(".down", item).disabled = index === builder.essays.length - 1;
  $(".up", item).addEventListener("click", () => move(slug, -1, "up"));
  $(".down", item).addEventListener("click", () => move(slug, 1, "down"));
  $(".remove", item).addEventListener("click", () => remove(slug));
  $("summary", item).textContent = `Intro, questions, excerpt for ${title}`;
  for (const [name, value] of [["intro", extra.intro || ""],
                               ["questions", (extra.questions || []).join("\n")],
                               ["sections", (extra.sections || []).join("\n")]]) {
    const box = $(`.${name}`, item);
    box.value = value;
    box.addEventListener("input", () => {
      builder.touched = true;
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

function move(slug, delta, focusClass) {
  builder.touched = true;
  const index = builder.essays.indexOf(slug);
  const to = index + delta;
  if (to < 0 || to >= builder.essays.length) return;
  builder.essays.splice(index, 1);
  builder.essays.splice(to, 0, slug);
  renderChosen(slug, focusClass);
  pamphlet.announce(`${titleOf(slug)} is now number ${to + 1} of ${builder.essays.length}.`);
}

function remove(slug) {
  builder.touched = true;
  const index = builder.essays.indexOf(slug);
  builder.essays.splice(index, 1);
  renderChosen();
  const next = $("#chosen li:nth-child(" + Math.min(index + 1, builder.essays.length) + ") .remove");
  (next || $(`#pick-list .add[data-slug="${CSS.escape(slug)}"]`)).focus();
  pamphlet.announce(`${titleOf(slug)} removed.`);
}

function add(slug) {
  if (builder.essays.includes(slug)) return;
  builder.touched = true;
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
    builder.touched = true;
    builder.essays.splice(from, 1);
    builder.essays.splice(to, 0, slug);
    renderChosen();
    pamphlet.announce(`${titleOf(slug)} is now number ${to + 1}.`);
  });
}

function filterPicks() {
  const tag = $("#pick-tag").value;
  const text = $("#pick-text").value.trim().toLowerCase();
  for (const item of document.querySelectorAll("#pick-list li")) {
    const tags = item.dataset.tags.split(" ");
    item.hidden = (tag && !tags.includes(tag)) || (text && !item.dataset.text.includes(text));
  }
}

function scheduleEstimate() {
  clearTimeout(builder.estimateTimer);
  builder.estimateTimer = setTimeout(estimate, 250);
}

async function estimate() {
  const answer = await pamphlet.post("/api/estimate", body());
  $("#estimate").textContent = answer.text;
  showProblems(answer.diagnostics, "What the checks say about this spec", "#form-problems");
}

function body() {
  return {spec: builder.spec, version: builder.version, form: readForm(),
          path: builder.spec ? "" : $("#save-as").value.trim()};
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
  const response = await fetch(`/preview/${job.preview}.json?v=${job.id}`, {cache: "no-store"});
  if (response.ok) drawPreview(await response.json());
}

function image(source, alt) {
  const img = document.createElement("img");
  img.src = source;
  img.alt = alt;
  return img;
}

function drawPreview(index) {
  const spreads = $("#spreads");
  spreads.replaceChildren();
  const pages = index.pages;
  const groups = [[0]];
  for (let n = 1; n < pages.length; n += 2) groups.push(n + 1 < pages.length ? [n, n + 1] : [n]);
  for (const group of groups) {
    const figure = document.createElement("figure");
    figure.className = "spread" + (group.length === 1 && group[0] === 0 ? " first" : "");
    for (const n of group) figure.append(image(pages[n], `Page ${n + 1}`));
    const caption = document.createElement("figcaption");
    caption.textContent = group.length === 2 ? `Pages ${group[0] + 1}–${group[1] + 1}` : `Page ${group[0] + 1}`;
    figure.append(caption);
    spreads.append(figure);
  }
  if (!index.complete) {
    const more = document.createElement("p");
    more.className = "empty";
    more.textContent = `Drawing the other ${index.total_pages - pages.length} pages…`;
    spreads.append(more);
  }
  const sheets = $("#sheets");
  sheets.replaceChildren();
  if (!index.sheets.length) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "No print PDF: choose a print scheme.";
    sheets.append(empty);
  }
  for (const sheet of index.sheets) {
    if (!index.sides[sheet.front] || (sheet.back !== null && !index.sides[sheet.back])) break;
    const figure = document.createElement("figure");
    figure.className = "sheet";
    figure.append(image(index.sides[sheet.front], `Sheet ${sheet.number}, front`));
    if (sheet.back !== null) figure.append(image(index.sides[sheet.back], `Sheet ${sheet.number}, back`));
    const caption = document.createElement("figcaption");
    caption.textContent = `Sheet ${sheet.number}: front` + (sheet.back !== null ? ", then back" : " only");
    figure.append(caption);
    sheets.append(figure);
  }
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
  $("#save-as-label").hidden = true;
  $("#opened").replaceChildren("Editing ", Object.assign(document.createElement("code"),
                                                        {textContent: answer.spec}));
  status(`Saved ${answer.spec}.`, false);
  showProblems(answer.diagnostics, "Saved, with warnings", "#save-problems");
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
  $("#save-as-label").hidden = Boolean(builder.spec);
  if (answer.path) $("#save-as").value = answer.path;
  const note = $("#selection-note");
  note.hidden = !answer.select;
  note.textContent = "This spec chooses its essays by tags ([select]); these are the ones it " +
    "takes now. Add, remove or move one to make it a list of your own.";
  fillForm(answer.draft);
  renderChosen();
}

function start() {
  for (const button of document.querySelectorAll("#pick-list .add")) {
    button.addEventListener("click", () => add(button.dataset.slug));
  }
  $("#pick-tag").addEventListener("change", filterPicks);
  $("#pick-text").addEventListener("input", filterPicks);
  $("#spec-form").addEventListener("input", scheduleEstimate);
  $("#spec-form").addEventListener("submit", (event) => event.preventDefault());
  $("#build").addEventListener("click", build);
  $("#save").addEventListener("click", save);
  document.addEventListener("pamphlet:build", (event) => {
    if (event.detail.spec === builder.shown) showJob(event.detail);
  });
  load();
}

start();
