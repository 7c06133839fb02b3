import type { Stats } from 'node:fs'

/**
 * What a drive's answers mean for a backup, shared by the copy threads (threadedCopy.ts) and the main thread
 * (verifiedCopy.ts, backupDestinations.ts). Kept free of heavier imports: every copy thread loads it.
 */

/** Errors a drive gives for a name it cannot store (fusefat: any non-ASCII name is EPERM). */
export const NAME_REFUSALS: ReadonlySet<string> = new Set(['EINVAL', 'ENAMETOOLONG', 'EILSEQ', 'EPERM'])

/**
 * Whether a drive's root, as just stat'ed, is still the drive a backup started with. Once a drive is
 * unplugged its mount point is an empty folder of the laptop's own disk (or gone): writing there would fill
 * the system disk with a "backup" that is on no drive.
 */
export function isStillTheDrive(root: Stats | undefined, device: number): boolean {
  return root !== undefined && root.isDirectory() && root.dev === device
}
