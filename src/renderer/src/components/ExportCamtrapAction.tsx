import { useState, type FormEvent } from 'react'
import { DeploymentSettingsSchema, type CamtrapExportResult } from '../../../shared/camtrapDp.js'
import type { CompanionErrorData } from '../../../shared/errors.js'
import { useDriveActionsStore } from '../stores/driveActionsStore.js'
import { ErrorMessage } from './ErrorMessage.js'

interface Fields {
  deploymentID: string
  latitude: string
  longitude: string
  timeZone: string
  outDir: string
}

/**
 * "Export Camtrap DP…": asks for the deployment's ID, place and time zone (offered again from the box's last
 * export), then writes the package beside the backup. The photos are not copied; the package points at them.
 */
export function ExportCamtrapAction({ cardFolder }: { cardFolder: string }) {
  const deploymentOf = useDriveActionsStore((state) => state.deploymentOf)
  const exportCamtrapDp = useDriveActionsStore((state) => state.exportCamtrapDp)
  const [fields, setFields] = useState<Fields | undefined>()
  const [problem, setProblem] = useState<CompanionErrorData | { message: string } | undefined>()
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<CamtrapExportResult | undefined>()

  const open = async () => {
    setResult(undefined)
    setProblem(undefined)
    const remembered = await deploymentOf(cardFolder)
    const known = remembered.ok ? remembered.value.deployment : null
    const folderName = cardFolder.split(/[\\/]/).filter(Boolean).at(-1) ?? 'deployment'
    setFields({
      deploymentID: known?.deploymentID ?? folderName,
      latitude: known ? String(known.latitude) : '',
      longitude: known ? String(known.longitude) : '',
      timeZone: known?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      outDir: `${cardFolder}-camtrap-dp`,
    })
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!fields) return
    const settings = DeploymentSettingsSchema.safeParse({
      deploymentID: fields.deploymentID,
      latitude: fields.latitude.trim() === '' ? undefined : Number(fields.latitude),
      longitude: fields.longitude.trim() === '' ? undefined : Number(fields.longitude),
      timeZone: fields.timeZone,
    })
    if (!settings.success)
      return setProblem({ message: settings.error.issues[0]?.message ?? 'Check the fields' })
    setBusy(true)
    setProblem(undefined)
    try {
      const outcome = await exportCamtrapDp({ source: cardFolder, outDir: fields.outDir, ...settings.data })
      if (!outcome.ok) return setProblem(outcome.error)
      setResult(outcome.value)
      setFields(undefined)
    } finally {
      setBusy(false)
    }
  }

  const field = (name: keyof Fields, label: string, hint?: string) => (
    <label className="form-field">
      <span>{label}</span>
      <input
        name={name}
        value={fields?.[name] ?? ''}
        placeholder={hint}
        onChange={(event) => setFields((current) => current && { ...current, [name]: event.target.value })}
      />
    </label>
  )

  return (
    <div className="drive-action" data-testid="export-camtrap">
      {fields ? (
        <form className="export-form" aria-label="Export Camtrap DP" onSubmit={(event) => void submit(event)}>
          <fieldset disabled={busy}>
            <legend>Camtrap DP export of this backup</legend>
            <div className="form-grid">
              {field('deploymentID', 'Deployment ID')}
              {field('latitude', 'Latitude', 'e.g. 9.15')}
              {field('longitude', 'Longitude', 'e.g. -79.85')}
              {field('timeZone', "Box's time zone", 'Europe/Berlin or +02:00')}
              {field('outDir', 'Package folder (new or empty)')}
            </div>
            <button type="submit">Export</button>{' '}
            <button type="button" onClick={() => setFields(undefined)}>
              Cancel
            </button>
          </fieldset>
        </form>
      ) : (
        <button type="button" onClick={() => void open()}>
          Export Camtrap DP…
        </button>
      )}
      <ErrorMessage error={problem} title="Not exported" />
      {result ? (
        <p data-testid="export-result">
          Camtrap DP package written: {result.media} photos in <code>{result.outDir}</code>
          {result.leftOut.length > 0
            ? ` (${result.leftOut.length} left out: empty or outside the dates)`
            : ''}
          .
        </p>
      ) : null}
    </div>
  )
}
