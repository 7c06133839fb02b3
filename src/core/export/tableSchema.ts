import { parseCsv } from './csv.js'

/**
 * The part of Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/) that Camtrap DP's
 * tables use: typed fields with constraints (required, unique, minimum, maximum, enum, pattern), a primary
 * key and foreign keys to other tables of the package. The npm `tableschema` package would do this, but it
 * is unmaintained since 2021 and pulls in an HTTP client; this is small enough to own and test.
 */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'datetime' | 'date' | 'object'

export interface TableField {
  name: string
  type: FieldType
  description?: string
  format?: string
  constraints?: {
    required?: boolean
    unique?: boolean
    minimum?: number
    maximum?: number
    enum?: string[]
    pattern?: string
  }
}

export interface ForeignKey {
  fields: string
  reference: { resource: string; fields: string }
}

export interface TableSchema {
  fields: TableField[]
  primaryKey?: string
  foreignKeys?: ForeignKey[]
  missingValues?: string[]
}

export interface TableProblem {
  table: string
  /** 1 is the first data row (the header is row 0). */
  row: number
  field?: string
  message: string
}

export interface ParsedTable {
  name: string
  schema: TableSchema
  header: string[]
  rows: Record<string, string>[]
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/
const BOOLEAN = new Set(['true', 'false'])

/** Why a non-missing value does not fit its field, or undefined when it does. */
function valueProblem(field: TableField, value: string): string | undefined {
  const { type, constraints = {} } = field
  let numeric: number | undefined
  switch (type) {
    case 'integer':
      if (!INTEGER.test(value)) return `"${value}" is not an integer`
      numeric = Number(value)
      break
    case 'number':
      if (!NUMBER.test(value)) return `"${value}" is not a number`
      numeric = Number(value)
      break
    case 'boolean':
      if (!BOOLEAN.has(value)) return `"${value}" is not true or false`
      break
    case 'datetime':
      if (!DATETIME.test(value) || Number.isNaN(Date.parse(value)))
        return `"${value}" is not a date-time with a UTC offset (YYYY-MM-DDThh:mm:ss±hh:mm)`
      break
    case 'date':
      if (!DATE.test(value) || Number.isNaN(Date.parse(value))) return `"${value}" is not a date (YYYY-MM-DD)`
      break
    case 'object':
      try {
        const parsed: unknown = JSON.parse(value)
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error()
      } catch {
        return `"${value}" is not a JSON object`
      }
      break
    case 'string':
      break
  }
  if (numeric !== undefined && constraints.minimum !== undefined && numeric < constraints.minimum)
    return `${value} is below the minimum ${constraints.minimum}`
  if (numeric !== undefined && constraints.maximum !== undefined && numeric > constraints.maximum)
    return `${value} is above the maximum ${constraints.maximum}`
  if (constraints.enum && !constraints.enum.includes(value))
    return `"${value}" is not one of ${constraints.enum.join(', ')}`
  if (constraints.pattern && !new RegExp(`^(?:${constraints.pattern})$`).test(value))
    return `"${value}" does not match the pattern ${constraints.pattern}`
  return undefined
}

/** Parses one table's CSV and checks its header and every value against its schema. */
export function checkTable(
  name: string,
  schema: TableSchema,
  csvText: string,
): { table: ParsedTable; problems: TableProblem[] } {
  const problems: TableProblem[] = []
  const [header = [], ...records] = parseCsv(csvText)
  const expected = schema.fields.map((field) => field.name)
  if (header.join(',') !== expected.join(','))
    problems.push({
      table: name,
      row: 0,
      message: `The header is ${header.join(',')}; the schema has ${expected.join(',')}`,
    })
  const missing = new Set(schema.missingValues ?? [''])
  const rows: Record<string, string>[] = []
  const seen = new Map<string, Set<string>>()
  records.forEach((record, index) => {
    const row = index + 1
    if (record.length !== header.length)
      problems.push({ table: name, row, message: `${record.length} values for ${header.length} columns` })
    const values: Record<string, string> = {}
    header.forEach((column, position) => (values[column] = record[position] ?? ''))
    rows.push(values)
    for (const field of schema.fields) {
      const value = values[field.name] ?? ''
      if (missing.has(value)) {
        if (field.constraints?.required || schema.primaryKey === field.name)
          problems.push({ table: name, row, field: field.name, message: 'is required' })
        continue
      }
      const problem = valueProblem(field, value)
      if (problem) problems.push({ table: name, row, field: field.name, message: problem })
      if (field.constraints?.unique || schema.primaryKey === field.name) {
        const values = seen.get(field.name) ?? new Set<string>()
        if (values.has(value))
          problems.push({ table: name, row, field: field.name, message: `"${value}" is not unique` })
        values.add(value)
        seen.set(field.name, values)
      }
    }
  })
  return { table: { name, schema, header, rows }, problems }
}

/** Every foreign key of every table must name a row of the table it references (empty values excepted). */
export function checkForeignKeys(tables: ParsedTable[]): TableProblem[] {
  const problems: TableProblem[] = []
  const byName = new Map(tables.map((table) => [table.name, table]))
  for (const table of tables) {
    for (const key of table.schema.foreignKeys ?? []) {
      const target = byName.get(key.reference.resource)
      if (!target) {
        problems.push({
          table: table.name,
          row: 0,
          message: `The foreign key ${key.fields} names a table "${key.reference.resource}" the package lacks`,
        })
        continue
      }
      const known = new Set(target.rows.map((row) => row[key.reference.fields]))
      table.rows.forEach((row, index) => {
        const value = row[key.fields] ?? ''
        if (value !== '' && !known.has(value))
          problems.push({
            table: table.name,
            row: index + 1,
            field: key.fields,
            message: `"${value}" is not a ${key.reference.fields} of ${target.name}`,
          })
      })
    }
  }
  return problems
}
