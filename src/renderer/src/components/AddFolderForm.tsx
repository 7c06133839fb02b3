import { useId, useState, type FormEvent, type ReactNode } from 'react'

interface AddFolderFormProps {
  label: string
  placeholder: string
  /** Saves the folder; true when it was saved, so the field is emptied (on failure the text stays to fix). */
  onAdd(folder: string): Promise<boolean>
  /** Why the last folder typed was refused, shown next to the field it belongs to. */
  refusal?: string
  /** Sets the field's text from elsewhere (a folder picker); each new value replaces what was typed. */
  chosen?: string
  children?: ReactNode
}

/** A typed folder path with an Add button, and the reason when it was refused. */
export function AddFolderForm({ label, placeholder, onAdd, refusal, chosen, children }: AddFolderFormProps) {
  const [folder, setFolder] = useState('')
  const [lastChosen, setLastChosen] = useState(chosen)
  const refusalId = useId()
  if (chosen !== lastChosen) {
    setLastChosen(chosen)
    if (chosen) setFolder(chosen)
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const trimmed = folder.trim()
    if (trimmed && (await onAdd(trimmed))) setFolder('')
  }
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)}>
      <label>
        {label}{' '}
        <input
          value={folder}
          onChange={(event) => setFolder(event.target.value)}
          placeholder={placeholder}
          aria-invalid={refusal ? true : undefined}
          aria-describedby={refusal ? refusalId : undefined}
        />
      </label>
      <button type="submit">Add</button>
      {children}
      {refusal ? (
        <p className="error-text field-refusal" id={refusalId} role="alert">
          {refusal}
        </p>
      ) : null}
    </form>
  )
}
