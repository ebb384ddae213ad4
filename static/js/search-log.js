// A page of search results counts its search once it is shown (articles/searchlog.py):
// the page may come from a cache, where nothing on the server runs. No cookie is sent.
(() => {
  const main = document.getElementById("main");
  const url = main && main.dataset.searchLog;
  if (url) fetch(url, { credentials: "omit", keepalive: true }).catch(() => {});
})();
