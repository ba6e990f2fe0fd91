/**
 * Imported first by the bin (src/cli.ts). `vigil record` runs for hours on a budget of resident memory
 * (issue 16: 50 MB), and its peak was set at start-up: node's bootstrap and V8's parser leave about 35 MB
 * of the node binary's file pages mapped, and the bin's modules then grew the heap by 8 MB on top of them.
 * Those pages are given back now, before anything else loads (see sampler/native/page-trim.ts: the page
 * cache keeps them, a page used again is a minor fault). Other commands are left as they were: the screen's
 * first frame would pay for the pages it faults back in. The command is the first argument, as the docs
 * write it; a record whose options come first only misses this one release.
 */
import { trimNow } from './sampler/native/page-trim';

if (process.argv[2] === 'record') trimNow();
