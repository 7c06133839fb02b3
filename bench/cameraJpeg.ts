import sharp from 'sharp'

/** The Raspberry Pi HQ camera's full frame, as the boxes write it. */
export const CAMERA_WIDTH = 4056
export const CAMERA_HEIGHT = 3040

/**
 * A camera-sized JPEG without an embedded preview: a tinted frame with noise, so it compresses like a photo
 * (about 3.5 MB) and every seed gives other bytes. Shared by the thumbnail benchmarks.
 */
export function cameraJpeg(seed: number): Promise<Buffer> {
  return sharp({
    create: {
      width: CAMERA_WIDTH,
      height: CAMERA_HEIGHT,
      channels: 3,
      background: { r: 30 + (seed % 7) * 25, g: 40 + (seed % 5) * 30, b: 60 + (seed % 3) * 50 },
    },
  })
    .composite([
      {
        input: {
          create: {
            width: CAMERA_WIDTH,
            height: CAMERA_HEIGHT,
            channels: 3,
            background: { r: 0, g: 0, b: 0 },
            noise: { type: 'gaussian', mean: 0, sigma: 12 + (seed % 11) },
          },
        },
        blend: 'add',
      },
    ])
    .withExif({ IFD0: { Make: 'RaspberryPi', Model: 'imx477' } })
    .jpeg({ quality: 90 })
    .toBuffer()
}
