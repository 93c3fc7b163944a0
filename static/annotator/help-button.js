// The "Keys (?)" button opens the same help as the ? key.
const help = document.getElementById("ann-help");
document.getElementById("ann-help-open").addEventListener("click", () => {
  help.hidden = false;
  help.querySelector("button").focus();
});
