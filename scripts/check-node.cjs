#!/usr/bin/env node
/*
 * The Node.js check that runs before `npm start`, `npm test` and `npm run dev` (package.json's
 * prestart, pretest and predev scripts). The project needs Node.js 22: the Lambda runtime is
 * nodejs22.x and @middy/core 7 and kysely 0.29 need it; .nvmrc says 22. An older Node gets a
 * clear message and exit code 1 instead of a syntax or module error further on; a newer one a
 * warning. Written for any Node version (CommonJS, no recent syntax), since it runs on old ones.
 */
"use strict";

var REQUIRED_MAJOR = 22;

/** { ok, message }: ok false when `version` (e.g. "18.19.0" or "v18.19.0") is older than 22. */
function checkNode(version, execPath) {
  var match = /^v?(\d+)\./.exec(String(version));
  var major = match ? Number(match[1]) : NaN;
  var where = execPath ? " (" + execPath + ")" : "";
  if (!(major >= REQUIRED_MAJOR)) {
    return {
      ok: false,
      message: [
        "This project needs Node.js " + REQUIRED_MAJOR + "; this is Node.js " + version + where + ".",
        "  With nvm: nvm install && nvm use   (reads .nvmrc)",
        "  Otherwise install Node.js " +
          REQUIRED_MAJOR +
          ' and put it first on PATH; README.md, "What a fresh machine needs", shows how.',
      ].join("\n"),
    };
  }
  if (major > REQUIRED_MAJOR) {
    return {
      ok: true,
      message:
        "warning: this is Node.js " +
        version +
        where +
        "; the project is built and tested on Node.js " +
        REQUIRED_MAJOR +
        " (the Lambda runtime, .nvmrc).",
    };
  }
  return { ok: true, message: "" };
}

module.exports = { checkNode: checkNode, REQUIRED_MAJOR: REQUIRED_MAJOR };

if (require.main === module) {
  var result = checkNode(process.versions.node, process.execPath);
  if (result.message) process.stderr.write(result.message + "\n");
  process.exitCode = result.ok ? 0 : 1;
}
