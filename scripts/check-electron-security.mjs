// Runs Electronegativity over the app's sources and fails on any finding of medium or high severity that
// is neither fixed nor explained at the spot by a comment `electronegativity: <CHECK_ID>` on the flagged
// line or the few lines above it. Electronegativity lives in tools/electronegativity with its own lockfile.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const toolDir = path.join(root, 'tools', 'electronegativity')
const tool = path.join(toolDir, 'node_modules', '.bin', 'electronegativity')
const EXPLANATION_WINDOW = 4

if (!fs.existsSync(tool)) {
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: toolDir, stdio: 'inherit' })
  if (install.status !== 0) process.exit(install.status ?? 1)
}

const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies
  .electron
const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'electronegativity-')), 'report.sarif')
// It tries to fetch Electron's release list and fails softly offline; the version is given instead.
const run = spawnSync(
  tool,
  ['-i', path.join(root, 'src'), '-e', electronVersion, '-s', 'medium', '-v', 'false', '-o', report],
  { encoding: 'utf8' },
)
if (!fs.existsSync(report)) {
  console.error(run.stdout, run.stderr)
  console.error('electronegativity wrote no report')
  process.exit(1)
}

const results = JSON.parse(fs.readFileSync(report, 'utf8')).runs.flatMap((r) => r.results)
const unexplained = results.filter((result) => {
  const location = result.locations[0].physicalLocation
  const lines = fs.readFileSync(location.artifactLocation.uri, 'utf8').split('\n')
  const line = location.region.startLine
  const nearby = lines.slice(Math.max(0, line - 1 - EXPLANATION_WINDOW), line).join('\n')
  return !nearby.includes(`electronegativity: ${result.ruleId}`)
})
for (const result of results) {
  const location = result.locations[0].physicalLocation
  const where = `${path.relative(root, location.artifactLocation.uri)}:${location.region.startLine}`
  const state = unexplained.includes(result) ? 'UNEXPLAINED' : 'explained'
  console.log(`${state.padEnd(11)} ${result.ruleId.padEnd(24)} ${where}  ${result.message.text}`)
}
console.log(`electronegativity: ${results.length} finding(s) reported, ${unexplained.length} unexplained`)
process.exit(unexplained.length === 0 ? 0 : 1)
