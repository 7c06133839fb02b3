import path from 'node:path'
import type { CardBackup, CardBackupInfo } from '../../shared/cardBackups.js'
import type { BackupResult } from '../../shared/storage.js'
import type { SettingsStore } from './settingsStore.js'

/**
 * The drives each card was last backed up to, kept in the settings by card folder name (device name and
 * volume label), so that choosing the card again ticks them and one click backs it up (Rapid Photo
 * Downloader's per-device settings).
 */

export function cardBackupOf(settings: SettingsStore, card: string): CardBackupInfo {
  const known = settings.get().cardBackups.find((entry) => entry.card === card)
  return { card, destinations: known?.destinations ?? [], autoBackup: known?.autoBackup ?? false }
}

async function putCardBackup(settings: SettingsStore, entry: CardBackup): Promise<CardBackupInfo> {
  const others = settings.get().cardBackups.filter((known) => known.card !== entry.card)
  await settings.update({ cardBackups: [...others, entry] })
  return cardBackupOf(settings, entry.card)
}

/**
 * After a backup: the drives that took it (a drive that stopped, unplugged or full, is left out) become the
 * card's remembered drives. A run where every drive stopped changes nothing.
 */
export async function rememberBackup(settings: SettingsStore, result: BackupResult): Promise<void> {
  const first = result.destinations[0]
  if (!first) return
  const card = path.basename(first.cardFolder)
  const used = result.destinations.filter((destination) => !destination.error)
  if (used.length === 0) return
  await putCardBackup(settings, {
    ...cardBackupOf(settings, card),
    destinations: used.map((destination) => destination.destination),
  })
}

export async function setAutoBackup(
  settings: SettingsStore,
  card: string,
  enabled: boolean,
): Promise<CardBackupInfo> {
  return putCardBackup(settings, { ...cardBackupOf(settings, card), autoBackup: enabled })
}
