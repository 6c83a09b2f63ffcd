// A small stdio MCP server for the process-management tests: cheap to start (no SDK), so churn
// tests can run hundreds of sessions, and able to misbehave on demand.
//
//   node stdio-test-server.mjs          answers initialize, ping, tools/list and tools/call
//   IGNORE_SIGTERM=1                    ignores SIGTERM and closed stdin (mcp-front must escalate to SIGKILL)
//   GRANDCHILD_PID_DIR=/dir             starts a long-lived grandchild and writes its pid there
//   MISBEHAVE=1                         before answering: garbage lines, a stderr flood, a 1 MiB line
//
// Tools: "echo" {message}, "sleep" {ms}, "crash" (the process SIGKILLs itself mid-call),
//   "whoami" (its pid, whether it was told notifications/initialized, and SERVICE_TOKEN when set),
//   "change_tools" (sends notifications/tools/list_changed, then answers),
// "flood" {count, kib} (count log notifications of kib KiB each, then the answer; progress
//   notifications instead when the call has a progress token).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

if (process.env.IGNORE_SIGTERM) {
  process.on("SIGTERM", () => process.stderr.write("ignoring SIGTERM\n"));
  // Stay alive after stdin closes too: only SIGKILL ends this one.
  setInterval(() => {}, 1 << 30);
}
if (process.env.GRANDCHILD_PID_DIR) {
  const child = spawn("sleep", ["300"], { stdio: "ignore" });
  writeFileSync(join(process.env.GRANDCHILD_PID_DIR, String(child.pid)), "");
}

const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const result = (id, value) => send({ jsonrpc: "2.0", id, result: value });

if (process.env.MISBEHAVE) {
  process.stdout.write("this is not JSON\n");
  process.stdout.write("{ half a message\n");
  for (let i = 0; i < 2000; i++) process.stderr.write(`noise ${i} ${"x".repeat(100)}\n`);
  process.stdout.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "y".repeat(1024 * 1024) } }) + "\n");
}

const TOOLS = [
  { name: "echo", description: "Echoes message", inputSchema: { type: "object", properties: { message: { type: "string" } } } },
  { name: "sleep", description: "Answers after ms", inputSchema: { type: "object", properties: { ms: { type: "number" } } } },
  { name: "crash", description: "Kills its own process", inputSchema: { type: "object", properties: {} } },
  { name: "whoami", description: "Its pid and whether it was initialized", inputSchema: { type: "object", properties: {} } },
  { name: "flood", description: "Sends many large notifications", inputSchema: { type: "object", properties: { count: { type: "number" }, kib: { type: "number" } } } },
  { name: "ticks", description: "Sends count notifications ms apart, then answers", inputSchema: { type: "object", properties: { count: { type: "number" }, ms: { type: "number" } } } },
  { name: "change_tools", description: "Says its tool list changed", inputSchema: { type: "object", properties: {} } },
];

let initialized = false;
createInterface({ input: process.stdin }).on("line", (line) => {
  let message;
  try { message = JSON.parse(line); } catch { process.stderr.write(`bad input line: ${line.slice(0, 80)}\n`); return; }
  if (message.method === "notifications/initialized") initialized = true;
  if (message.id === undefined || !message.method) return;
  switch (message.method) {
    case "initialize":
      return result(message.id, {
        protocolVersion: message.params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: "stdio-test-server", version: "1.0.0" },
      });
    case "ping":
      return result(message.id, {});
    case "tools/list":
      return result(message.id, { tools: TOOLS });
    case "tools/call": {
      const { name, arguments: args = {} } = message.params ?? {};
      if (name === "echo") return result(message.id, { content: [{ type: "text", text: `Echo: ${args.message}` }] });
      if (name === "sleep") return setTimeout(() => result(message.id, { content: [{ type: "text", text: "slept" }] }), args.ms ?? 1000);
      if (name === "crash") return process.kill(process.pid, "SIGKILL");
      if (name === "change_tools") {
        send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
        return result(message.id, { content: [{ type: "text", text: "tools changed" }] });
      }
      if (name === "whoami") return result(message.id, { content: [{ type: "text", text: JSON.stringify({ pid: process.pid, initialized, ...(process.env.SERVICE_TOKEN ? { serviceToken: process.env.SERVICE_TOKEN } : {}) }) }] });
      if (name === "flood") {
        const data = "z".repeat((args.kib ?? 64) * 1024);
        // With a progress token the flood is progress, which rides the request's own stream.
        const progressToken = message.params?._meta?.progressToken;
        for (let i = 0; i < (args.count ?? 10); i++) {
          send(progressToken === undefined
            ? { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data } }
            : { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken, progress: i + 1, message: data } });
        }
        return result(message.id, { content: [{ type: "text", text: "flooded" }] });
      }
      if (name === "ticks") {
        // With a progress token the ticks are progress, which rides the request's own stream;
        // without one they are log messages, for the session's stream for server messages.
        const progressToken = message.params?._meta?.progressToken;
        const count = args.count ?? 5;
        let n = 0;
        const tick = () => {
          n++;
          send(progressToken === undefined
            ? { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: `tick ${n}` } }
            : { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken, progress: n, message: `tick ${n}` } });
          if (n < count) setTimeout(tick, args.ms ?? 100);
          else result(message.id, { content: [{ type: "text", text: `ticked ${count}` }] });
        };
        return setTimeout(tick, args.ms ?? 100);
      }
      return send({ jsonrpc: "2.0", id: message.id, error: { code: -32602, message: `no tool ${name}` } });
    }
    default:
      return send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: `no method ${message.method}` } });
  }
});
