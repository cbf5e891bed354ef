// DAISY Ace on several EPUBs with one headless Chromium (ace-puppeteer starts one a book):
//   node ace.cjs NODE_MODULES OUTDIR EPUB...
// writes OUTDIR/0/report.json, OUTDIR/1/report.json, ... in the order of the EPUBs.
"use strict";
const path = require("path");
const [modules, out, ...books] = process.argv.slice(2);
const ace = require(path.join(modules, "@daisy/ace-core"));
const runner = require(path.join(modules, "@daisy/ace-axe-runner-puppeteer"));
const logger = require(path.join(modules, "@daisy/ace-logger"));

// Ace launches and closes its runner for each book: launch once, close at the end.
let launched = false;
const shared = Object.assign({}, runner, {
  launch: async () => {
    if (!launched) await runner.launch();
    launched = true;
  },
  close: async () => {},
});

(async () => {
  logger.initLogger({verbose: false, silent: true});
  for (const [index, book] of books.entries()) {
    await ace(book, {cwd: process.cwd(), outdir: path.join(out, String(index)), jobId: "",
                     silent: true}, shared);
  }
  if (launched) await runner.close();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
