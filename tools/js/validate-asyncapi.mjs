// Parse an AsyncAPI document with @asyncapi/parser (its default Spectral ruleset) and print one
// JSON object: every diagnostic with its severity name, and counts of what the document holds.
// Usage: node validate-asyncapi.mjs <file>. Exit status 0 when the parser produced a document.
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const file = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(file, "utf8"), {
  source: file,
});
const severity = Object.fromEntries(
  Object.entries(DiagnosticSeverity).map(([name, value]) => [value, name.toLowerCase()]),
);
const out = {
  diagnostics: diagnostics.map((d) => ({
    severity: severity[d.severity],
    code: d.code,
    message: d.message,
    path: d.path.join("."),
  })),
  parsed: document !== undefined,
  version: document?.version(),
  channels: document?.channels().length ?? 0,
  operations: document?.operations().length ?? 0,
  messages: document?.allMessages().length ?? 0,
};
console.log(JSON.stringify(out, null, 2));
process.exit(document === undefined ? 1 : 0);
