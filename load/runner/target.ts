/**
 * The load runner's safety catch: it only aims at loopback (127.0.0.0/8, ::1, or a name that
 * resolves only to those) unless the operator says `--allow-remote`, so a typo cannot send a
 * Friday-night burst to somebody's production RGS.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export class TargetError extends Error {}

const MAX_ADDRESSES = 32;

export function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) === 6) {
    const lower = address.toLowerCase();
    return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
  }
  return false;
}

/** The normalized base URL, or a TargetError naming the problem (never a partial run). */
export async function checkTarget(raw: string, allowRemote: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetError(`--target ${raw} is not a URL (expected http(s)://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TargetError(`--target must be http:// or https://, got ${url.protocol}`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    throw new TargetError('--target must be a base URL with no path, query or fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowRemote) {
    const addresses = isIP(host) ? [host] : await resolveAll(host);
    const remote = addresses.filter((address) => !isLoopbackAddress(address));
    if (addresses.length === 0 || remote.length > 0) {
      throw new TargetError(
        `--target ${url.host} is not loopback (${remote.join(', ') || 'does not resolve'}); ` +
          'pass --allow-remote to load a remote RGS on purpose',
      );
    }
  }
  return `${url.protocol}//${url.host}`;
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    const found = await lookup(host, { all: true });
    return found.slice(0, MAX_ADDRESSES).map((entry) => entry.address);
  } catch {
    return [];
  }
}
