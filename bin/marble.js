#!/usr/bin/env node
// Command line entry: `marble <command> …`. Commands live in dist/cli/<command>.js.
"use strict";
const { main } = require("../dist/cli/index.js");
main(process.argv.slice(2)).then(
  (code) => process.exit(code ?? 0),
  (err) => {
    console.error(`marble: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
