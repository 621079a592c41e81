// Sums the reports the test runners wrote under reports/ into the line CI reads:
// `tests: N passed, N failed`. Understands jest/vitest JSON, Playwright JSON and the
// {suite, passed, failed} files that .ci/run and the jest reporter write.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'reports';

function counts(report) {
  if (typeof report.passed === 'number') return { passed: report.passed, failed: report.failed };
  if (typeof report.numPassedTests === 'number') {
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0),
    };
  }
  if (report.stats && typeof report.stats.expected === 'number') {
    const errors = Array.isArray(report.errors) ? report.errors.length : 0;
    return {
      passed: report.stats.expected + report.stats.flaky,
      failed: report.stats.unexpected + errors,
    };
  }
  throw new Error('unknown report format');
}

let passed = 0;
let failed = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  let result;
  try {
    result = counts(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  } catch (error) {
    result = { passed: 0, failed: 1 };
    console.log(`  ${file}: unreadable (${error.message})`);
  }
  console.log(`  ${file.replace(/\.json$/, '')}: ${result.passed} passed, ${result.failed} failed`);
  passed += result.passed;
  failed += result.failed;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
