import { isValidWallClock, padNumber, type WallClock } from '../../shared/night.js'
import { parsePhotoName } from '../../shared/photoName.js'
import type { CaptureTimeOrigin, FileFailure, PhotoFlag } from '../../shared/storage.js'
import { errnoCode } from '../errors.js'
import type { PhotoSource, SourceFile } from '../sources/photoSource.js'
import { FILE_END_BYTES } from './fileEnds.js'

/**
 * EXIF sits in the first APP1 segment, which JPEG caps at 64 KiB; 128 KiB also covers a JFIF/ICC segment
 * before it and the IFDs of a DNG/TIFF. Reading only this much keeps a card of 10–25 MB photos cheap to
 * catalog over a slow SFTP link.
 */
export const EXIF_HEAD_BYTES = 128 * 1024

export interface PhotoInspection {
  capturedAt: WallClock
  captureOrigin: CaptureTimeOrigin
  flags: PhotoFlag[]
}

const JPEG_START = [0xff, 0xd8, 0xff]
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
// DNG is TIFF: byte order `II` or `MM`, then 42.
const TIFF_LITTLE_ENDIAN = [0x49, 0x49, 0x2a, 0x00]
const TIFF_BIG_ENDIAN = [0x4d, 0x4d, 0x00, 0x2a]

const startsWith = (data: Uint8Array, signature: number[]): boolean =>
  data.length >= signature.length && signature.every((byte, index) => data[index] === byte)

export const isJpegStart = (head: Uint8Array): boolean => startsWith(head, JPEG_START)

/** True when the bytes after the last non-zero byte are JPEG's end-of-image marker FF D9. */
function endsWithJpegEnd(tail: Uint8Array): boolean {
  let end = tail.length
  while (end > 0 && tail[end - 1] === 0x00) end -= 1
  return end >= 2 && tail[end - 2] === 0xff && tail[end - 1] === 0xd9
}

/**
 * Flags of a photo from its size and a few bytes of its start and end. A JPEG without its end marker is
 * what a power cut during a night's writing leaves behind (docs/field-notes.md).
 */
export function photoFlagsOf(size: number, head: Uint8Array, tail?: Uint8Array): PhotoFlag[] {
  if (size === 0) return ['empty']
  if (isJpegStart(head)) return tail === undefined || endsWithJpegEnd(tail) ? [] : ['corrupt']
  const known = [PNG_SIGNATURE, TIFF_LITTLE_ENDIAN, TIFF_BIG_ENDIAN].some((signature) =>
    startsWith(head, signature),
  )
  return known ? [] : ['corrupt']
}

/** `YYYY:MM:DD HH:MM:SS` (EXIF's own format) as a wall-clock time; undefined for blanks like `0000:00:00`. */
function wallClockOfExifDate(value: unknown): WallClock | undefined {
  if (typeof value !== 'string') return undefined
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim())
  if (!match) return undefined
  const wallClock = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`
  return isValidWallClock(wallClock) ? wallClock : undefined
}

/**
 * DateTimeOriginal (else CreateDate) of an image whose first bytes are `head`, or undefined. exifr throws
 * on zero-byte, truncated and non-image data: any failure means "no EXIF time", never a failed catalog.
 */
export async function exifCaptureTime(head: Uint8Array): Promise<WallClock | undefined> {
  if (head.length < 4) return undefined
  try {
    // reviveValues: false keeps EXIF's zone-less string; a revived Date would be read in this computer's zone.
    // Imported on first use: a card of Mothbox-named photos never needs an EXIF parser.
    const { default: exifr } = await import('exifr')
    const tags: unknown = await exifr.parse(head, {
      pick: ['DateTimeOriginal', 'CreateDate'],
      reviveValues: false,
    })
    if (typeof tags !== 'object' || tags === null) return undefined
    const { DateTimeOriginal, CreateDate } = tags as Record<string, unknown>
    return wallClockOfExifDate(DateTimeOriginal) ?? wallClockOfExifDate(CreateDate)
  } catch {
    return undefined
  }
}

/** A file time as this computer's local wall clock: what a box's mtime means once copied to a card. */
export function wallClockOfLocalTime(epochMs: number): WallClock {
  const date = new Date(epochMs)
  return (
    `${padNumber(date.getFullYear(), 4)}-${padNumber(date.getMonth() + 1)}-${padNumber(date.getDate())}` +
    `T${padNumber(date.getHours())}:${padNumber(date.getMinutes())}:${padNumber(date.getSeconds())}`
  )
}

/** The inverse of wallClockOfLocalTime: the moment this computer's clock shows `wallClock`. */
export function localTimeOfWallClock(wallClock: WallClock): Date {
  const [date = '', time = ''] = wallClock.split('T')
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number)
  const [hour = 0, minute = 0, second = 0] = time.split(':').map(Number)
  return new Date(year, month - 1, day, hour, minute, second)
}

/**
 * When a photo was taken and whether it looks broken. The time comes from the Mothbox file name when it
 * parses (free, and what the box meant), else from EXIF, else from the file's mtime. Returns undefined
 * when the file vanished meanwhile; a file that exists but cannot be read is flagged corrupt, while a
 * failing source (a dropped SFTP link) still throws, so a bad connection never marks a card as corrupt.
 */
export async function inspectPhoto(
  source: PhotoSource,
  file: SourceFile,
): Promise<PhotoInspection | { unreadable: FileFailure } | undefined> {
  const fromName = parsePhotoName(file.path)?.capturedAt
  const fromMtime = (): PhotoInspection['capturedAt'] => wallClockOfLocalTime(file.mtimeMs)
  if (file.size === 0) {
    return {
      capturedAt: fromName ?? fromMtime(),
      captureOrigin: fromName ? 'filename' : 'mtime',
      flags: ['empty'],
    }
  }

  let head: Buffer
  let tail: Buffer | undefined
  try {
    head = await source.readRange(file.path, 0, fromName ? FILE_END_BYTES : EXIF_HEAD_BYTES)
    if (isJpegStart(head)) {
      const start = Math.max(0, file.size - FILE_END_BYTES)
      tail = await source.readRange(file.path, start, file.size - start)
    }
  } catch (error) {
    // stat throws too when the source itself is failing; only a readable listing with an unreadable file
    // (a bad sector on a worn card) is this photo's problem.
    if ((await source.stat(file.path)) === undefined) return undefined
    // No permission is no sign of damage: the photo is listed as unreadable, not flagged corrupt.
    const code = errnoCode(error)
    if (code === 'EACCES' || code === 'EPERM') {
      return {
        unreadable: {
          path: file.path,
          reason: `No permission to read this file (${code})`,
          code: 'FILE_UNREADABLE',
        },
      }
    }
    return {
      capturedAt: fromName ?? fromMtime(),
      captureOrigin: fromName ? 'filename' : 'mtime',
      flags: ['corrupt'],
    }
  }

  const flags = photoFlagsOf(file.size, head, tail)
  if (fromName) return { capturedAt: fromName, captureOrigin: 'filename', flags }
  const fromExif = await exifCaptureTime(head)
  if (fromExif) return { capturedAt: fromExif, captureOrigin: 'exif', flags }
  return { capturedAt: fromMtime(), captureOrigin: 'mtime', flags }
}
