import type { Catalog } from '../../shared/storage.js'
import { cardFolderName } from '../storage/backupFolder.js'
import type { StorageManager } from '../storage/storageManager.js'

export interface PhotoCard {
  catalog: Catalog
  /** The card's name (`<device>_<volume label>`, as its backup folder): marks follow the card by it. */
  marksKey: string
  /** The name plus where it was read from: thumbnails are cached under it, as mtimes can differ by place. */
  imageKey: string
}

/** Which card a manager reads, for the thumbnail cache and the marks store. */
export async function photoCardOf(manager: StorageManager): Promise<PhotoCard> {
  const [catalog, identity] = await Promise.all([manager.getCatalog(), manager.source.identity()])
  const name = cardFolderName(catalog.deviceName, identity.volumeLabel)
  return { catalog, marksKey: name, imageKey: `${name}\0${identity.id}` }
}
