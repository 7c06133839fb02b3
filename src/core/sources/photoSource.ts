import type { Readable } from 'node:stream'

/** One file on a source. `path` is relative to the source root and always uses `/`. */
export interface SourceFile {
  path: string
  size: number
  mtimeMs: number
}

export interface SourceVolume {
  totalBytes: number
  freeBytes: number
  /** Bytes available to an unprivileged writer. */
  availableBytes: number
}

/** An open file of a source, read at explicit positions into the caller's buffer. */
export interface SourceFileReader {
  /** Bytes read into `buffer` from `position` of the file, possibly fewer than it holds; 0 at the end. */
  read(buffer: Buffer, position: number): Promise<number>
  close(): Promise<void>
}

export interface SourceIdentity {
  /** Stable id of this source for caches and history, e.g. `local:/media/pi/CARD`. */
  id: string
  /** Human-readable root, e.g. `/media/pi/CARD` or `sftp://pi@box/home/pi/CreatureBox/photos`. */
  displayRoot: string
  /** Volume label or id of the card, when known: part of the backup folder name. */
  volumeLabel?: string
}

/**
 * What a source is, declared by the source rather than guessed by callers from its id (rclone's
 * `fs.Features`).
 */
export interface SourceFeatures {
  /** The absolute folder of a card or folder on this computer; undefined for a box reached over SFTP. */
  localRoot?: string
  /** For a box: its photos folder and the login's home, as absolute paths on the box (from the box). */
  remote?: { root: string; home: string }
  /**
   * Names that differ only by case are one file here (FAT/exFAT cards, macOS, Windows). Asked of the file
   * system where that is possible; true where it cannot be told, the cautious answer for name clashes.
   */
  caseInsensitive: boolean
  /**
   * A box's folder on a Raspberry Pi system card, which the source was narrowed to (piCard.ts): said to
   * the user, so they know which folder was picked from the card.
   */
  piCard?: { mount: string; boxFolder: string; kind: 'CreatureBox' | 'Mothbox' }
}

/**
 * Everything storage operations need from where photos live (rclone's `fs.Fs` idea): backup, stats,
 * cleanup and organize are written once against this, and LocalSource/SftpSource implement it.
 * Every `path` argument is relative to the root; implementations refuse paths that escape it.
 */
export interface PhotoSource {
  readonly features: SourceFeatures
  identity(): Promise<SourceIdentity>
  /**
   * The regular files (with size and mtime) and the subfolders of one folder, `''` being the root; symlinks
   * are neither. Recursion is written once, in walkSource.ts. Throws an error with an errno-style `code`
   * (`ENOENT`, `EACCES`) when the folder cannot be listed, and a CompanionError when the root cannot.
   */
  list(folder: string): Promise<{ files: SourceFile[]; folders: string[] }>
  /** Undefined when the file does not exist. */
  stat(path: string): Promise<SourceFile | undefined>
  /** The folder's own mtime and size, used as a cheap change signal for caches. */
  statFolder(path: string): Promise<{ mtimeMs: number } | undefined>
  createReadStream(path: string, options?: { start?: number; signal?: AbortSignal }): Readable
  /**
   * Optional: positional reads into a reused buffer. Backups read every byte of a card; sources that offer
   * this spare one allocation per chunk (see readSourceChunks), the others are read through their stream.
   */
  openReader?(path: string): Promise<SourceFileReader>
  /**
   * Optional: the file's path on this computer, when reading it there is all that openReader does. A backup
   * then copies the file in a copy thread, which reads it itself (storage/threadedCopy.ts); a source whose
   * reads do more (a box, a wrapper that counts or fails reads) must not offer it.
   */
  localPath?(path: string): string
  /** Up to `length` bytes from `start` (EXIF headers, magic numbers). */
  readRange(path: string, start: number, length: number): Promise<Buffer>
  writeFile(path: string, data: Buffer | string): Promise<void>
  remove(path: string): Promise<void>
  /** Moves within the source; fails when `to` exists rather than overwriting it. */
  rename(from: string, to: string): Promise<void>
  mkdirp(path: string): Promise<void>
  /** Removes the folder if it is empty; returns whether it did. */
  removeEmptyFolder(path: string): Promise<boolean>
  volume(): Promise<SourceVolume>
  /**
   * Optional: whether the card is still the one opened (a card pulled out mid-run fails every read; asked
   * after a read fails, to stop once instead of failing each remaining file).
   */
  stillThere?(): Promise<boolean>
  close(): Promise<void>
}
