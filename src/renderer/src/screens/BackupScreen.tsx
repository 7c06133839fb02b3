import { useEffect, useMemo, useState } from 'react'
import { mayBeBackupDestination } from '../../../shared/driveConstraints.js'
import { isEqualOrParent } from '../../../shared/paths.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { BackupResultSchema, type Drive } from '../../../shared/storage.js'
import { BackupResultView } from '../components/BackupResultView.js'
import { DestinationRow, type DestinationOption } from '../components/DestinationRow.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { ChooseFolderButton } from '../components/ChooseFolderButton.js'
import { ChosenSource } from '../components/ChosenSource.js'
import { JobProgressPanel } from '../components/JobProgressPanel.js'
import { driveName, listNames } from '../driveNames.js'
import { formatBytes } from '../format.js'
import { acceptedCheck, useCardBackupStore } from '../stores/cardBackupStore.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'
import { useLastJob } from '../useLastJob.js'
import { AddFolderForm } from '../components/AddFolderForm.js'

/** What picking a drive needs up front: its name, size, free space and file system. */
const describeDrive = (drive: Drive, mount: Drive['mountpoints'][number]) =>
  [
    mount.label ?? drive.description,
    drive.size ? formatBytes(drive.size) : '',
    mount.freeBytes === undefined ? '' : `${formatBytes(mount.freeBytes)} free`,
    mount.fileSystem ?? '',
    drive.isCreatureBoxCard ? 'CreatureBox card' : '',
  ]
    .filter(Boolean)
    .join(' · ')

export function BackupScreen() {
  const source = useSourcesStore((state) => state.selected)
  const drives = useSourcesStore((state) => state.drives)
  const saved = useSettingsStore((state) => state.settings?.destinations)
  const updateSettings = useSettingsStore((state) => state.update)
  const verify = useSettingsStore((state) => state.settings?.preferences.verifyBackups ?? true)
  const { job, isRunning, result } = useLastJob('backup', BackupResultSchema)
  const startBackup = useJobsStore((state) => state.startBackup)
  const remembered = useCardBackupStore((state) => (state.source === source ? state.info : undefined))
  const checks = useCardBackupStore((state) => (state.source === source ? state.checks : {}))
  const loadCardBackup = useCardBackupStore((state) => state.load)
  const checkDestination = useCardBackupStore((state) => state.check)
  const setAutoBackup = useCardBackupStore((state) => state.setAutoBackup)
  const [picked, setPicked] = useState<string[]>([])
  const [refusal, setRefusal] = useState<string | undefined>()
  const [error, setError] = useState<CompanionErrorData | { message: string } | undefined>()
  const [startedHere, setStartedHere] = useState(false)
  const [browsed, setBrowsed] = useState<string | undefined>()

  // The card's remembered drives, read again when the card changes and after each of its backups ends.
  const finished = job?.status === 'completed'
  useEffect(() => {
    if (source) void loadCardBackup(source)
  }, [source, finished, loadCardBackup])

  // The remembered drives that passed their check are ticked: one less thing to do on the second card. Each
  // once per card: a drive the user then unticks stays unticked when it is checked again (at Start).
  const rememberedReady = (remembered?.destinations ?? []).filter((path) => acceptedCheck(checks[path]))
  const [autoTicked, setAutoTicked] = useState<{ source?: string; paths: string[] }>({ paths: [] })
  const alreadyTicked = autoTicked.source === source ? autoTicked.paths : []
  const newlyReady = rememberedReady.filter((path) => !alreadyTicked.includes(path))
  if (newlyReady.length > 0) {
    setAutoTicked({ source, paths: [...alreadyTicked, ...newlyReady] })
    setPicked((current) => [...new Set([...current, ...newlyReady])])
  }

  // The laptop's own disk is never offered, nor the card itself; a remembered drive is always shown.
  const options = useMemo<DestinationOption[]>(() => {
    const fromDrives = drives.filter(mayBeBackupDestination).flatMap((drive) =>
      drive.mountpoints.map((mount) => ({
        path: mount.path,
        isSaved: false,
        description: describeDrive(drive, mount),
      })),
    )
    const known = new Set(fromDrives.map((option) => option.path))
    const fromSettings = [...new Set([...(saved ?? []), ...(remembered?.destinations ?? [])])]
      .filter((path) => !known.has(path))
      .map((path) => ({
        path,
        description: remembered?.destinations.includes(path) ? 'Last backup of this card' : 'Folder',
        isSaved: (saved ?? []).includes(path),
      }))
    return [...fromDrives, ...fromSettings].filter(
      (option) => !source || (!isEqualOrParent(option.path, source) && !isEqualOrParent(source, option.path)),
    )
  }, [drives, saved, source, remembered])

  const isRefused = (path: string) => {
    const entry = checks[path]
    return entry?.state === 'checked' && !entry.check.accepted
  }
  // What Start will use is exactly what is shown ticked: shown, ticked, not refused.
  const chosen = picked.filter((path) => options.some((option) => option.path === path) && !isRefused(path))

  const toggle = (path: string) => {
    const ticking = !picked.includes(path)
    setPicked((current) => (ticking ? [...current, path] : current.filter((p) => p !== path)))
    if (ticking && source && !checks[path]) void checkDestination(source, path)
  }

  const addFolder = async (folder: string) => {
    if (!source) {
      setRefusal('Choose a card first (Sources): a drive is checked against the card it will hold.')
      return false
    }
    const checked = await checkDestination(source, folder)
    if (checked.state !== 'checked' || !checked.check.accepted) {
      setRefusal(
        checked.state === 'error'
          ? `Could not check ${folder}: ${checked.error.message}`
          : checked.state === 'checked'
            ? `Refused: ${checked.check.refusal?.message ?? 'this folder cannot hold the backup'}`
            : undefined,
      )
      return false
    }
    setRefusal(undefined)
    const failure = await updateSettings({ destinations: [...new Set([...(saved ?? []), folder])] })
    setError(failure)
    if (!failure) setPicked((current) => [...new Set([...current, folder])])
    return !failure
  }
  const start = async (destinations: string[]) => {
    if (!source || destinations.length === 0) return
    // Checked again at the click: a drive unplugged since it was ticked is named, and nothing starts,
    // rather than a run to fewer drives than the button said.
    const rechecked = await Promise.all(destinations.map((path) => checkDestination(source, path)))
    const refusals = rechecked.flatMap((entry) =>
      entry.state === 'checked' && !entry.check.accepted ? [entry.check.refusal?.message ?? ''] : [],
    )
    if (refusals.length > 0) return setError({ message: refusals.join('; ') })
    const failure = await startBackup({ source, destinations, verify })
    setError(failure)
    setStartedHere(!failure)
  }

  const oneClick = remembered?.destinations ?? []
  const oneClickReady = oneClick.length > 0 && oneClick.every((path) => acceptedCheck(checks[path]))
  const startLabel = `Start backup${chosen.length > 1 ? ` to ${chosen.length} drives` : ''}`

  return (
    <section className="screen">
      <header className="screen-head">
        <h1 tabIndex={-1}>Backup</h1>
      </header>
      <ChosenSource source={source} />
      {oneClick.length > 0 ? (
        <div className="panel one-click">
          <button
            type="button"
            className="primary big"
            disabled={!oneClickReady || isRunning}
            onClick={() => void start(oneClick)}
          >
            Back up to {listNames(oneClick.map(driveName))}
          </button>{' '}
          <span className="muted">
            {oneClickReady
              ? 'The drives this card was last backed up to are here.'
              : 'Plug in the drives this card was last backed up to, or pick others below.'}
          </span>
          <label className="auto-backup">
            <input
              type="checkbox"
              checked={remembered?.autoBackup ?? false}
              disabled={!source}
              onChange={(event) => source && void setAutoBackup(source, event.target.checked).then(setError)}
            />{' '}
            Back up this card on its own when it is inserted and these drives are plugged in
          </label>
        </div>
      ) : null}
      <fieldset className="panel" disabled={isRunning}>
        <legend>Back up to</legend>
        {options.length === 0 ? (
          <p className="muted">No backup drive found. Plug one in, or add a folder below.</p>
        ) : null}
        <ul className="plain choices">
          {options.map((option) => (
            <DestinationRow
              key={option.path}
              option={option}
              entry={checks[option.path]}
              ticked={picked.includes(option.path)}
              onToggle={() => toggle(option.path)}
              onForget={
                option.isSaved
                  ? () => {
                      setPicked((current) => current.filter((path) => path !== option.path))
                      void updateSettings({
                        destinations: (saved ?? []).filter((path) => path !== option.path),
                      }).then(setError)
                    }
                  : undefined
              }
            />
          ))}
        </ul>
        <AddFolderForm
          label="Folder on a drive"
          placeholder="/media/me/BACKUP"
          onAdd={addFolder}
          refusal={refusal}
          chosen={browsed}
        >
          <ChooseFolderButton title="Choose a folder to back up to" onPick={setBrowsed} />
        </AddFolderForm>
      </fieldset>
      <div className="actions">
        <button
          type="button"
          className={oneClick.length > 0 ? undefined : 'primary'}
          disabled={!source || chosen.length === 0 || isRunning}
          onClick={() => void start(chosen)}
        >
          {startLabel}
        </button>
        <span className="muted">
          {verify ? 'Every copy is re-read and checked by hash.' : 'Copies are not verified.'}
        </span>
      </div>
      <ErrorMessage error={error} title="Backup did not start" />
      {job ? (
        <JobProgressPanel key={job.id} jobId={job.id} label="Backup" focusOnMount={startedHere} />
      ) : null}
      {job && result?.success ? <BackupResultView result={result.data} jobId={job.id} /> : null}
    </section>
  )
}
