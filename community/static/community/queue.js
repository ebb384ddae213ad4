// The moderation queue by keyboard: j / k move between posts, a approves the post in
// focus, r opens its rejection, Enter opens it. Every key presses a button or link that
// is on the page anyway, so the queue works the same without this script.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, select, textarea, button, [contenteditable]") !== null;
  }

  function queue(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var current = -1;

    rows.forEach(function (row) {
      row.tabIndex = -1;
    });

    function move(index) {
      if (!rows.length) return;
      index = Math.max(0, Math.min(rows.length - 1, index));
      if (current >= 0) rows[current].classList.remove("queue-current");
      current = index;
      rows[current].classList.add("queue-current");
      rows[current].focus();
    }

    function press(selector) {
      if (current < 0) return false;
      var control = rows[current].querySelector(selector);
      if (!control) return false;
      control.click();
      return true;
    }

    document.addEventListener("keydown", function (event) {
      // Keys typed into a field are text, and a focused button keeps its own Enter.
      if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
      var handled = true;
      switch (event.key) {
        case "j":
          move(current + 1);
          break;
        case "k":
          move(current - 1);
          break;
        case "a":
          handled = press(".queue-approve");
          break;
        case "r":
          handled = press(".queue-reject");
          break;
        case "Enter":
          handled = event.target.tagName === "TR" && press("th a, td a");
          break;
        default:
          handled = false;
      }
      if (handled) event.preventDefault();
    });

    // Decided posts move below the pending ones, so the next post to decide is first.
    if (rows.length) move(0);
  }

  function rejectPage(reasons) {
    var first = reasons.querySelector("input[value]:not([value=''])") || reasons.querySelector("input");
    if (first) first.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("result_list");
    if (table) queue(table);
    var reasons = document.querySelector(".saved-reasons[data-autofocus]");
    if (reasons) rejectPage(reasons);
  });
})();
