/**
 * Starting and stopping the two systems a compare run measures in turn. The
 * project's services are stopped the way scripts/pipeline stops them (SIGTERM to
 * the pid in .stack/run, SIGKILL after 30 s, pid file removed) and started again
 * with `scripts/pipeline up`, which starts only what is not running and leaves
 * the stack (Kafka, ClickHouse, Redis) alone. The peer has run-peer.sh.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isAlive } from '@cdnlog/common';
import { pidOf, readPidFile } from '../measure/proc-stats';

/** scripts/pipeline's SERVICES. */
export const PROJECT_SERVICES = ['ingest-api', 'enricher', 'aggregator', 'metrics-api'] as const;
export const PEER_ROLES = ['ingest', 'enricher', 'aggregator'] as const;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run a command to its end; output collected. Rejects when it cannot start. */
export function runCommand(command: string, args: string[], opts: { cwd?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function runOrThrow(what: string, command: string, args: string[], cwd?: string): Promise<string> {
  const r = await runCommand(command, args, { cwd });
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}:\n${(r.stdout + r.stderr).slice(-2000)}`);
  return r.stdout;
}

/** An executable `name` in one of PATH's directories. */
export function onPath(name: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, name)));
}

/**
 * The pid of a project service if it runs from this stack: like
 * scripts/stack.d/env.sh's component_pid, a pid file alone is not trusted
 * (the pid may have been reused); the process's command line must name the stack directory.
 */
export function projectServicePid(stackDir: string, service: string): number | undefined {
  const pid = pidOf(stackDir, service);
  if (pid === undefined || !isAlive(pid)) return undefined;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
  const names = [stackDir];
  try {
    names.push(realpathSync(stackDir));
  } catch {
    /* the directory is gone: only its name can match */
  }
  return names.some((d) => cmdline.includes(d)) ? pid : undefined;
}

export function projectServicesRunning(stackDir: string): boolean {
  return PROJECT_SERVICES.every((s) => projectServicePid(stackDir, s) !== undefined);
}

/** Stop the project's four services (the stack keeps running); returns the ones stopped. */
export async function stopProjectServices(stackDir: string, log: (line: string) => void): Promise<string[]> {
  const stopped: string[] = [];
  for (const service of PROJECT_SERVICES) {
    const pid = projectServicePid(stackDir, service);
    if (pid === undefined) continue;
    log(`stopping ${service} (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 60 && isAlive(pid); i++) await sleep(500);
    if (isAlive(pid)) {
      log(`${service} did not stop in 30 s, killing`);
      process.kill(pid, 'SIGKILL');
    }
    rmSync(join(stackDir, 'run', `${service}.pid`), { force: true });
    stopped.push(service);
  }
  return stopped;
}

/** `scripts/pipeline up`: builds, then starts whatever of the stack and the services is not running, and waits until ready. */
export async function startProject(root: string): Promise<void> {
  await runOrThrow('scripts/pipeline up', 'bash', [join(root, 'scripts', 'pipeline'), 'up'], root);
}

export interface Peer {
  script: string;
  bin: string;
  runDir: string;
}

export function peerPaths(peerDir: string): Peer {
  const seed = join(peerDir, 'go-seed');
  return { script: join(seed, 'run-peer.sh'), bin: join(seed, 'bin', 'peer'), runDir: join(seed, '.run') };
}

/** Why the peer cannot be measured here, or undefined if it can (built already, or Go on PATH to build it). */
export function peerUnavailable(peerDir: string, path = process.env.PATH ?? ''): string | undefined {
  const peer = peerPaths(peerDir);
  if (!existsSync(peer.script)) return `no ${peer.script} (the peer directory is --peer-dir, default <root>/../shared/peers)`;
  if (!existsSync(peer.bin) && !onPath('go', path)) return `\`go\` is not on PATH, so ${peer.bin} cannot be built`;
  return undefined;
}

export async function runPeer(peerDir: string, command: 'build' | 'start' | 'stop'): Promise<void> {
  await runOrThrow(`run-peer.sh ${command}`, 'bash', [peerPaths(peerDir).script, command]);
}

export function peerPid(peerDir: string, role: (typeof PEER_ROLES)[number]): number | undefined {
  return readPidFile(join(peerPaths(peerDir).runDir, `${role}.pid`));
}
