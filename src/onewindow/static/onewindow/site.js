/* Behaviour every page shares. No inline handlers: the Content-Security-Policy refuses them. */
(function () {
  "use strict";
  // <button data-print>: print the page (办事指南, 受理通知书 …).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
