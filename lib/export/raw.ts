/**
 * Raw output as stored (gzip of bpftrace's stdout, exactly as printed): streamed back out, and its
 * sha256 and size computed without holding the uncompressed bytes.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** The uncompressed bytes as a web stream (for a Response body); memory stays bounded. */
export function gunzipToWebStream(gz: Uint8Array): ReadableStream<Uint8Array> {
  const node = Readable.from([Buffer.from(gz.buffer, gz.byteOffset, gz.byteLength)]).pipe(zlib.createGunzip());
  return Readable.toWeb(node) as unknown as ReadableStream<Uint8Array>;
}

/** sha256 (hex) and size of the uncompressed bytes of `gz`, streaming. */
export async function digestGz(gz: Uint8Array): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const gunzip = Readable.from([Buffer.from(gz.buffer, gz.byteOffset, gz.byteLength)]).pipe(zlib.createGunzip());
  for await (const chunk of gunzip) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
