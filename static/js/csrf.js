// Pages cached for every reader carry no CSRF token. When such a form is sent,
// fetch a token for this browser first, then send the form. Without this
// script the server answers with a page that offers a fresh form instead.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const field = form.querySelector("input[data-csrf-fill]");
  if (!field || field.value) return;
  event.preventDefault();
  try {
    const response = await fetch(field.dataset.csrfFill, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.ok) field.value = (await response.json()).token;
  } catch {
    // Sent without a token, the form gets the page that offers a fresh one.
  }
  form.submit();
});
