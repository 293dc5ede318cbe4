// Presentation mode: the keys a presenter's clicker sends move the slides, and a button asks for full screen.
// Keys are read on the whole page (the presenter never clicks into this component first); typing in a
// text box is left alone.
const MOVES = {
  ArrowRight: "next", PageDown: "next", " ": "next", Spacebar: "next",
  ArrowLeft: "previous", PageUp: "previous", Home: "first", End: "last",
};

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const button = parentElement.querySelector("button");
  button.textContent = document.fullscreenElement ? data.leave_full_screen : data.full_screen;
  button.onclick = () => {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else {
      document.documentElement.requestFullscreen().catch(() => {});
    }
  };
  const relabel = () => {
    button.textContent = document.fullscreenElement ? data.leave_full_screen : data.full_screen;
  };
  const onKey = (event) => {
    const move = MOVES[event.key];
    const target = event.target;
    if (!move || event.altKey || event.ctrlKey || event.metaKey
        || (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)))) {
      return;
    }
    event.preventDefault();  // Space and PageDown would scroll the page instead
    if (target && target.tagName === "BUTTON") {
      target.blur();  // else Space would also press the button last clicked (次へ: two slides at once)
    }
    setTriggerValue("move", move);
  };
  document.addEventListener("keydown", onKey);
  document.addEventListener("fullscreenchange", relabel);
  return () => {
    document.removeEventListener("keydown", onKey);
    document.removeEventListener("fullscreenchange", relabel);
  };
}
