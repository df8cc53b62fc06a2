// Loaded with `node --import` into a process under test: any attempt to open a network connection or
// resolve a name is counted and refused. The count is written to $PRISM_NETWORK_GUARD_FILE at exit.
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

let attempts = 0;
const refuse = (what) => {
  attempts++;
  throw new Error(`network guard: ${what} refused`);
};
net.Socket.prototype.connect = function () {
  refuse('socket connect');
};
http.request = () => refuse('http.request');
https.request = () => refuse('https.request');
globalThis.fetch = async () => refuse('fetch');
dns.lookup = () => refuse('dns.lookup');
process.on('exit', () => {
  if (process.env.PRISM_NETWORK_GUARD_FILE) fs.writeFileSync(process.env.PRISM_NETWORK_GUARD_FILE, String(attempts));
});
