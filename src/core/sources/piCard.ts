import fsp from 'node:fs/promises'
import path from 'node:path'
import { CompanionError } from '../errors.js'
import { LocalSource } from './localSource.js'
import type { SourceFile } from './photoSource.js'

/**
 * A box's SD card as a laptop mounts it: the Raspberry Pi system's ext4 `rootfs`, with the box's folder deep
 * inside and `/usr`, `/etc`, a root-only `lost+found` and the rest of the system around it
 * (docs/field-notes.md). Opened as a source, such a mount is narrowed to the box's folder, and within it to
 * what the box recorded (its photos, settings and logs), so that stats, backup, cleanup and organize never
 * touch the system or the box's software.
 */

export type BoxKind = 'CreatureBox' | 'Mothbox'

export interface PiBoxFolder {
  kind: BoxKind
  /** Absolute folder holding `photos/`, the settings and `logs/`. */
  folder: string
}

/** What a box records, at the top of its folder; nothing else there is field data. */
const BOX_ENTRIES = new Set([
  'photos',
  'logs',
  'camera_settings.csv',
  'schedule_settings.csv',
  'controls.txt',
])

/**
 * A mount is a Raspberry Pi OS root file system when it has the system's own top folders. This computer's
 * own `/` is never a card, even on a box running the Companion itself.
 */
async function isPiRootfs(mount: string): Promise<boolean> {
  if ((await fsp.realpath(mount).catch(() => mount)) === path.parse(mount).root) return false
  const isFolder = (name: string) =>
    fsp.stat(path.join(mount, name)).then(
      (stats) => stats.isDirectory(),
      () => false,
    )
  const [etc, usr, home, opt] = await Promise.all(['etc', 'usr', 'home', 'opt'].map(isFolder))
  return Boolean(etc && usr && (home || opt))
}

/**
 * The box folders on a Pi rootfs, by where CreatureBox and Mothbox keep them (any user's home, as boxes are
 * not always set up as `pi`); undefined when the mount is not a Pi rootfs.
 */
export async function findPiBoxFolders(mount: string): Promise<PiBoxFolder[] | undefined> {
  const root = path.resolve(mount)
  if (!(await isPiRootfs(root))) return undefined
  const homes = await fsp
    .readdir(path.join(root, 'home'), { withFileTypes: true })
    .then((entries) =>
      entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort(),
    )
    .catch(() => [] as string[])
  const candidates: PiBoxFolder[] = [
    ...homes.map((user) => ({
      kind: 'CreatureBox' as const,
      folder: path.join(root, 'home', user, 'CreatureBox'),
    })),
    { kind: 'CreatureBox', folder: path.join(root, 'opt', 'creaturebox') },
    ...homes.map((user) => ({
      kind: 'Mothbox' as const,
      folder: path.join(root, 'home', user, 'Desktop', 'Mothbox'),
    })),
  ]
  const found: PiBoxFolder[] = []
  for (const candidate of candidates) {
    const photos = await fsp.stat(path.join(candidate.folder, 'photos')).catch(() => undefined)
    if (photos?.isDirectory()) found.push(candidate)
  }
  return found
}

/**
 * A box's folder on a Pi card: only the photos, the settings and the logs are seen (listed, backed up,
 * counted, cleaned, organized); the box's software beside them is not field data.
 */
export class PiBoxSource extends LocalSource {
  constructor(
    readonly box: PiBoxFolder,
    readonly mount: string,
  ) {
    super(box.folder)
  }

  override async list(folder: string): Promise<{ files: SourceFile[]; folders: string[] }> {
    const listing = await super.list(folder)
    if (folder !== '') return listing
    return {
      files: listing.files.filter((file) => BOX_ENTRIES.has(file.path)),
      folders: listing.folders.filter((name) => BOX_ENTRIES.has(name)),
    }
  }
}

/**
 * A card or folder named by its path: a Pi rootfs is narrowed to its one box folder, and refused, naming
 * each, when it holds several (each is its own source) or none; anything else is opened as it is.
 */
export async function openLocalCard(ref: string): Promise<LocalSource> {
  const named = await boxFolderNamed(ref)
  if (named) return openBox(named.box, named.mount)
  const boxes = await findPiBoxFolders(ref)
  if (boxes === undefined) return LocalSource.open(ref)
  const mount = path.resolve(ref)
  if (boxes.length === 0) {
    throw new CompanionError(
      'SOURCE_NOT_FOUND',
      `${mount} is a Raspberry Pi system card, but it holds no CreatureBox or Mothbox photos folder (looked in home/<user>/CreatureBox, opt/creaturebox and home/<user>/Desktop/Mothbox); name the photos folder itself`,
    )
  }
  if (boxes.length > 1) {
    throw new CompanionError(
      'INVALID_INPUT',
      `${mount} holds the folders of ${boxes.length} boxes; each is its own card, name one: ${boxes.map((box) => box.folder).join(', ')}`,
      { details: { boxFolders: boxes.map((box) => box.folder) } },
    )
  }
  return openBox(boxes[0] as PiBoxFolder, mount)
}

/** A box folder named directly (one of several on a card): found by looking for the rootfs above it. */
async function boxFolderNamed(ref: string): Promise<{ box: PiBoxFolder; mount: string } | undefined> {
  const folder = path.resolve(ref)
  // home/<user>/CreatureBox, opt/creaturebox, home/<user>/Desktop/Mothbox: the rootfs is 2 to 4 levels up.
  for (let up = 2, mount = path.dirname(path.dirname(folder)); up <= 4; up++, mount = path.dirname(mount)) {
    if (mount === path.dirname(mount)) return undefined
    const box = (await findPiBoxFolders(mount))?.find((candidate) => candidate.folder === folder)
    if (box) return { box, mount }
  }
  return undefined
}

async function openBox(box: PiBoxFolder, mount: string): Promise<LocalSource> {
  const opened = await LocalSource.open(box.folder)
  const source = new PiBoxSource(box, mount)
  source.features.caseInsensitive = opened.features.caseInsensitive
  source.openedDevice = opened.openedDevice
  source.features.piCard = { mount, boxFolder: box.folder, kind: box.kind }
  return source
}
