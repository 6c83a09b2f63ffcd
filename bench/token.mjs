// Gets an access token from mcp-front the way a real client does (dynamic registration, authorize
// with PKCE S256, dev sign-in, consent, code exchange), so benchmarks carry a genuine token.
// Needs `oauth.identity: dev` and the email's domain in `allowed_domains`.
// Usage: node token.mjs --issuer URL [--email E] [--access-only]
// Prints {"access_token", "refresh_token", "client_id"} as JSON, or only the access token.
import { createHash, randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";

function parseArgs(argv) {
  const options = { issuer: null, email: "bench@example.com", accessOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--issuer") options.issuer = argv[++i];
    else if (arg === "--email") options.email = argv[++i];
    else if (arg === "--access-only") options.accessOnly = true;
    else throw new Error(`unknown argument: ${arg} (want --issuer URL [--email E] [--access-only])`);
  }
  if (!options.issuer) throw new Error("--issuer URL is required");
  return options;
}

// Fails with the step's name and what the server said, since a wrong config shows up here first.
async function expect(step, response, status) {
  if (response.status !== status) {
    throw new Error(`${step}: HTTP ${response.status}, expected ${status}: ${(await response.text()).slice(0, 300)}`);
  }
  return response;
}

function hiddenInput(html, name) {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`the consent page has no hidden input ${name}`);
  // The page escapes attribute values; ours are URL-safe, but undo the common entities anyway.
  return match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

const form = (fields) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual",
});

// The redirect is never followed: the code is read from the Location header.
const REDIRECT_URI = "http://127.0.0.1:9/cb";

/** Registers a client and signs `email` in; resolves to {access_token, refresh_token, client_id}. */
export async function signIn(issuer, email = "bench@example.com") {
  issuer = issuer.replace(/\/+$/, "");
  const registered = await (await expect("POST /register", await fetch(`${issuer}/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_name: "bench",
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
    }),
  }), 201)).json();
  const clientId = registered.client_id;

  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(16).toString("base64url");
  const authorize = await expect("GET /authorize", await fetch(`${issuer}/authorize?` + new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  }), { redirect: "manual" }), 302);
  // The sign-in cookie binds the next steps to this "browser"; keep name=value only.
  const cookie = authorize.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  if (!cookie) throw new Error("GET /authorize set no sign-in cookie");
  const signInState = new URL(authorize.headers.get("location"), issuer).searchParams.get("state");

  const callback = await expect("POST /oauth/callback", await fetch(`${issuer}/oauth/callback`, {
    ...form({ state: signInState, email }),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  }), 200);
  const page = await callback.text();

  const consent = await expect("POST /consent", await fetch(`${issuer}/consent`, {
    ...form({ consent: hiddenInput(page, "consent"), csrf: hiddenInput(page, "csrf"), decision: "allow" }),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
  }), 303);
  const back = new URL(consent.headers.get("location"));
  if (back.searchParams.get("state") !== state) throw new Error(`POST /consent: state came back as ${back.searchParams.get("state")}`);
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`POST /consent: no code in ${back.href}`);

  const tokens = await (await expect("POST /token", await fetch(`${issuer}/token`, form({
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    client_id: clientId,
  })), 200)).json();
  return { access_token: tokens.access_token, refresh_token: tokens.refresh_token, client_id: clientId };
}

// Only when run as a script: refresh-load.mjs imports signIn.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = parseArgs(process.argv.slice(2));
  const tokens = await signIn(options.issuer, options.email);
  console.log(options.accessOnly ? tokens.access_token : JSON.stringify(tokens));
}
