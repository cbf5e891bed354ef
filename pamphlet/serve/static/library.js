// The library page filters as you type: each change of the tag, the text or the order asks
// the server for the page at that address (forms.filter_rows, as without scripts) and puts
// its table and count in place, so the count is said by screen readers and the address can
// be shared. A table wider than the window says that it scrolls.
"use strict";

(() => {
  let timer = 0;
  let asked = 0;

  function form() {
    return document.querySelector("form.filters");
  }

  async function filter() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form())) if (value) params.set(key, value);
    const address = params.size ? `/?${params}` : "/";
    const mine = ++asked;
    const response = await fetch(address, {cache: "no-store"});
    if (!response.ok || mine !== asked) return;  // a later change has asked again
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const selector of ["table.library tbody", "#count"]) {
      const old = document.querySelector(selector);
      const next = fresh.querySelector(selector);
      if (old && next) old.replaceWith(next);
    }
    history.replaceState(null, "", address);
    cue();
  }

  function soon(delay) {
    clearTimeout(timer);
    timer = setTimeout(filter, delay);
  }

  // The cue shows while the table is wider than its region, and only then.
  function cue() {
    const region = document.querySelector(".table-scroll");
    const note = document.getElementById("scroll-cue");
    if (region && note) note.hidden = region.scrollWidth <= region.clientWidth + 1;
  }

  function prepare() {
    const button = document.querySelector("form.filters .show");
    if (button) button.hidden = true;  // the filters act as they change
    cue();
  }

  document.addEventListener("input", (event) => {
    if (event.target.closest("form.filters")) soon(event.target.type === "search" ? 200 : 0);
  });
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("form.filters")) return;
    event.preventDefault();
    soon(0);
  });
  document.addEventListener("pamphlet:refreshed", prepare);
  new ResizeObserver(cue).observe(document.documentElement);
  prepare();
})();
