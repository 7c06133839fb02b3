import { z } from 'zod'
import type { JobProgressUpdate } from '../../shared/jobs.js'
import { OrganizeBySchema, type FileFailure, type OrganizeMove } from '../../shared/storage.js'
import { CompanionError, describeError, errnoCode, isCompanionError } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import { walkSource } from '../sources/walkSource.js'
import { createHasher, hashSourceFile } from './fileHash.js'

/**
 * The journal makes organizing a card transactional. The whole plan is written (atomically) before the first
 * move; each operation's state is not recorded but read back from the card, because every operation is
 * idempotent and its before/after states are told apart by which of its two paths exist (the planner never
 * lets one operation's target be another's origin). A run killed midway is therefore rolled FORWARD by the
 * next run: recovery replays the journal, skipping what is already done. Rolling forward rather than back
 * keeps recovery to one code path, and the finished journal stays as the "last" one, so undo can still
 * restore the layout from before.
 */
export const ORGANIZE_JOURNAL = '.creaturebox-organize.json'
/** The journal of the last finished organize: what undo reverses. */
export const LAST_ORGANIZE_JOURNAL = '.creaturebox-organize-last.json'

export const JournalOpSchema = z.object({
  from: z.string(),
  to: z.string(),
  /**
   * `move`: rename. `dedupe`: `to` already holds identical bytes, `from` is removed. `restore` (undo of a
   * dedupe): `from` holds the bytes, a copy is written to `to`.
   */
  kind: z.enum(['move', 'dedupe', 'restore']),
  size: z.number().int().nonnegative(),
  /** Content hash for dedupe and restore: checked again right before a file is removed or written. */
  hash: z.string().optional(),
  /** A photo and its sidecars share a group: they move together or not at all. */
  group: z.number().int().nonnegative(),
})
export type JournalOp = z.infer<typeof JournalOpSchema>

export const OrganizeJournalSchema = z.object({
  version: z.literal(1),
  kind: z.enum(['organize', 'undo']),
  sourceId: z.string(),
  by: OrganizeBySchema,
  createdAt: z.number(),
  ops: z.array(JournalOpSchema),
})
export type OrganizeJournal = z.infer<typeof OrganizeJournalSchema>

export async function readJournal(source: PhotoSource, name: string): Promise<OrganizeJournal | undefined> {
  const file = await source.stat(name)
  if (!file) return undefined
  const text = (await source.readRange(name, 0, file.size)).toString('utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw journalCorrupt(name, error)
  }
  const journal = OrganizeJournalSchema.safeParse(parsed)
  if (!journal.success) throw journalCorrupt(name, journal.error)
  return journal.data
}

const journalCorrupt = (name: string, cause: unknown) =>
  new CompanionError(
    'JOURNAL_CORRUPT',
    `The organize journal ${name} on this card is unreadable; nothing was moved. Check the card's layout, then delete that file`,
    { cause },
  )

export const writeJournal = (source: PhotoSource, name: string, journal: OrganizeJournal): Promise<void> =>
  source.writeFile(name, JSON.stringify(journal))

/**
 * Removes the write-then-rename temporaries (`<name>.tmp-<pid>-<time>`, as LocalSource names them) that a
 * run killed mid-write left next to the files this journal writes: the journals themselves and the copies
 * that undo restores. Only those names are touched; a walk is affordable because recovery is rare.
 */
export async function removeWriteLeftovers(
  source: PhotoSource,
  journal: OrganizeJournal,
  signal?: AbortSignal,
): Promise<void> {
  const written = new Set([
    ORGANIZE_JOURNAL,
    LAST_ORGANIZE_JOURNAL,
    ...journal.ops.filter((op) => op.kind === 'restore').map((op) => op.to),
  ])
  const leftovers: string[] = []
  // A folder the companion cannot read holds none of the files it wrote.
  for await (const file of walkSource(source, { signal, onUnreadable: () => undefined })) {
    const target = /^(.*)\.tmp-\d+-\d+$/.exec(file.path)?.[1]
    if (target !== undefined && written.has(target)) leftovers.push(file.path)
  }
  for (const leftover of leftovers) await source.remove(leftover)
}

/** The journal that puts back what `journal` did: its operations reversed, each turned around. */
export function undoJournalOf(journal: OrganizeJournal, createdAt: number): OrganizeJournal {
  return {
    ...journal,
    kind: 'undo',
    createdAt,
    ops: [...journal.ops].reverse().map((op) => ({
      ...op,
      from: op.to,
      to: op.from,
      kind: op.kind === 'dedupe' ? 'restore' : 'move',
    })),
  }
}

/** The moves as the user thinks of them: for an undo journal, the organize it reverses. */
export function movesOf(journal: OrganizeJournal): OrganizeMove[] {
  if (journal.kind === 'organize') {
    return journal.ops.map((op) => ({
      from: op.from,
      to: op.to,
      kind: op.kind === 'dedupe' ? 'dedupe' : 'move',
    }))
  }
  return [...journal.ops]
    .reverse()
    .map((op) => ({ from: op.to, to: op.from, kind: op.kind === 'restore' ? 'dedupe' : 'move' }))
}

export interface ApplyOutcome {
  /** Operations in their done state at the end, including those found done already. */
  done: number
  failed: FileFailure[]
  /** Origins of all operations: their folders may now be empty. */
  vacated: string[]
  cancelled: boolean
}

/**
 * Brings every operation to its done state, in order. Cancellation stops between groups only, so a photo is
 * never parted from its sidecar; a group whose operation fails is put back as far as renames allow.
 */
export async function applyJournal(
  source: PhotoSource,
  journal: OrganizeJournal,
  options: { signal?: AbortSignal; onProgress?: (progress: JobProgressUpdate) => void } = {},
): Promise<ApplyOutcome> {
  const { signal, onProgress } = options
  const outcome: ApplyOutcome = { done: 0, failed: [], vacated: [], cancelled: false }
  const total = journal.ops.length
  let index = 0
  while (index < total) {
    if (signal?.aborted) {
      outcome.cancelled = true
      break
    }
    const group = (journal.ops[index] as JournalOp).group
    const renamed: JournalOp[] = []
    for (; index < total && (journal.ops[index] as JournalOp).group === group; index += 1) {
      const op = journal.ops[index] as JournalOp
      onProgress?.({
        message: journal.kind === 'undo' ? 'Restoring the previous layout' : 'Organizing photos',
        filesDone: index,
        filesTotal: total,
        fraction: index / total,
        currentFile: op.from,
      })
      outcome.vacated.push(op.from)
      try {
        if ((await applyOp(source, op, signal)) === 'applied' && op.kind === 'move') renamed.push(op)
        outcome.done += 1
      } catch (error) {
        outcome.failed.push(failureOf(op, error))
        outcome.done -= await putBack(source, renamed, outcome.failed)
        for (index += 1; index < total && (journal.ops[index] as JournalOp).group === group; index += 1) {
          const skipped = journal.ops[index] as JournalOp
          outcome.failed.push({ path: skipped.from, reason: 'Left in place with its photo', code: 'SKIPPED' })
        }
        break
      }
    }
  }
  onProgress?.({ filesDone: index, filesTotal: total, fraction: total === 0 ? 1 : index / total })
  return outcome
}

/** Moves a failed group's renamed files back; returns how many it put back. */
async function putBack(source: PhotoSource, renamed: JournalOp[], failed: FileFailure[]): Promise<number> {
  let count = 0
  for (const op of renamed.reverse()) {
    try {
      await source.rename(op.to, op.from)
      count += 1
    } catch (error) {
      failed.push(failureOf({ ...op, from: op.to, to: op.from }, error))
    }
  }
  return count
}

function failureOf(op: JournalOp, error: unknown): FileFailure {
  return {
    path: op.from,
    reason: `Could not ${op.kind} to ${op.to}: ${describeError(error)}`,
    code: isCompanionError(error) ? error.code : errnoCode(error),
  }
}

/**
 * One operation, idempotent: the state of the card says whether it is to do, done, or impossible (a file
 * vanished, or a different file took a path), and only the first case changes anything.
 */
async function applyOp(
  source: PhotoSource,
  op: JournalOp,
  signal?: AbortSignal,
): Promise<'applied' | 'already'> {
  const hashOf = (filePath: string) => hashSourceFile(source, filePath, signal)
  const [from, to] = await Promise.all([source.stat(op.from), source.stat(op.to)])
  switch (op.kind) {
    case 'move': {
      if (from && !to) {
        await source.rename(op.from, op.to)
        return 'applied'
      }
      if (!from && to) return 'already'
      if (!from || !to) throw vanished(op.from)
      // Both there: a rename killed between link and unlink, or an identical copy; either way the
      // origin is redundant. Anything else is a file the plan did not know, and is left alone.
      if (from.size === to.size && (await hashOf(op.from)) === (await hashOf(op.to))) {
        await source.remove(op.from)
        return 'applied'
      }
      throw targetTaken(op.to)
    }
    case 'dedupe': {
      if (!from) return 'already'
      if (!to) throw vanished(op.to)
      if (to.size !== op.size || from.size !== op.size) throw targetTaken(op.to)
      if ((await hashOf(op.to)) !== op.hash || (await hashOf(op.from)) !== op.hash) throw targetTaken(op.to)
      await source.remove(op.from)
      return 'applied'
    }
    case 'restore': {
      if (to) {
        if (to.size === op.size && (await hashOf(op.to)) === op.hash) return 'already'
        throw targetTaken(op.to)
      }
      if (!from) throw vanished(op.from)
      const chunks: Buffer[] = []
      for await (const chunk of source.createReadStream(op.from, { signal })) chunks.push(chunk as Buffer)
      const data = Buffer.concat(chunks)
      if ((await hashOfBytes(data)) !== op.hash) {
        throw new CompanionError('VERIFY_MISMATCH', `${op.from} no longer holds the bytes of ${op.to}`)
      }
      // writeFile is write-then-rename, so a crash never leaves half a photo at `to`.
      await source.writeFile(op.to, data)
      return 'applied'
    }
  }
}

const vanished = (filePath: string) =>
  new CompanionError('FILE_VANISHED', `${filePath} is no longer on the card`)

const targetTaken = (filePath: string) =>
  new CompanionError('VERIFY_MISMATCH', `A different file is already at ${filePath}; both are kept`)

async function hashOfBytes(data: Buffer): Promise<string> {
  const hasher = await createHasher()
  hasher.update(data)
  return hasher.digest()
}
