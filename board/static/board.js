// The live board: polls /board/state and renders it. Every value from the
// server is set as text (never as HTML), and countdowns tick locally from
// the snapshot's instants, corrected by the server's clock.
"use strict";
(function () {
  const POLL_MS = 1500;
  let tenant = new URLSearchParams(location.search).get("tenant") || "";
  let skew = 0; // server time minus local time, in ms
  let lastOk = 0;

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "class") e.className = v;
      else if (k === "at") { if (v) e.dataset.at = v; }
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }
  const badge = (s) => el("span", { class: "badge s-" + s }, s.replace(/_/g, " "));
  const countdown = (at) => el("span", { class: "countdown", at: at }, "");
  const hhmmss = (iso) => iso ? new Date(iso).toISOString().substring(11, 19) : "";

  function fmt(ms) {
    const neg = ms < 0;
    let s = Math.floor(Math.abs(ms) / 1000);
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    const body = (h ? h + "h " : "") + (h || m ? String(m).padStart(h ? 2 : 1, "0") + "m " : "") + String(s).padStart(2, "0") + "s";
    return neg ? body + " ago" : body;
  }
  function tick() {
    const now = Date.now() + skew;
    for (const e of document.querySelectorAll("[data-at]")) {
      e.textContent = fmt(Date.parse(e.dataset.at) - now);
    }
  }

  function fill(tbody, rows, cols, empty) {
    tbody.replaceChildren();
    if (!rows.length) {
      tbody.append(el("tr", {}, el("td", { class: "empty", colspan: String(cols) }, empty)));
      return;
    }
    for (const r of rows) tbody.append(r);
  }

  function renderTenants(s) {
    const sel = document.getElementById("tenant");
    const keys = s.tenants.map((t) => t.key).join("\n");
    if (sel.dataset.keys !== keys) {
      sel.replaceChildren(...s.tenants.map((t) =>
        el("option", { value: t.key }, t.region + " " + t.majorVersion + "." + t.minorVersion + " · " + t.id)));
      sel.dataset.keys = keys;
    }
    sel.value = s.tenant || "";
  }

  function renderRoutes(s) {
    fill(document.querySelector("#routes tbody"), s.routes.map((r) => el("tr", {},
      el("td", {}, r.name),
      el("td", {}, badge(r.state)),
      el("td", {}, r.next ? r.next.kind.replace(/_/g, " ") + " → " + r.next.to.replace(/_/g, " ") : "no trips"),
      el("td", { class: "num" }, r.next ? countdown(r.next.at) : ""),
      el("td", { class: "num" }, String(r.waiting) + " / " + String(r.aboard)),
      el("td", { class: "kv" }, r.trip ? "board " + hhmmss(r.trip.boardingOpen) + " · depart " + hhmmss(r.trip.departure) + " · arrive " + hhmmss(r.trip.arrival) : "none left today"),
    )), 6, "no scheduled routes");
  }

  function renderRides(s) {
    const box = document.getElementById("rides");
    box.replaceChildren();
    if (!s.instanceRoutes.length) { box.append(el("p", { class: "empty" }, "no instance routes")); return; }
    const cards = el("div", { class: "cards" });
    for (const ir of s.instanceRoutes) {
      const riders = ir.instances.reduce((n, i) => n + i.riders.length, 0);
      const card = el("div", { class: "card" },
        el("h3", {}, ir.name),
        el("div", { class: "kv" }, "capacity " + ir.capacity + " · boarding " + ir.boardingWindow + " · travel " + ir.travel + " · " + riders + " aboard"));
      if (!ir.instances.length) card.append(el("p", { class: "empty" }, "no live rides"));
      else {
        const t = el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Ride"), el("th", {}, "Phase"), el("th", {}, "Boarding closes"), el("th", {}, "Arrives"), el("th", {}, "Riders"))));
        const tb = el("tbody");
        for (const i of ir.instances) {
          tb.append(el("tr", {},
            el("td", { class: "mono" }, i.id.substring(0, 8)),
            el("td", {}, badge(i.phase)),
            el("td", { class: "num" }, i.phase === "boarding" ? countdown(i.boardingUntil) : hhmmss(i.boardingUntil)),
            el("td", { class: "num" }, countdown(i.arrivalAt)),
            el("td", { class: "mono" }, i.riders.join(", "))));
        }
        t.append(tb);
        card.append(t);
      }
      cards.append(card);
    }
    box.append(cards);
  }

  function renderQuests(s) {
    const box = document.getElementById("quests");
    box.replaceChildren();
    if (!s.quests.length) { box.append(el("p", { class: "empty" }, "no live party quests")); return; }
    const stages = new Map();
    for (const q of s.quests) {
      const label = q.state === "registering" ? "Registration" : "Stage " + (q.stageIndex + 1) + (q.stageName ? " · " + q.stageName : "");
      const key = (q.state === "registering" ? -1 : q.stageIndex) + "|" + label;
      if (!stages.has(key)) stages.set(key, []);
      stages.get(key).push(q);
    }
    const keys = [...stages.keys()].sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
    for (const k of keys) {
      const cards = el("div", { class: "cards" });
      for (const q of stages.get(k)) {
        const timers = el("div", { class: "kv" });
        const timer = (label, at) => { if (at) timers.append(el("div", {}, label + " ", countdown(at))); };
        timer("registration ends in", q.registrationEndsAt);
        timer("stage ends in", q.stageEndsAt);
        timer("run ends in", q.runEndsAt);
        cards.append(el("div", { class: "card quest" },
          el("h3", {}, q.name, " ", badge(q.state)),
          el("div", { class: "kv" }, "stage " + (q.stageIndex + 1) + "/" + q.stages + (q.partyId ? " · party " + q.partyId : "") + " · " + q.characters.length + " characters"),
          el("div", { class: "mono" }, q.characters.join(", ")),
          timers,
          el("div", { class: "kv mono" }, q.id)));
      }
      box.append(el("div", { class: "stage" }, el("h3", {}, k.substring(k.indexOf("|") + 1)), cards));
    }
  }

  function renderEvents(s) {
    fill(document.querySelector("#events tbody"), s.events.map((e) => el("tr", {},
      el("td", { class: "num" }, hhmmss(e.time)),
      el("td", { class: "mono" }, e.topic.replace(/^(EVENT|COMMAND)_TOPIC_/, "")),
      el("td", {}, e.type || ""),
      el("td", {}, e.name || (e.characterId ? "character " + e.characterId : "")),
      el("td", { class: "mono key", title: e.key }, e.key))), 5, "no events since start");
  }

  function renderOps(s) {
    fill(document.querySelector("#deadletters tbody"), s.deadLetters.map((d) => el("tr", {},
      el("td", { class: "mono" }, d.topic), el("td", {}, d.reason), el("td", { class: "num" }, d.count))), 3, "none");
    fill(document.querySelector("#lag tbody"), s.consumerLag.map((g) => el("tr", {},
      el("td", {}, g.group), el("td", { class: "num" }, g.total),
      el("td", { class: "mono" }, g.partitions.filter((p) => p.lag > 0).map((p) => p.topic + "/" + p.partition + ": " + p.lag).join(", ") || g.partitions.length + (g.partitions.length === 1 ? " partition" : " partitions") + ", none behind"))),
    3, "no consumer group owns a partition yet");
  }

  function render(s) {
    skew = Date.parse(s.now) - Date.now();
    renderTenants(s);
    renderRoutes(s);
    renderRides(s);
    renderQuests(s);
    renderEvents(s);
    renderOps(s);
    tick();
  }

  let timer = null;
  let inflight = false;
  function schedule(ms) { clearTimeout(timer); timer = setTimeout(poll, ms); }

  async function poll() {
    if (inflight) { schedule(50); return; }
    inflight = true;
    let next = POLL_MS;
    const status = document.getElementById("status");
    try {
      const res = await fetch("/board/state" + (tenant ? "?tenant=" + encodeURIComponent(tenant) : ""), { cache: "no-store" });
      if (res.status === 404 && tenant) { tenant = ""; next = 0; return; } // that tenant is gone: show the first
      if (!res.ok) throw new Error("HTTP " + res.status);
      const s = await res.json();
      render(s);
      lastOk = Date.now();
      status.className = "status";
      status.textContent = "live · updated " + new Date().toLocaleTimeString() + (s.problems ? " · " + s.problems.join("; ") : "");
    } catch (err) {
      status.className = "status bad";
      status.textContent = "disconnected (" + err.message + ")" + (lastOk ? " · last update " + new Date(lastOk).toLocaleTimeString() : "");
    } finally {
      inflight = false;
      schedule(next);
    }
  }

  document.getElementById("tenant").addEventListener("change", (e) => {
    tenant = e.target.value;
    const u = new URL(location.href);
    u.searchParams.set("tenant", tenant);
    history.replaceState(null, "", u);
    schedule(0);
  });
  setInterval(tick, 250);
  poll();
})();
