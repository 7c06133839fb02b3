import { useMemo, useState } from 'react'
import { mayBeBackupDestination } from '../../../shared/driveConstraints.js'
import { isEqualOrParent } from '../../../shared/paths.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { BackupResultSchema } from '../../../shared/storage.js'
import { BackupResultView } from '../components/BackupResultView.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { ChosenSource } from '../components/ChosenSource.js'
import { JobProgressPanel } from '../components/JobProgressPanel.js'
import { formatBytes } from '../format.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'
import { useLastJob } from '../useLastJob.js'
import { AddFolderForm } from '../components/AddFolderForm.js'

interface DestinationOption {
  path: string
  description: string
  /** Added by the user (kept in settings), as opposed to a drive detected now. */
  isSaved: boolean
}

export function BackupScreen() {
  const source = useSourcesStore((state) => state.selected)
  const drives = useSourcesStore((state) => state.drives)
  const saved = useSettingsStore((state) => state.settings?.destinations)
  const updateSettings = useSettingsStore((state) => state.update)
  const verify = useSettingsStore((state) => state.settings?.preferences.verifyBackups ?? true)
  const { job, isRunning, result } = useLastJob('backup', BackupResultSchema)
  const startBackup = useJobsStore((state) => state.startBackup)
  const [picked, setPicked] = useState<string[]>([])
  const [error, setError] = useState<CompanionErrorData | undefined>()

  // The laptop's own disk is never offered, nor the card itself.
  const options = useMemo<DestinationOption[]>(() => {
    const fromDrives = drives.filter(mayBeBackupDestination).flatMap((drive) =>
      drive.mountpoints.map((mount) => ({
        path: mount.path,
        isSaved: false,
        description: `${mount.label ?? drive.description}${drive.size ? ` · ${formatBytes(drive.size)}` : ''}${drive.isCreatureBoxCard ? ' · CreatureBox card' : ''}`,
      })),
    )
    const known = new Set(fromDrives.map((option) => option.path))
    const fromSettings = (saved ?? [])
      .filter((path) => !known.has(path))
      .map((path) => ({ path, description: 'Folder', isSaved: true }))
    return [...fromDrives, ...fromSettings].filter(
      (option) => !source || (!isEqualOrParent(option.path, source) && !isEqualOrParent(source, option.path)),
    )
  }, [drives, saved, source])

  const toggle = (path: string) =>
    setPicked((current) => (current.includes(path) ? current.filter((p) => p !== path) : [...current, path]))

  const addFolder = async (folder: string) => {
    const failure = await updateSettings({ destinations: [...(saved ?? []), folder] })
    setError(failure)
    if (!failure) setPicked((current) => [...new Set([...current, folder])])
    return !failure
  }
  const start = async () => {
    if (!source) return
    const chosen = picked.filter((path) => options.some((option) => option.path === path))
    setError(await startBackup({ source, destinations: chosen, verify }))
  }

  return (
    <section className="screen">
      <header className="screen-head">
        <h1>Backup</h1>
      </header>
      <ChosenSource source={source} />
      <fieldset className="panel" disabled={isRunning}>
        <legend>Back up to</legend>
        {options.length === 0 ? (
          <p className="muted">No backup drive found. Plug one in, or add a folder below.</p>
        ) : null}
        <ul className="plain choices">
          {options.map((option) => (
            <li key={option.path}>
              <label>
                <input
                  type="checkbox"
                  checked={picked.includes(option.path)}
                  onChange={() => toggle(option.path)}
                />{' '}
                <span className="path">{option.path}</span>{' '}
                <span className="muted">{option.description}</span>
              </label>
              {option.isSaved ? (
                <button
                  type="button"
                  className="small"
                  aria-label={`Forget ${option.path}`}
                  onClick={() => {
                    setPicked((current) => current.filter((path) => path !== option.path))
                    void updateSettings({
                      destinations: (saved ?? []).filter((path) => path !== option.path),
                    }).then(setError)
                  }}
                >
                  Forget
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        <AddFolderForm label="Folder on a drive" placeholder="/media/me/BACKUP" onAdd={addFolder} />
      </fieldset>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={!source || picked.length === 0 || isRunning}
          onClick={() => void start()}
        >
          Start backup{picked.length > 1 ? ` to ${picked.length} drives` : ''}
        </button>
        <span className="muted">
          {verify ? 'Every copy is re-read and checked by hash.' : 'Copies are not verified.'}
        </span>
      </div>
      <ErrorMessage error={error} title="Backup did not start" />
      {job ? <JobProgressPanel jobId={job.id} label="Backup" /> : null}
      {result?.success ? <BackupResultView result={result.data} /> : null}
    </section>
  )
}
