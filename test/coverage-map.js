'use strict';
/**
 * tap's coverage map (package.json "tap"."coverage-map"): which source files each test file's coverage counts.
 * Every test covers everything ([]), except CPU-bound soaks of code that other tests cover too: V8's
 * per-block counting doubles their time (window-long: ten simulated hours, 9 s of CPU without it, 18 s
 * with it) and adds nothing to the report. null: no coverage collected while that file runs.
 */
const UNCOVERED = new Set(['dist/test/unit/store/window-long.solo.test.js']);

module.exports = (testFile) => (UNCOVERED.has(testFile) ? null : []);
