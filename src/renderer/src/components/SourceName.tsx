import { boxIdOf } from '../../../shared/boxes.js'
import { useSettingsStore } from '../stores/settingsStore.js'

/** A source as the user named it: a box by its name, a card or folder by its path. */
export function SourceName({ source }: { source: string | undefined }) {
  const boxId = source ? boxIdOf(source) : undefined
  const box = useSettingsStore((state) => state.settings?.boxes.find((candidate) => candidate.id === boxId))
  if (!source) return <>No source chosen</>
  return <>{box ? `Box ${box.name} (${box.host})` : source}</>
}
