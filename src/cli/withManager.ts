import { openSource, type BoxConnectionOptions } from '../core/sources/openSource.js'
import { StorageManager } from '../core/storage/storageManager.js'

/** Opens the named source for one command and always closes it (an SFTP link must not linger). */
export async function withManager<T>(
  sourceRef: string,
  run: (manager: StorageManager) => Promise<T>,
  box: BoxConnectionOptions = {},
): Promise<T> {
  const manager = new StorageManager(await openSource(sourceRef, box))
  try {
    return await run(manager)
  } finally {
    await manager.close()
  }
}
