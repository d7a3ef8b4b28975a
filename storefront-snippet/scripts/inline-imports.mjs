// Makes one TypeScript source of the helper's entry and the relative modules it imports (the
// browser code it shares with the plugin's admin), so that tsc alone builds it into one ES module,
// one plain script and one .d.mts a storefront copies as they are.
// Each module comes once, dependencies first, where the entry's first relative import stood; the
// imports and the modules' `export` keywords go, so only the entry's exports remain public.
// What plain concatenation would get wrong is refused with the file named: renamed, default or
// namespace imports, `export default`, re-exports from a module, a package import in a module,
// and two files declaring the same top-level name.
import { readFileSync } from "node:fs"
import { dirname, relative, resolve } from "node:path"
import ts from "typescript"

/** The entry's source with its relative imports inlined. */
export function inlineRelativeImports(entry) {
  const modules = []
  const declaredIn = new Map()
  const visiting = new Set()

  function fail(file, node, message) {
    const { line } = node.getSourceFile().getLineAndCharacterOfPosition(node.getStart())
    throw new Error(`${relative(process.cwd(), file)}:${line + 1}: ${message}`)
  }

  function declare(file, name, node) {
    const other = declaredIn.get(name)
    if (other && other !== file)
      fail(file, node, `"${name}" is also declared in ${relative(process.cwd(), other)}; inlined, the two would clash`)
    declaredIn.set(name, file)
  }

  /** The file's text with its relative imports (and, for a module, its `export` keywords) cut out. */
  function edit(file, isEntry) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
    const cuts = []
    const cutLine = (node) => {
      let end = node.end
      while (source.text[end] === "\n" || source.text[end] === "\r") end++
      cuts.push([node.getStart(), end])
    }
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement)) {
        const from = statement.moduleSpecifier.text
        if (!from.startsWith(".")) {
          if (isEntry) continue
          fail(file, statement, `imports the package "${from}": the shared browser code has no dependencies`)
        }
        const clause = statement.importClause
        const named = clause?.namedBindings
        if (!clause || clause.name || !named || !ts.isNamedImports(named) || named.elements.some((e) => e.propertyName)) {
          fail(file, statement, `import from "${from}": only \`import { a, b } from '${from}'\`, no renaming, can be inlined`)
        }
        visit(resolve(dirname(file), `${from}.ts`))
        cutLine(statement)
        continue
      }
      if (ts.isExportDeclaration(statement) && (statement.moduleSpecifier || !isEntry)) {
        fail(file, statement, "import the names, then export them from the entry: `export { a }`")
      }
      if (ts.isExportAssignment(statement)) fail(file, statement, "no default export")
      for (const name of declaredNames(statement)) declare(file, name, statement)
      if (isEntry) continue
      for (const modifier of ts.getModifiers(statement) ?? []) {
        if (modifier.kind === ts.SyntaxKind.DefaultKeyword) fail(file, statement, "no default export")
        if (modifier.kind === ts.SyntaxKind.ExportKeyword) cuts.push([modifier.getStart(), modifier.end + 1])
      }
    }
    return { source, cuts }
  }

  function visit(file) {
    if (modules.some((m) => m.file === file)) return
    if (visiting.has(file)) throw new Error(`${relative(process.cwd(), file)}: imported in a cycle`)
    visiting.add(file)
    const { source, cuts } = edit(file, false)
    visiting.delete(file)
    modules.push({ file, text: applyCuts(source.text, cuts).trim() })
  }

  const { source, cuts } = edit(entry, true)
  if (cuts.length === 0) return source.text
  const inlined = modules.map((m) => `// inlined from ${relative(dirname(entry), m.file)}\n${m.text}\n`).join("\n")
  const [first, ...rest] = cuts.sort((a, b) => a[0] - b[0])
  // A blank line keeps the entry's opening comment apart: it stays the file's own, in the .d.mts too.
  const block = `\n${inlined}\n`
  const text = source.text.slice(0, first[0]) + block + source.text.slice(first[1])
  const shift = block.length - (first[1] - first[0])
  return applyCuts(
    text,
    rest.map(([a, b]) => [a + shift, b + shift])
  )
}

function applyCuts(text, cuts) {
  let out = text
  for (const [start, end] of [...cuts].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end)
  return out
}

function declaredNames(statement) {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []))
  }
  const named =
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement)
  return named && statement.name ? [statement.name.text] : []
}
