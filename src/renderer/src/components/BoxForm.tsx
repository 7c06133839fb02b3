import { useState, type FormEvent } from 'react'
import { ConfiguredBoxSchema, type ConfiguredBox } from '../../../shared/settings.js'

interface BoxFormProps {
  box: ConfiguredBox | undefined
  onSave(box: ConfiguredBox, secret: string | undefined): Promise<string | undefined>
  onCancel(): void
}

/** Adds or edits a box; the password or key passphrase goes to the OS keychain, never to the settings file. */
export function BoxForm({ box, onSave, onCancel }: BoxFormProps) {
  const [fields, setFields] = useState({
    name: box?.name ?? '',
    host: box?.host ?? '',
    port: String(box?.port ?? 22),
    username: box?.username ?? 'pi',
    photosPath: box?.photosPath ?? '~/CreatureBox/photos',
    privateKeyPath: box?.privateKeyPath ?? '',
  })
  const [secret, setSecret] = useState('')
  const [problem, setProblem] = useState<string | undefined>()
  const field = (name: keyof typeof fields, label: string, placeholder?: string) => (
    <label className="form-field">
      <span>{label}</span>
      <input
        value={fields[name]}
        placeholder={placeholder}
        onChange={(event) => setFields((current) => ({ ...current, [name]: event.target.value }))}
      />
    </label>
  )

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const parsed = ConfiguredBoxSchema.safeParse({
      ...box,
      id: box?.id ?? crypto.randomUUID(),
      name: fields.name,
      host: fields.host,
      port: Number(fields.port),
      username: fields.username,
      photosPath: fields.photosPath,
      privateKeyPath: fields.privateKeyPath.trim() || undefined,
      // A new address means a new host key to confirm.
      hostKeyFingerprint:
        box && box.host === fields.host.trim() && box.port === Number(fields.port)
          ? box.hostKeyFingerprint
          : undefined,
    })
    if (!parsed.success) return setProblem(parsed.error.issues.map((issue) => issue.message).join('; '))
    setProblem(await onSave(parsed.data, secret || undefined))
  }

  return (
    <form
      className="panel box-form"
      onSubmit={(event) => void submit(event)}
      aria-label={box ? `Edit ${box.name}` : 'Add a box'}
    >
      <div className="form-grid">
        {field('name', 'Name', 'Ridge trap')}
        {field('host', 'Host or address', '192.168.4.1')}
        {field('port', 'SSH port')}
        {field('username', 'User')}
        {field('photosPath', 'Photos folder on the box')}
        {field('privateKeyPath', 'Key file (optional)', '~/.ssh/id_ed25519')}
        <label className="form-field">
          <span>{fields.privateKeyPath ? 'Key passphrase (optional)' : 'Password (optional)'}</span>
          <input
            type="password"
            value={secret}
            autoComplete="off"
            onChange={(event) => setSecret(event.target.value)}
          />
        </label>
      </div>
      {problem ? (
        <div className="error" role="alert">
          {problem}
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary">
          Save box
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
