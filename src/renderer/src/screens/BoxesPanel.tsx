import { useState } from 'react'
import { boxRefOf } from '../../../shared/boxes.js'
import type { ConfiguredBox } from '../../../shared/settings.js'
import { BoxForm } from '../components/BoxForm.js'
import { ModalDialog } from '../components/ModalDialog.js'
import { ErrorMessage } from '../components/ErrorMessage.js'
import { useBoxCheckStore } from '../stores/boxCheckStore.js'
import { useNavigationStore } from '../stores/navigationStore.js'
import { useSettingsStore } from '../stores/settingsStore.js'
import { useSourcesStore } from '../stores/sourcesStore.js'

/** One empty list for every render before the settings arrive (a new `[]` each time would loop). */
const NO_BOXES: readonly ConfiguredBox[] = []

function BoxConnection({ box }: { box: ConfiguredBox }) {
  const check = useBoxCheckStore((state) => state.checks[box.id])
  const trust = useBoxCheckStore((state) => state.trust)
  if (!check) return null
  switch (check.step) {
    case 'probing':
      return <p className="muted">Reaching {box.host}…</p>
    case 'logging-in':
      return <p className="muted">Host key trusted; logging in…</p>
    case 'connected':
      return (
        <p className="ok" role="status">
          Connected: {check.photos} photos on the box.
        </p>
      )
    case 'failed':
      return <ErrorMessage error={check.error} title="Connection failed" />
    case 'key-changed':
      return (
        <div className="error" role="alert">
          <strong>The box presents a different host key than the one trusted before.</strong> This happens
          when the box was reinstalled, or when something else answers in its place. Nothing was sent to it.
          Presented: <code>{check.hostKey.fingerprint}</code>; trusted:{' '}
          <code>{check.hostKey.pinnedFingerprints.join(', ')}</code>. To trust the new key, remove the old one
          from <code>{check.hostKey.knownHostsPath}</code>.
        </div>
      )
    case 'confirm-key':
      return (
        <div className="warning" role="alert" aria-label="Confirm host key">
          <p>
            First connection to {box.host}. Check that the box shows the same fingerprint (on the box:{' '}
            <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>):
          </p>
          <p>
            {check.hostKey.keyType}{' '}
            <code data-testid="host-key-fingerprint">{check.hostKey.fingerprint}</code>
          </p>
          <button type="button" className="primary" onClick={() => void trust(box, check.hostKey)}>
            The fingerprints match: trust this box
          </button>
        </div>
      )
  }
}

export function BoxesPanel() {
  const boxes = useSettingsStore((state) => state.settings?.boxes) ?? NO_BOXES
  const update = useSettingsStore((state) => state.update)
  const testBox = useBoxCheckStore((state) => state.test)
  const setSecret = useBoxCheckStore((state) => state.setSecret)
  const forgetCheck = useBoxCheckStore((state) => state.forget)
  const select = useSourcesStore((state) => state.select)
  const selected = useSourcesStore((state) => state.selected)
  const go = useNavigationStore((state) => state.go)
  const [editing, setEditing] = useState<ConfiguredBox | 'new' | undefined>()

  const save = async (box: ConfiguredBox, secret: string | undefined) => {
    const exists = boxes.some((other) => other.id === box.id)
    const failure = await update({
      boxes: exists ? boxes.map((other) => (other.id === box.id ? box : other)) : [...boxes, box],
    })
    if (failure) return failure.message
    if (secret) {
      const secretFailure = await setSecret(box.id, secret)
      if (secretFailure) return secretFailure.message
    }
    forgetCheck(box.id)
    setEditing(undefined)
    return undefined
  }
  const remove = async (box: ConfiguredBox) => {
    await setSecret(box.id, null)
    await update({ boxes: boxes.filter((other) => other.id !== box.id) })
    forgetCheck(box.id)
  }

  return (
    <section className="panel" aria-label="Boxes">
      <h2>Boxes over Wi-Fi (SSH)</h2>
      {boxes.length === 0 && editing === undefined ? <p className="muted">No box added yet.</p> : null}
      <ul className="plain">
        {boxes.map((box) => (
          <li
            key={box.id}
            className={selected === boxRefOf(box.id) ? 'source-row box-row selected' : 'source-row box-row'}
          >
            <div className="box-line">
              <strong>{box.name}</strong>
              <span className="muted path">
                {box.username}@{box.host}:{box.port} {box.photosPath}
              </span>
              <span className="row-actions">
                <button type="button" onClick={() => void testBox(box)}>
                  Test connection
                </button>
                <button
                  type="button"
                  onClick={() => {
                    select(boxRefOf(box.id))
                    go('dashboard')
                  }}
                >
                  Open
                </button>
                <button type="button" className="small" onClick={() => setEditing(box)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="small"
                  onClick={() => void remove(box)}
                  aria-label={`Forget ${box.name}`}
                >
                  Forget
                </button>
              </span>
            </div>
            <BoxConnection box={box} />
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => setEditing('new')}>
        Add a box
      </button>
      {editing ? (
        <ModalDialog
          label={editing === 'new' ? 'Add a box' : `Edit ${editing.name}`}
          onClose={() => setEditing(undefined)}
        >
          <BoxForm
            key={editing === 'new' ? 'new' : editing.id}
            box={editing === 'new' ? undefined : editing}
            onSave={save}
            onCancel={() => setEditing(undefined)}
          />
        </ModalDialog>
      ) : null}
    </section>
  )
}
