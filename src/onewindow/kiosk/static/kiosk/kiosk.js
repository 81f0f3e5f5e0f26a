// The kiosk keypad: digits into the code field, clear, backspace; six digits submit by themselves.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("kiosk-code");
  const form = document.getElementById("kiosk-form");
  if (!input || !form) return;
  document.querySelectorAll(".keypad .key").forEach((key) => {
    key.addEventListener("click", () => {
      if (key.dataset.digit !== undefined && input.value.length < 6) input.value += key.dataset.digit;
      if (key.dataset.action === "clear") input.value = "";
      if (key.dataset.action === "back") input.value = input.value.slice(0, -1);
      input.focus();
    });
  });
});
