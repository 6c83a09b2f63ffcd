// Our MCP server on the SDK v2 line (@modelcontextprotocol/server 2.4.0), which speaks revision 2026-07-28
// ("modern": stateless, server/discover, per-request _meta envelope, input_required results) and, in the
// dual eras, 2025-era clients too. It carries the tools, resources and prompts the conformance suite's
// `server --requirements 2026-07-28` scenarios call, plus `echo` and `confirm_action` for the tests.
//
//   node modern-server.mjs --era dual|dual-stateless|modern [--transport http|stdio] [--port N] [--check-host]
//
// --era dual            both eras. 2026-07-28 requests go to createMcpHandler(factory, {legacy: 'reject'});
//                       2025 requests (isLegacyRequest) to classic Streamable HTTP sessions, so that
//                       server→client requests (elicitation/create, sampling) reach a 2025 client.
// --era dual-stateless  both eras the SDK's default way, createMcpHandler(factory, {legacy: 'stateless'}):
//                       each 2025 request gets a fresh instance and no session, so a 2025 client gets
//                       tools, prompts and resources but no elicitation (the SDK refuses it: it cannot
//                       know the client's capabilities).
// --era modern          2026-07-28 only: initialize, or any request without the _meta claim, gets -32022.
// --transport   http (default): the MCP endpoint is /mcp on 127.0.0.1; once it listens, one line
//               "listening on http://127.0.0.1:<port>/mcp" goes to stderr. stdio: serveStdio (the opening
//               message picks the era for the connection; legacy 'serve' for the dual eras, 'reject' for
//               modern); stdout carries the protocol only.
// --check-host  answer 403 to a Host header that is not localhost (the suite's dns-rebinding scenario).
//               Off by default: behind mcp-front that protection must come from mcp-front.
//
// `confirm_action` asks the user through elicitation with one handler for both eras: in the modern era
// it answers input_required and completes when the retried call carries the answer; in the 2025 era the
// SDK's shim turns the same input_required into an elicitation/create request to the client.
import http from "node:http";
import { randomUUID } from "node:crypto";
import {
  CLIENT_CAPABILITIES_META_KEY,
  WebStandardStreamableHTTPServerTransport,
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  acceptedContent,
  createMcpHandler,
  createRequestStateCodec,
  fromJsonSchema,
  inputRequired,
  inputResponse,
  isInitializeRequest,
  isLegacyRequest,
  localhostAllowedHostnames,
  validateHostHeader,
} from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import * as z from "zod";

const ERAS = ["dual", "dual-stateless", "modern"];
const TRANSPORTS = ["http", "stdio"];

function parseArgs(argv) {
  const args = { era: "dual", transport: "http", port: 0, checkHost: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--check-host") { args.checkHost = true; continue; }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--era") args.era = value;
    else if (flag === "--transport") args.transport = value;
    else if (flag === "--port") args.port = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!ERAS.includes(args.era)) throw new Error(`--era must be one of ${ERAS.join(", ")}`);
  if (!TRANSPORTS.includes(args.transport)) throw new Error(`--transport must be one of ${TRANSPORTS.join(", ")}`);
  if (!Number.isInteger(args.port) || args.port < 0) throw new Error("--port must be a port number");
  return args;
}

const args = parseArgs(process.argv.slice(2));

// A 1x1 red PNG and a minimal WAV: the smallest media the content scenarios accept.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value) => ({ content: [{ type: "text", text: value }] });
const noArgs = z.object({});

// requestState comes back from the client, so it is sealed (HMAC, ten-minute expiry) and bound to the
// method it was minted for (the payload names the tool); a retry with tampered state is refused with
// -32602 before a handler runs.
// The key is per process: one process serves every round of a flow here.
const stateCodec = createRequestStateCodec({
  key: crypto.getRandomValues(new Uint8Array(32)),
  bind: (ctx) => ctx.mcpReq.method,
});

/** Where the list-changed triggers publish: the HTTP handler's listen bus, or the stdio server itself. */
let notifier = { toolsChanged() {}, promptsChanged() {} };
/** Closes the SSE stream of a 2025 session's request (resumability); only HTTP sessions have one. */
let closeStream = () => {};

const askName = (message = "What is your name?") => inputRequired.elicit({
  message,
  requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
});

function registerTools(server) {
  server.registerTool("echo", {
    title: "Echo Tool",
    description: "Echoes back the input string",
    inputSchema: z.object({ message: z.string().describe("Message to echo") }),
    annotations: { readOnlyHint: true, idempotentHint: true },
  }, async ({ message }) => text(`Echo: ${message}`));

  server.registerTool("confirm_action", {
    description: "Asks the user to confirm an action (elicitation), then reports the answer",
    inputSchema: z.object({ action: z.string().default("proceed").describe("What the user is asked to confirm") }),
  }, async ({ action }, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, "confirm");
    if (answer.kind === "elicit" && answer.action === "accept") {
      return text(`confirmed ${action}: ${answer.content?.confirm === true ? "yes" : "no"}`);
    }
    if (answer.kind === "elicit") return text(`not confirmed ${action}: ${answer.action}`);
    return inputRequired({
      inputRequests: {
        confirm: inputRequired.elicit({
          message: `Confirm: ${action}?`,
          requestedSchema: { type: "object", properties: { confirm: { type: "boolean", title: "Confirm" } }, required: ["confirm"] },
        }),
      },
      requestState: await stateCodec.mint({ tool: "confirm_action", action }, ctx),
    });
  });

  server.registerTool("test_simple_text", { description: "Returns a simple text response" },
    async () => text("This is a simple text response for testing."));
  server.registerTool("test_image_content", { description: "Returns an image" },
    async () => ({ content: [{ type: "image", data: PNG, mimeType: "image/png" }] }));
  server.registerTool("test_audio_content", { description: "Returns audio" },
    async () => ({ content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] }));
  server.registerTool("test_embedded_resource", { description: "Returns an embedded resource" },
    async () => ({
      content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } }],
    }));
  server.registerTool("test_multiple_content_types", { description: "Returns text, an image and a resource" },
    async () => ({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: PNG, mimeType: "image/png" },
        { type: "resource", resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) } },
      ],
    }));
  server.registerTool("test_error_handling", { description: "Always fails" }, async () => {
    throw new Error("This tool intentionally returns an error for testing");
  });

  server.registerTool("test_tool_with_logging", { description: "Logs three messages while it runs", inputSchema: noArgs },
    async (_args, ctx) => {
      for (const [i, data] of ["Tool execution started", "Tool processing data", "Tool execution completed"].entries()) {
        if (i > 0) await sleep(50);
        await ctx.mcpReq.notify({ method: "notifications/message", params: { level: "info", data } });
      }
      return text("Tool with logging executed successfully");
    });

  server.registerTool("test_tool_with_progress", { description: "Reports progress 0, 50, 100 when asked for it", inputSchema: noArgs },
    async (_args, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      // Progress only for a client that sent a token: there is nowhere else to send it.
      if (progressToken !== undefined) {
        for (const progress of [0, 50, 100]) {
          await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken, progress, total: 100, message: `step ${progress}` } });
          if (progress < 100) await sleep(50);
        }
      }
      return text(String(progressToken ?? "no-progress-token"));
    });

  // 2025-era server→client requests; on a modern request the SDK refuses them, which the tool reports.
  // The 2025 scenarios' tools ask through input_required like every tool here: a 2026-07-28 client gets
  // the input request, and the SDK's shim turns it into elicitation/create or sampling/createMessage for
  // a 2025 session. (ctx.mcpReq.send would work for 2025 sessions only.)
  const legacyAsk = (name, description, inputSchema, request, label) => server.registerTool(name, { description, inputSchema },
    async (input, ctx) => {
      const answer = ctx.mcpReq.inputResponses?.ask;
      if (answer !== undefined) return text(label(answer));
      const { method, params } = request(input);
      const ask = method === "elicitation/create" ? inputRequired.elicit(params) : inputRequired.createMessage(params);
      return inputRequired({ inputRequests: { ask } });
    });
  legacyAsk("test_sampling", "Asks the client's LLM (server-to-client request)", z.object({ prompt: z.string() }),
    ({ prompt }) => ({ method: "sampling/createMessage", params: { messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 100 } }),
    (result) => `LLM response: ${result.content?.text ?? "No response"}`);
  legacyAsk("test_elicitation", "Asks the user (server-to-client request)", z.object({ message: z.string() }),
    ({ message }) => ({
      method: "elicitation/create",
      params: { message, requestedSchema: { type: "object", properties: { response: { type: "string", description: "User's response" } }, required: ["response"] } },
    }),
    (result) => `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  legacyAsk("test_elicitation_sep1034_defaults", "Elicitation with defaults for each primitive type", noArgs,
    () => ({
      method: "elicitation/create",
      params: {
        message: "Please review and update the form fields with defaults",
        requestedSchema: {
          type: "object",
          properties: {
            name: { type: "string", description: "User name", default: "John Doe" },
            age: { type: "integer", description: "User age", default: 30 },
            score: { type: "number", description: "User score", default: 95.5 },
            status: { type: "string", description: "User status", enum: ["active", "inactive", "pending"], default: "active" },
            verified: { type: "boolean", description: "Verification status", default: true },
          },
          required: [],
        },
      },
    }),
    (result) => `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
  legacyAsk("test_elicitation_sep1330_enums", "Elicitation with each enum schema variant", noArgs,
    () => ({
      method: "elicitation/create",
      params: {
        message: "Please select options from the enum fields",
        requestedSchema: {
          type: "object",
          properties: {
            untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
            titledSingle: { type: "string", oneOf: [{ const: "value1", title: "First Option" }, { const: "value2", title: "Second Option" }, { const: "value3", title: "Third Option" }] },
            legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
            untitledMulti: { type: "array", minItems: 1, maxItems: 3, items: { type: "string", enum: ["option1", "option2", "option3"] } },
            titledMulti: { type: "array", minItems: 1, maxItems: 3, items: { anyOf: [{ const: "value1", title: "First Choice" }, { const: "value2", title: "Second Choice" }, { const: "value3", title: "Third Choice" }] } },
          },
          required: [],
        },
      },
    }),
    (result) => `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);

  server.registerTool("test_reconnection", { description: "Closes its response stream mid-call, then answers (2025 sessions)", inputSchema: noArgs },
    async (_args, ctx) => {
      closeStream(ctx);
      await sleep(300);
      return text("Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.");
    });

  // Hand-written JSON schemas, so that every keyword reaches tools/list exactly as written.
  server.registerTool("json_schema_2020_12_tool", {
    description: "Tool with JSON Schema 2020-12 features",
    inputSchema: fromJsonSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: { address: { $anchor: "addressDef", type: "object", properties: { street: { type: "string" }, city: { type: "string" } } } },
      properties: {
        name: { type: "string" },
        address: { $ref: "#/$defs/address" },
        contactMethod: { type: "string", enum: ["phone", "email"] },
        phone: { type: "string" },
        email: { type: "string" },
      },
      allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
      if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
      then: { required: ["phone"] },
      else: { required: ["email"] },
      additionalProperties: false,
    }),
  }, async (input) => text(`JSON Schema 2020-12 tool called with: ${JSON.stringify(input)}`));

  server.registerTool("test_x_mcp_header", {
    description: "An argument mirrored into the Mcp-Param-Region header (SEP-2243)",
    inputSchema: fromJsonSchema({
      type: "object",
      properties: {
        region: { type: "string", description: "mirrored into Mcp-Param-Region", "x-mcp-header": "Region" },
        level: { type: "integer", description: "not mirrored" },
      },
    }),
  }, async (input) => text(`region=${input.region ?? "<none>"}`));

  // The server-stateless scenario's probes.
  server.registerTool("test_missing_capability", { description: "Needs the sampling client capability", inputSchema: noArgs },
    async (_args, ctx) => {
      if (ctx.mcpReq.inputResponses?.llm_answer !== undefined) return text("sampling round-trip complete");
      return inputRequired({
        inputRequests: {
          llm_answer: inputRequired.createMessage({ messages: [{ role: "user", content: { type: "text", text: "Reply with: pong" } }], maxTokens: 16 }),
        },
      });
    });
  server.registerTool("test_streaming_elicitation", { description: "Answers with result frames only", inputSchema: noArgs },
    async () => text("result frames only, no server-to-client requests"));
  server.registerTool("test_logging_tool", { description: "Logs through the request (only with _meta logLevel)", inputSchema: noArgs },
    async (_args, ctx) => {
      await ctx.mcpReq.log("info", "test_logging_tool ran");
      return text("logged through the request-scoped channel");
    });
  server.registerTool("test_trigger_tool_change", { description: "Publishes tools/list_changed to listeners", inputSchema: noArgs },
    async () => { notifier.toolsChanged(); return text("tools_list_changed published"); });
  server.registerTool("test_trigger_prompt_change", { description: "Publishes prompts/list_changed to listeners", inputSchema: noArgs },
    async () => { notifier.promptsChanged(); return text("prompts_list_changed published"); });

  // Multi round-trip (input_required) tools: each answers input_required until the retried call
  // carries what it asked for.
  server.registerTool("test_input_required_result_elicitation", { description: "Asks for the caller's name", inputSchema: noArgs },
    async (_args, ctx) => {
      const name = acceptedContent(ctx.mcpReq.inputResponses, "user_name")?.name;
      if (typeof name === "string") return text(`Hello, ${name}!`);
      return inputRequired({ inputRequests: { user_name: askName() } });
    });
  server.registerTool("test_input_required_result_sampling", { description: "Asks the client's LLM", inputSchema: noArgs },
    async (_args, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, "capital_question");
      if (answer.kind === "sampling") return text(`Sampling response: ${answer.result.content?.text ?? JSON.stringify(answer.result)}`);
      return inputRequired({
        inputRequests: {
          capital_question: inputRequired.createMessage({ messages: [{ role: "user", content: { type: "text", text: "What is the capital of France?" } }], maxTokens: 100 }),
        },
      });
    });
  server.registerTool("test_input_required_result_list_roots", { description: "Asks for the client's roots", inputSchema: noArgs },
    async (_args, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, "client_roots");
      if (answer.kind === "roots") return text(`Client exposed ${answer.roots.length} root(s): ${answer.roots.map((r) => r.uri).join(", ")}`);
      return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
    });
  const confirmOk = () => inputRequired.elicit({
    message: "Please confirm",
    requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
  });
  server.registerTool("test_input_required_result_request_state", { description: "Round-trips sealed requestState", inputSchema: noArgs },
    async (_args, ctx) => {
      if (acceptedContent(ctx.mcpReq.inputResponses, "confirm") === undefined) {
        return inputRequired({ inputRequests: { confirm: confirmOk() }, requestState: await stateCodec.mint({ tool: "request_state", nonce: randomUUID() }, ctx) });
      }
      if (ctx.mcpReq.requestState() === undefined) {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, "requestState is missing or failed verification");
      }
      return text("state-ok: requestState verified and confirmation received");
    });
  server.registerTool("test_input_required_result_multiple_inputs", { description: "Asks for three kinds of input at once", inputSchema: noArgs },
    async (_args, ctx) => {
      const responses = ctx.mcpReq.inputResponses;
      const name = acceptedContent(responses, "user_name")?.name;
      const greeting = inputResponse(responses, "greeting");
      const roots = inputResponse(responses, "client_roots");
      if (typeof name === "string" && greeting.kind === "sampling" && roots.kind === "roots") {
        return text(`${greeting.result.content?.text} ${name}: ${roots.roots.length} root(s) visible`);
      }
      return inputRequired({
        inputRequests: {
          user_name: askName(),
          greeting: inputRequired.createMessage({ messages: [{ role: "user", content: { type: "text", text: "Generate a greeting" } }], maxTokens: 50 }),
          client_roots: inputRequired.listRoots(),
        },
        requestState: await stateCodec.mint({ tool: "multiple_inputs", nonce: randomUUID() }, ctx),
      });
    });
  server.registerTool("test_input_required_result_multi_round", { description: "Two elicitation rounds, the round kept in requestState", inputSchema: noArgs },
    async (_args, ctx) => {
      const state = ctx.mcpReq.requestState();
      const round = state?.tool === "multi_round" && typeof state.round === "number" ? state.round : 0;
      if (round === 0) {
        return inputRequired({
          inputRequests: { step1: askName("Step 1: What is your name?") },
          requestState: await stateCodec.mint({ tool: "multi_round", round: 1, nonce: randomUUID() }, ctx),
        });
      }
      if (round === 1) {
        const name = acceptedContent(ctx.mcpReq.inputResponses, "step1")?.name ?? "unknown";
        return inputRequired({
          inputRequests: {
            step2: inputRequired.elicit({
              message: "Step 2: What is your favorite color?",
              requestedSchema: { type: "object", properties: { color: { type: "string" } }, required: ["color"] },
            }),
          },
          requestState: await stateCodec.mint({ tool: "multi_round", round: 2, name, nonce: randomUUID() }, ctx),
        });
      }
      const color = acceptedContent(ctx.mcpReq.inputResponses, "step2")?.color ?? "unknown";
      return text(`Multi-round complete: ${state.name ?? "unknown"} likes ${color}`);
    });
  server.registerTool("test_input_required_result_tampered_state", { description: "Refuses a retry whose requestState was altered", inputSchema: noArgs },
    async (_args, ctx) => {
      // State that fails verification never gets here: the codec's verify hook answers -32602 first.
      if (ctx.mcpReq.requestState() !== undefined && acceptedContent(ctx.mcpReq.inputResponses, "confirm") !== undefined) {
        return text("integrity-ok: requestState verified");
      }
      return inputRequired({ inputRequests: { confirm: confirmOk() }, requestState: await stateCodec.mint({ tool: "tampered_state", nonce: randomUUID() }, ctx) });
    });
  server.registerTool("test_input_required_result_capabilities", { description: "Asks only for input kinds the client declared", inputSchema: noArgs },
    async (_args, ctx) => {
      if (ctx.mcpReq.inputResponses !== undefined) return text("Capability-aware input requests fulfilled");
      const declared = ctx.mcpReq.envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? {};
      const inputRequests = {};
      if (declared.elicitation !== undefined) inputRequests.user_name = askName();
      if (declared.sampling !== undefined) {
        inputRequests.greeting = inputRequired.createMessage({ messages: [{ role: "user", content: { type: "text", text: "Generate a short greeting" } }], maxTokens: 50 });
      }
      if (declared.roots !== undefined) inputRequests.client_roots = inputRequired.listRoots();
      if (Object.keys(inputRequests).length === 0) return text("No declared client capability supports an in-band input request");
      return inputRequired({ inputRequests });
    });
}

function registerResources(server) {
  server.registerResource("static-text", "test://static-text",
    { title: "Static Text Resource", description: "A static text resource", mimeType: "text/plain" },
    async () => ({ contents: [{ uri: "test://static-text", mimeType: "text/plain", text: "This is the content of the static text resource." }] }));
  server.registerResource("static-binary", "test://static-binary",
    { title: "Static Binary Resource", description: "A static binary resource (image)", mimeType: "image/png" },
    async () => ({ contents: [{ uri: "test://static-binary", mimeType: "image/png", blob: PNG }] }));
  server.registerResource("template", new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { title: "Resource Template", description: "Data by id", mimeType: "application/json" },
    async (uri, { id }) => ({
      contents: [{ uri: uri.toString(), mimeType: "application/json", text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
    }));
  server.registerResource("watched-resource", "test://watched-resource",
    { title: "Watched Resource", description: "A resource clients can subscribe to", mimeType: "text/plain" },
    async () => ({ contents: [{ uri: "test://watched-resource", mimeType: "text/plain", text: "Watched resource content" }] }));
  // 2025-era subscriptions; 2026-07-28 replaces them with subscriptions/listen, which the SDK serves.
  server.server.setRequestHandler("resources/subscribe", async () => ({}));
  server.server.setRequestHandler("resources/unsubscribe", async () => ({}));
}

function registerPrompts(server) {
  server.registerPrompt("test_simple_prompt", { title: "Simple Test Prompt", description: "A prompt without arguments" },
    async () => ({ messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }] }));
  server.registerPrompt("test_prompt_with_arguments", {
    title: "Prompt With Arguments",
    description: "A prompt with two arguments",
    argsSchema: z.object({ arg1: z.string().describe("First test argument"), arg2: z.string().describe("Second test argument") }),
  }, async ({ arg1, arg2 }) => ({ messages: [{ role: "user", content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] }));
  server.registerPrompt("test_prompt_with_embedded_resource", {
    title: "Prompt With Embedded Resource",
    description: "A prompt that embeds a resource",
    argsSchema: z.object({ resourceUri: z.string().describe("URI of the resource to embed") }),
  }, async ({ resourceUri }) => ({
    messages: [
      { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ],
  }));
  server.registerPrompt("test_prompt_with_image", { title: "Prompt With Image", description: "A prompt with an image" },
    async () => ({
      messages: [
        { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
        { role: "user", content: { type: "text", text: "Please analyze the image above." } },
      ],
    }));
  // A prompt without argsSchema gets the request context as its only argument.
  server.registerPrompt("test_input_required_result_prompt", { title: "MRTR Prompt", description: "Asks for context before rendering" },
    async (ctx) => {
      const context = acceptedContent(ctx.mcpReq.inputResponses, "user_context")?.context;
      if (typeof context === "string") return { messages: [{ role: "user", content: { type: "text", text: `Use the following context: ${context}` } }] };
      return inputRequired({
        inputRequests: {
          user_context: inputRequired.elicit({
            message: "What context should the prompt use?",
            requestedSchema: { type: "object", properties: { context: { type: "string" } }, required: ["context"] },
          }),
        },
      });
    });
}

/** One server instance: per HTTP request (createMcpHandler) or per stdio connection (serveStdio). */
function newServer() {
  const server = new McpServer(
    { name: "mcp-front-modern-fixture", version: "1.0.0" },
    {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
        // Deprecated in 2026-07-28 (the envelope's logLevel replaces it); kept for 2025-era clients.
        logging: {},
        completions: {},
      },
      requestState: { verify: stateCodec.verify },
    },
  );
  registerTools(server);
  registerResources(server);
  registerPrompts(server);
  server.server.setRequestHandler("logging/setLevel", async () => ({}));
  server.server.setRequestHandler("completion/complete", async () => ({ completion: { values: [], total: 0, hasMore: false } }));
  return server;
}

function log(line) {
  process.stderr.write(`${line}\n`);
}

/** Serves a web-standard fetch handler on node:http; a client that hangs up aborts its request. */
async function serveFetch(handler, req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const aborted = new AbortController();
  res.on("close", () => { if (!res.writableFinished) aborted.abort(); });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && chunks.length > 0;
  const request = new Request(new URL(req.url, "http://127.0.0.1"), {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
    signal: aborted.signal,
  });
  const response = await handler(request);
  res.writeHead(response.status, [...response.headers].flat());
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => { reader.cancel().catch(() => {}); });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

/** Events per stream, in order, so that a 2025 client can resume a stream with Last-Event-ID. */
class MemoryEventStore {
  events = new Map();
  counter = 0;
  async storeEvent(streamId, message) {
    const eventId = `${streamId}::${++this.counter}`;
    this.events.set(eventId, { streamId, message });
    return eventId;
  }
  async getStreamIdForEventId(eventId) {
    return this.events.get(eventId)?.streamId;
  }
  async replayEventsAfter(lastEventId, { send }) {
    const stream = this.events.get(lastEventId)?.streamId;
    if (!stream) return "";
    let after = false;
    for (const [eventId, event] of this.events) {
      if (eventId === lastEventId) after = true;
      else if (after && event.streamId === stream) await send(eventId, event.message);
    }
    return stream;
  }
}

/** 2025-era Streamable HTTP with sessions: one server instance per session, as before SDK v2. */
function legacySessions() {
  const sessions = new Map();
  const jsonError = (status, code, message) => new Response(
    JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }),
    { status, headers: { "Content-Type": "application/json" } },
  );
  const fetch = async (request) => {
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId) {
      const session = sessions.get(sessionId);
      return session ? session.handleRequest(request) : jsonError(404, -32001, "Session not found");
    }
    const body = request.method === "POST" ? await request.clone().json().catch(() => undefined) : undefined;
    if (!isInitializeRequest(body)) return jsonError(400, -32000, "Bad Request: no session; send initialize first");
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: new MemoryEventStore(),
      retryInterval: 200,
      onsessioninitialized: (id) => { sessions.set(id, transport); },
      onsessionclosed: (id) => { sessions.delete(id); },
    });
    transport.onclose = () => { if (transport.sessionId) sessions.delete(transport.sessionId); };
    await newServer().connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  };
  return { fetch, get: (id) => sessions.get(id) };
}

function serveHttp() {
  const mcp = createMcpHandler(() => newServer(), {
    legacy: args.era === "dual-stateless" ? "stateless" : "reject",
    onerror: (error) => log(`mcp handler: ${error?.message ?? error}`),
  });
  notifier = mcp.notify;
  const legacy = args.era === "dual" ? legacySessions() : undefined;
  closeStream = (ctx) => legacy?.get(ctx.sessionId)?.closeSSEStream(ctx.mcpReq.id);
  const handle = async (request) => {
    if (new URL(request.url).pathname !== "/mcp") return new Response("Not Found", { status: 404 });
    if (legacy && await isLegacyRequest(request)) return legacy.fetch(request);
    return mcp.fetch(request);
  };
  const allowedHosts = localhostAllowedHostnames();
  const httpServer = http.createServer((req, res) => {
    // Checked here, not on the fetch Request: Node's Request drops the Host header.
    const host = args.checkHost ? validateHostHeader(req.headers.host, allowedHosts) : { ok: true };
    if (!host.ok) {
      res.writeHead(403, { "Content-Type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32000, message: host.message } }));
      return;
    }
    serveFetch(handle, req, res).catch((error) => {
      log(`http: ${error?.stack ?? error}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "Internal error" } }));
    });
  });
  httpServer.listen(args.port, "127.0.0.1", () => {
    log(`listening on http://127.0.0.1:${httpServer.address().port}/mcp (era ${args.era})`);
  });
  // Nothing to flush on the way out: stop at once, open streams and all.
  process.on("SIGTERM", () => process.exit(0));
  process.on("SIGINT", () => process.exit(0));
}

function serveOnStdio() {
  let current;
  notifier = {
    toolsChanged: () => current?.sendToolListChanged(),
    promptsChanged: () => current?.sendPromptListChanged(),
  };
  serveStdio(() => (current = newServer()), {
    legacy: args.era === "modern" ? "reject" : "serve",
    onerror: (error) => log(`stdio: ${error?.message ?? error}`),
  });
}

if (args.transport === "http") serveHttp();
else serveOnStdio();
