// Extra HTTP headers for the benchmark clients (e.g. "Authorization: Bearer ..."), shared by
// latency.mjs and stdio-load.mjs.

/** "Name: value" as a one-entry object; the value may itself hold colons. */
export function parseHeader(text) {
  const colon = text?.indexOf(":") ?? -1;
  if (colon <= 0) throw new Error(`not a header: ${text} (want "Name: value")`);
  return { [text.slice(0, colon).trim()]: text.slice(colon + 1).trim() };
}

/**
 * Transport options that send `headers` on every request: requestInit covers the POSTs of both
 * transports; the SSE transport opens its stream through eventSourceInit's fetch, so for `sse` the
 * headers go there as well rather than relying on the SDK version to copy them.
 */
export function httpOptions(headers, sse) {
  if (Object.keys(headers).length === 0) return {};
  if (!sse) return { requestInit: { headers } };
  return {
    requestInit: { headers },
    eventSourceInit: {
      fetch: (url, init) => {
        const merged = new Headers(init?.headers);
        for (const [name, value] of Object.entries(headers)) merged.set(name, value);
        return fetch(url, { ...init, headers: merged });
      },
    },
  };
}
