import path from 'node:path'
import { appDataDir } from '../core/sources/appDataDir.js'
import { openSource, type BoxConnectionOptions } from '../core/sources/openSource.js'
import { CatalogIndexStore } from '../core/storage/catalogIndex.js'
import { StorageManager } from '../core/storage/storageManager.js'

/** A discarded index only slows one run down: not worth a line in a command's output. */
const quietLogger = { warn: () => undefined }

/** Opens the named source for one command and always closes it (an SFTP link must not linger). */
export async function withManager<T>(
  sourceRef: string,
  run: (manager: StorageManager) => Promise<T>,
  box: BoxConnectionOptions = {},
): Promise<T> {
  const source = await openSource(sourceRef, box)
  const picked = source.features.piCard
  if (picked) {
    // On stderr: said to the person, whatever `--json` prints on stdout.
    process.stderr.write(
      `Raspberry Pi card ${picked.mount}: using the ${picked.kind} folder ${picked.boxFolder} (its photos, settings and logs)\n`,
    )
  }
  // The same kept catalogs as the desktop app: a card opened before starts from its index.
  const catalogIndex = new CatalogIndexStore(path.join(appDataDir(), 'catalog-index'), quietLogger)
  const manager = new StorageManager(source, undefined, { catalogIndex })
  try {
    return await run(manager)
  } finally {
    await manager.close()
  }
}
