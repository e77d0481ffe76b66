import { expireAt, isLate, minuteOf, windowMinutes, windowStart } from './window';

const now = Date.UTC(2026, 10, 22, 10, 7, 30); // 10:07:30
const m = (h: number, min: number) => Date.UTC(2026, 10, 22, h, min) / 1000;

describe('live window math', () => {
  it('floors to the minute', () => {
    expect(minuteOf(now)).toBe(m(10, 7));
    expect(minuteOf(Date.UTC(2026, 10, 22, 10, 7, 0))).toBe(m(10, 7));
    expect(minuteOf(Date.UTC(2026, 10, 22, 10, 6, 59, 999))).toBe(m(10, 6));
  });

  it('a 15-minute window is the current minute and the 14 before it', () => {
    expect(windowStart(now, 15)).toBe(m(9, 53));
    const minutes = windowMinutes(now, 15);
    expect(minutes).toHaveLength(15);
    expect(minutes[0]).toBe(m(9, 53));
    expect(minutes[14]).toBe(m(10, 7));
  });

  it('events before the window are late; the window edge and future minutes are not', () => {
    expect(isLate(m(9, 52), now, 15)).toBe(true);
    expect(isLate(m(9, 53), now, 15)).toBe(false);
    expect(isLate(m(10, 9), now, 15)).toBe(false);
  });

  it('keys expire after the minute left the window, plus grace', () => {
    // 09:53 leaves the window at 10:08:00; with 120 s grace its keys go at 10:10:00.
    expect(expireAt(m(9, 53), 15, 120)).toBe(m(10, 10));
  });
});
