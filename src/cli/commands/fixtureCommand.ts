import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import prettyBytes from 'pretty-bytes'
import { printResult } from '../output.js'
import { pathArgument } from './pathArgument.js'

export const positiveInteger = (value: string): number => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number ≥ 0')
  return parsed
}

export function registerFixture(program: Command): void {
  program
    .command('fixture')
    .description('write a realistic CreatureBox card (real JPEGs with EXIF, HDR series, sidecars, odd files)')
    .argument('<dir>', 'folder to write the card into', pathArgument)
    .option('--nights <n>', 'nights of photos', positiveInteger, 3)
    .option('--per-night <m>', 'photos per night', positiveInteger, 20)
    .option('--photo-kb <k>', 'size of each photo in KB', positiveInteger, 200)
    .option('--device <name>', 'device name in the file names', 'adeptTurca')
    .option('--no-odd', 'leave out the zero-byte, corrupt and oddly named photos')
    .action(
      async (
        dir: string,
        options: { nights: number; perNight: number; photoKb: number; device: string; odd: boolean },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<{ json: boolean }>()
        // sharp (the JPEG encoder) loads only for the commands that make photos.
        const { writeCardFixture } = await import('../../core/fixtures/cardFixture.js')
        const card = await writeCardFixture(dir, options)
        printResult(
          global,
          { root: card.root, photos: card.photos, bytes: card.bytes, files: card.files.length },
          () =>
            `Wrote ${card.photos} photos (${prettyBytes(card.bytes)}, ${card.files.length} files) to ${card.root}`,
        )
      },
    )
}
