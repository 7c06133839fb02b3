import fsp from 'node:fs/promises'
import path from 'node:path'
import { photoCardOf } from '../photos/photoCard.js'
import { PhotoMarksStore } from '../photos/photoMarks.js'
import { MANIFEST_FILE } from '../storage/manifest.js'
import type { StorageManager } from '../storage/storageManager.js'

/** Where the Photos screen keeps its marks in the app's data folder (the photos handlers' marks folder). */
const PHOTO_MARKS_FOLDER = 'photo-marks'

/**
 * The photos starred on the Photos screen, for Camtrap DP's `favorite`; undefined when the card has no marks
 * at all, so the column stays empty rather than saying "not a favourite" about photos nobody looked at.
 * Marks follow a card by its name; a backup's card folder carries that name itself, so for one both the
 * folder's name and the name read from its files are looked up.
 */
export async function favoritesOf(
  dataDir: string,
  manager: StorageManager,
  photoRoot: string,
): Promise<ReadonlySet<string> | undefined> {
  const store = new PhotoMarksStore(path.join(dataDir, PHOTO_MARKS_FOLDER))
  const keys = new Set([(await photoCardOf(manager)).marksKey])
  const isBackupFolder = await fsp.stat(path.join(photoRoot, MANIFEST_FILE)).then(
    () => true,
    () => false,
  )
  if (isBackupFolder) keys.add(path.basename(photoRoot))
  const marks = Object.assign(
    {},
    ...(await Promise.all([...keys].map((key) => store.marksOf(key)))),
  ) as Record<string, string>
  const entries = Object.entries(marks)
  if (entries.length === 0) return undefined
  return new Set(entries.filter(([, mark]) => mark === 'star').map(([photo]) => photo))
}
