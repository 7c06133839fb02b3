export function BoxesPanel() {
  return null
}
