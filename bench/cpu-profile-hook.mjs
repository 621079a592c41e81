// Loaded with `NODE_OPTIONS=--import=<this file>` (where --cpu-prof is not allowed): profiles
// the whole process with V8's sampling profiler and writes CPU_PROFILE_FILE at exit.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.CPU_PROFILE_FILE;
if (!file) throw new Error('CPU_PROFILE_FILE must name the .cpuprofile to write');
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 200 });
session.post('Profiler.start');
// A session on the process's own thread answers synchronously, so this works in an exit handler.
process.on('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (error) throw error;
    writeFileSync(file, JSON.stringify(result.profile));
  });
});
