/* Site-wide behaviour, kept out of the pages so the Content Security Policy can forbid
   inline script. The language menu in the footer applies the choice at once. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
});
