/* newsdigest: the header's search box (partials/pagefind.html) over Pagefind's JS API.
 *
 * Nothing is fetched for search until the box is focused; then pagefind.js loads the
 * engine, and each query fetches only the index chunks its words fall in and one
 * fragment per result shown. A result shows the headline, the story's first summary
 * sentence (the words that matched are marked) and its date, and links to the story.
 * Keyboard: "/", "s" or "f" focuses the box, arrows move through the results, Enter
 * opens one, Escape closes. Everything comes from the site itself (no other host). */
(() => {
  "use strict";
  const root = document.querySelector("[data-nd-search]");
  const toggle = document.getElementById("__search");
  if (!root || !toggle) return;
  const input = root.querySelector(".md-search__input");
  const form = root.querySelector("form");
  const meta = root.querySelector(".md-search-result__meta");
  const list = root.querySelector(".md-search-result__list");
  const more = root.querySelector(".nd-search__more");
  const filtersBox = root.querySelector(".nd-search__filters");
  const selects = [...root.querySelectorAll("select[data-nd-filter]")];
  const order = root.querySelector("select[name=sort]");
  const bundle = new URL(root.dataset.ndSearch, location.href).href;
  const highlightPages = root.dataset.ndHighlight === "True";
  const PAGE = 6;  // results loaded at once (one fragment each, about 0.5 KB)

  let words = {};  // Material's translations, for the count line
  try {
    words = JSON.parse(document.getElementById("__config").textContent).translations || {};
  } catch (error) { /* the English defaults below */ }
  const say = (key, fallback, count) => (words[key] || fallback).replace("#", count);

  let engine = null;
  function load() {
    if (!engine) {
      engine = import(bundle + "pagefind.js").then(async pagefind => {
        // noWorker: Pagefind's web worker would cost 41 KB more for every reader, and
        // searching a chunk takes milliseconds on the page's own thread.
        await pagefind.options({ excerptLength: 20, noWorker: true });
        await pagefind.init();
        return pagefind;
      });
      engine.catch(() => {
        meta.textContent = location.protocol === "file:"
          ? "Search needs the site served over HTTP (make serve, or any static web server)."
          : "Search is not available: this site has no search index.";
      });
    }
    return engine;
  }

  /* Open and close: the same toggle as Material's search (#__search), so its styles
     place the box (full screen on a narrow screen). */
  function open() {
    if (!toggle.checked) toggle.checked = true;
    load();
  }
  function close() {
    toggle.checked = false;
    input.blur();
  }
  input.addEventListener("focus", open);
  toggle.addEventListener("change", () => {
    if (toggle.checked) { input.focus(); } else { input.blur(); }
  });
  form.addEventListener("submit", event => {
    event.preventDefault();
    const first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  form.addEventListener("reset", () => {
    setTimeout(() => { run(); input.focus(); });
  });

  /* Searching: the newest query wins; a slower, older one never overwrites it. */
  let latest = 0;
  let current = null;  // {search, shown, terms}
  function options() {
    const filters = {};
    for (const select of selects) if (select.value) filters[select.dataset.ndFilter] = select.value;
    return order.value ? { filters, sort: { [order.value]: "desc" } } : { filters };
  }
  async function run() {
    const query = input.value.trim();
    const opts = options();
    const filtered = Object.keys(opts.filters).length > 0;
    const ticket = ++latest;
    // What the list answers, for tests and scripts: "query|outlet=X|sort=date".
    const answers = [query, ...Object.entries(opts.filters).map(([k, v]) => `${k}=${v}`),
      ...(opts.sort ? [`sort=${order.value}`] : [])].join("|");
    if (!query && !filtered) {
      current = null;
      list.replaceChildren();
      list.dataset.query = answers;
      more.hidden = true;
      meta.textContent = say("search.result.placeholder", "Type to start searching");
      return;
    }
    const pagefind = await load();
    const search = await pagefind.search(query || null, opts);
    if (ticket !== latest) return;  // a newer query took over
    current = { search, shown: 0, terms: terms(query), ticket };
    list.replaceChildren();
    const count = search.results.length;
    meta.textContent = count === 0 ? say("search.result.none", "No matching documents")
      : count === 1 ? say("search.result.one", "1 matching document")
        : say("search.result.other", "# matching documents", count);
    await show(current);
    if (ticket === latest) list.dataset.query = answers;
  }
  async function show(state) {
    const batch = state.search.results.slice(state.shown, state.shown + PAGE);
    const data = await Promise.all(batch.map(result => result.data()));
    if (state !== current) return;
    state.shown += batch.length;
    list.append(...data.map(result => item(result, state.terms)));
    more.hidden = state.shown >= state.search.results.length;
  }
  more.addEventListener("click", () => { if (current) show(current); });
  /* Search once typing pauses (WAIT ms), not on every key: each word typed on the way
     ("p", "pr", ...) would fetch the index chunks of every word it begins. */
  const WAIT = 150;
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, WAIT);
  });
  for (const select of [...selects, order]) select.addEventListener("change", run);

  /* Filters: their values load the first time a reader opens "Filter and sort". */
  let filtersLoaded = false;
  filtersBox.addEventListener("toggle", async () => {
    if (!filtersBox.open || filtersLoaded) return;
    filtersLoaded = true;
    const available = await (await load()).filters();
    for (const select of selects) {
      const values = available[select.dataset.ndFilter] || {};
      for (const name of Object.keys(values).sort((a, b) => a.localeCompare(b))) {
        select.append(new Option(`${name} (${values[name]})`, name));
      }
    }
  });

  /* One result: headline, first summary sentence, date (or what a topic or outlet is). */
  function item(result, queryTerms) {
    const marked = terms([...result.excerpt.matchAll(/<mark>(.*?)<\/mark>/g)].map(m => unescape(m[1])).join(" "));
    const pattern = matcher([...queryTerms, ...marked]);
    const kind = result.meta.kind || "story";
    const title = result.meta.title || result.url;
    const lead = result.meta.lead && result.meta.lead !== title ? result.meta.lead : "";
    const li = element("li", "md-search-result__item");
    const link = element("a", "md-search-result__link");
    link.href = highlightPages && queryTerms.length ? withTerms(result.url, queryTerms) : result.url;
    const article = element("article", "md-search-result__article md-typeset");
    const heading = element("h1");
    let hits = mark(heading, title, pattern);
    article.append(heading);
    if (lead) {
      const p = element("p", "nd-search-result__lead");
      hits += mark(p, lead, pattern);
      article.append(p);
    }
    if (!hits && result.excerpt) {  // the match is further down the summary: show where
      const p = element("p", "nd-search-result__excerpt");
      p.innerHTML = "… " + result.excerpt + " …";  // Pagefind escapes it, then adds <mark>
      article.append(p);
    }
    const facts = kind === "story" ? [result.meta.date] : [kind === "topic" ? "Topic" : "Outlet", result.meta.note];
    if (facts.some(Boolean)) {
      const small = element("p", "nd-search-result__facts");
      small.textContent = facts.filter(Boolean).join(" · ");
      article.append(small);
    }
    link.append(article);
    li.append(link);
    li.dataset.kind = kind;
    return li;
  }
  function element(name, className) {
    const node = document.createElement(name);
    if (className) node.className = className;
    return node;
  }
  function unescape(text) {
    const node = document.createElement("textarea");
    node.innerHTML = text;
    return node.value;
  }
  /* The query's words, as typed ("al-Shareh" stays one word, as Pagefind reads it). */
  function terms(query) {
    return query.split(/\s+/u).map(t => t.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")).filter(Boolean);
  }
  /* Words starting with a query term (prefix search: "Shar" marks "Sharaa"), or equal
     to a word Pagefind marked in its excerpt (stemmed or accented forms). */
  function matcher(words) {
    const parts = [...new Set(words.map(w => w.trim()).filter(Boolean))]
      .sort((a, b) => b.length - a.length)
      .map(w => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    if (!parts.length) return null;
    return new RegExp(`(?<![\\p{L}\\p{N}])(?:${parts.join("|")})[\\p{L}\\p{N}]*`, "giu");
  }
  function mark(node, text, pattern) {
    let hits = 0, at = 0;
    if (pattern) {
      for (const match of text.matchAll(pattern)) {
        node.append(text.slice(at, match.index));
        const m = element("mark");
        m.textContent = match[0];
        node.append(m);
        at = match.index + match[0].length;
        hits += 1;
      }
    }
    node.append(text.slice(at));
    return hits;
  }
  function withTerms(url, queryTerms) {
    const target = new URL(url, location.href);
    target.searchParams.set("h", queryTerms.join(" "));
    return target.pathname + target.search + target.hash;
  }

  /* Keyboard. */
  const links = () => [...list.querySelectorAll("a")];
  document.addEventListener("keydown", event => {
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    const active = document.activeElement;
    const typing = active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
    if (!toggle.checked || !root.contains(active)) {
      if (!typing && ["/", "s", "f"].includes(event.key)) {
        event.preventDefault();
        open();
        input.focus();
      }
      return;
    }
    const all = links();
    const at = all.indexOf(active);
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" && (active === input || at >= 0)) {
      event.preventDefault();
      if (all.length) all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? input : all[at - 1]).focus();
    }
  });

  /* Arriving from a result: mark the words searched for in the page (?h=...). */
  const asked = new URLSearchParams(location.search).get("h");
  const article = document.querySelector("article.md-content__inner");
  if (highlightPages && asked && article) {
    const pattern = matcher(terms(asked));
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      if (!pattern || !node.nodeValue.trim() || node.parentElement.closest("mark, script, style")) continue;
      pattern.lastIndex = 0;
      if (!pattern.test(node.nodeValue)) continue;
      pattern.lastIndex = 0;
      const span = document.createDocumentFragment();
      const holder = element("span");
      mark(holder, node.nodeValue, pattern);
      span.append(...holder.childNodes);
      node.replaceWith(span);
    }
  }
})();
