import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** The box a result was measured on. */
export function machine(): { cpus: number; memoryGb: number; node: string } {
  return { cpus: cpus().length, memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version };
}

/**
 * Every run's files go to `<dir>/runs/<time>-<name>.<ext>` (git-ignored: one run is
 * evidence for a moment, not for the repository) and the same content to
 * `<dir>/latest-<name>.<ext>`, the one result per profile that git keeps.
 * `files` maps an extension (`json`, `md`, `svg`) to the content. Returns the
 * dated path of the Markdown file (or of the first one).
 */
export function writeResultFiles(dir: string, name: string, startedAt: string, files: Record<string, string>): string {
  const runs = join(dir, 'runs');
  mkdirSync(runs, { recursive: true });
  const base = `${startedAt.replace(/[:.]/g, '-')}-${name}`;
  for (const [ext, content] of Object.entries(files)) {
    writeFileSync(join(runs, `${base}.${ext}`), content);
    writeFileSync(join(dir, `latest-${name}.${ext}`), content);
  }
  const ext = 'md' in files ? 'md' : Object.keys(files)[0];
  return join(runs, `${base}.${ext}`);
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
