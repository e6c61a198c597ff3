/**
 * A log that keeps the first `limit` bytes written to it and counts the rest without keeping it,
 * so memory stays bounded however much a step prints.
 */
export class CappedLog {
  readonly limit: number;
  #chunks: Buffer[] = [];
  #kept = 0;
  #total = 0;

  /** @param limit most bytes kept; a non-negative integer. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`log limit must be a non-negative integer of bytes, got ${limit}`);
    this.limit = limit;
  }

  write(chunk: Buffer): void {
    this.#total += chunk.length;
    const room = this.limit - this.#kept;
    if (room <= 0) return;
    // Copy a partial chunk so the rest of it is not kept alive by the slice.
    const part = chunk.length <= room ? chunk : Buffer.from(chunk.subarray(0, room));
    this.#chunks.push(part);
    this.#kept += part.length;
  }

  /** Bytes written, kept or not. */
  get totalBytes(): number {
    return this.#total;
  }

  get truncated(): boolean {
    return this.#total > this.limit;
  }

  /** The kept bytes as UTF-8, then `… log truncated after N bytes` on its own line when bytes were dropped. */
  text(): string {
    const kept = Buffer.concat(this.#chunks, this.#kept);
    if (!this.truncated) return kept.toString('utf8');
    const body = kept.subarray(0, completeUtf8Length(kept)).toString('utf8');
    const newline = body === '' || body.endsWith('\n') ? '' : '\n';
    return `${body}${newline}… log truncated after ${this.limit} bytes`;
  }
}

/** Length of `bytes` without a UTF-8 sequence cut off at its end. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  // Look back at most 3 bytes for the lead byte of the last sequence.
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return end - i >= needed ? end : i;
  }
  return end;
}
