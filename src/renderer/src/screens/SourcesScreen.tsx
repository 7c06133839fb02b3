import { useState } from 'react'
import { isSystemDrive } from '../../../shared/driveConstraints.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { formatBytes } from '../format.js'
import { useNavigationStore } from '../stores/navigationStore.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'
import { BoxesPanel } from './BoxesPanel.js'
import { AddFolderForm } from '../components/AddFolderForm.js'

/** One empty list for every render before the settings arrive (a new `[]` each time would loop). */
const NO_FOLDERS: readonly string[] = []

function SourceRow({
  source,
  description,
  onRemove,
}: {
  source: string
  description?: string
  onRemove?: () => void
}) {
  const selected = useSourcesStore((state) => state.selected)
  const select = useSourcesStore((state) => state.select)
  const go = useNavigationStore((state) => state.go)
  const isSelected = selected === source
  return (
    <li className={isSelected ? 'source-row selected' : 'source-row'}>
      <span className="path">{source}</span>
      {description ? <span className="muted">{description}</span> : null}
      <span className="row-actions">
        <button
          type="button"
          aria-pressed={isSelected}
          onClick={() => {
            select(source)
            go('dashboard')
          }}
        >
          Open
        </button>
        {onRemove ? (
          <button type="button" className="small" onClick={onRemove} aria-label={`Forget ${source}`}>
            Forget
          </button>
        ) : null}
      </span>
    </li>
  )
}

export function SourcesScreen() {
  const drives = useSourcesStore((state) => state.drives)
  const drivesError = useSourcesStore((state) => state.drivesError)
  const startupSources = useSourcesStore((state) => state.startupSources)
  const folders = useSettingsStore((state) => state.settings?.folders) ?? NO_FOLDERS
  const update = useSettingsStore((state) => state.update)
  const [error, setError] = useState<CompanionErrorData | undefined>()

  const cards = drives
    .filter((drive) => !isSystemDrive(drive))
    .flatMap((drive) =>
      drive.mountpoints.map((mount) => ({
        path: mount.path,
        description: [
          drive.isCreatureBoxCard ? 'CreatureBox card' : 'Drive',
          mount.label ?? drive.description,
          drive.size ? formatBytes(drive.size) : '',
        ]
          .filter(Boolean)
          .join(' · '),
        isCard: drive.isCreatureBoxCard,
      })),
    )
    .sort((a, b) => Number(b.isCard) - Number(a.isCard))

  const addFolder = async (path: string) => {
    const failure = await update({ folders: [...folders, path] })
    setError(failure)
    return !failure
  }

  return (
    <section className="screen">
      <header className="screen-head">
        <h1>Sources</h1>
      </header>
      <section className="panel" aria-label="Detected cards">
        <h2>Cards and drives</h2>
        <ErrorMessage error={drivesError} title="Could not list drives" />
        {cards.length === 0 ? (
          <p className="muted">No card found. Insert a card; it shows up here within a few seconds.</p>
        ) : null}
        <ul className="plain">
          {cards.map((card) => (
            <SourceRow key={card.path} source={card.path} description={card.description} />
          ))}
        </ul>
      </section>
      {startupSources.length > 0 ? (
        <section className="panel" aria-label="Started with">
          <h2>Given at start</h2>
          <ul className="plain">
            {startupSources.map((source) => (
              <SourceRow key={source} source={source} description="named with --source" />
            ))}
          </ul>
        </section>
      ) : null}
      <section className="panel" aria-label="Folders">
        <h2>Folders</h2>
        <ul className="plain">
          {folders.map((path) => (
            <SourceRow
              key={path}
              source={path}
              onRemove={() =>
                void update({ folders: folders.filter((other) => other !== path) }).then(setError)
              }
            />
          ))}
        </ul>
        <AddFolderForm label="Add a folder" placeholder="/home/me/cards/ridge-2024-09" onAdd={addFolder} />
        <ErrorMessage error={error} title="Could not save" />
      </section>
      <BoxesPanel />
    </section>
  )
}
