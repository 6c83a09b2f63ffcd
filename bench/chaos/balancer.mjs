// A TCP load balancer for the chaos run: each new connection goes to the next instance that accepts
// it (round robin, no affinity), so that a killed instance costs only the connections it held.
//   node balancer.mjs --listen PORT --to PORT,PORT,PORT
import net from "node:net";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, v, i, all) => (i % 2 ? pairs : [...pairs, [v.slice(2), all[i + 1]]]), []));
const targets = args.to.split(",").map(Number);
let next = 0;

function connect(client, tries) {
  const port = targets[next++ % targets.length];
  const upstream = net.connect({ host: "127.0.0.1", port });
  let connected = false;
  upstream.once("connect", () => {
    connected = true;
    client.pipe(upstream).pipe(client);
    client.resume();
  });
  upstream.on("error", () => {
    if (!connected && tries + 1 < targets.length) connect(client, tries + 1);
    else client.destroy();
  });
  upstream.on("close", () => client.destroy());
  client.on("close", () => upstream.destroy());
  client.on("error", () => upstream.destroy());
}

net.createServer({ pauseOnConnect: true }, (client) => connect(client, 0)).listen(Number(args.listen), "127.0.0.1");
