/** `--name value` from the command line (or `argv`), or `fallback`. */
export function arg(name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  return i > 0 && argv[i + 1] ? argv[i + 1]! : fallback;
}

/** `--name` as comma-separated whole numbers in [min, max]; throws naming the option otherwise. */
export function integerListArg(name: string, fallback: string, range: { min: number; max: number }, argv: readonly string[] = process.argv): number[] {
  const raw = arg(name, fallback, argv);
  return raw.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < range.min || n > range.max) throw new Error(`--${name} ${raw}: each value must be a whole number from ${range.min} to ${range.max}`);
    return n;
  });
}

/** `--name` as one whole number in [min, max]. */
export function integerArg(name: string, fallback: number, range: { min: number; max: number }, argv: readonly string[] = process.argv): number {
  const values = integerListArg(name, String(fallback), range, argv);
  if (values.length !== 1) throw new Error(`--${name} takes one value`);
  return values[0]!;
}
