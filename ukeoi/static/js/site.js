/* Site-wide behaviour, kept out of the pages so the Content Security Policy can forbid
   inline script. The language menu in the footer applies the choice at once. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  /* The header's menus are checkboxes and work without this; it only adds that Escape
     closes an open menu (focus back on its button) and a click elsewhere closes the
     account menu. */
  var toggles = document.querySelectorAll(".site-header input.toggle");
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    toggles.forEach(function (toggle) {
      if (toggle.checked) { toggle.checked = false; toggle.focus(); }
    });
  });
  document.addEventListener("click", function (event) {
    var account = document.getElementById("account-toggle");
    if (account && account.checked && !event.target.closest(".account-menu")) {
      account.checked = false;
    }
  });
});
