// Runs tests/vectors.py rows (handed over as JSON by tests/test_baseline_agrees.py) through the
// plain-JS baseline and prints what each produced, as JSON.
// Usage: node run_vectors.js <cases.json>
'use strict';
const fs = require('fs');
const path = require('path');
const baseline = require(path.join(__dirname, 'heap-baseline.js'));

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const APP = { appId: '1234567890' };

function settingsWith(overrides) {
  return baseline.resolveSettings(APP, overrides).settings;
}

function attempt(fn) {
  try {
    return fn();
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

const out = {
  calls: cases.calls.map(([overrides, text]) => {
    const result = baseline.callsFor(JSON.parse(text), settingsWith(overrides));
    return { calls: result.calls, warnings: result.warnings };
  }),
  settings: cases.settings.map(([config, options]) => attempt(() => baseline.resolveSettings(config, options))),
  loader: cases.loader.map((overrides) => baseline.loaderPlan(settingsWith(overrides))),
};
process.stdout.write(JSON.stringify(out));
