/** A cache logger that keeps what it was told, so a test can assert the warning a user would see. */
export function recordingLogger() {
  const warnings: string[] = []
  const infos: string[] = []
  return {
    warnings,
    infos,
    warn: (message: string) => warnings.push(message),
    info: (message: string) => infos.push(message),
  }
}
