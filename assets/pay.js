// Instant totals on the payment page. The server keeps the selection, checks every amount
// and answers within a few dozen milliseconds; this script repaints the account sums and the
// total from what is on the screen at once, so the kiosk never lags a tap. The server's own
// total replaces this one when it arrives, and «Далее» re-checks everything from the database.
(function () {
  if (window.__gkhPayTotals) return;
  window.__gkhPayTotals = true;

  // «1 234,56», «1234.56», «1234 ₽» → kopecks; null when the server would refuse it.
  // Same rules as gkh_web/domain/money.parse_rubles: spaces only between groups of three digits.
  function kopecks(text) {
    var t = String(text).trim().replace(/\s*(₽|руб\.?|р\.?)$/i, "");
    var m = /^(\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:[.,](\d{0,2}))?$/.exec(t);
    if (!m) return null;
    var whole = m[1].replace(/\D/g, "");
    if (whole.length > 15) return null;
    var value = Number(whole) * 100 + Number(((m[2] || "") + "00").slice(0, 2));
    return value > 0 ? value : null;
  }
  function rubles(k) {
    var whole = String(Math.floor(k / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    return whole + "," + String(k % 100).padStart(2, "0") + "\u00a0₽";
  }
  function checked(box) {
    return box && box.getAttribute("aria-checked") === "true";
  }
  function cap() {
    var holder = document.querySelector("[data-payment-cap]");
    return holder ? Number(holder.getAttribute("data-payment-cap")) : Infinity;
  }
  function repaint() {
    var total = 0;
    var limit = cap();
    document.querySelectorAll(".payable-account").forEach(function (account) {
      var sum = 0;
      var accountChosen = checked(account.querySelector(".account-check"));
      account.querySelectorAll(".payment-document").forEach(function (row) {
        var input = row.querySelector(".document-amount input");
        var amount = input ? kopecks(input.value) : null;
        if (amount !== null && amount > limit) amount = null;
        if (accountChosen && amount !== null && checked(row.querySelector(".document-check"))) sum += amount;
      });
      var shown = account.querySelector(".account-sum");
      if (shown) shown.textContent = rubles(sum);
      if (accountChosen) total += sum;
    });
    var totalNode = document.getElementById("payment-total");
    if (totalNode) totalNode.textContent = rubles(total);
  }
  function onChange(event) {
    var target = event.target;
    if (target && target.closest && target.closest(".payable-account")) repaint();
  }
  document.addEventListener("input", onChange, true);
  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var node = mutations[i].target;
      if (node.closest && node.closest(".payable-account") && node.getAttribute("role") === "checkbox") {
        repaint();
        return;
      }
    }
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["aria-checked"] });
})();
