/**
 * Preloaded into a vigil under test (`node -r dist/test/helpers/loaded-modules.js`): at exit, writes the
 * files of every module it loaded, one a line, to the file named by VIGIL_TEST_MODULES.
 */
import * as fs from 'fs';

const file = process.env.VIGIL_TEST_MODULES;
if (file) process.on('exit', () => fs.writeFileSync(file, Object.keys(require.cache).join('\n')));
