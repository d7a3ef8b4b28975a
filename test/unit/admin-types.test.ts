import assert from "node:assert/strict"
import fs from "node:fs"
import path from "node:path"
import { test } from "node:test"
import ts from "typescript"

/**
 * The admin extension's types of the server's answers (admin-extension/src/lib/types.ts) against
 * openapi.json: each interface has the properties of its schema, no more and no fewer, each
 * optional exactly where the schema does not require it, nullable exactly where the schema allows
 * null, string unions with the schema's enum; nested objects, arrays and maps likewise. The types
 * are read with the TypeScript compiler's checker, so `Pick<>`, `Required<>` and intersections
 * count as the admin's code sees them.
 */

const root = path.join(__dirname, "..", "..")
const TYPES_FILE = path.join(root, "admin-extension", "src", "lib", "types.ts")
const doc = JSON.parse(fs.readFileSync(path.join(root, "openapi.json"), "utf8")) as unknown

/** Where openapi.json describes the JSON answer of `METHOD /path` with `status`. */
function answer(method: string, urlPath: string, status = "200"): string {
  return `#/paths/${urlPath.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}/responses/${status}/content/application~1json/schema`
}

interface Mapping {
  /** The interface in types.ts. */
  type: string
  /** JSON pointer to its schema in openapi.json. */
  schema: string
  /** Properties of the schema the type leaves out on purpose. */
  leftOut?: string[]
}

const MAPPINGS: Mapping[] = [
  { type: "PushConfig", schema: `${answer("get", "/admin/push/config")}/properties/config` },
  { type: "PausedPushService", schema: "#/components/schemas/PausedPushService" },
  { type: "PushStats", schema: `${answer("get", "/admin/push/stats")}/properties/stats` },
  { type: "DayOutcomes", schema: `${answer("get", "/admin/push/stats")}/properties/stats/properties/series/items` },
  { type: "AttributionFigures", schema: `${answer("get", "/admin/push/stats")}/properties/stats/properties/attribution` },
  { type: "RevenueDay", schema: `${answer("get", "/admin/push/stats")}/properties/stats/properties/attribution/properties/daily/items` },
  {
    type: "EventFigures",
    schema: `${answer("get", "/admin/push/stats")}/properties/stats/properties/attribution/properties/by_event/items`,
  },
  {
    type: "BroadcastFigures",
    schema: `${answer("get", "/admin/push/stats")}/properties/stats/properties/attribution/properties/broadcasts/items`,
  },
  { type: "ClickFigures", schema: "#/components/schemas/ClickFigures" },
  { type: "Money", schema: "#/components/schemas/Money" },
  { type: "Device", schema: "#/components/schemas/Subscription" },
  { type: "PushMessage", schema: "#/components/schemas/PushMessageView" },
  // The audience part of both answers: the dry run's flag and the sent message are typed where the page reads them.
  { type: "BroadcastReach", schema: answer("post", "/admin/push/broadcasts", "200"), leftOut: ["dry_run"] },
  { type: "BroadcastReach", schema: answer("post", "/admin/push/broadcasts", "202"), leftOut: ["message"] },
  { type: "BroadcastSegment", schema: "#/components/schemas/BroadcastSegment" },
  { type: "Delivery", schema: "#/components/schemas/Delivery" },
  { type: "TemplateFields", schema: "#/components/schemas/TemplateFields" },
  { type: "SavedOverride", schema: "#/components/schemas/SavedOverride" },
  { type: "TemplateDefault", schema: "#/components/schemas/TemplateEntry/properties/default" },
  { type: "PushTemplate", schema: "#/components/schemas/TemplateEntry" },
  { type: "RenderedNotification", schema: "#/components/schemas/RenderedNotification" },
  { type: "RenderedPreview", schema: answer("post", "/admin/push/templates/preview") },
  { type: "Preferences", schema: answer("get", "/admin/push/preferences") },
  { type: "ContactMessage", schema: "#/components/schemas/ContactMessage" },
  { type: "InboundSource", schema: "#/components/schemas/InboundSource" },
  { type: "Automation", schema: "#/components/schemas/Automation" },
  { type: "VariantAlertCounts", schema: `${answer("get", "/admin/push/product-alerts")}/properties/variants/items` },
]

interface Schema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  additionalProperties?: Schema | boolean
  allOf?: Schema[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  enum?: unknown[]
  const?: unknown
}

function pointer(ref: string): Schema {
  assert.ok(ref.startsWith("#/"), `a local reference: ${ref}`)
  let node: unknown = doc
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~")
    assert.ok(node !== null && typeof node === "object" && key in node, `openapi.json has ${ref} (stops at "${key}")`)
    node = (node as Record<string, unknown>)[key]
  }
  return node as Schema
}

/** The schema with its `$ref` followed and its `allOf` merged into one object schema. */
function resolved(schema: Schema): Schema {
  if (schema.$ref) return resolved({ ...pointer(schema.$ref), ...schema, $ref: undefined })
  if (!schema.allOf) return schema
  const parts = schema.allOf.map(resolved)
  return {
    ...schema,
    allOf: undefined,
    type: "object",
    properties: Object.assign({}, schema.properties, ...parts.map((p) => p.properties)),
    required: [...(schema.required ?? []), ...parts.flatMap((p) => p.required ?? [])],
  }
}

function allowsNull(schema: Schema): boolean {
  const s = resolved(schema)
  const types = Array.isArray(s.type) ? s.type : [s.type]
  return types.includes("null") || [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(allowsNull)
}

function loadTypes(): { checker: ts.TypeChecker; interfaces: Map<string, ts.Type> } {
  const program = ts.createProgram([TYPES_FILE], { strict: true, noEmit: true, types: [], lib: ["lib.es2020.d.ts"] })
  const diagnostics = ts.getPreEmitDiagnostics(program)
  assert.equal(
    diagnostics.length,
    0,
    ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" })
  )
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(TYPES_FILE)
  assert.ok(source)
  const interfaces = new Map<string, ts.Type>()
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, checker.getTypeAtLocation(statement.name))
  }
  return { checker, interfaces }
}

const { checker, interfaces } = loadTypes()

function includesNull(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Null) !== 0 || (type.isUnion() && type.types.some(includesNull))
}

/** The string literals a type is a union of, or undefined when it is not (plain `string`, an object...). */
function stringLiterals(type: ts.Type): string[] | undefined {
  const parts = type.isUnion() ? type.types : [type]
  if (!parts.every((t) => t.isStringLiteral())) return undefined
  return parts.map((t) => (t as ts.StringLiteralType).value).sort()
}

/** Every difference between a TypeScript type and a schema, as `where: what`. */
function differences(type: ts.Type, schema: Schema, at: string, leftOut: string[] = []): string[] {
  const s = resolved(schema)
  const value = checker.getNonNullableType(type)
  const problems: string[] = []

  const literals = stringLiterals(value)
  const allowed = s.enum ?? (s.const === undefined ? undefined : [s.const])
  if (literals && allowed) {
    const expected = allowed
      .filter((v) => v !== null)
      .map(String)
      .sort()
    if (JSON.stringify(literals) !== JSON.stringify(expected))
      problems.push(`${at}: the type allows ${literals.join(" | ")}, openapi.json ${expected.join(" | ")}`)
  }

  if (s.properties) {
    const properties = new Map(checker.getPropertiesOfType(value).map((p) => [p.name, p]))
    if (properties.size === 0) return [`${at}: openapi.json describes an object with properties, the type has none`]
    for (const name of Object.keys(s.properties)) {
      if (!properties.has(name) && !leftOut.includes(name)) problems.push(`${at}.${name}: in openapi.json, missing from the type`)
    }
    for (const [name, property] of properties) {
      const where = `${at}.${name}`
      const propertySchema = s.properties[name]
      if (!propertySchema) {
        problems.push(`${where}: in the type, not in openapi.json`)
        continue
      }
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0
      const required = (s.required ?? []).includes(name)
      if (optional === required)
        problems.push(`${where}: ${required ? "required" : "optional"} in openapi.json, ${optional ? "optional" : "required"} in the type`)
      const propertyType = checker.getTypeOfSymbol(property)
      if (includesNull(propertyType) !== allowsNull(propertySchema)) {
        problems.push(
          `${where}: ${allowsNull(propertySchema) ? "may be null" : "is never null"} in openapi.json, ${includesNull(propertyType) ? "nullable" : "not nullable"} in the type`
        )
      }
      problems.push(...differences(propertyType, propertySchema, where))
    }
  } else if (s.items) {
    if (!checker.isArrayType(value)) return [`${at}: an array in openapi.json, not in the type`]
    problems.push(...differences(checker.getTypeArguments(value as ts.TypeReference)[0], s.items, `${at}[]`))
  } else if (typeof s.additionalProperties === "object") {
    const entry = checker.getIndexTypeOfType(value, ts.IndexKind.String)
    if (!entry) return [`${at}: a map in openapi.json, not in the type`]
    problems.push(...differences(entry, s.additionalProperties, `${at}{}`))
  }
  return problems
}

test("every interface in the admin's types.ts is mapped to its schema in openapi.json", () => {
  const mapped = new Set(MAPPINGS.map((m) => m.type))
  assert.deepEqual(
    [...interfaces.keys()].filter((name) => !mapped.has(name)),
    [],
    "add the interface to MAPPINGS"
  )
  assert.deepEqual(
    [...mapped].filter((name) => !interfaces.has(name)),
    [],
    "MAPPINGS names interfaces types.ts no longer has"
  )
})

test("the admin's types of the server's answers match openapi.json", () => {
  const problems = MAPPINGS.flatMap(({ type, schema, leftOut }) => {
    const declared = interfaces.get(type)
    return declared ? differences(declared, pointer(schema), type, leftOut) : []
  })
  assert.deepEqual(problems, [], `admin-extension/src/lib/types.ts differs from openapi.json:\n  ${problems.join("\n  ")}`)
})

test("the comparison sees a property openapi.json has and a type lacks, and one the other way round", () => {
  const device = interfaces.get("Device")
  assert.ok(device)
  const subscription = pointer("#/components/schemas/Subscription")
  const extra = {
    ...subscription,
    properties: { ...subscription.properties, nickname: { type: "string" } },
    required: [...(subscription.required ?? []), "nickname"],
  }
  assert.deepEqual(differences(device, extra, "Device"), ["Device.nickname: in openapi.json, missing from the type"])
  const { time_zone: _dropped, ...fewer } = subscription.properties ?? {}
  const less = { ...subscription, properties: fewer, required: (subscription.required ?? []).filter((n) => n !== "time_zone") }
  assert.deepEqual(differences(device, less, "Device"), ["Device.time_zone: in the type, not in openapi.json"])
})
