/* Progressive enhancement for the public pages; every page works without it.
   Served from /static (CSP script-src 'self'): no inline script anywhere. */
(function () {
  "use strict";

  // After a refused form, move focus to the error summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Registration and corrections: ask only for the dates the chosen title type needs.
  var form = document.querySelector("form[data-title-form]");
  if (form) {
    var radios = form.querySelectorAll('input[name="title_type"]');
    var blocks = form.querySelectorAll("[data-for-types]");
    var update = function () {
      var chosen = form.querySelector('input[name="title_type"]:checked');
      var type = chosen ? chosen.value : null;
      Array.prototype.forEach.call(blocks, function (block) {
        var types = block.getAttribute("data-for-types").split(" ");
        block.hidden = type === null || types.indexOf(type) === -1;
      });
    };
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  // Copy buttons (the calendar feed's address); without script the field is selectable.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    if (!target || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value).then(function () {
        if (status) { status.textContent = button.getAttribute("data-copied"); }
      }, function () {
        target.select();
      });
    });
  });
})();
