import type { PhotoDetails, PhotoExif } from '../../shared/photos.js'
import type { CatalogPhoto } from '../../shared/storage.js'
import { describeError } from '../errors.js'
import type { PhotoSource } from '../sources/photoSource.js'
import { EXIF_HEAD_BYTES } from '../storage/captureTime.js'

/** A sidecar is a few hundred bytes of JSON; anything far larger is not one to show. */
const MAX_SIDECAR_BYTES = 1024 * 1024

/** What the large view shows beside a photo: EXIF (exposure, ISO, camera) and its sidecar's contents. */
export async function photoDetailsOf(source: PhotoSource, photo: CatalogPhoto): Promise<PhotoDetails> {
  const exif = await exifOf(source, photo)
  const sidecarPath = photo.companions.find((companion) => companion.toLowerCase().endsWith('.json'))
  if (!sidecarPath) return { photo, exif, sidecar: null }
  try {
    const text = (await source.readRange(sidecarPath, 0, MAX_SIDECAR_BYTES)).toString('utf8')
    return { photo, exif, sidecar: JSON.parse(text) as unknown }
  } catch (error) {
    return { photo, exif, sidecar: null, sidecarProblem: `${sidecarPath}: ${describeError(error)}` }
  }
}

async function exifOf(source: PhotoSource, photo: CatalogPhoto): Promise<PhotoExif> {
  if (photo.size === 0) return {}
  try {
    const head = await source.readRange(photo.path, 0, Math.min(photo.size, EXIF_HEAD_BYTES))
    const { default: exifr } = await import('exifr')
    const tags = (await exifr.parse(head, {
      pick: ['Make', 'Model', 'ExposureTime', 'ISO', 'FNumber', 'ExifImageWidth', 'ExifImageHeight'],
    })) as Record<string, unknown> | undefined
    const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined)
    const number = (value: unknown) =>
      typeof value === 'number' && Number.isFinite(value) ? value : undefined
    const exif: PhotoExif = {
      make: text(tags?.['Make']),
      model: text(tags?.['Model']),
      exposureTime: number(tags?.['ExposureTime']),
      iso: number(tags?.['ISO']),
      fNumber: number(tags?.['FNumber']),
      width: number(tags?.['ExifImageWidth']),
      height: number(tags?.['ExifImageHeight']),
    }
    return Object.fromEntries(Object.entries(exif).filter(([, value]) => value !== undefined))
  } catch {
    // A photo without EXIF (or cut off inside it) still has a large view.
    return {}
  }
}
