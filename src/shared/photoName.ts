import { isValidWallClock, type WallClock } from './night.js'

export type PhotoSeriesKind = 'HDR' | 'FB'

export interface ParsedPhotoName {
  deviceName: string
  capturedAt: WallClock
  /** Position in an exposure (HDR) or focus-bracket (FB) series, from the `_HDR1` / `_FB3` suffix. */
  series?: { kind: PhotoSeriesKind; index: number }
  /** Mothbox's TakePhoto.py prefixes manually focused shots with `ManFocus_`. */
  manualFocus: boolean
}

const PHOTO_EXTENSIONS = /\.(jpe?g|png|dng)$/i
const SIDECAR_EXTENSION = /\.json$/i

/**
 * `[ManFocus_]<device>_<YYYY>_<MM>_<DD>__<HH>_<mm>_<ss>[_<suffix>].<ext>`, as Mothbox's TakePhoto.py writes
 * it (`strftime("%Y_%m_%d__%H_%M_%S")`). The device name is the box's host name: letters, digits, `-`, `.`.
 */
const MOTHBOX_STYLE =
  /^(ManFocus_)?([A-Za-z0-9][\w.-]*?)_(\d{4})_(\d{2})_(\d{2})__(\d{2})_(\d{2})_(\d{2})(?:_([^.]*))?\.(?:jpe?g|png|dng)$/i

/**
 * `<device>_<YYYY>-<MM>-<DD>T<HH>-<mm>-<ss>[<offset>][_<suffix>].<ext>`, seen in datasets, e.g.
 * `superDorada_2026-08-12T03-37-06-07-00_HDR0.jpg`. The offset is dropped: times are the box's wall clock.
 */
const ISO_STYLE =
  /^(ManFocus_)?([A-Za-z0-9][\w.-]*?)_(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}(?:-?\d{2})?)?(?:_([^.]*))?\.(?:jpe?g|png|dng)$/i

const SERIES_SUFFIX = /^(HDR|FB)(\d+)$/i

const baseName = (fileName: string): string => fileName.slice(fileName.lastIndexOf('/') + 1)

/**
 * True for the image files a box writes (jpg, jpeg, png, dng, any case). macOS's `._name.jpg` resource
 * forks, which Finder leaves on FAT cards, are not photos even though their names end in `.jpg`.
 */
export function isPhotoFile(fileName: string): boolean {
  const name = baseName(fileName)
  return PHOTO_EXTENSIONS.test(name) && !name.startsWith('._')
}

/** For a sidecar `x_HDR0.jpg.json` the photo it belongs to, `x_HDR0.jpg` (same folder); otherwise undefined. */
export function sidecarPhotoOf(fileName: string): string | undefined {
  if (!SIDECAR_EXTENSION.test(fileName)) return undefined
  const photo = fileName.slice(0, -'.json'.length)
  return isPhotoFile(photo) ? photo : undefined
}

/** What a Mothbox/CreatureBox file name says about its photo, or undefined when the name is not one of theirs. */
export function parsePhotoName(fileName: string): ParsedPhotoName | undefined {
  const name = baseName(fileName)
  const match = MOTHBOX_STYLE.exec(name) ?? ISO_STYLE.exec(name)
  if (!match) return undefined
  const [, manFocus, deviceName, year, month, day, hour, minute, second, suffix] = match
  // The name's digits are already zero-padded as a wall clock writes them: no number is formatted back.
  const text = `${year}-${month}-${day}T${hour}:${minute}:${second}`
  const capturedAt = isValidWallClock(text) ? text : undefined
  if (capturedAt === undefined || deviceName === undefined) return undefined
  const parsed: ParsedPhotoName = { deviceName, capturedAt, manualFocus: manFocus !== undefined }
  const series = suffix === undefined ? null : SERIES_SUFFIX.exec(suffix)
  if (series) {
    parsed.series = { kind: series[1]?.toUpperCase() === 'FB' ? 'FB' : 'HDR', index: Number(series[2]) }
  }
  return parsed
}
