import { useEffect, useState } from 'react'
import { mayBeBackupDestination } from '../../../shared/driveConstraints.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { isEqualOrParent } from '../../../shared/paths.js'
import { CleanupPlanSchema, type CleanupPlan } from '../../../shared/storage.js'
import { callCompanion } from '../bridge/companion.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { ChosenSource } from '../components/ChosenSource.js'
import { JobProgressPanel } from '../components/JobProgressPanel.js'
import { VirtualList } from '../components/VirtualList.js'
import { formatBytes } from '../format.js'
import { useCardBackupStore } from '../stores/cardBackupStore.js'
import { useJobsStore } from '../stores/jobsStore.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'
import { useOpenedNight } from '../stores/nightStore.js'
import { usePreview } from '../usePreview.js'
import { useLastJob } from '../useLastJob.js'

/** Old photos, the nights picked, or everything that every drive named holds a verified copy of. */
type CleanupMode = 'age' | 'nights' | 'allVerified'

export function CleanupScreen() {
  const source = useSourcesStore((state) => state.selected)
  const settings = useSettingsStore((state) => state.settings)
  const { job, isRunning, result } = useLastJob('cleanup', CleanupPlanSchema)
  const startCleanup = useJobsStore((state) => state.startCleanup)
  const [daysText, setDaysText] = useState<string | undefined>()
  const [excluded, setExcluded] = useState<string[]>([])
  const [startError, setStartError] = useState<CompanionErrorData | undefined>()
  const preview = usePreview<CleanupPlan>()
  const nights = useSourcesStore((state) => (source ? state.stats[source]?.value?.nights : undefined))
  // A night opened on the Dashboard arrives here already picked.
  const opened = useOpenedNight(source)
  const [mode, setMode] = useState<CleanupMode>(opened ? 'nights' : 'age')
  const [pickedNights, setPickedNights] = useState<string[]>(opened ? [opened] : [])
  // The drives this card was last backed up to: preselected when every one of them must hold a copy.
  const remembered = useCardBackupStore((state) => (state.source === source ? state.info : undefined))
  const loadCardBackup = useCardBackupStore((state) => state.load)
  useEffect(() => {
    if (source) void loadCardBackup(source)
  }, [source, loadCardBackup])
  const [requiredDrives, setRequiredDrives] = useState<string[] | undefined>()

  const daysToKeep = Number(daysText ?? settings?.preferences.daysToKeep ?? 30)
  const isValidDays = Number.isInteger(daysToKeep) && daysToKeep >= 0
  const byNights = mode === 'nights'
  const allVerified = mode === 'allVerified'
  // The card's drives first, then the saved folders and the removable drives plugged in now (never the card).
  const drives = useSourcesStore((state) => state.drives)
  const pluggedIn = drives
    .filter(mayBeBackupDestination)
    .flatMap((drive) => drive.mountpoints.map((mount) => mount.path))
  const required = requiredDrives ?? remembered?.destinations ?? []
  // A ticked drive stays listed, and ticked, when it is unplugged: dropping it would quietly leave one copy
  // fewer required; kept, it makes the cleanup stop and say which drive to plug in.
  const knownDrives = [
    ...new Set([
      ...(remembered?.destinations ?? []),
      ...required,
      ...(settings?.destinations ?? []),
      ...pluggedIn,
    ]),
  ].filter((path) => !source || (!isEqualOrParent(path, source) && !isEqualOrParent(source, path)))
  const backups = allVerified
    ? knownDrives.filter((path) => required.includes(path))
    : (settings?.destinations ?? []).filter((path) => !excluded.includes(path))
  const isValidChoice = byNights ? pickedNights.length > 0 : allVerified ? backups.length > 0 : isValidDays
  const input = source
    ? byNights
      ? { source, daysToKeep: 0, requireBackupAt: backups, nights: pickedNights }
      : allVerified
        ? { source, daysToKeep: 0, requireBackupAt: backups, allVerified: true }
        : { source, daysToKeep, requireBackupAt: backups }
    : undefined
  const chooseMode = (next: CleanupMode) => {
    setMode(next)
    preview.clear()
  }

  // Delete runs exactly what was previewed. Any change of what the input would be (a drive ticked or gone, the
  // days, the nights) withdraws the plan shown, so a plan is never confirmed for other drives than its own.
  const inputKey = input ? JSON.stringify(input) : ''
  const [previewed, setPreviewed] = useState<{ key: string; input: NonNullable<typeof input> }>()
  const isPreviewCurrent = previewed !== undefined && previewed.key === inputKey
  const plan = isPreviewCurrent ? preview.value : undefined

  const runPreview = () => {
    if (!input || !isValidChoice) return
    setPreviewed({ key: inputKey, input })
    void preview.run(() => callCompanion('storage.cleanupPlan', input))
  }
  const confirm = async () => {
    if (!previewed || previewed.key !== inputKey) return
    const failure = await startCleanup(previewed.input)
    setStartError(failure)
    if (!failure) {
      setPreviewed(undefined)
      preview.clear()
    }
  }

  return (
    <section className="screen">
      <header className="screen-head">
        <h1>Cleanup</h1>
      </header>
      <ChosenSource source={source} />
      <fieldset className="panel" disabled={isRunning}>
        <legend>What to free</legend>
        <div className="choices-row" role="radiogroup" aria-label="Which photos">
          <label>
            <input
              type="radio"
              name="cleanup-mode"
              checked={mode === 'age'}
              onChange={() => chooseMode('age')}
            />{' '}
            By age
          </label>
          <label>
            <input
              type="radio"
              name="cleanup-mode"
              checked={byNights}
              onChange={() => chooseMode('nights')}
            />{' '}
            These nights
          </label>
          <label>
            <input
              type="radio"
              name="cleanup-mode"
              checked={allVerified}
              onChange={() => chooseMode('allVerified')}
            />{' '}
            Everything verified on all of my drives
          </label>
        </div>
        {allVerified ? (
          <fieldset className="night-picks">
            <legend>Drives that must each hold a verified copy</legend>
            <p className="muted">
              Whatever their age, only photos verified on every drive ticked are deleted; the others stay,
              with the reason for each drive. A ticked drive that is not plugged in stops the cleanup.
            </p>
            {knownDrives.length === 0 ? (
              <p className="warning">No backup drive known yet: back the card up first.</p>
            ) : null}
            <ul className="plain choices">
              {knownDrives.map((path) => (
                <li key={path}>
                  <label>
                    <input
                      type="checkbox"
                      checked={required.includes(path)}
                      onChange={() => {
                        setRequiredDrives(
                          required.includes(path) ? required.filter((p) => p !== path) : [...required, path],
                        )
                        preview.clear()
                      }}
                    />{' '}
                    <span className="path">{path}</span>
                    {remembered?.destinations.includes(path) ? (
                      <span className="muted"> (this card's backup drive)</span>
                    ) : null}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : byNights ? (
          <fieldset className="night-picks">
            <legend>Nights to free (photos per night)</legend>
            {(nights ?? []).filter((night) => night.count > 0).length === 0 ? (
              <p className="muted">Open the Dashboard first: the card's nights are listed once it is read.</p>
            ) : null}
            <ul className="plain choices night-list">
              {(nights ?? [])
                .filter((night) => night.count > 0)
                .map((night) => (
                  <li key={night.night}>
                    <label>
                      <input
                        type="checkbox"
                        checked={pickedNights.includes(night.night)}
                        onChange={() => {
                          setPickedNights((current) =>
                            current.includes(night.night)
                              ? current.filter((other) => other !== night.night)
                              : [...current, night.night],
                          )
                          preview.clear()
                        }}
                      />{' '}
                      {night.night} <span className="muted">({night.count} photos)</span>
                    </label>
                  </li>
                ))}
            </ul>
          </fieldset>
        ) : (
          <label>
            Keep the last{' '}
            <input
              type="number"
              min={0}
              className="narrow"
              value={daysText ?? String(settings?.preferences.daysToKeep ?? 30)}
              onChange={(event) => {
                setDaysText(event.target.value)
                preview.clear()
              }}
              aria-invalid={!isValidDays}
            />{' '}
            days on the card
          </label>
        )}
        {allVerified ? null : (
          <p className="muted">
            A photo is deleted only when one of these backups holds a copy verified by hash; everything else
            is refused.
          </p>
        )}
        {allVerified ? null : (settings?.destinations ?? []).length === 0 ? (
          <p className="warning">
            No backup drive known yet: back the card up first, or every photo will be refused.
          </p>
        ) : (
          <ul className="plain choices">
            {(settings?.destinations ?? []).map((path) => (
              <li key={path}>
                <label>
                  <input
                    type="checkbox"
                    checked={!excluded.includes(path)}
                    onChange={() => {
                      setExcluded((current) =>
                        current.includes(path) ? current.filter((p) => p !== path) : [...current, path],
                      )
                      preview.clear()
                    }}
                  />{' '}
                  <span className="path">{path}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        <button type="button" onClick={runPreview} disabled={!source || !isValidChoice || preview.loading}>
          {preview.loading ? 'Checking every photo…' : 'Preview cleanup'}
        </button>
      </fieldset>
      <ErrorMessage error={isPreviewCurrent ? preview.error : undefined} title="Preview failed" />
      {plan ? (
        <section className="panel" aria-label="Cleanup plan" data-testid="cleanup-plan">
          <h2>Plan (nothing deleted yet)</h2>
          <dl className="figures">
            <div>
              <dt>Photos to delete</dt>
              <dd data-testid="plan-delete-count">{plan.toDelete.length}</dd>
            </div>
            <div>
              <dt>Space freed</dt>
              <dd data-testid="plan-bytes">{formatBytes(plan.bytesToFree)}</dd>
            </div>
            <div>
              <dt>
                {plan.allVerified ? 'Kept (not verified on every drive)' : 'Refused (no verified backup)'}
              </dt>
              <dd data-testid="plan-refused-count">{plan.refused.length}</dd>
            </div>
          </dl>
          <p className="muted" data-testid="plan-candidates">
            {plan.allVerified
              ? `Every photo of the card is a candidate; only those verified on all ${backups.length} drives go.`
              : byNights
                ? `Photos of the nights of ${pickedNights.join(', ')} are candidates.`
                : `Photos captured before ${plan.cutoff.replace('T', ' ')} are candidates.`}
          </p>
          {plan.unavailableBackups.length > 0 ? (
            <p role="status" data-testid="plan-unavailable-backups">
              Not plugged in, so its copies were not counted: {plan.unavailableBackups.join(', ')}
            </p>
          ) : null}
          {plan.refused.length > 0 ? (
            <>
              <h3>{plan.allVerified ? 'Kept on the card' : 'Refused'}</h3>
              <VirtualList
                items={plan.refused}
                // A reason per drive takes more than one line: shown whole rather than cut off.
                rowHeight={plan.allVerified ? 64 : 28}
                height={160}
                label="Refused photos"
                getKey={(failure) => failure.path}
                renderRow={(failure) => (
                  <span className={plan.allVerified ? 'row-text wrap' : 'row-text'}>
                    {failure.path} — {failure.reason}
                  </span>
                )}
              />
            </>
          ) : null}
          {plan.toDelete.length > 0 ? (
            <>
              <h3>To delete</h3>
              <VirtualList
                items={plan.toDelete}
                rowHeight={28}
                height={160}
                label="Photos to delete"
                getKey={(photo) => photo.path}
                renderRow={(photo) => (
                  <span className="row-text">
                    {photo.path} ({formatBytes(photo.size)}) —{' '}
                    {photo.verifiedOn
                      ? `verified on ${photo.verifiedOn.join(' and ')}`
                      : `backed up at ${photo.backupAt}`}
                  </span>
                )}
              />
            </>
          ) : null}
          <div className="actions">
            <button
              type="button"
              className="danger"
              disabled={plan.toDelete.length === 0 || isRunning}
              onClick={() => void confirm()}
            >
              Delete {plan.toDelete.length} photos ({formatBytes(plan.bytesToFree)})
            </button>
            <button type="button" onClick={preview.clear}>
              Keep everything
            </button>
          </div>
        </section>
      ) : null}
      <ErrorMessage error={startError} title="Cleanup did not start" />
      {job ? <JobProgressPanel jobId={job.id} label="Cleanup" /> : null}
      {result?.success ? (
        <section className="panel" aria-label="Cleanup result" data-testid="cleanup-result">
          <h2>Result</h2>
          <p>
            Deleted {result.data.deleted} photos, freed {formatBytes(result.data.bytesFreed)}.{' '}
            {result.data.refused.length > 0
              ? result.data.allVerified
                ? `${result.data.refused.length} kept (not verified on every drive). `
                : `${result.data.refused.length} refused (no verified backup). `
              : ''}
            {result.data.failed.length > 0 ? `${result.data.failed.length} failed.` : ''}
          </p>
          {result.data.failed.map((failure) => (
            <p key={failure.path} className="error">
              {failure.path}: {failure.reason}
            </p>
          ))}
        </section>
      ) : null}
    </section>
  )
}
