/* Sign-In with Ethereum (EIP-4361) in the browser.
 *
 * Any element with data-siwe="start" opens the sign-in dialog rendered by
 * base.html. The flow talks to the wallet through the EIP-1193 provider that
 * browser wallets inject as window.ethereum:
 *
 *   eth_requestAccounts -> GET /api/v1/auth/nonce?address=… -> eth_chainId
 *   (-> wallet_switchEthereumChain when the network is not allowed) -> show the
 *   exact message -> personal_sign -> POST /api/v1/auth/login -> navigate.
 *
 * The server writes the message (with the EIP-55 form of the address), so this
 * file needs no hashing code: it signs exactly the text the server returned and
 * shows exactly that text first. Without JavaScript or <dialog> support the
 * start links simply lead to the sign-in page.
 */
(() => {
  "use strict";

  // EIP-1193 error codes.
  const USER_REJECTED = 4001;
  const UNRECOGNIZED_CHAIN = 4902;
  // MetaMask's "a request of this kind is already waiting for the person".
  const REQUEST_PENDING = -32002;

  // Server error codes that mean "the message is too old": the remedy is a fresh one.
  const EXPIRED_CODES = new Set(["nonce_expired", "expired", "stale_issued_at"]);

  // Stop offering a message a little before the server stops accepting it: the
  // signature still has to travel to the server after the person signs.
  const EXPIRY_MARGIN_MS = 5000;

  const WAITING = "Waiting for your wallet…";

  const CHAIN_NAMES = {
    1: "Ethereum Mainnet",
    10: "OP Mainnet",
    56: "BNB Smart Chain",
    137: "Polygon",
    8453: "Base",
    17000: "Holesky",
    42161: "Arbitrum One",
    84532: "Base Sepolia",
    11155111: "Sepolia",
    1337: "a local development chain (1337)",
    31337: "a local development chain (31337)",
  };

  const dialog = document.querySelector("[data-siwe-dialog]");
  if (!dialog || typeof dialog.showModal !== "function") {
    // Old browser or a page without the dialog: the links keep working as links.
    return;
  }

  const state = {
    run: 0, // increases on every start and on close: late answers of an older run are ignored
    opener: null,
    next: null,
    provider: null,
    address: null,
    challenge: null,
    expiryTimer: 0,
    signing: false,
    listening: false,
    leaving: false, // signed in: the page is about to change, keep the opener's "Signed in…"
  };

  /* ---------- small helpers ---------- */

  class SiweError extends Error {
    constructor(detail, code) {
      super(detail);
      this.code = code || "";
    }
  }

  const field = (name) => dialog.querySelector(`[data-siwe-field="${name}"]`);
  const panel = (name) => dialog.querySelector(`[data-siwe-panel="${name}"]`);
  const action = (name) => dialog.querySelector(`[data-siwe-panel]:not([hidden]) [data-siwe-action="${name}"]`);
  const isStale = (run) => run !== state.run || !dialog.open;

  function announce(text) {
    const live = dialog.querySelector("[data-siwe-live]");
    // Clearing first makes a repeated sentence (the same error twice) be heard again.
    live.textContent = "";
    window.setTimeout(() => {
      live.textContent = text;
    }, 50);
  }

  function chainName(id) {
    return CHAIN_NAMES[id] || `the network with chain id ${id}`;
  }

  function parseChainId(value) {
    // Wallets answer eth_chainId with a hex string; a few old ones with a number.
    if (typeof value === "number") return value;
    if (typeof value === "string") return value.startsWith("0x") ? parseInt(value, 16) : parseInt(value, 10);
    return NaN;
  }

  function utf8Hex(text) {
    // personal_sign takes the message as hex of its UTF-8 bytes, so that no
    // wallet has to guess whether a string is text or already hex.
    let hex = "0x";
    for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, "0");
    return hex;
  }

  function csrfToken() {
    const input =
      document.querySelector("[data-siwe-csrf] input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function safeLocalUrl(value) {
    // Only ever navigate within this site: a "next" from the address bar is
    // attacker-controlled, and even the server's answer is checked.
    if (typeof value !== "string" || value === "") return null;
    try {
      const url = new URL(value, window.location.origin);
      if (url.origin !== window.location.origin) return null;
      return url.pathname + url.search + url.hash;
    } catch {
      return null;
    }
  }

  function walletSentence(error) {
    if (error && error.code === REQUEST_PENDING) {
      return "Your wallet already has a request waiting. Open your wallet, answer it, then try again.";
    }
    const message = error && typeof error.message === "string" ? error.message.trim() : "";
    return message ? `Your wallet reported a problem: ${message}` : "Your wallet reported a problem. Please try again.";
  }

  /* ---------- buttons ---------- */

  // The idle label of each busy button, as nodes: a label may hold markup
  // (the header's " with Ethereum" is hidden on narrow screens).
  const idleLabels = new WeakMap();

  function setBusy(button, busy, text) {
    if (!button) return;
    const label = button.querySelector("[data-siwe-label]") || button;
    if (busy) {
      if (!idleLabels.has(button)) idleLabels.set(button, Array.from(label.childNodes, (node) => node.cloneNode(true)));
      label.textContent = text || WAITING;
      button.classList.add("is-busy");
      button.setAttribute("aria-busy", "true");
      // A link cannot be disabled; aria-disabled plus the click guard do the same.
      if (button.tagName === "BUTTON") button.disabled = true;
      else button.setAttribute("aria-disabled", "true");
    } else {
      if (idleLabels.has(button)) {
        label.replaceChildren(...idleLabels.get(button));
        idleLabels.delete(button);
      }
      button.classList.remove("is-busy");
      button.removeAttribute("aria-busy");
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    }
  }

  function resetBusyButtons() {
    for (const button of dialog.querySelectorAll(".is-busy")) setBusy(button, false);
  }

  /* ---------- panels ---------- */

  function show(name) {
    for (const section of dialog.querySelectorAll("[data-siwe-panel]")) {
      section.hidden = section.dataset.siwePanel !== name;
    }
    const heading = panel(name).querySelector("h2");
    dialog.setAttribute("aria-labelledby", heading.id);
    dialog.dataset.panel = name;
    if (!dialog.open) dialog.showModal();
    // The heading takes focus so that a screen reader reads where the person
    // now is; Tab then walks through the panel's content and buttons.
    heading.focus();
  }

  function showError(detail) {
    field("error-detail").textContent = detail;
    show("error");
    announce(detail);
  }

  function showExpired(detail) {
    clearExpiryTimer();
    const text = detail || "The message expired before it was signed. Get a fresh one to continue.";
    field("expired-detail").textContent = text;
    show("expired");
    announce(text);
  }

  function fail(error) {
    if (!dialog.open) return;
    if (error instanceof SiweError) {
      if (EXPIRED_CODES.has(error.code)) showExpired(error.message);
      else showError(error.message);
    } else if (error && error.code === USER_REJECTED) {
      show("cancelled");
    } else {
      showError(walletSentence(error));
    }
  }

  /* ---------- the server ---------- */

  async function callServer(url, options) {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", cache: "no-store", ...options });
    } catch {
      throw new SiweError("WorkWall could not be reached. Check your connection and try again.", "network");
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.ok && body) return body;
    // Every API error carries a stable code and a human sentence; anything else
    // (a proxy's HTML page, an empty body) gets a sentence of our own.
    if (body && typeof body.detail === "string") throw new SiweError(body.detail, body.code);
    if (response.status === 403) {
      throw new SiweError("Your session's security check failed. Reload the page and try again.", "forbidden");
    }
    if (response.status === 429) {
      throw new SiweError("Too many sign-in attempts. Wait a minute and try again.", "throttled");
    }
    throw new SiweError(`WorkWall could not answer (error ${response.status}). Please try again.`, "server");
  }

  async function fetchChallenge(address) {
    const url = new URL(dialog.dataset.nonceUrl, window.location.origin);
    url.searchParams.set("address", address);
    const body = await callServer(url, { method: "GET", headers: { Accept: "application/json" } });
    if (typeof body.message !== "string" || !body.message || typeof body.address !== "string") {
      throw new SiweError("WorkWall sent an incomplete sign-in message. Please try again.", "invalid_message");
    }
    // Count the lifetime with the server's two timestamps, then on the local
    // clock: a computer whose clock is off by minutes still gets it right.
    const lifetime = Date.parse(body.expires_at) - Date.parse(body.issued_at);
    const expiresAt = Number.isFinite(lifetime)
      ? Date.now() + lifetime - EXPIRY_MARGIN_MS
      : Date.parse(body.expires_at) - EXPIRY_MARGIN_MS;
    const allowed = Array.isArray(body.chain_ids) && body.chain_ids.length ? body.chain_ids : [body.chain_id];
    return { ...body, chainIds: allowed.map(Number), expiresAt };
  }

  function postLogin(message, signature) {
    return callServer(dialog.dataset.loginUrl, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ message, signature }),
    });
  }

  /* ---------- expiry ---------- */

  function clearExpiryTimer() {
    window.clearTimeout(state.expiryTimer);
    state.expiryTimer = 0;
  }

  function watchExpiry(run) {
    clearExpiryTimer();
    const left = state.challenge.expiresAt - Date.now();
    // Timers sleep in background tabs; the check before signing catches that case.
    state.expiryTimer = window.setTimeout(() => {
      if (!isStale(run) && !state.signing && dialog.dataset.panel === "review") showExpired();
    }, Math.max(0, left));
  }

  const isExpired = (challenge) => Date.now() >= challenge.expiresAt;

  /* ---------- the flow ---------- */

  function listenToWallet(provider) {
    if (state.listening || typeof provider.on !== "function") return;
    state.listening = true;
    provider.on("chainChanged", () => {
      // Switching in the wallet by hand is as good as pressing our button.
      if (dialog.open && dialog.dataset.panel === "network") checkChain(state.run).catch(fail);
    });
    provider.on("accountsChanged", () => {
      // A message names one address: another account must start over.
      if (dialog.open && dialog.dataset.panel === "review") start();
    });
  }

  async function start() {
    const run = ++state.run;
    clearExpiryTimer();
    resetBusyButtons();
    state.challenge = null;
    state.signing = false;

    const provider = window.ethereum;
    if (!provider || typeof provider.request !== "function") {
      show("no-wallet");
      return;
    }
    state.provider = provider;
    listenToWallet(provider);

    show("connect");
    setBusy(state.opener, true);
    try {
      const accounts = await provider.request({ method: "eth_requestAccounts" });
      if (isStale(run)) return;
      if (!Array.isArray(accounts) || !accounts.length) {
        throw new SiweError("Your wallet shared no address. Unlock it, choose an account and try again.");
      }
      // Sent as the wallet gives it (often lowercase): the server answers with
      // the EIP-55 form and a message that contains it.
      state.challenge = await fetchChallenge(accounts[0]);
      if (isStale(run)) return;
      state.address = state.challenge.address;
      await checkChain(run);
    } catch (error) {
      if (!isStale(run)) fail(error);
    } finally {
      setBusy(state.opener, false);
    }
  }

  async function checkChain(run) {
    const chainId = parseChainId(await state.provider.request({ method: "eth_chainId" }));
    if (isStale(run)) return;
    const challenge = state.challenge;
    if (!challenge.chainIds.includes(chainId)) {
      field("current-chain").textContent = Number.isFinite(chainId) ? chainName(chainId) : "an unknown network";
      field("allowed-chains").textContent = challenge.chainIds.map(chainName).join(" or ");
      field("target-chain").textContent = chainName(challenge.chain_id);
      field("network-error").hidden = true;
      show("network");
      return;
    }
    await review(run);
  }

  async function review(run) {
    if (isExpired(state.challenge)) {
      // The person has not seen this message yet (the network switch took a
      // while): a fresh one without asking is kinder than an "expired" screen.
      state.challenge = await fetchChallenge(state.address);
      if (isStale(run)) return;
    }
    const challenge = state.challenge;
    field("message").textContent = challenge.message;
    field("message").scrollTop = 0;
    field("address").textContent = challenge.address;
    const until = new Date(challenge.expiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    field("expiry").textContent = `This message can be signed until ${until}, once.`;
    show("review");
    watchExpiry(run);
  }

  async function switchChain() {
    const run = state.run;
    const button = action("switch");
    const error = field("network-error");
    error.hidden = true;
    setBusy(button, true);
    try {
      await state.provider.request({
        method: "wallet_switchEthereumChain",
        params: [{ chainId: `0x${Number(state.challenge.chain_id).toString(16)}` }],
      });
    } catch (switchError) {
      if (isStale(run)) return;
      setBusy(button, false);
      let text;
      if (switchError && switchError.code === USER_REJECTED) {
        text = "You cancelled the switch in your wallet. Switch networks to continue.";
      } else if (switchError && switchError.code === UNRECOGNIZED_CHAIN) {
        text = `Your wallet does not know ${chainName(state.challenge.chain_id)} yet. Add it in your wallet, then try again.`;
      } else {
        text = walletSentence(switchError);
      }
      error.textContent = text;
      error.hidden = false;
      announce(text);
      return;
    }
    setBusy(button, false);
    // The chainChanged event may already have moved on to the message.
    if (isStale(run) || dialog.dataset.panel !== "network") return;
    // Some wallets resolve before the switch is visible: read the chain again.
    await checkChain(run);
  }

  async function sign() {
    const run = state.run;
    const challenge = state.challenge;
    if (isExpired(challenge)) {
      showExpired();
      return;
    }
    const button = action("sign");
    state.signing = true;
    setBusy(button, true);
    try {
      const signature = await state.provider.request({
        method: "personal_sign",
        params: [utf8Hex(challenge.message), challenge.address],
      });
      if (isStale(run)) return;
      setBusy(button, true, "Signing you in…");
      const result = await postLogin(challenge.message, signature);
      if (isStale(run)) return;
      finish(result);
    } catch (error) {
      if (!isStale(run)) fail(error);
    } finally {
      state.signing = false;
      if (!isStale(run)) setBusy(button, false);
    }
  }

  function finish(result) {
    // A safe "next" is where the person was going; otherwise the server knows
    // best (the welcome page for a new account, the dashboard for others).
    const target = safeLocalUrl(state.next) || safeLocalUrl(result.redirect) || "/";
    state.leaving = true;
    dialog.close();
    setBusy(state.opener, true, "Signed in…");
    window.location.assign(target);
  }

  /* ---------- wiring ---------- */

  const actions = {
    close: () => dialog.close(),
    retry: () => start(),
    // Most wallets inject window.ethereum only while a page loads, so a wallet
    // installed a minute ago shows up after a reload.
    recheck: () => (window.ethereum ? start() : window.location.reload()),
    switch: () => switchChain().catch(fail),
    sign: () => sign(),
  };

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-siwe='start']");
    if (!opener) return;
    event.preventDefault();
    if (opener.getAttribute("aria-disabled") === "true" || dialog.open) return;
    state.opener = opener;
    state.next = opener.dataset.siweNext || new URLSearchParams(window.location.search).get("next");
    start();
  });

  dialog.addEventListener("click", (event) => {
    const button = event.target.closest("[data-siwe-action]");
    if (button && !button.disabled && actions[button.dataset.siweAction]) {
      actions[button.dataset.siweAction]();
    } else if (event.target === dialog) {
      // A click on the backdrop (outside .dialog-body) closes, as Escape does.
      dialog.close();
    }
  });

  dialog.addEventListener("close", () => {
    // Whatever the wallet answers later belongs to a flow nobody waits for.
    state.run += 1;
    state.signing = false;
    clearExpiryTimer();
    resetBusyButtons();
    delete dialog.dataset.panel;
    if (state.opener && document.contains(state.opener) && !state.leaving) {
      setBusy(state.opener, false);
      state.opener.focus();
    }
  });

  window.addEventListener("pageshow", (event) => {
    // Back from the next page out of the back-forward cache: the button is a button again.
    if (event.persisted && state.leaving) {
      state.leaving = false;
      setBusy(state.opener, false);
    }
  });
})();
