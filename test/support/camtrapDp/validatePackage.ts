import fsp from 'node:fs/promises'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { CAMTRAP_TABLES, type CamtrapTable } from '../../../src/core/export/camtrapDpSchemas.js'
import { checkForeignKeys, checkTable } from '../../../src/core/export/tableSchema.js'

const profile = JSON.parse(
  await fsp.readFile(new URL('./datapackage-profile.schema.json', import.meta.url), 'utf8'),
) as object
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats.default(ajv)
const validateDescriptor = ajv.compile(profile)

/**
 * Every problem of a Camtrap DP package folder, as readable lines: the descriptor against the profile (ajv),
 * each table against its Table Schema, the foreign keys between them. An empty list means valid.
 */
export async function camtrapDpProblems(dir: string): Promise<string[]> {
  const descriptor = JSON.parse(await fsp.readFile(path.join(dir, 'datapackage.json'), 'utf8')) as {
    resources?: { name: string; path: string }[]
  }
  const problems: string[] = []
  if (!validateDescriptor(descriptor))
    for (const error of validateDescriptor.errors ?? [])
      problems.push(`datapackage.json${error.instancePath}: ${error.message}`)
  const tables = []
  for (const resource of descriptor.resources ?? []) {
    const schema = CAMTRAP_TABLES[resource.name as CamtrapTable]
    if (!schema) continue
    const checked = checkTable(
      resource.name,
      schema,
      await fsp.readFile(path.join(dir, resource.path), 'utf8'),
    )
    tables.push(checked.table)
    problems.push(...checked.problems.map(describe))
  }
  problems.push(...checkForeignKeys(tables).map(describe))
  return problems
}

const describe = (problem: { table: string; row: number; field?: string; message: string }) =>
  `${problem.table} row ${problem.row}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}`
