import { test } from "node:test"
import assert from "node:assert/strict"
import { charCount, cleanText, cutText, plainText } from "../../src/core/inbound/text"

// [case, input, max, output]
const texts: Array<[string, string, number, string]> = [
  ["short text stays", "Hello", 10, "Hello"],
  ["exactly the limit stays", "abcde", 5, "abcde"],
  ["one over is cut with …", "abcdef", 5, "abcd…"],
  ["a space before the cut goes", "abc defgh", 5, "abc…"],
  ["whitespace collapses", " a \n\n b\t\tc ", 20, "a b c"],
  ["Unicode spaces collapse", "a\u00a0\u2003\u2028b", 20, "a b"],
  ["C0 and C1 controls become spaces", "a\u0000b\u001bc\u007fd\u0085e", 20, "a b c d e"],
  ["direction overrides go", "\u202eabc\u202c \u2066x\u2069", 20, "abc x"],
  ["zero-width joiners stay (emoji sequences)", "👩\u200d💻", 20, "👩\u200d💻"],
  ["a lone surrogate is replaced", "a\ud800b", 20, "a\ufffdb"],
  ["an astral character is never split", "😀😀😀", 2, "😀…"],
  ["a limit of one", "abc", 1, "…"],
]
for (const [name, input, max, output] of texts) {
  test(`plainText: ${name}`, () => {
    assert.equal(plainText(input, max), output)
    assert.ok(charCount(plainText(input, max)) <= max)
  })
}

test("cleanText, cutText and charCount on their own", () => {
  assert.equal(cleanText("  x  "), "x")
  assert.equal(cutText("  x  ", 10), "  x  ")
  assert.equal(charCount("😀a"), 2)
  assert.equal(cutText("abc", 0), "")
})
