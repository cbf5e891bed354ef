// The bookbuilder's preview of a build: the reading PDF as spreads, and the print PDF as the
// sheets come out of the printer, each page's number over its place (from the imposition's
// own plan: jobs._slots), each side shown at full size on request.
"use strict";

const preview = (() => {
  const $ = (selector, root = document) => root.querySelector(selector);

  function image(source, alt) {
    const img = document.createElement("img");
    img.src = source;
    img.alt = alt;
    return img;
  }

  function empty(text) {
    return Object.assign(document.createElement("p"), {className: "empty", textContent: text});
  }

  function drawSpreads(index) {
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
      spreads.append(empty(`Drawing the other ${index.total_pages - pages.length} pages…`));
    }
  }

  // Which pages stand on a side, across and down: "pages 10 and 1", "a blank page and page 3".
  function pagesOf(slots) {
    const cells = [...slots.cells].sort((a, b) => a.row - b.row || a.col - b.col);
    const join = (names) => names.length === 1 ? names[0]
      : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
    if (cells.every((cell) => cell.page !== null)) {
      return (cells.length === 1 ? "page " : "pages ") + join(cells.map((c) => String(c.page)));
    }
    return join(cells.map((c) => c.page === null ? "a blank page" : `page ${c.page}`));
  }

  // A side's picture with each page's number over its place; a click (or its button, from
  // the keyboard) shows it at full size.
  function side(source, slots, title) {
    const box = document.createElement("div");
    box.className = "side";
    const frame = document.createElement("span");
    frame.className = "side-frame";
    frame.append(image(source, `${title}: ${pagesOf(slots)}`), labels(slots));
    const button = document.createElement("button");
    button.type = "button";
    button.className = "enlarge";
    button.textContent = `${title.replace(/^Sheet \d+, /, "")} at full size`;
    button.setAttribute("aria-label", `${title} at full size`);
    button.addEventListener("click", () => enlarge(source, slots, title));
    frame.addEventListener("click", () => enlarge(source, slots, title, button));
    box.append(frame, button);
    return box;
  }

  function labels(slots) {
    const grid = document.createElement("span");
    grid.className = "slots";
    grid.setAttribute("aria-hidden", "true");
    grid.style.gridTemplateColumns = `repeat(${slots.cols}, 1fr)`;
    grid.style.gridTemplateRows = `repeat(${slots.rows}, 1fr)`;
    for (const cell of slots.cells) {
      const slot = document.createElement("span");
      slot.className = "slot" + (cell.page === null ? " blank" : "") + (cell.rotate ? " turned" : "");
      slot.style.gridColumn = String(cell.col + 1);
      slot.style.gridRow = String(cell.row + 1);
      const number = document.createElement("span");
      number.className = "page-number";
      number.textContent = cell.page === null ? "blank" : String(cell.page);
      slot.append(number);
      grid.append(slot);
    }
    return grid;
  }

  function enlarge(source, slots, title, opener = document.activeElement) {
    const dialog = $("#enlarged");
    $("#enlarged-title").textContent = `${title}: ${pagesOf(slots)}`;
    const frame = document.createElement("span");
    frame.className = "side-frame";
    frame.append(image(source, `${title}, at full size`), labels(slots));
    $(".enlarged-side", dialog).replaceChildren(frame);
    dialog.addEventListener("close", () => opener && opener.focus(), {once: true});
    dialog.showModal();
    $("#enlarged-close").focus();
  }

  function drawSheets(index) {
    const sheets = $("#sheets");
    sheets.replaceChildren();
    if (!index.sheets.length) {
      sheets.append(empty("No sheets to fold: choose a print scheme to see them."));
    }
    for (const sheet of index.sheets) {
      if (!index.sides[sheet.front] || (sheet.back !== null && !index.sides[sheet.back])) break;
      const figure = document.createElement("figure");
      figure.className = "sheet";
      const sides = document.createElement("div");
      sides.className = "sheet-sides";
      sides.append(side(index.sides[sheet.front], sheet.slots[0], `Sheet ${sheet.number}, front`));
      if (sheet.back !== null) {
        sides.append(side(index.sides[sheet.back], sheet.slots[1], `Sheet ${sheet.number}, back`));
      }
      const caption = document.createElement("figcaption");
      caption.textContent = `Sheet ${sheet.number}: front, ${pagesOf(sheet.slots[0])}` +
        (sheet.back !== null ? `; then back, ${pagesOf(sheet.slots[1])}` : " (front only)");
      figure.append(sides, caption);
      sheets.append(figure);
    }
  }

  return {
    draw(index) {
      drawSpreads(index);
      drawSheets(index);
    },
  };
})();
window.preview = preview;
