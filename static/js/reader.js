// Every reader, signed in or not, gets the same stored page. In a browser with a
// session (the server sets the `reader` cookie while it has one), ask the
// server once what differs for this reader, and show it:
//   data-reader-show="NAME"     shown when the answer's NAME is true (or set)
//   data-reader-hide="NAME"     hidden when it is
//   data-reader-disable="NAME"  disabled when it is
//   data-reader-link="NAME"     a link to NAME.url, reading NAME.title
// Without JavaScript the page still works: the links lead to pages made for
// the reader (their posts, the report form).
(async () => {
  const main = document.getElementById("main");
  if (!main || !document.cookie.split(/;\s*/).includes("reader=1")) return;
  const query = new URLSearchParams();
  for (const name of ["article", "experience"]) {
    if (main.dataset[name]) query.set(name, main.dataset[name]);
  }
  let state;
  try {
    const response = await fetch(`${main.dataset.reader}?${query}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    state = await response.json();
  } catch {
    return; // The page stays as every reader sees it.
  }
  for (const element of document.querySelectorAll("[data-reader-show]")) {
    if (state[element.dataset.readerShow]) element.hidden = false;
  }
  for (const element of document.querySelectorAll("[data-reader-hide]")) {
    if (state[element.dataset.readerHide]) element.hidden = true;
  }
  for (const element of document.querySelectorAll("[data-reader-disable]")) {
    if (state[element.dataset.readerDisable]) element.disabled = true;
  }
  for (const link of document.querySelectorAll("[data-reader-link]")) {
    const target = state[link.dataset.readerLink];
    if (!target) continue;
    link.href = target.url;
    link.textContent = target.title;
  }
})();
