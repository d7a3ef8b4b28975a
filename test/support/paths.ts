import path from "node:path"

/** The repository root (the plugin package Medusa loads from its dist/). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..")
/** Scratch space for test stores, certificates and the embedded database; git-ignored. */
export const TMP_DIR = path.join(REPO_ROOT, ".tmp")
