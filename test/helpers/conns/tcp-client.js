'use strict';
// A TCP client process for the connections tests, driven over stdin/stdout with JSON lines.
//   argv: JSON {targets: [{host, port}], up: bytes to send per connection, down: bytes to expect back}
//   prints {"ready": pid, "ports": [{host, local}]} once every connection is up;
//   on "open": opens one more connection to targets[0] and prints {"extra": its local port};
//   on "send": sends `up` bytes on every connection and prints {"done": true} when every connection
//   has received `down` bytes; "go" is "open" then "send"; on "exit": closes everything.
const net = require('net');
const readline = require('readline');

const cfg = JSON.parse(process.argv[2]);
const conns = [];
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function open(target) {
  return new Promise((resolve, reject) => {
    const c = net.connect(target.port, target.host, () => resolve(c));
    c.on('error', reject);
    c.received = 0;
    c.on('data', (d) => {
      c.received += d.length;
      check();
    });
    conns.push(c);
  });
}

let going = false;
function check() {
  if (going && conns.every((c) => c.received >= cfg.down)) {
    going = false;
    say({ done: true, received: conns.map((c) => c.received) });
  }
}

async function main() {
  for (const t of cfg.targets) await open(t);
  say({ ready: process.pid, ports: conns.map((c) => ({ host: c.remoteAddress, local: c.localPort })) });
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    if (line === 'go' || line === 'open') {
      const extra = await open(cfg.targets[0]);
      say({ extra: extra.localPort });
    }
    if (line === 'go' || line === 'send') {
      going = true;
      const chunk = Buffer.alloc(cfg.up, 0x61);
      for (const c of conns) c.write(chunk);
      check();
    } else if (line === 'exit') {
      for (const c of conns) c.destroy();
      process.exit(0);
    }
  });
  rl.on('close', () => process.exit(0));
}

main().catch((err) => {
  say({ error: String(err) });
  process.exit(1);
});
