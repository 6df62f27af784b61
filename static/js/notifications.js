/* Live notifications: the header bell, its menu, toasts, the notifications page.
 *
 * Everything works without this file: the bell is a link to the notifications page
 * and every action is a POST form. With it:
 *
 * - the bell becomes a button that opens a menu of the newest notifications (a
 *   disclosure: Escape, a click outside or tabbing away closes it);
 * - one websocket to /ws/notifications/ (same origin; the session cookie signs it
 *   in) keeps the unread count live, adds new notifications to the open menu and to
 *   the first page of the list, and announces each in a toast (a polite live region);
 * - "Mark all read", "Mark read" and clicking an unread item go over the socket when
 *   it is open, and fall back to the POST forms when it is not;
 * - a dropped connection is retried with exponential backoff and jitter (1 s doubling
 *   to 30 s, reset by the server's hello), not while the tab is hidden or the browser
 *   offline; a ping every 25 s keeps proxies from closing an idle connection and
 *   detects a dead one. After a reconnect the menu is reloaded from the server, since
 *   pushes sent meanwhile were missed;
 * - parts of the page marked data-live-refresh (the wallet's balances, a project's
 *   milestones) are fetched again when a notification about them arrives, so a
 *   payment shows without a reload.
 *
 * The wire protocol is in docs/REALTIME.md. Server text is only ever set as text.
 */
(() => {
  "use strict";

  const bell = document.querySelector("[data-bell]");
  if (!bell || !("WebSocket" in window)) {
    return;
  }

  const PING_MS = 25000;
  const BACKOFF_FIRST_MS = 1000;
  const BACKOFF_CAP_MS = 30000;
  const TOAST_MS = 6000;
  const MAX_TOASTS = 3;
  const MENU_SIZE = 8; // notifications.context_processors.MENU_SIZE
  const GO_WAIT_MS = 600; // how long a click on an unread item waits for the server's answer
  const CLOSE_UNAUTHENTICATED = 4401; // the server's "signed out": retrying cannot help

  const toggle = bell.querySelector("[data-bell-toggle]");
  const link = bell.querySelector("[data-bell-link]");
  const menu = bell.querySelector("[data-bell-menu]");
  const status = bell.querySelector("[data-bell-status]");
  const toasts = document.querySelector("[data-toasts]");
  const toastTemplate = document.querySelector("template[data-toast-template]");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  const state = {
    unread: Number(bell.dataset.unread) || 0,
    socket: null,
    ready: false, // the server said hello on this socket
    hellos: 0,
    attempt: 0,
    retryTimer: 0,
    pingTimer: 0,
    awaitingPong: false,
    goTo: "", // where a click on an unread item goes once the server has marked it read
    goTimer: 0,
    leaving: false,
    signedOut: false,
  };

  /* ---------- the count ---------- */

  function setUnread(count) {
    const n = Math.max(0, Math.floor(Number(count) || 0));
    state.unread = n;
    const text = n > 99 ? "99+" : String(n);
    for (const badge of document.querySelectorAll("[data-bell-count]")) {
      badge.textContent = text;
      badge.hidden = n === 0;
    }
    const label = n ? `Notifications, ${n} unread` : "Notifications";
    for (const element of bell.querySelectorAll("[data-bell-label]")) {
      element.setAttribute("aria-label", label);
    }
    for (const form of document.querySelectorAll("form[data-mark-all]")) {
      if (n === 0 && form.contains(document.activeElement)) {
        // The button is about to disappear: keep the focus near where it was.
        (bell.contains(form) ? toggle : document.querySelector("main")).focus();
      }
      form.hidden = n === 0;
    }
    const summary = document.querySelector("[data-unread-summary]");
    if (summary) {
      summary.textContent = n ? `${n} unread` : "You have read everything.";
    }
  }

  function say(text) {
    if (status) {
      status.textContent = "";
      // A new text node after a tick, so that the same sentence twice is announced twice.
      window.setTimeout(() => {
        status.textContent = text;
      }, 50);
    }
  }

  /* ---------- items: the menu, the page, marking read ---------- */

  const readUrl = (id) => bell.dataset.readUrl.replace(/\/0\/read\/$/, `/${id}/read/`);
  const itemsOf = (id) => document.querySelectorAll(`[data-notification-id="${Number(id)}"]`);
  const menuList = () => menu.querySelector("[data-notification-list]");
  const pageList = () => document.querySelector("main [data-notification-list][data-live]");

  function markRead(item) {
    item.classList.remove("is-unread");
    for (const label of item.querySelectorAll("[data-unread-label]")) {
      label.remove();
    }
    const form = item.querySelector("form[data-mark-read]");
    if (form) {
      if (form.contains(document.activeElement)) {
        const next = item.querySelector("[data-notification-link]");
        if (next) {
          next.focus();
        }
      }
      form.remove();
    }
  }

  function markAllRead() {
    for (const item of document.querySelectorAll("[data-notification-id].is-unread")) {
      markRead(item);
    }
  }

  function truncate(text, length) {
    return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;
  }

  function fill(node, notification, bodyLength) {
    node.dataset.notificationId = String(notification.id);
    const target = node.querySelector("[data-notification-link]") || node.querySelector("a");
    if (target && notification.link) {
      target.setAttribute("href", notification.link);
    }
    for (const title of node.querySelectorAll('[data-field="title"]')) {
      title.textContent = notification.title || "";
    }
    for (const body of node.querySelectorAll('[data-field="body"]')) {
      if (notification.body) {
        body.textContent = truncate(notification.body, bodyLength);
      } else {
        body.remove();
      }
    }
    for (const time of node.querySelectorAll("[data-reltime]")) {
      time.setAttribute("datetime", notification.created_at);
      time.textContent = relativeTime(notification.created_at);
    }
    const form = node.querySelector("form[data-mark-read]");
    if (form) {
      form.setAttribute("action", readUrl(notification.id));
    }
    return node;
  }

  function clone(name) {
    const template = document.querySelector(`template[data-item-template="${name}"]`);
    return template ? template.content.firstElementChild.cloneNode(true) : null;
  }

  function prepend(list, empty, templateName, notification, keep, bodyLength) {
    if (!list || list.querySelector(`[data-notification-id="${Number(notification.id)}"]`)) {
      return;
    }
    const node = clone(templateName);
    if (!node) {
      return;
    }
    list.prepend(fill(node, notification, bodyLength));
    if (keep) {
      while (list.children.length > keep) {
        list.lastElementChild.remove();
      }
    }
    if (empty) {
      empty.hidden = true;
    }
  }

  function addNotification(notification) {
    prepend(menuList(), menu.querySelector("[data-notification-empty]"), "menu", notification, MENU_SIZE, 110);
    const main = document.querySelector("main");
    prepend(pageList(), main && main.querySelector("[data-notification-empty]"), "feed", notification, 0, 2000);
  }

  // The menu's items as the server has them now (after a reconnect, pushes may have been missed).
  async function reloadMenu() {
    const holder = menu.querySelector("[data-bell-items]");
    try {
      const response = await fetch(bell.dataset.menuUrl, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok || response.redirected) {
        return;
      }
      const html = await response.text();
      const hadFocus = holder.contains(document.activeElement);
      // Our own server-rendered, autoescaped fragment (and innerHTML never runs scripts).
      holder.innerHTML = html;
      if (hadFocus) {
        toggle.focus();
      }
    } catch {
      // Offline again: the next hello reloads it.
    }
  }

  /* ---------- relative times ---------- */

  const relative = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });
  const UNITS = [
    ["year", 365 * 24 * 3600],
    ["month", 30 * 24 * 3600],
    ["week", 7 * 24 * 3600],
    ["day", 24 * 3600],
    ["hour", 3600],
    ["minute", 60],
  ];

  function relativeTime(iso) {
    const seconds = (Date.parse(iso) - Date.now()) / 1000;
    if (!Number.isFinite(seconds)) {
      return "";
    }
    for (const [unit, size] of UNITS) {
      if (Math.abs(seconds) >= size) {
        return relative.format(Math.round(seconds / size), unit);
      }
    }
    return relative.format(0, "second"); // "now", as the server writes it
  }

  function refreshTimes() {
    for (const time of document.querySelectorAll("time[data-reltime][datetime]")) {
      const text = relativeTime(time.getAttribute("datetime"));
      if (text) {
        time.textContent = text;
      }
    }
  }

  /* ---------- toasts ---------- */

  function dismiss(toast) {
    if (!toast.isConnected || toast.classList.contains("is-leaving")) {
      return;
    }
    window.clearTimeout(Number(toast.dataset.timer));
    if (toast.contains(document.activeElement)) {
      (toggle.hidden ? link : toggle).focus();
    }
    if (reducedMotion.matches) {
      toast.remove();
      return;
    }
    toast.classList.add("is-leaving");
    toast.addEventListener("animationend", () => toast.remove(), { once: true });
    window.setTimeout(() => toast.remove(), 400); // in case the animation never runs
  }

  function arm(toast) {
    window.clearTimeout(Number(toast.dataset.timer));
    toast.dataset.timer = String(window.setTimeout(() => dismiss(toast), TOAST_MS));
  }

  function showToast(notification) {
    if (!toasts || !toastTemplate) {
      return;
    }
    const toast = fill(toastTemplate.content.firstElementChild.cloneNode(true), notification, 140);
    toast.classList.add("is-unread"); // a click on it marks it read, like a click in the menu
    toast.querySelector("[data-toast-close]").addEventListener("click", () => dismiss(toast));
    // Pointer or keyboard on the toast holds it; leaving it starts the time again.
    toast.addEventListener("mouseenter", () => window.clearTimeout(Number(toast.dataset.timer)));
    toast.addEventListener("focusin", () => window.clearTimeout(Number(toast.dataset.timer)));
    toast.addEventListener("mouseleave", () => toast.contains(document.activeElement) || arm(toast));
    toast.addEventListener("focusout", (event) => toast.contains(event.relatedTarget) || arm(toast));
    const shown = toasts.querySelectorAll("[data-toast]:not(.is-leaving)");
    for (let i = 0; i <= shown.length - MAX_TOASTS; i += 1) {
      shown[i].remove();
    }
    toasts.append(toast);
    arm(toast);
  }

  /* ---------- the socket ---------- */

  function send(message) {
    const socket = state.socket;
    if (!socket || !state.ready || socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  function stopPing() {
    window.clearInterval(state.pingTimer);
    state.pingTimer = 0;
    state.awaitingPong = false;
  }

  function startPing() {
    stopPing();
    state.pingTimer = window.setInterval(() => {
      if (state.awaitingPong) {
        // No answer to the last ping: the connection is dead without having said so.
        drop();
        scheduleReconnect();
        return;
      }
      state.awaitingPong = send({ type: "ping" });
    }, PING_MS);
  }

  // Close the socket on purpose: its close event then schedules nothing.
  function drop() {
    const socket = state.socket;
    state.socket = null;
    state.ready = false;
    bell.dataset.socket = "closed";
    stopPing();
    if (socket && socket.readyState <= WebSocket.OPEN) {
      socket.close(1000);
    }
  }

  function cancelRetry() {
    window.clearTimeout(state.retryTimer);
    state.retryTimer = 0;
  }

  function scheduleReconnect() {
    if (state.retryTimer || state.socket || state.leaving || state.signedOut) {
      return;
    }
    if (document.hidden || navigator.onLine === false) {
      return; // visibilitychange or online starts again
    }
    const base = Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** state.attempt);
    // ±20 % jitter, so that the pages a server restart dropped do not all come back at once.
    const delay = Math.min(BACKOFF_CAP_MS, base * (0.8 + Math.random() * 0.4));
    state.attempt += 1;
    state.retryTimer = window.setTimeout(() => {
      state.retryTimer = 0;
      connect();
    }, delay);
  }

  function connect() {
    cancelRetry();
    if (state.socket || state.leaving || state.signedOut || document.hidden) {
      return;
    }
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${window.location.host}${bell.dataset.socketPath}`);
    } catch {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    state.ready = false;
    socket.addEventListener("open", () => {
      if (socket === state.socket) {
        startPing();
      }
    });
    socket.addEventListener("message", (event) => {
      if (socket === state.socket) {
        receive(event.data);
      }
    });
    socket.addEventListener("close", (event) => {
      if (socket !== state.socket) {
        return; // closed on purpose
      }
      state.socket = null;
      state.ready = false;
      bell.dataset.socket = "closed";
      stopPing();
      // Signed out meanwhile (in another tab, or the session expired): the forms
      // still work and lead to the sign-in page.
      state.signedOut = event.code === CLOSE_UNAUTHENTICATED;
      scheduleReconnect();
    });
  }

  function goNow() {
    window.clearTimeout(state.goTimer);
    const target = state.goTo;
    state.goTo = "";
    if (target) {
      window.location.assign(target);
    }
  }

  function receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    state.awaitingPong = false; // any message proves the connection alive
    switch (message.type) {
      case "hello": {
        state.ready = true;
        bell.dataset.socket = "open"; // for the browser tests, and for styles should they want it
        state.attempt = 0;
        const missed = state.hellos > 0 || message.unread !== state.unread;
        state.hellos += 1;
        setUnread(message.unread);
        if (missed) {
          reloadMenu();
          refreshRegions(null); // news came before this socket was open: whatever changed
        }
        break;
      }
      case "notification":
        if (message.notification) {
          addNotification(message.notification);
          showToast(message.notification);
          refreshRegions(String(message.notification.kind || ""));
        }
        setUnread(message.unread);
        break;
      case "unread": {
        const before = state.unread;
        setUnread(message.unread);
        if (state.unread === 0) {
          markAllRead();
        } else if (state.unread !== before) {
          reloadMenu(); // read or added on another page: which ones, only the server knows
        }
        goNow();
        break;
      }
      case "error":
        goNow();
        break;
      default:
        break; // "pong", and anything newer than this file
    }
  }

  /* ---------- live regions: parts of the page that follow the news ---------- */

  // An element with an id and data-live-refresh="<kind prefixes>" (e.g. "milestone_
  // withdrawal_") is fetched again when a notification of one of those kinds arrives,
  // or after a reconnect (pushes may have been missed), and replaced by the server's
  // fresh copy of the same page: a balance, a milestone's state, a history table.
  // A region the person is working in (focus inside, or a field they changed) is
  // left alone; it is up to date on their next page load.
  // One fetch at a time: an answer that was slow must never land after a newer one.
  // The page is asked with X-Live-Refresh, so it leaves flash messages for the next
  // real page load, and from the address the region names (data-live-src) when it
  // has one: a page shown after a refused form sits at the form's POST address.
  const REGION_DEBOUNCE_MS = 150;
  const regionsDue = new Set();
  let regionTimer = 0;
  let regionsLoading = false;

  function concerns(region, kind) {
    const prefixes = region.dataset.liveRefresh.trim().split(/\s+/).filter(Boolean);
    return kind === null || prefixes.length === 0 || prefixes.some((prefix) => kind.startsWith(prefix));
  }

  function selectChanged(select) {
    const options = [...select.options];
    if (select.multiple) {
      return options.some((option) => option.selected !== option.defaultSelected);
    }
    // With no option marked selected, the browser shows the first one: the default too.
    const initial = Math.max(0, options.map((option) => option.defaultSelected).lastIndexOf(true));
    return options.length > 0 && select.selectedIndex !== initial;
  }

  function inUse(region) {
    const active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) {
      return true;
    }
    for (const field of region.querySelectorAll("input, textarea, select")) {
      if (field.type === "hidden") {
        continue;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) return true;
      } else if (field instanceof HTMLSelectElement) {
        if (selectChanged(field)) return true;
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function refreshRegions(kind) {
    for (const region of document.querySelectorAll("[data-live-refresh][id]")) {
      if (concerns(region, kind)) {
        regionsDue.add(region.id);
      }
    }
    if (regionsDue.size) {
      window.clearTimeout(regionTimer);
      regionTimer = window.setTimeout(reloadRegions, REGION_DEBOUNCE_MS); // one fetch for a burst
    }
  }

  async function freshPage(url) {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "text/html", "X-Live-Refresh": "1" },
      });
      if (!response.ok || response.redirected) {
        return null;
      }
      return new DOMParser().parseFromString(await response.text(), "text/html");
    } catch {
      return null; // offline again: the next hello refreshes
    }
  }

  function replaceRegions(fresh, ids) {
    for (const id of ids) {
      const current = document.getElementById(id);
      const next = fresh.getElementById(id);
      if (!current || !next || inUse(current) || current.innerHTML === next.innerHTML) {
        continue;
      }
      const updated = document.importNode(next, true);
      updated.dataset.liveVersion = String((Number(current.dataset.liveVersion) || 0) + 1);
      updated.classList.add("is-live-updated");
      current.replaceWith(updated);
    }
    refreshTimes();
  }

  async function reloadRegions() {
    if (regionsLoading) {
      return; // the round in flight starts another when it ends
    }
    regionsLoading = true;
    try {
      const bySource = new Map();
      for (const id of regionsDue) {
        const region = document.getElementById(id);
        if (region) {
          const source = region.dataset.liveSrc || window.location.href;
          bySource.set(source, [...(bySource.get(source) || []), id]);
        }
      }
      regionsDue.clear();
      for (const [source, ids] of bySource) {
        const fresh = await freshPage(source);
        if (fresh) {
          replaceRegions(fresh, ids);
        }
      }
    } finally {
      regionsLoading = false;
    }
    if (regionsDue.size) {
      reloadRegions();
    }
  }

  /* ---------- the menu (a disclosure) ---------- */

  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";

  function openMenu() {
    menu.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    refreshTimes();
  }

  function closeMenu(returnFocus) {
    if (!isOpen()) {
      return;
    }
    menu.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    if (returnFocus) {
      toggle.focus();
    }
  }

  toggle.addEventListener("click", () => (isOpen() ? closeMenu(false) : openMenu()));

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      closeMenu(true);
    }
  });

  document.addEventListener("click", (event) => {
    if (isOpen() && !bell.contains(event.target)) {
      closeMenu(false);
    }
  });

  bell.addEventListener("focusout", (event) => {
    if (event.relatedTarget && !bell.contains(event.relatedTarget)) {
      closeMenu(false);
    }
  });

  // The link stays for a browser without JavaScript; this one gets the button.
  link.hidden = true;
  toggle.hidden = false;

  /* ---------- actions over the socket, else the POST forms ---------- */

  function postTo(url) {
    const token = document.querySelector("form[data-mark-all] input[name=csrfmiddlewaretoken]");
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    form.hidden = true;
    if (token) {
      form.append(token.cloneNode());
    }
    document.body.append(form);
    form.submit();
  }

  document.addEventListener("click", (event) => {
    const anchor = event.target instanceof Element && event.target.closest("[data-notification-link], [data-toast] a");
    const item = anchor && anchor.closest("[data-notification-id]");
    if (!item || !item.classList.contains("is-unread") || event.defaultPrevented) {
      return;
    }
    const id = Number(item.dataset.notificationId);
    const newTab = event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (send({ type: "mark_read", id })) {
      for (const each of itemsOf(id)) {
        markRead(each);
      }
      setUnread(state.unread - 1);
      if (!newTab) {
        // Leave once the server has answered (or shortly after): closing the page
        // could otherwise close the socket before the message is read.
        event.preventDefault();
        state.goTo = anchor.href;
        state.goTimer = window.setTimeout(goNow, GO_WAIT_MS);
      }
    } else if (!newTab) {
      event.preventDefault();
      postTo(`${readUrl(id)}?go=1`);
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
      return;
    }
    if (form.hasAttribute("data-mark-all")) {
      if (send({ type: "mark_all_read" })) {
        event.preventDefault();
        markAllRead();
        setUnread(0);
        say("All notifications are marked as read.");
      }
    } else if (form.hasAttribute("data-mark-read")) {
      const item = form.closest("[data-notification-id]");
      const id = item && Number(item.dataset.notificationId);
      if (id && send({ type: "mark_read", id })) {
        event.preventDefault();
        for (const each of itemsOf(id)) {
          markRead(each);
        }
        setUnread(state.unread - 1);
        say("Marked as read.");
      }
    }
  });

  /* ---------- the page's life ---------- */

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      cancelRetry(); // an open socket stays open; a closed one waits until the tab is seen
    } else {
      connect();
      refreshTimes();
    }
  });

  // Browsers keep a socket open when the network goes: close it, and come back online at once.
  window.addEventListener("offline", () => {
    cancelRetry();
    drop();
  });
  window.addEventListener("online", () => {
    state.attempt = 0;
    connect();
  });

  // A page with an open socket cannot enter the back-forward cache: close it on the way out.
  window.addEventListener("pagehide", () => {
    state.leaving = true;
    cancelRetry();
    drop();
  });
  window.addEventListener("pageshow", (event) => {
    state.leaving = false;
    if (event.persisted) {
      connect();
    }
  });

  window.setInterval(() => {
    if (!document.hidden) {
      refreshTimes();
    }
  }, 60000);

  connect();
})();
