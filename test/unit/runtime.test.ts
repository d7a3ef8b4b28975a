import assert from "node:assert/strict"
import { test } from "node:test"
import { assertSupportedNode, isSupportedNode } from "../../src/core/options/runtime"

test("Node versions: 18.17 and later run the plugin, older ones do not", () => {
  const table: Array<[string, boolean]> = [
    ["18.17.0", true],
    ["v18.20.8", true],
    ["20.20.2", true],
    ["22.12.0", true],
    ["18.16.1", false],
    ["16.20.2", false],
    ["v14.21.3", false],
  ]
  for (const [version, supported] of table) assert.equal(isSupportedNode(version), supported, version)
})

test("an unsupported Node is refused with a message naming both versions", () => {
  assert.throws(() => assertSupportedNode("16.20.2"), /needs Node 18\.17\.0 or later; this store runs Node 16\.20\.2/)
  assert.doesNotThrow(() => assertSupportedNode(process.versions.node))
})
