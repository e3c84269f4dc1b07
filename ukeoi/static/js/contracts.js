/* The contract page. Kept out of the page so the Content Security Policy can forbid inline
   script. Arriving at #cancellation (the withdrawal page and the side panel link there)
   opens the "Propose cancelling the contract" form, so the visitor does not have to find
   and click it; it is only on the page while no cancellation is under way. */
(function () {
  function openCancellation() {
    if (window.location.hash !== "#cancellation") return;
    var details = document.querySelector("#cancellation details.action-form");
    if (details) details.open = true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    openCancellation();
    window.addEventListener("hashchange", openCancellation);
    /* A second click on the same link does not change the hash: open it all the same. */
    document.querySelectorAll('a[href="#cancellation"]').forEach(function (link) {
      link.addEventListener("click", function () { window.setTimeout(openCancellation, 0); });
    });
  });
})();
