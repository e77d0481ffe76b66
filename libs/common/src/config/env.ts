import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parse the environment with a zod object schema whose keys are the variable
 * names. Empty strings count as unset so `FOO=` falls back to the default.
 * Every problem names the variable it concerns.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const cleaned: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    cleaned[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.join('.') : '(config)';
    const given = issue.path.length === 1 ? cleaned[String(issue.path[0])] : undefined;
    return given === undefined ? `${name}: ${issue.message}` : `${name}: ${issue.message} (got ${JSON.stringify(given)})`;
  });
  throw new ConfigError(problems);
}

/**
 * For a service's entry point: parse the config, or print the problems to
 * stderr and exit with status 78 (EX_CONFIG) before anything else starts.
 */
export function loadConfigOrExit<S extends z.ZodObject>(service: string, schema: S, env: Env = process.env): z.infer<S> {
  try {
    return parseEnv(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
