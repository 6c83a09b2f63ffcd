// A headless "browser" for mcp-front's sign-in: fetch with manual redirects and a cookie jar, so
// the OAuth scripts can go from an authorization URL to the code without Chromium. It follows
// redirects, posts the dev sign-in form with an email, and answers the consent page.
import net from "node:net";

const MAX_HOPS = 20;

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Cookies by host name: browsers do not separate cookies by port, and the flows stay on loopback. */
export class CookieJar {
  #byHost = new Map();

  store(url, response) {
    const host = new URL(url).hostname;
    const cookies = this.#byHost.get(host) ?? new Map();
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
      if (expired || value === "") cookies.delete(name);
      else cookies.set(name, value);
    }
    this.#byHost.set(host, cookies);
  }

  header(url) {
    const cookies = this.#byHost.get(new URL(url).hostname);
    if (!cookies || cookies.size === 0) return undefined;
    return [...cookies].map(([n, v]) => `${n}=${v}`).join("; ");
  }

  names(url) {
    return [...(this.#byHost.get(new URL(url).hostname)?.keys() ?? [])];
  }
}

function decodeEntities(text) {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function attributes(tag) {
  const attrs = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const body = tag.replace(/^<\s*[a-zA-Z]+/, "").replace(/\/?>$/, "");
  for (const m of body.matchAll(re)) attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  return attrs;
}

/** The page's forms with their action, method, inputs and buttons (enough for our own pages). */
export function parseForms(html) {
  const forms = [];
  for (const m of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)) {
    const form = attributes(m[0].slice(0, m[0].indexOf(">") + 1));
    const inputs = [...m[1].matchAll(/<input\b[^>]*>/gi)].map((i) => attributes(i[0]));
    const buttons = [...m[1].matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)]
      .map((b) => ({ ...attributes(`<button${b[1]}>`), text: decodeEntities(b[2].replace(/<[^>]*>/g, "").trim()) }));
    forms.push({ action: form.action ?? "", method: (form.method ?? "get").toLowerCase(), inputs, buttons });
  }
  return forms;
}

function pageText(html) {
  return decodeEntities(html.replace(/<style[\s\S]*?<\/style>/gi, "").replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
}

/**
 * Walks from `authorizationUrl` to the redirect back to `redirectUri`, as a user would: dev sign-in
 * with `email`, then `decision` (allow or deny) on the consent page. Returns every hop and the
 * outcome: {kind: "redirect", url, params} when the AS sent the browser back to the client,
 * {kind: "refused", status, text} for a refusal page, or throws on anything unexpected.
 */
export async function runAuthorization(authorizationUrl, { redirectUri, email, decision = "allow", timeoutMs = 20_000 }) {
  const jar = new CookieJar();
  const hops = [];
  const seen = { signin: null, consent: null, cookies: [] };
  const deadline = AbortSignal.timeout(timeoutMs);
  let request = { url: String(authorizationUrl), method: "GET", body: undefined };

  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (request.url.startsWith(redirectUri)) {
      const url = new URL(request.url);
      return { kind: "redirect", url: request.url, params: Object.fromEntries(url.searchParams), hops, seen };
    }
    const headers = { accept: "text/html" };
    const cookie = jar.header(request.url);
    if (cookie) headers.cookie = cookie;
    if (request.body) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(request.url, { method: request.method, headers, body: request.body, redirect: "manual", signal: deadline });
    jar.store(request.url, response);
    const record = { method: request.method, url: request.url, status: response.status };
    hops.push(record);
    seen.cookies = [...new Set([...seen.cookies, ...response.headers.getSetCookie().map((c) => c.split("=")[0])])];

    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      if (!location) throw new Error(`${response.status} without Location from ${request.url}`);
      record.location = location;
      await response.arrayBuffer();
      request = { url: new URL(location, request.url).href, method: "GET", body: undefined };
      continue;
    }

    const html = await response.text();
    const forms = parseForms(html);
    const signin = forms.find((f) => f.inputs.some((i) => i.name === "email"));
    const consent = forms.find((f) => f.buttons.some((b) => b.name === "decision"));
    if (response.status === 403 || (!signin && !consent && response.status >= 400)) {
      record.text = pageText(html).slice(0, 500);
      return { kind: "refused", status: response.status, text: record.text, hops, seen };
    }
    if (response.status !== 200) throw new Error(`unexpected ${response.status} from ${request.url}: ${pageText(html).slice(0, 300)}`);

    if (signin) {
      if (!email) throw new Error(`the sign-in page at ${request.url} wants an email and none was given`);
      seen.signin = { url: request.url, action: signin.action };
      const fields = new URLSearchParams();
      for (const input of signin.inputs) if (input.name && input.name !== "email") fields.set(input.name, input.value ?? "");
      fields.set("email", email);
      request = { url: new URL(signin.action || request.url, request.url).href, method: signin.method === "post" ? "POST" : "GET", body: fields.toString() };
      if (request.method === "GET") { request.url += (request.url.includes("?") ? "&" : "?") + request.body; request.body = undefined; }
      continue;
    }
    if (consent) {
      const fields = new URLSearchParams();
      for (const input of consent.inputs) if (input.name) fields.set(input.name, input.value ?? "");
      if (!consent.buttons.some((b) => b.name === "decision" && b.value === decision)) {
        throw new Error(`the consent page has no ${decision} button: ${JSON.stringify(consent.buttons)}`);
      }
      fields.set("decision", decision);
      seen.consent = {
        url: request.url,
        action: consent.action,
        hidden: consent.inputs.filter((i) => i.type === "hidden").map((i) => i.name),
        buttons: consent.buttons.map((b) => `${b.value}:${b.text}`),
        text: pageText(html).slice(0, 600),
        csp: response.headers.get("content-security-policy"),
      };
      request = { url: new URL(consent.action, request.url).href, method: "POST", body: fields.toString() };
      continue;
    }
    throw new Error(`a page at ${request.url} with neither a sign-in nor a consent form: ${pageText(html).slice(0, 300)}`);
  }
  throw new Error(`more than ${MAX_HOPS} hops without reaching ${redirectUri}: ${JSON.stringify(hops)}`);
}
