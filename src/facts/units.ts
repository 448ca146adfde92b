// Facter's human-readable forms: "23.54 GiB", "2.60 GHz", "1.24%", and the
// release hash {full, major, minor}. Facts carry these strings verbatim and
// manifests compare them, so the rounding must match Facter's exactly.
import type { Data } from '../compiler/wire.js';

const BINARY_PREFIX = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 1024 -> "1.00 KiB"; under 1024 -> "N bytes". */
export function bytesToHuman(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  let exp = Math.floor(Math.log2(bytes) / 10);
  let n = Math.round(100 * (bytes / 1024 ** exp)) / 100;
  if (Math.abs(n - 1024) < Number.EPSILON) { exp += 1; n = 1; }
  const unit = BINARY_PREFIX[exp - 1];
  if (!unit) return `${bytes} bytes`;
  return `${n.toFixed(2)} ${unit}`;
}

/** 2_600_000_000 -> "2.60 GHz". */
export function hertzToHuman(hz: number): string | undefined {
  if (!hz) return undefined;
  const prefix: Record<number, string> = { 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T' };
  const power = Math.floor(Math.log10(hz));
  const shown = power - (power % 3);
  const coeff = power === 0 ? hz : hz / 10 ** shown;
  return `${(Math.round(coeff * 100) / 100).toFixed(2)} ${prefix[shown] ?? ''}Hz`;
}

/** Memory capacity: always two decimals ("1.24%"). */
export function memoryCapacity(used: number, total: number): string {
  return `${total ? ((used / total) * 100).toFixed(2) : '0.00'}%`;
}

/** Mount capacity as Facter prints it: "0%", "100%", "21.40%". */
export function mountCapacity(used: number, total: number): string {
  if (used === total) return '100%';
  if (used === 0) return '0%';
  return `${((used / total) * 100).toFixed(2)}%`;
}

export function bytesToMb(bytes: number): number {
  return bytes / (1024 * 1024);
}

/** "12.11" -> {full: "12.11", major: "12", minor: "11"} (minor only when present). */
export function releaseHash(full: string | undefined): Record<string, Data> | undefined {
  if (!full) return undefined;
  const parts = full.split('.');
  const r: Record<string, Data> = { full, major: parts[0] };
  if (parts[1] !== undefined) r.minor = parts[1];
  return r;
}
