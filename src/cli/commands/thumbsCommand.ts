import { InvalidArgumentError, type Command } from 'commander'
import { isValidDayKey } from '../../shared/night.js'
import { assessThumbnails, type ThumbnailsResult } from '../../shared/photos.js'
import { makeThumbnails, thumbnailOrder } from '../../core/photos/makeThumbnails.js'
import { photoCardOf } from '../../core/photos/photoCard.js'
import { PhotoImages } from '../../core/photos/photoImages.js'
import { thumbnailCacheIn } from '../../core/photos/thumbnailCache.js'
import { SettingsStore } from '../../core/settings/settingsStore.js'
import { appDataDir } from '../../core/sources/appDataDir.js'
import { runStorageCommand } from '../runStorageCommand.js'
import { pathArgument } from './pathArgument.js'

const nightArgument = (value: string): string => {
  if (!isValidDayKey(value)) throw new InvalidArgumentError('a night is its evening as YYYY-MM-DD')
  return value
}

export function registerThumbs(program: Command): void {
  program
    .command('thumbs')
    .description(
      "make and cache a card's thumbnails ahead of time, so the Photos screen opens at once offline",
    )
    .argument('<path>', 'mounted card or folder, or a box as sftp://user@host[:port]/path', pathArgument)
    .option('--night <YYYY-MM-DD>', 'only the photos of this night (named by its evening)', nightArgument)
    .option(
      '--data-dir <dir>',
      "the app's data folder holding the thumbnail cache",
      pathArgument,
      appDataDir(),
    )
    .action((sourcePath: string, options: { night?: string; dataDir: string }, command: Command) =>
      runStorageCommand(
        command,
        sourcePath,
        'Thumbnails',
        async (manager, { signal, progress }) => {
          // The bound the app was given in its settings applies here too: one cache, one limit.
          const settings = await SettingsStore.open(options.dataDir)
          const maxBytes = settings.get().preferences.thumbnailCacheMb * 1024 * 1024
          const images = new PhotoImages(thumbnailCacheIn(options.dataDir, () => maxBytes))
          const card = await photoCardOf(manager)
          const photos = thumbnailOrder(card.catalog.photos, options.night)
          return makeThumbnails(manager.source, card.imageKey, photos, images, {
            signal,
            onProgress: progress,
          })
        },
        { describe: describeThumbnails, assess: assessThumbnails },
      ),
    )
}

export function describeThumbnails(result: ThumbnailsResult): string {
  const lines = [
    `Thumbnails of ${result.photos} photos: ${result.fromPreview} from embedded previews, ` +
      `${result.decoded} decoded, ${result.cached} already cached`,
  ]
  if (result.damaged.length > 0)
    lines.push(`Damaged, no thumbnail: ${result.damaged.length} (kept on the card)`)
  for (const failure of result.failed) lines.push(`  failed: ${failure.path}: ${failure.reason}`)
  return lines.join('\n')
}
