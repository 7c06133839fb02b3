import { LocalSource } from './localSource.js'
import type { PhotoSource } from './photoSource.js'

/** The source a user named: a card's mount point or any folder (SFTP boxes join here later). */
export async function openSource(ref: string): Promise<PhotoSource> {
  return LocalSource.open(ref)
}
