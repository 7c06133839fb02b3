import { openSource, type BoxConnectionOptions } from '../core/sources/openSource.js'
import { StorageManager } from '../core/storage/storageManager.js'

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
  const manager = new StorageManager(source)
  try {
    return await run(manager)
  } finally {
    await manager.close()
  }
}
