// Asynchronous atomic writes for the CA's group commits: many certificates
// written (and fsynced) in parallel on the thread pool instead of one after
// another. Same guarantee as writeFileAtomic: temp file, fsync, rename.
import { open, rename, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomicAsync(path: string, data: string, mode = 0o644): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await chmod(tmp, mode);
  await rename(tmp, path);
}
