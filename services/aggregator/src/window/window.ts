/**
 * Window math, in epoch seconds of minute starts. The live window of W minutes
 * is the current minute and the W-1 before it. A minute's keys expire
 * `graceSeconds` after the minute has left the window.
 */
export const MINUTE_SECONDS = 60;

export function minuteOf(epochMs: number): number {
  return Math.floor(epochMs / 60_000) * MINUTE_SECONDS;
}

/** Oldest minute still inside the window at `nowMs`. */
export function windowStart(nowMs: number, windowMinutes: number): number {
  return minuteOf(nowMs) - (windowMinutes - 1) * MINUTE_SECONDS;
}

/** The window's minutes, oldest first. */
export function windowMinutes(nowMs: number, windowMinutes: number): number[] {
  const start = windowStart(nowMs, windowMinutes);
  return Array.from({ length: windowMinutes }, (_, i) => start + i * MINUTE_SECONDS);
}

export function isLate(minute: number, nowMs: number, windowMinutes: number): boolean {
  return minute < windowStart(nowMs, windowMinutes);
}

/** When a minute's keys expire (EXPIREAT, epoch seconds): after it has left the window, plus grace. */
export function expireAt(minute: number, windowMinutes: number, graceSeconds: number): number {
  return minute + windowMinutes * MINUTE_SECONDS + graceSeconds;
}
