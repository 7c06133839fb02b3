// Thumbnails against libvips' own vipsthumbnail (`-s 320`, shrink-on-load) on the same camera-sized JPEGs, in
// one run (npm run bench): photos without an embedded preview (decoded) and with one (its EXIF thumbnail,
// as a Raspberry Pi camera writes it). Each figure is the median of BENCH_RUNS runs (default 3); the ratio is
// the Companion's throughput over vipsthumbnail's. Peak RSS is sampled while the Companion works.
import { spawnSync } from 'node:child_process'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { withEmbeddedPreview } from '../src/core/fixtures/embeddedPreview.js'
import { makeThumbnails, thumbnailOrder } from '../src/core/photos/makeThumbnails.js'
import { PhotoImages } from '../src/core/photos/photoImages.js'
import { ThumbnailCache } from '../src/core/photos/thumbnailCache.js'
import { LocalSource } from '../src/core/sources/localSource.js'
import { buildCatalog } from '../src/core/storage/catalog.js'
import { median, printRatio, timeCommand } from './measure.js'
import { CAMERA_HEIGHT, CAMERA_WIDTH, cameraJpeg } from './cameraJpeg.js'

const runs = Number(process.env['BENCH_RUNS'] ?? 3)
const photos = Number(process.env['BENCH_THUMB_PHOTOS'] ?? 100)
// The Raspberry Pi HQ camera's full frame.
const BASES = 3

if (spawnSync('vipsthumbnail', ['--version']).status !== 0) {
  throw new Error('vipsthumbnail is missing: run scripts/setup-system.sh (Debian package libvips-tools)')
}

async function writeFolder(folder: string, bases: Buffer[]): Promise<void> {
  await fsp.mkdir(folder, { recursive: true })
  for (let index = 0; index < photos; index += 1) {
    const name = `benchBox_2024_09_01__${String(20 + (Math.floor(index / 60) % 4)).padStart(2, '0')}_${String(index % 60).padStart(2, '0')}_00_HDR0.jpg`
    await fsp.writeFile(
      path.join(folder, `${String(index).padStart(4, '0')}_${name}`),
      bases[index % bases.length] as Buffer,
    )
  }
}

const dir = await fsp.mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'creaturebox-thumbs-'))
try {
  console.log(
    `Generating ${photos} photos of ${CAMERA_WIDTH}×${CAMERA_HEIGHT}, with and without an embedded preview…`,
  )
  const plain = await Promise.all(Array.from({ length: BASES }, (_, seed) => cameraJpeg(seed)))
  const withPreview = await Promise.all(plain.map((jpeg) => withEmbeddedPreview(jpeg)))
  const plainDir = path.join(dir, 'plain')
  const previewDir = path.join(dir, 'preview')
  await writeFolder(plainDir, plain)
  await writeFolder(previewDir, withPreview)
  console.log(`photo size: ${(plain[0]?.length ?? 0) / 1e6} MB`)

  // vipsthumbnail as a user runs it: one process, one file after the other. The Companion has three photos in
  // flight, so vipsthumbnail is also run as three processes over a third of the files each, for a reference
  // with the same parallelism.
  const vipsRun = async (folder: string, processes = 1) => {
    const files = (await fsp.readdir(folder)).map((name) => path.join(folder, name))
    const out = path.join(dir, 'vips-out')
    await fsp.rm(out, { recursive: true, force: true })
    await fsp.mkdir(out)
    const args = ['-s', '320', '-o', `${out}/%s.jpg`]
    if (processes === 1) return timeCommand('vipsthumbnail', 'vipsthumbnail', [...args, ...files])
    const perProcess = Math.ceil(files.length / processes)
    const script = `printf '%s\\0' "$@" | xargs -0 -P ${processes} -n ${perProcess} vipsthumbnail ${args.join(' ')}`
    return timeCommand('vipsthumbnail ×3', 'sh', ['-c', script, 'sh', ...files])
  }

  let peakRss = 0
  // Made in-process into an empty cache, as the app's job does; the catalog is read before timing starts.
  const companionRun = async (folder: string) => {
    const source = await LocalSource.open(folder)
    const list = thumbnailOrder((await buildCatalog(source)).photos)
    const cacheDir = path.join(dir, 'cache')
    await fsp.rm(cacheDir, { recursive: true, force: true })
    const images = new PhotoImages(new ThumbnailCache(cacheDir, () => 2 * 1024 ** 3))
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20)
    const started = process.hrtime.bigint()
    const result = await makeThumbnails(source, 'bench', list, images)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    clearInterval(sampler)
    await source.close()
    if (result.failed.length > 0 || result.damaged.length > 0) throw new Error('a bench thumbnail failed')
    return seconds
  }

  // The tools take turns within each run, so a burst of load from elsewhere hits both alike.
  const times = {
    vipsParallel: [] as number[],
    vipsPlain: [] as number[],
    oursPlain: [] as number[],
    vipsPreview: [] as number[],
    oursPreview: [] as number[],
  }
  for (let run = 0; run < runs; run += 1) {
    times.vipsPlain.push(await vipsRun(plainDir))
    times.vipsParallel.push(await vipsRun(plainDir, 3))
    times.oursPlain.push(await companionRun(plainDir))
    times.vipsPreview.push(await vipsRun(previewDir))
    times.oursPreview.push(await companionRun(previewDir))
  }
  const [vipsPlain, oursPlain, vipsPreview, oursPreview] = [
    median(times.vipsPlain),
    median(times.oursPlain),
    median(times.vipsPreview),
    median(times.oursPreview),
  ]
  const rate = (seconds: number) => `${(photos / seconds).toFixed(1)} photos/s`
  console.log(`vipsthumbnail -s 320, no preview:  ${vipsPlain.toFixed(2)} s (${rate(vipsPlain)})`)
  const vipsParallel = median(times.vipsParallel)
  console.log(`vipsthumbnail ×3 processes, no preview: ${vipsParallel.toFixed(2)} s (${rate(vipsParallel)})`)
  console.log(`Companion, no preview (decoded):   ${oursPlain.toFixed(2)} s (${rate(oursPlain)})`)
  console.log(`vipsthumbnail -s 320, with preview: ${vipsPreview.toFixed(2)} s (${rate(vipsPreview)})`)
  console.log(`Companion, embedded preview:       ${oursPreview.toFixed(2)} s (${rate(oursPreview)})`)
  console.log(`peak RSS while making thumbnails:  ${(peakRss / 1e6).toFixed(0)} MB`)
  printRatio('thumbnails without preview vs vipsthumbnail', vipsPlain / oursPlain, '≥ 0.8')
  printRatio(
    'thumbnails without preview vs 3 vipsthumbnail processes',
    vipsParallel / oursPlain,
    '(reference)',
  )
  printRatio('thumbnails with embedded preview vs vipsthumbnail', vipsPreview / oursPreview, '≥ 10')
} finally {
  await fsp.rm(dir, { recursive: true, force: true })
}
