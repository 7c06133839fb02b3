import fsp from 'node:fs/promises'
import type { Drive } from '../../shared/storage.js'
import { isSystemDrive } from '../../shared/driveConstraints.js'
import type { CacheLogger } from '../cache/index.js'
import { describeError } from '../errors.js'
import type { SettingsStore } from '../settings/settingsStore.js'

export interface AutoBackupOptions {
  settings: SettingsStore
  /** The card folder name (device name and volume label) of the card mounted there. */
  cardFolderOf(mountpoint: string): Promise<string>
  /** Starts the same backup job the Backup screen starts. */
  startBackup(source: string, destinations: string[]): Promise<unknown>
  logger?: CacheLogger
}

/**
 * Rapid Photo Downloader's "download on insert", opt-in per card: when a card appears whose remembered
 * entry has `autoBackup` on and every one of its drives is there, its backup starts on its own. Cards
 * already present when the companion starts are not backed up (they were not inserted); a card whose
 * drives are not all plugged in waits for the user, never a partial run to whatever drive happens to be
 * there. Returns the listener for the drive watcher's `change` event.
 */
export function autoBackupOnInsert(options: AutoBackupOptions): (drives: Drive[]) => void {
  let present: Set<string> | undefined
  return (drives) => {
    const cards = new Set(
      drives
        .filter((drive) => drive.isCreatureBoxCard && !isSystemDrive(drive))
        .flatMap((drive) => drive.mountpoints.map((mount) => mount.path)),
    )
    const inserted = present ? [...cards].filter((card) => !present!.has(card)) : []
    present = cards
    for (const card of inserted) {
      void backUpIfAsked(card, options).catch((error: unknown) =>
        options.logger?.warn(`Automatic backup of ${card} did not start: ${describeError(error)}`),
      )
    }
  }
}

async function backUpIfAsked(card: string, options: AutoBackupOptions): Promise<void> {
  const key = await options.cardFolderOf(card)
  const entry = options.settings.get().cardBackups.find((known) => known.card === key)
  if (!entry?.autoBackup || entry.destinations.length === 0) return
  const there = await Promise.all(
    entry.destinations.map((destination) =>
      fsp.stat(destination).then(
        (stats) => stats.isDirectory(),
        () => false,
      ),
    ),
  )
  if (!there.every(Boolean)) {
    options.logger?.warn(`Automatic backup of ${card} waits: not all of its drives are plugged in`)
    return
  }
  await options.startBackup(card, entry.destinations)
}
