/**
 * The preview a camera embeds in a JPEG's EXIF (IFD1 thumbnail). The Raspberry Pi camera stack writes one of
 * 320×240 by default (libcamera-still `--thumb 320:240:70`), inside the EXIF APP1 segment, which JPEG caps at
 * 64 KiB: reading the first bytes of a 12–64 MP photo is enough for its thumbnail (Rapid Photo Downloader's
 * trick for showing a card's grid at once).
 */

/** SOI, an optional JFIF APP0 and one whole APP1 segment (at most 64 KiB) fit in this. */
export const PREVIEW_HEAD_BYTES = 66 * 1024

const isCompleteJpeg = (data: Uint8Array): boolean =>
  data.length > 4 &&
  data[0] === 0xff &&
  data[1] === 0xd8 &&
  data[data.length - 2] === 0xff &&
  data[data.length - 1] === 0xd9

/** The embedded preview JPEG in `head` (a photo's first bytes), or undefined when it has none whole. */
export async function embeddedPreviewOf(head: Buffer): Promise<Buffer | undefined> {
  if (head.length < 4) return undefined
  try {
    // Imported on first use, as in captureTime.ts: commands that never make thumbnails never load it.
    const { default: exifr } = await import('exifr')
    const preview = await exifr.thumbnail(head)
    if (!preview || !isCompleteJpeg(preview)) return undefined
    return Buffer.from(preview.buffer, preview.byteOffset, preview.byteLength)
  } catch {
    // No EXIF, or EXIF that points past the bytes read: the photo is decoded instead.
    return undefined
  }
}
