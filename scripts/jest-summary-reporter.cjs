// Writes reports/<name>.json with the pass and fail counts that .ci/run sums up.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(_globalConfig, options) {
    this.name = options.name;
  }

  onRunComplete(_contexts, results) {
    const dir = join(__dirname, '..', 'reports');
    mkdirSync(dir, { recursive: true });
    const failedSuites = results.numRuntimeErrorTestSuites;
    writeFileSync(
      join(dir, `${this.name}.json`),
      JSON.stringify({
        suite: this.name,
        passed: results.numPassedTests,
        failed: results.numFailedTests + failedSuites,
      }),
    );
  }
}

module.exports = SummaryReporter;
