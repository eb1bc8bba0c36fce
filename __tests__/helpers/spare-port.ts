// __tests__/helpers/spare-port.ts
// A free loopback port for a test server that clients may dial while it is down (outside the ephemeral range).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, outside the kernel's range of ephemeral ports. Inside it, a client that keeps dialling
 * a port where nothing listens yet (an app instance waiting for a Redis that is down) can be given that very port as
 * its own source port and connect to itself (TCP simultaneous open); the port is then taken and the server started
 * on it fails to bind (seen in CI: "timed out waiting for redis-server on port 40867"). The kernel never picks a
 * source port outside that range.
 */
export async function sparePort(): Promise<number> {
  const [low] = ephemeralRange();
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1, low - 10_000));
    if (port < low && (await isFree(port))) return port;
  }
  return kernelPort();
}

/** The kernel's ephemeral port range (Linux); the IANA range where it cannot be read. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low, high];
  } catch {
    // not Linux
  }
  return [49_152, 65_535];
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port the kernel picks (inside its ephemeral range): the fallback. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
