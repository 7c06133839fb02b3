import { boxIdOf } from '../../../shared/boxes.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'

/**
 * A source as the user named it: a box by its name, a card or folder by its path, and the folder actually
 * read when the companion picked one inside it (a Raspberry Pi card narrowed to the box's folder on it).
 */
export function SourceName({ source }: { source: string | undefined }) {
  const boxId = source ? boxIdOf(source) : undefined
  const box = useSettingsStore((state) => state.settings?.boxes.find((candidate) => candidate.id === boxId))
  const readFrom = useSourcesStore((state) =>
    source ? pickedFolder(source, state.stats[source]?.value?.sourceId) : undefined,
  )
  if (!source) return <>No source chosen</>
  return (
    <>
      {box ? `Box ${box.name} (${box.host})` : source}
      {readFrom ? <span className="picked-folder"> · using the box&apos;s folder {readFrom}</span> : null}
    </>
  )
}

/** The folder a card's stats were read from (`local:<folder>`), when it is not the path the user named. */
function pickedFolder(source: string, sourceId: string | undefined): string | undefined {
  if (!sourceId?.startsWith('local:')) return undefined
  const folder = sourceId.slice('local:'.length)
  const named = source.length > 1 ? source.replace(/[/\\]+$/, '') : source
  return folder === named ? undefined : folder
}
