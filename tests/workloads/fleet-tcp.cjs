#!/usr/bin/env node
/*
 * Loopback TCP sessions between fleet addresses, of known shape: for the fleet tcplife graph (a session
 * between two fleet hosts is traced at both ends) and its ground truth.
 *
 *   node fleet-tcp.cjs <client>><server>[:port] ... [--sessions N]
 *   e.g. node fleet-tcp.cjs '127.0.0.11>127.0.0.21' '127.0.0.12>127.0.0.31' --sessions 2
 *
 * For each pair a server listens on <server> (port 0 = ephemeral unless given) and the client, bound to
 * <client>, makes N sessions one after another: session i sends 20000 + 1000 i bytes, half-closes, reads
 * the server's 7000 + 100 i byte answer, closes. Prints one JSON line:
 *   { pid, sessions: [{ laddr, lport, raddr, rport, sent, received }] }   (lport = the client's port)
 * Everything stays on loopback (127.0.0.0/8) and ends by itself.
 */
'use strict';
const net = require('node:net');

const sent = (i) => 20000 + 1000 * i;
const answer = (i) => 7000 + 100 * i;

const args = process.argv.slice(2);
let sessions = 1;
const pairs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--sessions') sessions = Number(args[++i]);
  else {
    const m = /^(127\.\d+\.\d+\.\d+)>(127\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(args[i]);
    if (!m) throw new Error(`not client>server on loopback: ${args[i]}`);
    pairs.push({ client: m[1], server: m[2], port: Number(m[3] ?? 0) });
  }
}
setTimeout(() => process.exit(2), 60_000).unref();

function listen(addr, port) {
  return new Promise((resolve, reject) => {
    let index = 0;
    const s = net.createServer((c) => {
      const i = index++;
      c.on('data', () => {});
      c.on('end', () => c.end(Buffer.alloc(answer(i), 0x61)));
      c.on('error', () => {});
    });
    s.on('error', reject);
    s.listen(port, addr, () => resolve(s));
  });
}

function session(i, p, port) {
  return new Promise((resolve, reject) => {
    let received = 0;
    let local = { address: '', port: 0 };
    const c = net.connect({ host: p.server, port, localAddress: p.client }, () => {
      local = { address: c.localAddress, port: c.localPort };
      c.end(Buffer.alloc(sent(i), 0x62));
    });
    c.on('data', (d) => (received += d.length));
    c.on('error', reject);
    c.on('close', () => resolve({ laddr: local.address, lport: local.port, raddr: p.server, rport: port, sent: sent(i), received }));
  });
}

(async () => {
  const out = [];
  for (const p of pairs) {
    const s = await listen(p.server, p.port);
    const port = s.address().port;
    for (let i = 0; i < sessions; i++) out.push(await session(i, p, port));
    s.close();
  }
  process.stdout.write(JSON.stringify({ pid: process.pid, sessions: out }) + '\n');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
