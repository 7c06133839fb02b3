import fsp from 'node:fs/promises'
import path from 'node:path'
import type { DestinationCheck } from '../../shared/cardBackups.js'
import { errnoCode, isCompanionError } from '../errors.js'
import type { SourceFile } from '../sources/photoSource.js'
import { copiesIn } from './backupFolder.js'
import { checkDestinations, freeSpaceOf, tooSmallMessage } from './backupDestinations.js'
import { decideBackup, type FileState } from './incremental.js'
import { readManifest } from './manifest.js'

export interface DestinationCheckOptions {
  /** The card folder name this card's backup uses on every drive. */
  folderName: string
  /** The card's files, as a backup would list them. */
  files: readonly SourceFile[]
  sourceRoot?: string
  systemMountpoints?: readonly string[]
}

/**
 * Checks one typed destination the way the backup will, before Start: the refusals of `checkDestinations`
 * (not there, a system folder or drive root, on the card), then whether it can be written and has room for
 * what this card would add there. Never throws for a refusal: the screen shows the reason next to the field.
 */
export async function checkDestinationForCard(
  destination: string,
  options: DestinationCheckOptions,
): Promise<DestinationCheck> {
  let real: string
  try {
    const [checked] = await checkDestinations([destination], options)
    real = checked!.real!
  } catch (error) {
    if (!isCompanionError(error)) throw error
    return { destination, accepted: false, refusal: { code: error.code, message: error.message } }
  }
  const unwritable = await writeRefusal(real, destination)
  if (unwritable) return { destination, accepted: false, refusal: unwritable }

  const cardFolder = path.join(real, options.folderName)
  const manifest = await readManifest(cardFolder)
  let bytesNeeded = 0
  let alreadyVerified = 0
  // An estimate before Start: a card folder not there yet (or not listable) holds nothing to count on.
  const copies = await copiesIn(cardFolder).catch(() => new Map<string, FileState>())
  for (const file of options.files) {
    // Copies are found under the name the drive stored them by (FAT/exFAT may have mapped it).
    const entry = manifest.get(file.path)
    const copy = copies.get(entry?.storedAs ?? file.path)
    if (decideBackup(file, copy, entry) === 'unchanged') alreadyVerified++
    else bytesNeeded += file.size
  }
  // A drive that reports no size is not refused here (and shows no free space): a full one is caught mid-file.
  const freeBytes = await freeSpaceOf(real)
  const figures = { ...(freeBytes === undefined ? {} : { freeBytes }), bytesNeeded, alreadyVerified }
  if (freeBytes !== undefined && bytesNeeded > freeBytes) {
    return {
      destination,
      accepted: false,
      refusal: {
        code: 'DESTINATION_TOO_SMALL',
        message: tooSmallMessage(destination, freeBytes, bytesNeeded),
      },
      ...figures,
    }
  }
  return { destination, accepted: true, ...figures }
}

/**
 * Write permission is what the drive does, not what the mode bits say (root passes every access() check,
 * a read-only mount fails only on write): a probe folder is made and removed at once.
 */
async function writeRefusal(real: string, destination: string): Promise<DestinationCheck['refusal']> {
  try {
    const probe = await fsp.mkdtemp(path.join(real, '.creaturebox-write-check-'))
    await fsp.rmdir(probe)
    return undefined
  } catch (error) {
    return {
      code: 'DESTINATION_FAILED',
      message: `Cannot write to ${destination} (${errnoCode(error) ?? 'error'}): it is read-only or not yours`,
    }
  }
}
