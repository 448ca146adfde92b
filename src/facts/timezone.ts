// The `timezone` fact: the zone abbreviation in effect now ("UTC", "CET",
// "CEST"), as strftime('%Z') gives it. Node's Intl only knows "GMT+1" for most
// zones, so the abbreviation is read from the TZif file the C library uses.
import { readFileSync } from 'node:fs';

interface ZoneType { utoff: number; isdst: boolean; abbr: string }

/** Parses a TZif file (RFC 8536): the zone types and the type of each transition. */
export function parseTzif(buf: Buffer): { transitions: number[]; typeIdx: number[]; types: ZoneType[]; footer?: string } | undefined {
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const version = buf[4];
  const counts = (at: number) => [0, 1, 2, 3, 4, 5].map((i) => buf.readUInt32BE(at + 20 + i * 4));
  let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0);
  let off = 44;
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the 32-bit block; the 64-bit block after it is authoritative.
    off += timecnt * 4 + timecnt + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    if (buf.length < off + 44 || buf.toString('latin1', off, off + 4) !== 'TZif') return undefined;
    [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(off);
    off += 44;
    timeSize = 8;
  }
  const need = off + timecnt * timeSize + timecnt + typecnt * 6 + charcnt;
  if (buf.length < need || typecnt === 0) return undefined;
  const transitions: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    transitions.push(timeSize === 8 ? Number(buf.readBigInt64BE(off + i * 8)) : buf.readInt32BE(off + i * 4));
  }
  off += timecnt * timeSize;
  const typeIdx = [...buf.subarray(off, off + timecnt)];
  off += timecnt;
  const typesAt = off;
  const charsAt = typesAt + typecnt * 6;
  const types: ZoneType[] = [];
  for (let i = 0; i < typecnt; i++) {
    const p = typesAt + i * 6;
    const start = charsAt + buf[p + 5];
    let end = start;
    while (end < charsAt + charcnt && buf[end] !== 0) end++;
    types.push({ utoff: buf.readInt32BE(p), isdst: buf[p + 4] === 1, abbr: buf.toString('latin1', start, end) });
  }
  let footer: string | undefined;
  if (timeSize === 8) {
    const fAt = charsAt + charcnt + leap * 12 + isstd + isut;
    if (buf[fAt] === 0x0a) {
      const nl = buf.indexOf(0x0a, fAt + 1);
      if (nl > fAt) footer = buf.toString('latin1', fAt + 1, nl);
    }
  }
  return { transitions, typeIdx, types, footer };
}

/** The abbreviation in force at `when` (seconds since the epoch), given the current UTC offset in seconds. */
export function abbreviationAt(z: NonNullable<ReturnType<typeof parseTzif>>, when: number, utoff: number): string | undefined {
  let idx = -1;
  for (let i = 0; i < z.transitions.length; i++) if (z.transitions[i] <= when) idx = i; else break;
  if (idx >= 0 && idx < z.transitions.length - 1) return z.types[z.typeIdx[idx]]?.abbr;
  // After the last transition the POSIX rule in the footer applies: "CET-1CEST,M3.5.0,M10.5.0/3".
  if (z.footer) {
    const m = /^(<[^>]+>|[A-Za-z]+)([-+]?\d+(?::\d+){0,2})(<[^>]+>|[A-Za-z]+)?/.exec(z.footer);
    if (m) {
      const strip = (s: string) => s.replace(/^<|>$/g, '');
      const [h, mi = '0', s = '0'] = m[2].replace(/^[-+]/, '').split(':');
      const stdOff = -(m[2].startsWith('-') ? -1 : 1) * (Number(h) * 3600 + Number(mi) * 60 + Number(s));
      if (!m[3] || utoff === stdOff) return strip(m[1]);
      return strip(m[3]);
    }
  }
  const byOffset = z.types.find((t) => t.utoff === utoff);
  return byOffset?.abbr ?? (idx >= 0 ? z.types[z.typeIdx[idx]]?.abbr : z.types[0]?.abbr);
}

/** The local zone's abbreviation now; honours $TZ like the C library. */
export function localTimezone(now = new Date()): string | undefined {
  const tz = process.env.TZ;
  let file = '/etc/localtime';
  if (tz !== undefined && tz !== '') {
    const name = tz.startsWith(':') ? tz.slice(1) : tz;
    if (name.startsWith('/')) file = name;
    else if (/^[A-Za-z0-9_+\-]+(\/[A-Za-z0-9_+\-]+)*$/.test(name)) file = `/usr/share/zoneinfo/${name}`;
    else {
      // A POSIX rule string such as "EST5EDT": its abbreviations are spelled out.
      const m = /^([A-Za-z]{3,})/.exec(name);
      return m?.[1];
    }
  }
  let buf: Buffer;
  try { buf = readFileSync(file); } catch { return tz ? undefined : 'UTC'; }
  const z = parseTzif(buf);
  if (!z) return undefined;
  return abbreviationAt(z, Math.floor(now.getTime() / 1000), -now.getTimezoneOffset() * 60);
}
