// Live updates for every page: server-sent events from /events. A page marked
// data-live="page" refetches itself and swaps its content in place, with no click.
"use strict";

const pamphlet = {
  token: document.querySelector('meta[name="pamphlet-token"]').content,

  async post(url, data) {
    const response = await fetch(url, {
      method: "POST",
      headers: {"content-type": "application/json", "x-pamphlet-token": pamphlet.token},
      body: JSON.stringify(data),
    });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return response.json();
  },

  announce(text) {
    const status = document.getElementById("live-status");
    if (status) status.textContent = text;
  },
};
window.pamphlet = pamphlet;

async function refreshPage() {
  const live = document.getElementById("live");
  const response = await fetch(location.href, {cache: "no-store"});
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const content = fresh.getElementById("live");
  if (!content) return;
  const focused = document.activeElement && document.activeElement.id;
  live.innerHTML = content.innerHTML;
  document.title = fresh.title;
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  live.dispatchEvent(new CustomEvent("pamphlet:refreshed", {bubbles: true}));
  pamphlet.announce("Updated from the files on disk.");
}

function listen() {
  const events = new EventSource("/events");
  events.addEventListener("files", (event) => {
    const data = JSON.parse(event.data);
    document.dispatchEvent(new CustomEvent("pamphlet:files", {detail: data}));
    const live = document.getElementById("live");
    if (live && live.dataset.live === "page") refreshPage();
  });
  events.addEventListener("build", (event) => {
    document.dispatchEvent(new CustomEvent("pamphlet:build", {detail: JSON.parse(event.data)}));
  });
  events.addEventListener("open", () => document.documentElement.dataset.live = "connected");
  window.addEventListener("beforeunload", () => events.close());
}

listen();
