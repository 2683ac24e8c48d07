// The printable packet's "Print or save as PDF" button (kcstat_dash/web/templates/packet_print.html).
// A script file rather than an onclick attribute, which the Content-Security-Policy refuses.
// Dash loads every file in assets/ on its own pages too, where no such button exists.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("button.print-button");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
