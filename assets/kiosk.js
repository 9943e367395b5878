// Kiosk idle guard. On pages that carry #kiosk-guard: after data-idle seconds without a touch,
// opens «Вы ещё здесь?» (#kiosk-idle-prompt), counts data-countdown seconds down in
// #kiosk-countdown, then triggers the full reset (#kiosk-idle-reset). While someone is active it
// pings the server about once a minute (#kiosk-activity) so the server-side session stays alive.
// Tests may shorten the times with window.gkhKioskConfig = {idleSeconds, countdownSeconds}.
(function () {
  if (window.__gkhKioskGuard) return;
  window.__gkhKioskGuard = true;
  var lastActivity = Date.now();
  var lastPing = Date.now();
  var promptStartedAt = 0;
  var prompting = false;

  function config() {
    var guard = document.getElementById("kiosk-guard");
    if (!guard) return null;
    var override = window.gkhKioskConfig || {};
    return {
      idle: Number(override.idleSeconds || guard.dataset.idle),
      countdown: Number(override.countdownSeconds || guard.dataset.countdown),
    };
  }
  function press(id) {
    var button = document.getElementById(id);
    if (button) button.click();
  }
  function onActivity(event) {
    var target = event.target;
    if (prompting) {
      // While asking, only an answer in the dialog counts (a stray touch elsewhere must not).
      if (!(target && target.closest && target.closest("#kiosk-still-here"))) return;
      prompting = false;
    }
    lastActivity = Date.now();
  }
  ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, onActivity, { capture: true, passive: true });
  });
  setInterval(function () {
    var cfg = config();
    var now = Date.now();
    if (!cfg) {
      lastActivity = now;
      prompting = false;
      return;
    }
    if (!prompting && now - lastActivity >= cfg.idle * 1000) {
      prompting = true;
      promptStartedAt = now;
      press("kiosk-idle-prompt");
    }
    if (prompting) {
      var left = Math.max(0, cfg.countdown - Math.floor((now - promptStartedAt) / 1000));
      var counter = document.getElementById("kiosk-countdown");
      if (counter) counter.textContent = String(left);
      if (left <= 0) {
        prompting = false;
        lastActivity = now;
        press("kiosk-idle-reset");
      }
    } else if (now - lastActivity < 2000 && now - lastPing > 60000) {
      lastPing = now;
      press("kiosk-activity");
    }
  }, 250);
})();
