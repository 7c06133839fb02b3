import type { JobProgressUpdate } from '../../shared/jobs.js'
import {
  DEFAULT_ORGANIZE_BY,
  type Catalog,
  type CatalogPhoto,
  type FileFailure,
  type OrganizeBy,
  type OrganizeResult,
} from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode } from '../errors.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { parentOf } from '../../shared/paths.js'
import { removeEmptiedFolders } from './emptiedFolders.js'
import { hashSourceFile } from './fileHash.js'
import { assertNoBackupInside, assertSafeSourceRoot } from './sourceRootSafety.js'
import {
  applyJournal,
  LAST_ORGANIZE_JOURNAL,
  movesOf,
  ORGANIZE_JOURNAL,
  readJournal,
  removeWriteLeftovers,
  undoJournalOf,
  writeJournal,
  type JournalOp,
  type OrganizeJournal,
} from './organizeJournal.js'

export interface OrganizeOptions extends RootContext {
  by?: OrganizeBy
  dryRun?: boolean
  /** Restores the layout from before the last finished organize of this card. */
  undo?: boolean
  signal?: AbortSignal
  onProgress?: (progress: JobProgressUpdate) => void
}

/** Suffixes tried for a name clash (`x (2).jpg` … ) before the photo is left where it is. */
const MAX_SUFFIX = 999

/** What organizing would do, without moving anything. */
export async function planOrganize(
  source: PhotoSource,
  catalog: Catalog,
  options: { by?: OrganizeBy; signal?: AbortSignal } & RootContext = {},
): Promise<OrganizeResult> {
  const by = options.by ?? DEFAULT_ORGANIZE_BY
  await assertMayOrganize(source, options)
  const { journal, skipped } = await buildOrganizeJournal(source, catalog, by, options.signal)
  return resultOf(journal, { dryRun: true, undo: false, done: 0, failed: skipped })
}

/**
 * Moves photos and their sidecars into `YYYY-MM-DD/` folders at the source root, named by capture date or
 * by night. Never overwrites: an identical file at the target makes the moving copy redundant (`dedupe`),
 * a different one gives the moving photo a ` (2)` suffix that its sidecar follows. Transactional through
 * the journal (organizeJournal.ts): an interrupted run is completed by the next, and undo reverses the
 * last finished one.
 */
export async function organizePhotosByDate(
  source: PhotoSource,
  catalog: Catalog,
  options: OrganizeOptions = {},
): Promise<OrganizeResult> {
  const { by = DEFAULT_ORGANIZE_BY, dryRun = false, undo = false, signal, onProgress } = options
  await assertMayOrganize(source, options)
  const recovered = dryRun ? undefined : await recoverOrganize(source, { signal, onProgress })
  if (undo) {
    // The undo this user asked for may be the one a crash interrupted, and recovery just finished it.
    if (recovered?.undo) return recovered
    return undoLastOrganize(source, { dryRun, signal, onProgress })
  }
  const { journal, skipped } = await buildOrganizeJournal(source, catalog, by, signal)
  if (dryRun || journal.ops.length === 0) {
    return resultOf(journal, { dryRun, undo: false, done: 0, failed: skipped })
  }
  const result = await runJournal(source, journal, { signal, onProgress })
  return { ...result, failed: [...skipped, ...result.failed] }
}

/** What the root checks need to know about this computer (defaults: os.homedir(), `/`). */
interface RootContext {
  home?: string
  systemMountpoints?: readonly string[]
}

/**
 * Organize refuses what cleanup refuses (`/`, system folders and drives, the home folder), and any root that
 * holds a backup made by this app: moving photos there would rearrange the backup and delete its copies.
 */
async function assertMayOrganize(
  source: PhotoSource,
  options: RootContext & { signal?: AbortSignal },
): Promise<void> {
  await assertSafeSourceRoot(source, 'organize', options)
  await assertNoBackupInside(source, options.signal)
}

/**
 * Completes an organize (or undo) that a crash interrupted, from its journal; call before reading the
 * card's layout. Returns undefined when there was nothing to complete.
 */
export async function recoverOrganize(
  source: PhotoSource,
  options: { signal?: AbortSignal; onProgress?: (progress: JobProgressUpdate) => void } = {},
): Promise<OrganizeResult | undefined> {
  const journal = await readJournal(source, ORGANIZE_JOURNAL)
  if (!journal) return undefined
  await removeWriteLeftovers(source, journal, options.signal)
  return runJournal(source, journal, options)
}

async function undoLastOrganize(
  source: PhotoSource,
  options: { dryRun: boolean; signal?: AbortSignal; onProgress?: (progress: JobProgressUpdate) => void },
): Promise<OrganizeResult> {
  const last = await readJournal(source, LAST_ORGANIZE_JOURNAL)
  // Nothing to undo is an answer for a preview, not a failure; only a run asked to undo nothing is refused.
  if (!last && options.dryRun) {
    const { id } = await source.identity()
    return { sourceId: id, by: DEFAULT_ORGANIZE_BY, moves: [], dryRun: true, undo: true, done: 0, failed: [] }
  }
  if (!last) {
    throw new CompanionError('INVALID_INPUT', 'There is no organize to undo on this card')
  }
  const journal = undoJournalOf(last, Date.now())
  if (options.dryRun) return resultOf(journal, { dryRun: true, undo: true, done: 0, failed: [] })
  return runJournal(source, journal, options)
}

/** Writes the journal, applies it, tidies emptied folders and closes the journal. */
async function runJournal(
  source: PhotoSource,
  journal: OrganizeJournal,
  options: { signal?: AbortSignal; onProgress?: (progress: JobProgressUpdate) => void },
): Promise<OrganizeResult> {
  // Rewriting the journal that recovery just read is harmless; writing it before the first move is the point.
  await writeJournal(source, ORGANIZE_JOURNAL, journal)
  const outcome = await applyJournal(source, journal, options)
  const folders = await removeEmptiedFolders(source, outcome.vacated)
  // A cancelled run is closed like a finished one: what moved stays moved, and undo can put it back.
  if (journal.kind === 'organize') {
    await writeJournal(source, LAST_ORGANIZE_JOURNAL, journal)
  } else if (await source.stat(LAST_ORGANIZE_JOURNAL)) {
    await source.remove(LAST_ORGANIZE_JOURNAL)
  }
  await source.remove(ORGANIZE_JOURNAL)
  if (outcome.cancelled) {
    throw new CompanionError(
      'CANCELLED',
      `Organizing cancelled after ${outcome.done} of ${journal.ops.length} files; undo puts them back`,
      { details: { done: outcome.done } },
    )
  }
  return resultOf(journal, {
    dryRun: false,
    undo: journal.kind === 'undo',
    done: outcome.done,
    failed: [...outcome.failed, ...folders.failed],
  })
}

function resultOf(
  journal: OrganizeJournal,
  fields: Pick<OrganizeResult, 'dryRun' | 'undo' | 'done' | 'failed'>,
): OrganizeResult {
  return { sourceId: journal.sourceId, by: journal.by, moves: movesOf(journal), ...fields }
}

// ---------------------------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------------------------

/** What is at a target path when the plan looks at it. */
type Occupant =
  | { kind: 'free' }
  /** A file that another operation will move or remove: neither a target nor a dedupe reference. */
  | { kind: 'blocked' }
  /** A file that will be there (on the card and staying, or moved there earlier in the plan). */
  | { kind: 'file'; size: number; contentPath: string }
  /** The file itself already sits there. */
  | { kind: 'self' }

interface PlanState {
  source: PhotoSource
  /** A path as the card compares names: lower-cased where the source says case is ignored (FAT/exFAT). */
  caseless: (filePath: string) => string
  /** Paths (compared as the card does) of files the plan moves away. */
  moving: Set<string>
  /** Targets claimed by earlier moves of the plan, compared as the card does, with the file going there. */
  claims: Map<string, { size: number; contentPath: string }>
  hashes: Map<string, Promise<string>>
  signal?: AbortSignal
}

export async function buildOrganizeJournal(
  source: PhotoSource,
  catalog: Catalog,
  by: OrganizeBy,
  signal?: AbortSignal,
): Promise<{ journal: OrganizeJournal; skipped: FileFailure[] }> {
  const { id } = await source.identity()
  const journal: OrganizeJournal = {
    version: 1,
    kind: 'organize',
    sourceId: id,
    by,
    createdAt: Date.now(),
    ops: [],
  }
  const skipped: FileFailure[] = []
  const base = photosBaseFolder(catalog)
  const folderOf = (photo: CatalogPhoto) => joinPath(base, photo[by])
  const misplaced = catalog.photos.filter((photo) => !isInPlace(photo, folderOf(photo)))
  const caseless = source.features.caseInsensitive
    ? (filePath: string) => filePath.toLowerCase()
    : (filePath: string) => filePath
  const state: PlanState = {
    source,
    moving: new Set(misplaced.flatMap((photo) => [photo.path, ...photo.companions]).map(caseless)),
    caseless,
    claims: new Map(),
    hashes: new Map(),
    signal,
  }
  for (const photo of misplaced) {
    if (signal?.aborted) throw new CompanionError('CANCELLED', 'Organizing cancelled before anything moved')
    const group = journal.ops.length === 0 ? 0 : (journal.ops.at(-1) as JournalOp).group + 1
    try {
      journal.ops.push(...(await planGroup(state, photo, folderOf(photo), group, skipped)))
    } catch (error) {
      if (signal?.aborted) throw new CompanionError('CANCELLED', 'Organizing cancelled before anything moved')
      // One unreadable file leaves its photo where it is; the others are still organized.
      skipped.push({
        path: photo.path,
        reason: `Could not be read: ${describeError(error)}`,
        code: errnoCode(error),
      })
    }
  }
  return { journal, skipped }
}

/**
 * The folder date folders go in: where the photos already live once any date folder is set aside
 * (`photos/` on a CreatureBox card), so organizing never pulls photos out of the box's photos folder.
 * Photos spread over unrelated folders are organized at the root.
 */
export function photosBaseFolder(catalog: Catalog): string {
  const bases = new Set(
    catalog.photos.map((photo) => parentOf(photo.path).replace(/(^|\/)\d{4}-\d{2}-\d{2}$/, '')),
  )
  return bases.size === 1 ? ([...bases][0] as string) : ''
}

const isInPlace = (photo: CatalogPhoto, folder: string): boolean =>
  [photo.path, ...photo.companions].every((filePath) => parentOf(filePath) === folder)

async function planGroup(
  state: PlanState,
  photo: CatalogPhoto,
  folder: string,
  group: number,
  skipped: FileFailure[],
): Promise<JournalOp[]> {
  const photoFile = await state.source.stat(photo.path)
  if (!photoFile) {
    skipped.push({
      path: photo.path,
      reason: 'No longer at this path: the card changed since it was read',
      code: 'FILE_VANISHED',
    })
    return []
  }
  // A sidecar that is gone has nothing left to keep together with its photo.
  const companions = (await Promise.all(photo.companions.map((c) => state.source.stat(c)))).filter(
    (file): file is SourceFile => file !== undefined,
  )
  const photoName = nameOf(photo.path)
  // A photo already in its folder keeps its name; only its stray sidecars join it.
  const photoStays = parentOf(photo.path) === folder
  for (let n = 1; n <= (photoStays ? 1 : MAX_SUFFIX); n += 1) {
    const targetName = withSuffix(photoName, n)
    const files = [photoFile, ...companions]
    const targets = files.map((file, index) =>
      joinPath(folder, index === 0 ? targetName : companionName(nameOf(file.path), photoName, targetName, n)),
    )
    const occupants = await Promise.all(
      files.map((file, index) => occupantOf(state, file, targets[index] as string)),
    )
    const ops = await opsIfPossible(state, files, targets, occupants, group)
    if (!ops) continue
    for (const op of ops) {
      if (op.kind === 'move') state.claims.set(state.caseless(op.to), { size: op.size, contentPath: op.from })
    }
    return ops
  }
  skipped.push({
    path: photo.path,
    reason: photoStays
      ? 'A different file already has its sidecar’s name in this folder'
      : `No free name in ${folder}`,
    code: 'NAME_CLASH',
  })
  return []
}

/**
 * The operations that put these files at these targets, or undefined when a target is taken: all free, or
 * the photo's target holds identical bytes (then the photo is a duplicate, and each sidecar either moves
 * next to it or is a duplicate too).
 */
async function opsIfPossible(
  state: PlanState,
  files: SourceFile[],
  targets: string[],
  occupants: Occupant[],
  group: number,
): Promise<JournalOp[] | undefined> {
  const ops: JournalOp[] = []
  for (const [index, file] of files.entries()) {
    const occupant = occupants[index] as Occupant
    const to = targets[index] as string
    if (occupant.kind === 'self') continue
    if (occupant.kind === 'free') {
      // A photo that moves must move: a free photo target with a taken sidecar target is no fit.
      ops.push({ from: file.path, to, kind: 'move', size: file.size, group })
      continue
    }
    if (occupant.kind === 'blocked') return undefined
    if (index > 0 && ops[0]?.kind !== 'dedupe' && occupants[0]?.kind !== 'self') return undefined
    if (!(await isIdentical(state, file, occupant))) return undefined
    ops.push({
      from: file.path,
      to,
      kind: 'dedupe',
      size: file.size,
      hash: await hashOf(state, file.path),
      group,
    })
  }
  return ops
}

async function occupantOf(state: PlanState, file: SourceFile, target: string): Promise<Occupant> {
  if (target === file.path) return { kind: 'self' }
  const claim = state.claims.get(state.caseless(target))
  if (claim) return { kind: 'file', ...claim }
  const onCard = await state.source.stat(target)
  if (!onCard) return { kind: 'free' }
  if (state.moving.has(state.caseless(onCard.path))) return { kind: 'blocked' }
  return { kind: 'file', size: onCard.size, contentPath: onCard.path }
}

async function isIdentical(
  state: PlanState,
  file: SourceFile,
  occupant: { size: number; contentPath: string },
): Promise<boolean> {
  if (file.size !== occupant.size) return false
  return (await hashOf(state, file.path)) === (await hashOf(state, occupant.contentPath))
}

function hashOf(state: PlanState, filePath: string): Promise<string> {
  let hash = state.hashes.get(filePath)
  if (!hash) {
    hash = hashSourceFile(state.source, filePath, state.signal)
    state.hashes.set(filePath, hash)
  }
  return hash
}

const nameOf = (filePath: string): string => filePath.slice(filePath.lastIndexOf('/') + 1)

const joinPath = (folder: string, name: string): string => (folder === '' ? name : `${folder}/${name}`)

/** `x.jpg` → `x (2).jpg`: the suffix goes before the extension so the file still opens as a photo. */
export function withSuffix(name: string, n: number): string {
  if (n === 1) return name
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
}

/** A sidecar `<photo>.json` follows its photo's new name: `x (2).jpg` → `x (2).jpg.json`. */
function companionName(name: string, photoName: string, targetPhotoName: string, n: number): string {
  return name.startsWith(photoName) ? targetPhotoName + name.slice(photoName.length) : withSuffix(name, n)
}
