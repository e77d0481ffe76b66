import { isbot } from 'isbot';
import type { DeviceClass, UaFamily } from '@cdnlog/common';
import { RecentCache } from '../cache/recent-cache';

export interface UaInfo {
  family: UaFamily;
  deviceClass: DeviceClass;
  isBot: boolean;
}

/**
 * Our product's browser-family taxonomy, as ordered rules: the first match
 * wins, so engines that embed another's token (Edge and Opera carry "Chrome/",
 * Chrome carries "Safari/") come before the one they imitate. Crawler
 * detection itself is the `isbot` library's job.
 */
const FAMILY_RULES: Array<[UaFamily, RegExp]> = [
  ['Googlebot', /Googlebot|Google-InspectionTool|AdsBot-Google|Mediapartners-Google/i],
  ['Bingbot', /bingbot|BingPreview|msnbot/i],
  ['curl', /^curl\//i],
  ['Edge', /\bEdg(e|A|iOS)?\//],
  ['Opera', /\bOPR\/|\bOpera\b|\bOPT\//],
  ['Firefox', /\bFirefox\/|\bFxiOS\//],
  ['Chrome', /\bChrome\/|\bCriOS\/|\bChromium\//],
  ['Safari', /\bVersion\/[\d.]+.*\bSafari\/|\bMobile\/\w+ Safari\//],
];

function family(ua: string): UaFamily {
  for (const [name, rule] of FAMILY_RULES) if (rule.test(ua)) return name;
  return 'Other';
}

function deviceClass(ua: string, bot: boolean): DeviceClass {
  if (bot) return 'bot';
  if (/iPad|Tablet|PlayBook|Silk\/|Android(?!.*Mobile)/i.test(ua)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android.*Mobile|Windows Phone/i.test(ua)) return 'mobile';
  if (/Windows NT|Macintosh|X11|CrOS|Linux x86_64/i.test(ua)) return 'desktop';
  return 'other';
}

export function parseUserAgent(ua: string): UaInfo {
  if (ua === '') return { family: 'Other', deviceClass: 'other', isBot: false };
  const fam = family(ua);
  const bot = fam === 'Googlebot' || fam === 'Bingbot' || isbot(ua);
  return { family: fam, deviceClass: deviceClass(ua, bot), isBot: bot };
}

/** parseUserAgent behind a cache of recent strings: a CDN sees a few thousand distinct UA strings, millions of times. */
export class UserAgents {
  private readonly cache: RecentCache<string, UaInfo>;
  constructor(size = 20_000) {
    this.cache = new RecentCache(size);
  }
  parse(ua: string): UaInfo {
    let info = this.cache.get(ua);
    if (!info) {
      info = parseUserAgent(ua);
      this.cache.set(ua, info);
    }
    return info;
  }
}
