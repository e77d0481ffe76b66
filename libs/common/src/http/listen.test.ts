import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { closeServer, listen, LISTEN_BACKLOG } from './listen';

describe('listen', () => {
  it('listens with a pending-connection queue of LISTEN_BACKLOG (capped by net.core.somaxconn), not Node’s 511', async () => {
    const server = await listen(express(), 0, { host: '127.0.0.1' });
    try {
      const { port } = server.address() as AddressInfo;
      // For a listening socket, ss reports the backlog in the Send-Q column.
      const [line] = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim().split('\n');
      const sendQ = Number(line!.trim().split(/\s+/)[2]);
      const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
      expect(sendQ).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    } finally {
      await closeServer(server);
    }
  });
});
