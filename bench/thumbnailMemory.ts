// Peak RSS of the process that makes a season's thumbnails: 10 000 camera-sized JPEGs (4056×3040, no
// embedded preview, so every one is decoded, the costly case) through the companion's own
// `photos.makeThumbnails` job, in a child process as the desktop app's main process or `serve` runs it.
// The photos are BENCH_MEMORY_BASES distinct JPEGs laid out as hard links under 10 000 names (the thumbnail
// cache keys by path, so each one is decoded), which keeps the card to a few hundred MB of disk.
import { spawn } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CAMERA_HEIGHT, CAMERA_WIDTH, cameraJpeg } from './cameraJpeg.js'

const photos = Number(process.env['BENCH_MEMORY_PHOTOS'] ?? 10_000)
const bases = Number(process.env['BENCH_MEMORY_BASES'] ?? 200)
const PER_NIGHT = 1000
// The Raspberry Pi HQ camera's full frame.
/** The bound for the main process while it makes 10 000 thumbnails. */
const TARGET_MB = 300

/** Mothbox names, one photo every 20 s from 18:00, a thousand per night in a folder per night. */
function photoName(index: number): string {
  const night = Math.floor(index / PER_NIGHT)
  const seconds = 18 * 3600 + (index % PER_NIGHT) * 20
  const two = (value: number) => String(value).padStart(2, '0')
  const day = two(1 + night)
  const time = `${two(Math.floor(seconds / 3600))}_${two(Math.floor(seconds / 60) % 60)}_${two(seconds % 60)}`
  return `2024-09-${day}/benchBox_2024_09_${day}__${time}.jpg`
}

const dir = await fsp.mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-thumbmem-'))
try {
  const card = path.join(dir, 'card')
  const baseDir = path.join(dir, 'bases')
  await fsp.mkdir(baseDir, { recursive: true })
  console.log(`Generating ${bases} distinct ${CAMERA_WIDTH}×${CAMERA_HEIGHT} JPEGs…`)
  let baseBytes = 0
  for (let seed = 0; seed < bases; seed += 1) {
    const jpeg = await cameraJpeg(seed)
    baseBytes += jpeg.length
    await fsp.writeFile(path.join(baseDir, `${seed}.jpg`), jpeg)
  }
  console.log(
    `Laying out ${photos} photos (average ${(baseBytes / bases / 1e6).toFixed(1)} MB) as hard links…`,
  )
  for (let index = 0; index < photos; index += 1) {
    const target = path.join(card, photoName(index))
    if (index % PER_NIGHT === 0) await fsp.mkdir(path.dirname(target), { recursive: true })
    await fsp.link(path.join(baseDir, `${index % bases}.jpg`), target)
  }

  const child = fileURLToPath(new URL('./thumbnailMemoryChild.ts', import.meta.url))
  const started = Date.now()
  const output = await new Promise<string>((resolve, reject) => {
    const run = spawn(process.execPath, ['--import', 'tsx', child, card, path.join(dir, 'data')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let text = ''
    run.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()))
    run.on('error', reject)
    run.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`the thumbnail child exited ${code}: ${text}`)),
    )
  })
  const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
    peakRssKb: number
    made: number
    failed: number
  }
  const seconds = (Date.now() - started) / 1000
  const peakMb = result.peakRssKb / 1024
  console.log(
    `${result.made} thumbnails of ${CAMERA_WIDTH}×${CAMERA_HEIGHT} photos (decoded, no embedded preview) in ${seconds.toFixed(0)} s, ` +
      `${result.failed} failed`,
  )
  console.log(`peak RSS of the process making them: ${peakMb.toFixed(0)} MB (target ≤ ${TARGET_MB} MB)`)
  if (result.failed > 0 || result.made !== photos) throw new Error('not every bench thumbnail was made')
} finally {
  await fsp.rm(dir, { recursive: true, force: true })
}
