/**
 * Writing git objects (blobs, trees, commits) straight into a repository's object folder, as
 * loose objects, without starting a git process: an edit of a few files then costs no spawn for
 * its blobs, its trees and its commit. The format is git's own: the object is
 * `<type> <size>\0<content>`, named by its hash, stored zlib-deflated at `objects/ab/cdef…`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate as deflateCallback } from 'node:zlib';
import { isTreeMode, type RawTreeEntry } from './tree.ts';
import { exists } from '../../files.ts';

const deflate = promisify(deflateCallback);

export type ObjectType = 'blob' | 'tree' | 'commit';

/** The hash of a repository's object names: SHA-1 (40 hex digits) or SHA-256 (64). */
export type ObjectFormat = 'sha1' | 'sha256';

/** The object format of a repository, from the length of one of its object ids. */
export function objectFormatOf(sha: string): ObjectFormat {
  return sha.length === 64 ? 'sha256' : 'sha1';
}

/** The id git gives an object of this type and content. */
export function objectId(format: ObjectFormat, type: ObjectType, content: Buffer): string {
  return createHash(format).update(`${type} ${content.length}\0`, 'latin1').update(content).digest('hex');
}

/**
 * Writes an object unless the repository already has it loose, and resolves with its id. The file
 * appears whole or not at all: it is written under a temporary name and linked into place, and an
 * object already there (another writer, same bytes) counts as written.
 */
export async function writeLooseObject(gitDir: string, format: ObjectFormat, type: ObjectType, content: Buffer): Promise<string> {
  const sha = objectId(format, type, content);
  const folder = join(gitDir, 'objects', sha.slice(0, 2));
  const path = join(folder, sha.slice(2));
  if (await exists(path)) return sha;
  const deflated = await deflate(Buffer.concat([Buffer.from(`${type} ${content.length}\0`, 'latin1'), content]));
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `tmp_obj_${randomBytes(6).toString('hex')}`);
  await writeFile(temporary, deflated, { mode: 0o444 });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary).catch(() => {});
  }
  return sha;
}

/**
 * A tree object's content: entries in git's order (by name bytes, a folder's name compared as
 * if it ended with `/`), each `<mode> <name>\0<binary id>`.
 */
export function treeContent(entries: readonly RawTreeEntry[]): Buffer {
  const slash = Buffer.from('/');
  const keyed = entries.map((entry) => ({ entry, key: isTreeMode(entry.mode) ? Buffer.concat([entry.name, slash]) : entry.name }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (const { entry } of keyed) parts.push(Buffer.from(`${entry.mode} `, 'latin1'), entry.name, Buffer.from([0]), Buffer.from(entry.sha, 'hex'));
  return Buffer.concat(parts);
}

/** Who made a commit, and when (seconds since the epoch; written in UTC). */
export interface Signature {
  name: string;
  email: string;
  date: Date;
}

/** A time as a commit records it: seconds since the epoch, in UTC (`1772600767 +0000`). */
export function gitTime(date: Date): string {
  return `${Math.floor(date.getTime() / 1000)} +0000`;
}

/** Characters git trims from both ends of a name or e-mail address (and `<`, `>`, newlines it drops anywhere). */
const CRUD = /^[\s.,:;<>"\\']|[\s.,:;<>"\\']$|[<>\n\0]/;

/**
 * The content of a commit object, exactly as `git commit-tree` writes it for the same tree,
 * parents, author (also the committer), date and message; undefined when git would change the
 * name, e-mail or message on the way (it trims some characters from names, and a message with a
 * NUL byte is refused), so the caller lets git write that commit.
 */
export function commitContent(input: { tree: string; parents: readonly string[]; author: Signature; message: string }): Buffer | undefined {
  const { tree, parents, author, message } = input;
  if (author.name === '' || author.email === '' || CRUD.test(author.name) || CRUD.test(author.email) || message.includes('\0')) return undefined;
  const ident = `${author.name} <${author.email}> ${gitTime(author.date)}`;
  // commit-tree drops a parent given twice.
  const lines = [`tree ${tree}`, ...[...new Set(parents)].map((p) => `parent ${p}`), `author ${ident}`, `committer ${ident}`];
  return Buffer.from(`${lines.join('\n')}\n\n${message.endsWith('\n') ? message : `${message}\n`}`, 'utf8');
}
