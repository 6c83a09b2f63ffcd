// The official MCP TypeScript SDK client going through mcp-front's OAuth flow, for the integration tests.
//
//   node oauth-client.mjs --url URL --transport streamable|sse [--email E] [--expect-refusal]
//                         [--resource-check OTHER_ROUTE_URL] [--resolve HOST]...
//
// The SDK's own client auth (an OAuthClientProvider with in-memory storage) discovers, registers and
// builds the authorization URL; a fetch-based headless browser (oauth-browser.mjs) signs in and
// allows on the consent page. The SDK is more lenient than Claude (prefix resources, no S256 check),
// so the steps check headers and metadata themselves. Prints one JSON report on the last stdout
// line, {"ok", "steps": {"<step>": {"ok", ...details}}, "http": [...]}; exits 0 only when every step
// passed. Every step has its own timeout, and the whole run a hard one. --resource-check takes
// another route's URL: a token is good for its whole route (both transports), never for another.
// --resolve HOST connects to 127.0.0.1 for that name (a route's own host, routes[].host) while every
// request still names HOST in its URL and Host header, as through DNS; it may be given more than once.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { UnauthorizedError, exchangeAuthorization, startAuthorization } from "@modelcontextprotocol/sdk/client/auth.js";
import { randomBytes } from "node:crypto";
import { freePort, runAuthorization } from "./oauth-browser.mjs";
import { runReported } from "./run-reported.mjs";
import { Agent, setGlobalDispatcher } from "undici";
import dns from "node:dns";

const STEP_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 100_000;

function parseArgs(argv) {
  const args = { email: "dev@example.com", expectRefusal: false, resolve: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--expect-refusal") { args.expectRefusal = true; continue; }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--url") args.url = value;
    else if (flag === "--transport") args.transport = value;
    else if (flag === "--email") args.email = value;
    else if (flag === "--resource-check") args.resourceCheck = value;
    else if (flag === "--resolve") args.resolve.push(value.toLowerCase());
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.url) throw new Error("--url is required");
  if (args.resolve.length > 0) resolveToLoopback(args.resolve);
  if (!["streamable", "sse"].includes(args.transport)) throw new Error("--transport must be streamable or sse");
  return args;
}

/** Every fetch in this process (the SDK's, the browser's, the probes') reaches these names on 127.0.0.1. */
function resolveToLoopback(names) {
  const lookup = (hostname, options, callback) => {
    if (!names.includes(String(hostname).toLowerCase())) return dns.lookup(hostname, options, callback);
    if (options?.all) return callback(null, [{ address: "127.0.0.1", family: 4 }]);
    return callback(null, "127.0.0.1", 4);
  };
  setGlobalDispatcher(new Agent({ connect: { lookup } }));
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function short(token) {
  return typeof token === "string" ? `${token.slice(0, 6)}…(${token.length})` : token;
}

// Reports must never carry usable tokens.
function redact(text) {
  return text.replace(/"(access_token|refresh_token|id_token)"\s*:\s*"([^"]*)"/g, (_, k, v) => `"${k}":"${short(v)}"`);
}

function jwtClaims(token) {
  const parts = String(token).split(".");
  check(parts.length === 3, `the access token is not a JWT (${parts.length} parts)`);
  return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
}

function textOf(result) {
  return (result.content || []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
}

/** Every HTTP exchange the SDK makes, with OAuth bodies and MCP error bodies (never SSE streams). */
function recorder(mcpUrl) {
  const http = [];
  const recordingFetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const bearer = new Headers(init?.headers).get("authorization")?.replace(/^Bearer\s+/i, "");
    const response = await fetch(input, init);
    const entry = { method, url, status: response.status };
    if (bearer) entry.bearer = short(bearer);
    for (const h of ["www-authenticate", "cache-control", "content-type"]) {
      const v = response.headers.get(h);
      if (v) entry[h] = v;
    }
    const streaming = (entry["content-type"] ?? "").includes("text/event-stream");
    const isMcp = url.startsWith(mcpUrl.replace(/\/(mcp|sse)$/, "/"));
    if (!streaming && (!isMcp || response.status >= 400)) entry.body = redact((await response.clone().text()).slice(0, 1500));
    http.push(entry);
    return response;
  };
  return { http, fetch: recordingFetch };
}

class MemoryProvider {
  constructor(redirectUrl, email) {
    this._redirectUrl = redirectUrl;
    this.email = email;
    this.sentState = undefined;
    this.authorizationUrl = undefined;
    this.flow = undefined;
  }
  get redirectUrl() { return this._redirectUrl; }
  get clientMetadata() {
    return {
      client_name: "mcp-front oauth-client test",
      redirect_uris: [this._redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() { this.sentState = randomBytes(16).toString("base64url"); return this.sentState; }
  clientInformation() { return this.client; }
  saveClientInformation(info) { this.client = info; }
  tokens() { return this.savedTokens; }
  saveTokens(tokens) { this.savedTokens = tokens; }
  saveCodeVerifier(verifier) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  // The SDK throws UnauthorizedError as soon as this returns, so the sign-in runs on its own and
  // the `authorize` step awaits it.
  redirectToAuthorization(url) {
    this.authorizationUrl = url;
    this.flow = runAuthorization(url, { redirectUri: this._redirectUrl, email: this.email });
    this.flow.catch(() => {});
  }
}

/** Whether a bearer token gets past the route: a raw initialize (or SSE GET), closed again at once. */
async function probe(url, token) {
  const headers = { authorization: `Bearer ${token}` };
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(STEP_TIMEOUT_MS)]);
  let response;
  if (url.endsWith("/sse")) {
    response = await fetch(url, { headers: { ...headers, accept: "text/event-stream" }, signal });
  } else {
    response = await fetch(url, {
      method: "POST",
      signal,
      headers: { ...headers, accept: "application/json, text/event-stream", "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0", id: 1, method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "oauth-client probe", version: "1" } },
      }),
    });
  }
  const result = { status: response.status, "www-authenticate": response.headers.get("www-authenticate") ?? undefined };
  if (response.status >= 400) result.body = (await response.text()).slice(0, 500);
  controller.abort();
  const session = response.headers.get("mcp-session-id");
  if (session && response.ok) {
    await fetch(url, { method: "DELETE", headers: { ...headers, "mcp-session-id": session } }).catch(() => {});
  }
  return result;
}

async function postForm(url, fields) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, cacheControl: response.headers.get("cache-control"), json, text: redact(text.slice(0, 1000)) };
}

// Module-level so that the hard stop can still print how far the run got.
let report = { ok: false, steps: {} };

async function main() {
  const args = parseArgs(process.argv.slice(2));
  report = { ok: false, url: args.url, transport: args.transport, steps: {} };
  const redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;
  const provider = new MemoryProvider(redirectUrl, args.email);
  const { http, fetch: recordingFetch } = recorder(args.url);
  report.http = http;

  const makeTransport = () => args.transport === "sse"
    ? new SSEClientTransport(new URL(args.url), { authProvider: provider, fetch: recordingFetch })
    : new StreamableHTTPClientTransport(new URL(args.url), { authProvider: provider, fetch: recordingFetch });
  const makeClient = () => new Client({ name: "mcp-front-oauth-test-client", version: "1.0.0" }, { capabilities: {} });

  const expectedPrm = (() => {
    const u = new URL(args.url);
    return `${u.origin}/.well-known/oauth-protected-resource${u.pathname}`;
  })();
  const ctx = {};

  const steps = {
    "unauthorized": async () => {
      ctx.transport = makeTransport();
      ctx.client = makeClient();
      let error;
      try {
        await ctx.client.connect(ctx.transport);
      } catch (e) {
        error = e;
      }
      check(error, "the first connect succeeded without a token");
      check(error instanceof UnauthorizedError, `the first connect failed with ${error?.name}: ${error?.message}, not UnauthorizedError`);
      const first = http.find((e) => e.url === args.url);
      check(first, `no request to ${args.url} was made`);
      check(first.status === 401, `the first request to ${args.url} answered ${first.status}, not 401`);
      const header = first["www-authenticate"] ?? "";
      const m = /resource_metadata="([^"]*)"/.exec(header);
      check(/^Bearer\b/i.test(header) && m, `WWW-Authenticate is not Bearer with resource_metadata: ${JSON.stringify(header)}`);
      check(m[1] === expectedPrm, `resource_metadata is ${m[1]}, expected ${expectedPrm}`);
      ctx.prmUrl = m[1];
      return { status: first.status, wwwAuthenticate: header, sdkError: error.message };
    },
    "metadata": async () => {
      const prmResponse = await fetch(ctx.prmUrl, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
      const prmText = await prmResponse.text();
      check(prmResponse.status === 200, `PRM ${ctx.prmUrl} answered ${prmResponse.status}: ${prmText.slice(0, 300)}`);
      const prm = JSON.parse(prmText);
      check(prm.resource === args.url, `PRM resource is ${JSON.stringify(prm.resource)}, expected exactly ${args.url}`);
      check(Array.isArray(prm.authorization_servers) && prm.authorization_servers.length > 0, `PRM has no authorization_servers: ${prmText}`);
      const issuer = prm.authorization_servers[0];
      // A route on its own host has its metadata there; a route under the issuer's origin, under the issuer.
      const origin = new URL(args.url).origin;
      const home = origin === new URL(issuer).origin ? issuer : origin;
      check(ctx.prmUrl.startsWith(`${home}/.well-known/`), `the PRM URL ${ctx.prmUrl} is not under ${home}`);
      const asUrl = `${issuer}/.well-known/oauth-authorization-server`;
      const asResponse = await fetch(asUrl, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
      const asText = await asResponse.text();
      check(asResponse.status === 200, `${asUrl} answered ${asResponse.status}: ${asText.slice(0, 300)}`);
      const as = JSON.parse(asText);
      check(as.issuer === issuer, `AS metadata issuer is ${as.issuer}, expected ${issuer}`);
      for (const [key, path] of [["authorization_endpoint", "/authorize"], ["token_endpoint", "/token"],
        ["registration_endpoint", "/register"], ["revocation_endpoint", "/revoke"]]) {
        check(as[key] === `${issuer}${path}`, `${key} is ${as[key]}, expected ${issuer}${path}`);
      }
      const methods = as.code_challenge_methods_supported;
      check(Array.isArray(methods) && methods.length === 1 && methods[0] === "S256", `code_challenge_methods_supported is ${JSON.stringify(methods)}, expected ["S256"]`);
      check(as.client_id_metadata_document_supported === true, `client_id_metadata_document_supported is ${as.client_id_metadata_document_supported}`);
      check((as.token_endpoint_auth_methods_supported ?? []).includes("none"), `token_endpoint_auth_methods_supported lacks none: ${JSON.stringify(as.token_endpoint_auth_methods_supported)}`);
      ctx.issuer = issuer;
      ctx.as = as;
      return { prm, issuer, grantTypes: as.grant_types_supported, authMethods: as.token_endpoint_auth_methods_supported };
    },
    "register": async () => {
      const exchange = http.find((e) => e.method === "POST" && e.url === ctx.as.registration_endpoint);
      check(exchange, "the SDK never called the registration endpoint");
      check(exchange.status === 201, `registration answered ${exchange.status}, expected 201: ${exchange.body}`);
      const client = provider.clientInformation();
      check(client?.client_id, `no client_id in the registration response: ${exchange.body}`);
      check(!client.client_secret, "a public client got a client_secret");
      check((client.redirect_uris ?? [redirectUrl]).includes(redirectUrl), `the registration lost the redirect URI: ${exchange.body}`);
      if (client.token_endpoint_auth_method) check(client.token_endpoint_auth_method === "none", `token_endpoint_auth_method is ${client.token_endpoint_auth_method}`);
      return { status: exchange.status, clientId: client.client_id, redirectUri: redirectUrl };
    },
    "authorize": async () => {
      check(provider.flow, "the SDK never called redirectToAuthorization");
      const url = new URL(provider.authorizationUrl);
      const q = Object.fromEntries(url.searchParams);
      check(q.code_challenge_method === "S256", `the authorization URL has code_challenge_method ${q.code_challenge_method}`);
      const outcome = await provider.flow;
      const details = {
        authorizationUrl: `${url.origin}${url.pathname}`,
        resource: q.resource,
        hops: outcome.hops.map((h) => `${h.method} ${h.url.split("?")[0]} → ${h.status}${h.location ? ` ${h.location.split("?")[0]}` : ""}`),
        cookies: outcome.seen.cookies,
        consent: outcome.seen.consent,
      };
      const expectedCookie = ctx.issuer.startsWith("http:") ? "mcp-front-signin" : "__Host-";
      check(outcome.seen.cookies.some((c) => c.startsWith(expectedCookie)), `/authorize set no ${expectedCookie} cookie (saw ${outcome.seen.cookies})`);
      if (args.expectRefusal) {
        check(outcome.kind === "refused", `expected a refusal page, got ${outcome.kind}: ${JSON.stringify(outcome.params ?? {})}`);
        check(outcome.status === 403, `the refusal page answered ${outcome.status}, expected 403`);
        check(!outcome.hops.some((h) => (h.location ?? "").includes("code=")), "a code was issued despite the refusal");
        return { ...details, refused: { status: outcome.status, text: outcome.text } };
      }
      check(outcome.kind === "redirect", `the sign-in ended on a ${outcome.status} page instead of the redirect URI: ${outcome.text}`);
      const p = outcome.params;
      check(!p.error, `the authorization response is an error: ${p.error} ${p.error_description ?? ""}`);
      check(p.code, `no code in ${outcome.url}`);
      check(p.state === provider.sentState, `state came back as ${p.state}, sent ${provider.sentState}`);
      check(p.iss === ctx.issuer, `iss came back as ${p.iss}, expected ${ctx.issuer}`);
      check(q.resource === args.url, `the SDK sent resource=${q.resource}, expected ${args.url}`);
      const consent = outcome.seen.consent;
      check(consent, "no consent page was shown before the code was issued");
      check(consent.text.includes(provider.clientMetadata.client_name), `the consent page does not name the client: ${consent.text}`);
      check(consent.text.includes("127.0.0.1"), `the consent page does not show the redirect host 127.0.0.1: ${consent.text}`);
      ctx.code = p.code;
      return { ...details, state: "matches", iss: p.iss };
    },
    "token": async () => {
      await ctx.transport.finishAuth(ctx.code);
      const exchange = http.findLast((e) => e.method === "POST" && e.url === ctx.as.token_endpoint);
      check(exchange, "the SDK never called the token endpoint");
      check(exchange.status === 200, `the token endpoint answered ${exchange.status}: ${exchange.body}`);
      check((exchange["cache-control"] ?? "").includes("no-store"), `the token response's Cache-Control is ${exchange["cache-control"]}`);
      const tokens = provider.tokens();
      check(/^bearer$/i.test(tokens?.token_type ?? ""), `token_type is ${tokens?.token_type}`);
      check(tokens.refresh_token, "no refresh_token was issued");
      const claims = jwtClaims(tokens.access_token);
      const aud = [].concat(claims.aud ?? []);
      check(aud.includes(args.url), `the access token's aud is ${JSON.stringify(claims.aud)}, expected it to hold ${args.url}`);
      check(claims.iss === ctx.issuer, `the access token's iss is ${claims.iss}`);
      return { status: exchange.status, tokenType: tokens.token_type, expiresIn: tokens.expires_in, claims: { iss: claims.iss, aud: claims.aud, sub: claims.sub, exp: claims.exp, client_id: claims.client_id } };
    },
    "resource-check": async () => {
      const result = await probe(args.resourceCheck, provider.tokens().access_token);
      check(result.status === 401, `a token for ${args.url} got ${result.status} at ${args.resourceCheck}, expected 401`);
      return result;
    },
    "initialize": async () => {
      ctx.transport = makeTransport();
      ctx.client = makeClient();
      await ctx.client.connect(ctx.transport);
      return { server: ctx.client.getServerVersion()?.name, sessionId: ctx.transport.sessionId ?? null };
    },
    "tools/call": async () => {
      const text = textOf(await ctx.client.callTool({ name: "echo", arguments: { message: "through mcp-front with OAuth" } }));
      check(text === "Echo: through mcp-front with OAuth", `echo answered ${JSON.stringify(text)}`);
      return { text };
    },
    "refresh": async () => {
      const old = provider.tokens();
      const result = await postForm(ctx.as.token_endpoint, {
        grant_type: "refresh_token", refresh_token: old.refresh_token, client_id: provider.clientInformation().client_id, resource: args.url,
      });
      check(result.status === 200, `the refresh answered ${result.status}: ${result.text}`);
      check((result.cacheControl ?? "").includes("no-store"), `the refresh response's Cache-Control is ${result.cacheControl}`);
      const fresh = result.json;
      check(fresh.access_token && fresh.refresh_token, `the refresh response lacks tokens: ${result.text}`);
      check(fresh.refresh_token !== old.refresh_token, "the refresh token did not rotate");
      ctx.oldRefresh = old.refresh_token;
      ctx.newRefresh = fresh.refresh_token;
      ctx.newAccess = fresh.access_token;
      provider.saveTokens(fresh);
      const before = http.length;
      const text = textOf(await ctx.client.callTool({ name: "echo", arguments: { message: "after refresh" } }));
      check(text === "Echo: after refresh", `echo after the refresh answered ${JSON.stringify(text)}`);
      const used = http.slice(before).map((e) => e.bearer).filter(Boolean);
      check(used.length > 0 && used.every((b) => b === short(fresh.access_token)), `the tools/call after the refresh did not use the new access token (${used})`);
      return { status: result.status, rotated: true, newAccessTokenUsed: true };
    },
    "refresh-reuse": async () => {
      check(ctx.oldRefresh && ctx.newRefresh, "needs a successful refresh step");
      const clientId = provider.clientInformation().client_id;
      const refresh = (token) => postForm(ctx.as.token_endpoint, { grant_type: "refresh_token", refresh_token: token, client_id: clientId, resource: args.url });
      // Within oauth.refresh_grace, the token rotated last is a retry after a lost answer: the same pair again.
      const retry = await refresh(ctx.oldRefresh);
      check(retry.status === 200 && retry.json?.refresh_token === ctx.newRefresh && retry.json?.access_token === ctx.newAccess, `retrying the refresh with the old token answered ${retry.status} (expected 200 with the same pair): ${retry.text}`);
      const next = await refresh(ctx.newRefresh);
      check(next.status === 200, `refreshing with the new token answered ${next.status}: ${next.text}`);
      const reuse = await refresh(ctx.oldRefresh);
      check(reuse.status === 400 && reuse.json?.error === "invalid_grant", `reusing the old refresh token after a newer rotation answered ${reuse.status}: ${reuse.text}`);
      const family = await refresh(next.json.refresh_token);
      check(family.status === 400 && family.json?.error === "invalid_grant", `after the reuse the newest refresh token answered ${family.status}, expected 400 invalid_grant (family not revoked): ${family.text}`);
      return { retry: { status: retry.status, samePair: true }, oldToken: { status: reuse.status, error: reuse.json.error }, newestToken: { status: family.status, error: family.json.error } };
    },
    "revoke": async () => {
      const clientInformation = provider.clientInformation();
      const state = randomBytes(16).toString("base64url");
      const { authorizationUrl, codeVerifier } = await startAuthorization(ctx.issuer, {
        metadata: ctx.as, clientInformation, redirectUrl, state, resource: new URL(args.url),
      });
      const outcome = await runAuthorization(authorizationUrl, { redirectUri: redirectUrl, email: args.email });
      check(outcome.kind === "redirect" && outcome.params.code, `the second authorization did not end with a code: ${outcome.kind} ${outcome.text ?? JSON.stringify(outcome.params)}`);
      check(outcome.params.state === state, "state mismatch on the second authorization");
      const tokens = await exchangeAuthorization(ctx.issuer, {
        metadata: ctx.as, clientInformation, authorizationCode: outcome.params.code, codeVerifier, redirectUri: redirectUrl, resource: new URL(args.url),
      });
      const before = await probe(args.url, tokens.access_token);
      check(before.status === 200, `the fresh access token got ${before.status} before revocation: ${before.body}`);
      const revoked = await postForm(ctx.as.revocation_endpoint, { token: tokens.access_token, token_type_hint: "access_token", client_id: clientInformation.client_id });
      check(revoked.status === 200, `/revoke answered ${revoked.status}: ${revoked.text}`);
      const after = await probe(args.url, tokens.access_token);
      check(after.status === 401, `the revoked access token got ${after.status}, expected 401`);
      return { before: before.status, revoke: revoked.status, after };
    },
  };

  const order = ["unauthorized", "metadata", "register", "authorize"];
  if (!args.expectRefusal) {
    order.push("token");
    if (args.resourceCheck) order.push("resource-check");
    order.push("initialize", "tools/call", "refresh", "refresh-reuse", "revoke");
  }
  // Later steps stand on these; after one fails the rest would only repeat its error.
  const prerequisites = new Set(["unauthorized", "metadata", "register", "authorize", "token", "initialize"]);

  let allOk = true;
  for (const name of order) {
    const started = Date.now();
    try {
      const details = await withTimeout(steps[name](), name);
      report.steps[name] = { ok: true, ms: Date.now() - started, ...details };
    } catch (error) {
      allOk = false;
      report.steps[name] = { ok: false, ms: Date.now() - started, error: String(error?.message ?? error) };
      if (prerequisites.has(name)) break;
    }
  }
  report.ok = allOk;
  if (ctx.client) {
    if (args.transport === "streamable" && ctx.transport.sessionId) await ctx.transport.terminateSession().catch(() => {});
    await ctx.client.close().catch(() => {});
  }
  return report;
}

runReported(main, { timeoutMs: RUN_TIMEOUT_MS, partial: () => report });
