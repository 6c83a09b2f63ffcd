// Holds N idle GET text/event-stream connections on one URL (each with the given headers, e.g. the same
// bearer token size as a real client), writes --ready-file once all are open and closes them all once
// --release-file exists. For bench/run-floor-sse.sh. Usage:
//   node hold-streams.mjs --url URL --streams N [--header "Name: value" ...] --ready-file P --release-file P
import http from "node:http";
import { existsSync, writeFileSync } from "node:fs";

const args = { headers: {}, streams: 100 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === "--header") {
    const [name, ...value] = process.argv[++i].split(":");
    args.headers[name.trim()] = value.join(":").trim();
  } else if (a === "--url") args.url = process.argv[++i];
  else if (a === "--streams") args.streams = Number(process.argv[++i]);
  else if (a === "--ready-file") args.ready = process.argv[++i];
  else if (a === "--release-file") args.release = process.argv[++i];
}
const url = new URL(args.url);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const open = () => new Promise((resolve, reject) => {
  const req = http.request({ agent: false, host: url.hostname, port: url.port, path: url.pathname,
    headers: { ...args.headers, Accept: "text/event-stream" } }, (res) => {
    res.once("data", () => resolve(res));
    res.on("error", () => {});
  });
  req.on("error", reject);
  req.end();
});
const held = [];
let errors = 0;
for (let i = 0; i < args.streams; i += 50) {
  for (const r of await Promise.allSettled(Array.from({ length: Math.min(50, args.streams - i) }, open))) {
    if (r.status === "fulfilled") held.push(r.value); else errors++;
  }
}
writeFileSync(args.ready, JSON.stringify({ opened: held.length }));
while (!existsSync(args.release)) await sleep(200);
for (const res of held) res.destroy();
console.log(JSON.stringify({ streams_requested: args.streams, streams_opened: held.length, errors }));
