#!/usr/bin/env node
// Command line entry: `marble <command> …`. Commands live in dist/cli/<command>.js (npm run build).
"use strict";
const { join } = require("node:path");
let cli;
try {
  cli = require("../dist/cli/index.js");
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes(join("dist", "cli", "index.js"))) {
    console.error(`marble: ${join(__dirname, "..", "dist")} is missing; run \`npm run build\` in ${join(__dirname, "..")} first`);
    process.exit(1);
  }
  throw err;
}
cli.runCli(process.argv.slice(2));
