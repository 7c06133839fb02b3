import { useState, type FormEvent } from 'react'

interface AddFolderFormProps {
  label: string
  placeholder: string
  /** Saves the folder; true when it was saved, so the field is emptied (on failure the text stays to fix). */
  onAdd(folder: string): Promise<boolean>
}

/** A typed folder path with an Add button (there is no native folder picker in the browser). */
export function AddFolderForm({ label, placeholder, onAdd }: AddFolderFormProps) {
  const [folder, setFolder] = useState('')
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const trimmed = folder.trim()
    if (trimmed && (await onAdd(trimmed))) setFolder('')
  }
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)}>
      <label>
        {label}{' '}
        <input value={folder} onChange={(event) => setFolder(event.target.value)} placeholder={placeholder} />
      </label>
      <button type="submit">Add</button>
    </form>
  )
}
