import type { SourceFile } from '../sources/photoSource.js'

/**
 * The copies a running backup of one card makes, offered to the thumbnail maker so that a box's photo is
 * pulled over the network once, not once for the backup and again for its thumbnail.
 *
 * A photo the backup has copied and verified is read from the drive instead of the box, also after the run
 * ended (its last run's copies are remembered until the next run of this card: the Photos screen may ask for
 * a photo a moment after the backup finished it). One it will copy is
 * moved to the front of the backup's queue, and the thumbnail waits for that copy. One the backup does not
 * copy (already on the drive, or no backup running) is read from the card as always. Only a copy of the same
 * version (size and mtime) as the photo asked for is offered, and only a verified one: the drive's bytes
 * then hash the same as the box's.
 *
 * Not shared: a photo asked for before the backup has planned (its first moments, or while it waits for a
 * drive's lock) is pulled by the thumbnail maker, and then again by the backup.
 */
export class RunningBackupCopies {
  private run: BackupRun | undefined
  private lastRun: BackupRun | undefined

  /** The backup has planned: these files will be copied, in this order unless one is asked for. */
  begin(files: SourceFile[]): BackupRun {
    const run = new BackupRun(files, () => {
      if (this.run !== run) return
      this.run = undefined
      this.lastRun = run
    })
    this.run = run
    this.lastRun = undefined
    return run
  }

  /**
   * The absolute path of a verified copy on a drive of `file`, waiting for the backup to make it when it is
   * about to; undefined when the photo must be read from the card.
   */
  copyOf(file: SourceFile): Promise<string | undefined> {
    return this.run?.copyOf(file) ?? Promise.resolve(this.lastRun?.verifiedCopyOf(file))
  }
}

interface Planned {
  file: SourceFile
  copy: Promise<string | undefined>
  settle: (copy: string | undefined) => void
}

/** One backup run's side: what it planned, what it verified where, and what was asked for first. */
export class BackupRun {
  private readonly planned = new Map<string, Planned>()
  private readonly wanted: string[] = []
  private readonly verified = new Map<string, string>()

  constructor(
    files: SourceFile[],
    private readonly onEnd: () => void,
  ) {
    for (const file of files) {
      let settle: (copy: string | undefined) => void = () => undefined
      const copy = new Promise<string | undefined>((resolve) => (settle = resolve))
      this.planned.set(file.path, { file, copy, settle })
    }
  }

  copyOf(file: SourceFile): Promise<string | undefined> {
    if (!this.isPlanned(file)) return Promise.resolve(undefined)
    this.wanted.push(file.path)
    return (this.planned.get(file.path) as Planned).copy
  }

  /** After the run: the verified copy it made of this version of the file, if it made one. */
  verifiedCopyOf(file: SourceFile): string | undefined {
    return this.isPlanned(file) ? this.verified.get(file.path) : undefined
  }

  private isPlanned(file: SourceFile): boolean {
    const planned = this.planned.get(file.path)
    return planned !== undefined && planned.file.size === file.size && planned.file.mtimeMs === file.mtimeMs
  }

  /** The next photo someone waits for that the backup has not started yet, for its queue to take first. */
  nextWanted(isStarted: (path: string) => boolean): string | undefined {
    while (this.wanted.length > 0) {
      const path = this.wanted.shift() as string
      if (!isStarted(path)) return path
    }
    return undefined
  }

  /** The file's copy at `copyPath` was verified on a drive; undefined when no drive kept a verified copy. */
  settled(path: string, copyPath: string | undefined): void {
    if (copyPath !== undefined) this.verified.set(path, copyPath)
    this.planned.get(path)?.settle(copyPath)
  }

  /** The backup ended (done, failed or cancelled): whoever still waits reads the card instead. */
  end(): void {
    for (const planned of this.planned.values()) planned.settle(undefined)
    this.onEnd()
  }
}
