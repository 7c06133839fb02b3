import { createHash } from 'node:crypto'
import path from 'node:path'
import prettyBytes from 'pretty-bytes'
import type { FileFailure } from '../../shared/storage.js'
import { isCaseInsensitiveFolder } from '../sources/localSource.js'
import type { SourceFile } from '../sources/photoSource.js'
import { fileSystemTypeOf, type FileSystemType } from './fileSystemType.js'
import type { ManifestEntry } from './manifest.js'

/**
 * The name each card file gets on one drive. A Pi card's ext4 holds names a FAT32, exFAT or NTFS drive
 * cannot: characters those refuse (`: * ? " < > | \`, control characters), trailing dots and spaces (which
 * Windows drops), and two names that differ only in case (one would overwrite the other). Such names are
 * mapped, reversibly: the manifest keeps the card's path and records the drive's name beside it
 * (`storedAs`), so the card's name is never lost. docs/file-systems.md lists the rules per file system.
 */
export interface DestinationNames {
  fileSystem: FileSystemType
  caseInsensitive: boolean
  /** The largest file the drive can hold, when its file system limits it (FAT32: 4 GiB − 1). */
  maxFileSize?: number
  /** The card path's name on this drive, relative to the card folder, `/`-separated. */
  storedAs(cardPath: string): string
  /** Why this file cannot go to this drive at all, decided before a byte is read. */
  refusal(file: SourceFile): FileFailure | undefined
}

/** FAT32 stores a file's size in 32 bits. */
export const FAT32_MAX_FILE_SIZE = 4 * 1024 ** 3 - 1

/**
 * Characters FAT, exFAT and Windows (NTFS) refuse in a name, and what they become: their full-width forms,
 * which read the same to a person and are legal everywhere (rclone's encoding).
 */
const REPLACEMENTS: Record<string, string> = {
  ':': '\uFF1A',
  '*': '\uFF0A',
  '?': '\uFF1F',
  '"': '\uFF02',
  '<': '\uFF1C',
  '>': '\uFF1E',
  '|': '\uFF5C',
  '\\': '\uFF3C',
}
const TRAILING = { '.': '\uFF0E', ' ': '\u2420' }

const identityNames = (fileSystem: FileSystemType): DestinationNames => ({
  fileSystem,
  caseInsensitive: false,
  storedAs: (cardPath) => cardPath,
  refusal: () => undefined,
})

/** Names for a drive refused before its card folder was opened: never asked for a path. */
export const UNOPENED_NAMES = identityNames({ kind: 'other', name: 'unknown' })

/**
 * Asks the drive what it is, then names every card file there. A name already recorded in the drive's
 * manifest is kept, so a later run never moves or duplicates a copy because the card gained a file.
 */
export async function destinationNamesFor(
  cardFolder: string,
  manifest: ReadonlyMap<string, ManifestEntry>,
  cardPaths: readonly string[],
): Promise<DestinationNames> {
  const fileSystem = await fileSystemTypeOf(cardFolder)
  const windowsNames = fileSystem.kind === 'fat' || fileSystem.kind === 'exfat' || fileSystem.kind === 'ntfs'
  // FAT, exFAT and NTFS as Windows and macOS use them ignore case; elsewhere the drive is asked.
  const caseInsensitive = windowsNames || (await isCaseInsensitiveFolder(cardFolder))
  const maxFileSize = fileSystem.kind === 'fat' ? FAT32_MAX_FILE_SIZE : undefined
  const mapped = namesOnDrive(cardPaths, manifest, { caseInsensitive, windowsNames })
  const charMapped = (cardPath: string) => (windowsNames ? mapCharacters(cardPath) : cardPath)
  return {
    fileSystem,
    caseInsensitive,
    maxFileSize,
    storedAs: (cardPath) => mapped.get(cardPath) ?? manifest.get(cardPath)?.storedAs ?? charMapped(cardPath),
    refusal: (file) =>
      maxFileSize !== undefined && file.size > maxFileSize
        ? {
            path: file.path,
            code: 'FILE_TOO_LARGE_FOR_DRIVE',
            reason: `${prettyBytes(file.size)} is more than a ${fileSystem.name} (FAT32) drive can hold in one file (4 GiB − 1 byte): not copied to this drive`,
          }
        : undefined,
  }
}

/** The card paths whose name on the drive differs from their path, with that name. */
export function namesOnDrive(
  cardPaths: readonly string[],
  manifest: ReadonlyMap<string, ManifestEntry>,
  rules: { caseInsensitive: boolean; windowsNames: boolean },
): Map<string, string> {
  const mapped = new Map<string, string>()
  if (!rules.caseInsensitive && !rules.windowsNames) return mapped
  const charMapped = (cardPath: string) => (rules.windowsNames ? mapCharacters(cardPath) : cardPath)
  const spellFolders = rules.caseInsensitive
    ? folderSpelling([
        ...[...manifest.values()].map((entry) => entry.storedAs ?? entry.path),
        ...[...cardPaths].sort().map(charMapped),
      ])
    : (name: string) => name
  const driveName = (cardPath: string) => spellFolders(charMapped(cardPath))
  // Names the drive holds for card paths no longer on the card (a photo cleaned off since): a new card file
  // whose name is one of them must not land on that copy, perhaps the earlier photo's only one.
  const onCard = new Set(cardPaths)
  const heldForOthers = new Set(
    [...manifest.values()]
      .filter((entry) => !onCard.has(entry.path))
      .map((entry) => foldCase(entry.storedAs ?? entry.path, rules.caseInsensitive)),
  )
  for (const [key, group] of groupBy(cardPaths, (p) => foldCase(charMapped(p), rules.caseInsensitive))) {
    for (const [cardPath, name] of nameGroup(key, group, manifest, driveName, heldForOthers.has(key))) {
      if (name !== cardPath) mapped.set(cardPath, name)
    }
  }
  return mapped
}

/**
 * Folders differing only in case are one folder on a drive that ignores case: every path is written with
 * one spelling of it (the one the manifest already holds, else the first by code point), so the drive never
 * sees one folder under two names (exfat-fuse then keeps two views of one file and their times disagree).
 */
function folderSpelling(names: readonly string[]): (name: string) => string {
  const spelled = new Map<string, string>()
  const respell = (name: string, learn: boolean): string => {
    const segments = name.split('/')
    let canonical = ''
    for (const segment of segments.slice(0, -1)) {
      const next = canonical === '' ? segment : `${canonical}/${segment}`
      const key = foldCase(next, true)
      if (learn && !spelled.has(key)) spelled.set(key, next)
      canonical = spelled.get(key) ?? next
    }
    return canonical === '' ? name : `${canonical}/${segments[segments.length - 1]}`
  }
  for (const name of names) respell(name, true)
  return (name) => respell(name, false)
}

/**
 * The names of card paths that are one name on the drive. The one whose name the manifest already records
 * keeps it; else the first by code point keeps the plain name. Every other gets a suffix made from its own
 * card path, so its name does not depend on which other files the card holds.
 */
function nameGroup(
  key: string,
  group: string[],
  manifest: ReadonlyMap<string, ManifestEntry>,
  charMapped: (cardPath: string) => string,
  isHeldForAnother: boolean,
): [string, string][] {
  const named: [string, string][] = []
  const taken = new Set<string>(isHeldForAnother ? [key] : [])
  const unrecorded: string[] = []
  for (const cardPath of group) {
    const recorded = manifest.get(cardPath)
    if (recorded) {
      const name = recorded.storedAs ?? recorded.path
      named.push([cardPath, name])
      taken.add(foldCase(name, true))
    } else unrecorded.push(cardPath)
  }
  for (const cardPath of unrecorded.sort()) {
    const plain = charMapped(cardPath)
    const name = !taken.has(key) ? plain : withSuffix(plain, cardPath)
    taken.add(foldCase(name, true))
    named.push([cardPath, name])
  }
  return named
}

/** `a/IMG.jpg` → `a/IMG~1f2e3d4c.jpg`: the suffix is a hash of the card's own path, so it is reproducible. */
function withSuffix(name: string, cardPath: string): string {
  const tag = createHash('sha256').update(cardPath).digest('hex').slice(0, 8)
  const extension = path.posix.extname(name)
  return `${name.slice(0, name.length - extension.length)}~${tag}${extension}`
}

/** Each path segment with the characters FAT/exFAT/Windows refuse replaced, trailing dots and spaces too. */
export function mapCharacters(cardPath: string): string {
  return cardPath
    .split('/')
    .map((segment) => {
      const replaced = [...segment]
        .map(
          (char) =>
            REPLACEMENTS[char] ?? (char < ' ' ? String.fromCharCode(0x2400 + char.charCodeAt(0)) : char),
        )
        .join('')
      const trailing = /[. ]+$/.exec(replaced)?.[0] ?? ''
      return (
        replaced.slice(0, replaced.length - trailing.length) +
        [...trailing].map((char) => TRAILING[char as keyof typeof TRAILING]).join('')
      )
    })
    .join('/')
}

const foldCase = (name: string, caseInsensitive: boolean): string =>
  caseInsensitive ? name.normalize('NFC').toUpperCase() : name

function groupBy(items: readonly string[], keyOf: (item: string) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const item of items) {
    const key = keyOf(item)
    groups.set(key, [...(groups.get(key) ?? []), item])
  }
  return groups
}
